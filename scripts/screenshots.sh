#!/usr/bin/env bash
# Screenshots of the running setup wizard, for the README: builds clevertap-actions, runs the real
# binary in a private tmux server (temporary HOME and workspace), walks the main path with real
# keys and a real bracketed paste, then a Customized Setup against a local sandbox up to a test
# send, captures each screen with `tmux capture-pane -e` and renders it to screenshots/NN-step.png
# (pyte as the terminal emulator, Pillow and DejaVu Sans Mono to draw).
#
# Usage: scripts/screenshots.sh [--no-build] [--out DIR]
#   --no-build  use the existing .build/debug/clevertap-actions
#   --out DIR   write the PNGs to DIR instead of screenshots/
# Installs what is missing: tmux and fonts-dejavu-core with apt-get, pyte and pillow with pip
# (into a private virtualenv under ~/.cache when the system python lacks them).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT="$ROOT/screenshots"
BUILD=1
while [ $# -gt 0 ]; do
    case $1 in
        --no-build) BUILD= ;;
        --out) OUT=$(mkdir -p "$2" && cd "$2" && pwd); shift ;;
        -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) printf 'screenshots: unknown option %s (see --help)\n' "$1" >&2; exit 2 ;;
    esac
    shift
done

COLUMNS_=100
ROWS_=30
FONT_DIR=/usr/share/fonts/truetype/dejavu
BINARY="$ROOT/.build/debug/clevertap-actions"
DASHBOARD_URL="https://in1.dashboard.clevertap.com/844-6K7-984Z/main"
PASSCODE="pc-secret-1234" # made up: masked on every screen

# shellcheck source=scripts/screenshots/lib.sh
. "$ROOT/scripts/screenshots/lib.sh"

ensure_tools
ensure_python

if [ -n "$BUILD" ]; then
    log "building clevertap-actions"
    builder=${SWIFT:-swift}  # SWIFT names another driver (a wrapper) when needed
    (cd "$ROOT" && "$builder" build --product clevertap-actions 2>&1 | tail -20) >&2 \
        || die "the build failed (its last lines are above)"
fi
[ -x "$BINARY" ] || die "no binary at $BINARY (run without --no-build)"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/clevertap-shots.XXXXXX")
SHOT_HOME="$WORK"
CONFIG="$SHOT_HOME/.config/clevertap-actions/workspace.json"
cleanup() {
    stop_sandbox
    tmx kill-server 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT
mkdir -p "$OUT"

# ---- the main path: a new workspace from source to saved ----------------------------------
start_wizard
wait_for "Step 1 of 4: Source"
type_text "Website"
wait_for "Website"
shot 01-source

keys Enter
wait_for "Step 2 of 4: Credentials"
# Pasted while the region list has focus: the paste goes to the URL field whole.
keys Tab Tab Tab
paste_text "$DASHBOARD_URL"
wait_for "Project ID 844-6K7-984Z"
keys Tab Tab
type_text "$PASSCODE"
wait_for "••••"
shot 02-credentials

keys Enter
wait_for "Step 3 of 4: Setup mode"
shot 03-setup-mode

keys Enter
wait_for "Ready. Press Enter to save."
shot 04-review

keys Enter
wait_for "its write key"
shot 05-saved

keys Enter
wait_for "EXIT:0"

# ---- the wizard again on the saved workspace: the destination menu -------------------------
start_wizard
wait_for "Add a destination"
shot 06-menu
keys q
wait_for "EXIT:"

# ---- Customized Setup against a local sandbox: subscriptions, editor, a test send -----------
# A fresh workspace whose destination points at `clevertap-actions sandbox` (its demo account),
# so the test send really goes over HTTP and nothing leaves the machine.
rm -f "$CONFIG"
start_sandbox
start_wizard
wait_for "Step 1 of 4: Source"
type_text "Website"
keys Enter
wait_for "Step 2 of 4: Credentials"
keys Tab
type_text "TEST-SBX-123-456Z"
keys Tab
type_text "sandbox-passcode"
keys Tab
keys Down Down Down Down Down Down Down # the region list's last entry: Custom endpoint
wait_for "Endpoint URL"
keys Tab
paste_text "$SANDBOX_URL"
wait_for "$SANDBOX_URL"
keys Enter
wait_for "Step 3 of 4: Setup mode"
keys Down Enter
wait_for "Subscriptions (Customized Setup)"
keys u
wait_for "Name of the new User Upload"
keys C-u
type_text "Identify to profile"
keys Enter
wait_for "[x] Identify to profile"
keys d
wait_for "Name of the new Delete User"
keys C-u
type_text "Account deletions"
keys Enter
wait_for "[x] Account deletions"

keys Up Enter
wait_for "Edit \"Identify to profile\""
keys a
wait_for "Condition (field op value)"
keys C-u
type_text 'traits.plan != "free"'
keys Enter
wait_for 'trait plan is not "free"'
keys Tab Down Down k # Person Attributes, built key by key from the mapped $.traits
wait_for "key by key"
shot 08-mapping-editor

keys C-s
wait_for 'traits.plan != "free"'
keys e
wait_for "Name of the new Upload Event"
keys Enter
wait_for "[x] Upload Event"
shot 07-subscriptions

keys Enter # the Upload Event just added: its fields and the event record it previews
wait_for "Edit \"Upload Event\""
wait_for "Product Viewed (track)"
shot 10-event-editor
keys Escape
wait_for "[x] Upload Event"

keys n
wait_for "Ready. Press Enter to save."
keys Enter
wait_for "✓ Saved"
keys m
wait_for "Send test identify"
keys Down Down Enter
wait_for "Processed" 60
shot 09-test-send
keys Enter
wait_for "Event delivery"
keys Down Down Down Down Enter # Event delivery: no serve has run in this temporary HOME
wait_for "No queue yet"
shot 11-delivery
keys Escape
wait_for "Send test track"
keys q
wait_for "EXIT:"
stop_sandbox

log "done: $(cd "$OUT" && ls ./*.png | wc -l) PNGs in $OUT"
