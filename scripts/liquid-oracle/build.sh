#!/usr/bin/env bash
# Builds Segment's liquid engine and mapping-kit from their sources into build/, to check what
# Segment answers for a template or mapping. Not part of the build or the tests: the answers it
# gave are committed as fixtures (Tests/Fixtures/liquid-cases.ndjson).
#
# Needs: Debian's esbuild and node-tslib (apt-get install esbuild node-tslib), node, and checkouts of
#   LIQUIDJS=...            harttle/liquidjs at v10.27.x (Segment pins 10.27.2)
#   ACTION_DESTINATIONS=... segmentio/action-destinations
# Use:  ./build.sh; node liquid.js < lines; node mapping.js < lines  (NODE_PATH=/usr/share/nodejs)
#   liquid.js:  {"template": "...", "event": {...}} per line -> {"output": "..."} | {"error": "..."}
#   mapping.js: {"mapping": {...}, "event": {...}} per line  -> {"output": {...}} | {"error": "..."}
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
: "${LIQUIDJS:?set LIQUIDJS to a liquidjs checkout}" "${ACTION_DESTINATIONS:?set ACTION_DESTINATIONS to an action-destinations checkout}"
mkdir -p "$here/build"
esbuild "$LIQUIDJS/src/index.ts" --bundle --platform=node --format=cjs --external:tslib --outfile="$here/build/liquid.cjs"
echo "export { transform } from '$ACTION_DESTINATIONS/packages/core/src/mapping-kit/index'" > "$here/build/entry.ts"
esbuild "$here/build/entry.ts" --bundle --platform=node --format=cjs --external:tslib \
  --alias:liquidjs="$LIQUIDJS/src/index.ts" \
  --alias:aggregate-error="$here/aggregate-error.js" --alias:ts-custom-error="$here/ts-custom-error.js" \
  --outfile="$here/build/mapping-kit.cjs"
