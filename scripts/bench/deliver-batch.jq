# Groups the records of scripts/bench/map-quick-setup.jq into the request lines that
# `clevertap-actions deliver --dry-run` writes: at most 1000 profiles per upload and 100
# identities per delete, a full batch written as soon as it fills, the partial ones at the end
# (uploads first). Run as the second stage of the jq pipeline in scripts/bench-deliver.sh:
#   jq -c -f scripts/bench/map-quick-setup.jq | jq -n -c -f scripts/bench/deliver-batch.jq
def request($action; $records):
  if $action == "userUpload"
  then {method: "POST", path: "/1/upload", records: ($records | length), body: {d: $records}}
  else {method: "POST", path: "/1/delete/profiles.json", records: ($records | length),
        body: {identity: [$records[].identity]}} end;

foreach ((inputs | select(has("record"))), null) as $r (
  {u: [], d: [], out: []};
  .out = []
  | if $r == null then
      (if (.u | length) > 0 then .out += [request("userUpload"; .u)] else . end)
      | (if (.d | length) > 0 then .out += [request("userDelete"; .d)] else . end)
    elif $r.action == "userUpload" then
      .u += [$r.record]
      | if (.u | length) == 1000 then .out = [request("userUpload"; .u)] | .u = [] else . end
    else
      .d += [$r.record]
      | if (.d | length) == 100 then .out = [request("userDelete"; .d)] | .d = [] else . end
    end;
  .out[]
)
