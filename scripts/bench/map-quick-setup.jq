# The Quick Setup transform of `clevertap-actions map`, in jq, for scripts/bench-map.sh:
# identify -> User Upload record (identity as text, ts and ISO-8601 strings in traits to Unix
# seconds with the same strict rules, nested objects flattened to dotted keys), "Delete User"
# track -> User Delete record. Output lines are byte-identical to `map` on generated events.
def leap($y): ($y % 4 == 0) and (($y % 100 != 0) or ($y % 400 == 0));
def days_in($y; $m):
  if $m == 2 then (if leap($y) then 29 else 28 end)
  elif ($m == 4 or $m == 6 or $m == 9 or $m == 11) then 30 else 31 end;
def days_from_civil($y; $m; $d):
  ($y - (if $m <= 2 then 1 else 0 end)) as $yy
  | ((if $yy >= 0 then $yy else $yy - 399 end) / 400 | floor) as $era
  | ($yy - $era * 400) as $yoe
  | (((153 * (if $m > 2 then $m - 3 else $m + 9 end) + 2) / 5 | floor) + $d - 1) as $doy
  | ($yoe * 365 + ($yoe / 4 | floor) - ($yoe / 100 | floor) + $doy) as $doe
  | $era * 146097 + $doe - 719468;
def iso_seconds:
  if type == "string" and length >= 10 and length <= 35 then
    (capture("^(?<y>[0-9]{4})-(?<mo>[0-9]{2})-(?<d>[0-9]{2})(?:T(?<h>[0-9]{2}):(?<mi>[0-9]{2})(?::(?<s>[0-9]{2})(?:\\.[0-9]{1,9})?)?(?:Z|(?<sign>[-+])(?<oh>[0-9]{2}):?(?<om>[0-9]{2}))?)?$") // null) as $c
    | if $c == null then null else
        ($c.y | tonumber) as $y | ($c.mo | tonumber) as $m | ($c.d | tonumber) as $d
        | (($c.h // "0") | tonumber) as $h | (($c.mi // "0") | tonumber) as $mi | (($c.s // "0") | tonumber) as $s
        | (if $c.sign == null then 0
           else (($c.oh | tonumber) * 3600 + ($c.om | tonumber) * 60) * (if $c.sign == "-" then -1 else 1 end) end) as $off
        | if $m < 1 or $m > 12 or $d < 1 or $d > days_in($y; $m) or $h > 23 or $mi > 59 or $s > 59
             or ($c.oh // "0" | tonumber) > 23 or ($c.om // "0" | tonumber) > 59 then null
          else days_from_civil($y; $m; $d) * 86400 + $h * 3600 + $mi * 60 + $s - $off end
      end
  else null end;
def ts_seconds:
  (if type == "number" then floor
   elif type == "string" then (if test("^[0-9]+(\\.[0-9]+)?$") then (tonumber | floor) else iso_seconds end)
   else null end)
  | if . != null and . >= 1 and . <= 9999999999 then . else null end;
def operators: ["$add", "$remove", "$incr", "$decr", "$delete"];
def profile_entries($prefix):
  to_entries[] | .key as $k | .value as $v
  | if ($v | type) == "string" then {key: ($prefix + $k), value: ($v | iso_seconds // $v)}
    elif ($v | type) == "object" then
      (if ($v | length) > 0 and ([$v | keys[] | . as $o | operators | index($o) != null] | all)
       then {key: ($prefix + $k), value: $v}
       else ($v | profile_entries($prefix + $k + ".")) end)
    elif ($v | type) == "array" and ($v | any(type == "object" or type == "array")) then {key: ($prefix + $k), value: ($v | tojson)}
    else {key: ($prefix + $k), value: $v} end;
def identity: if type == "string" and test("\\S") then . elif type == "number" then tostring else null end;
def missing_identity: "Identity (identity) is required but the mapping gave no value: map it to a field the event has (e.g. $.userId)";

. as $e
| (if $e.type == "identify" then
     ($e.userId | identity) as $id
     | if $id == null then {subscription: "User Upload", line: input_line_number, error: missing_identity}
       else {subscription: "User Upload", action: "userUpload",
             record: ({type: "profile", identity: $id}
                      + (($e.timestamp | ts_seconds) as $t | if $t == null then {} else {ts: $t} end)
                      + {profileData: (if ($e.traits | type) == "object" then ([$e.traits | profile_entries("")] | from_entries) else {} end)})}
       end
   else empty end),
  (if $e.event == "Delete User" then
     ($e.userId | identity) as $id
     | if $id == null then {subscription: "User Delete", line: input_line_number, error: missing_identity}
       else {subscription: "User Delete", action: "userDelete", record: {identity: $id}} end
   else empty end)
