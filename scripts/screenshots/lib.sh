# Helpers for scripts/screenshots.sh: installing what the renderer needs, and driving the wizard
# in a private tmux server. Sourced, not run. Expects ROOT, WORK, OUT, COLUMNS_, ROWS_ and PYTHON
# (set by ensure_python) from the caller.

log() { printf 'screenshots: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

# apt-get as root (or through sudo), updating the package lists once per run.
APT_UPDATED=
apt_install() {
    local sudo=
    [ "$(id -u)" = 0 ] || sudo=sudo
    command -v apt-get >/dev/null || die "missing: $* (and no apt-get to install them with); install them and rerun"
    if [ -z "$APT_UPDATED" ]; then
        $sudo apt-get update -qq >&2 || die "apt-get update failed"
        APT_UPDATED=1
    fi
    log "installing $* with apt-get"
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >&2 || die "apt-get install $* failed"
}

ensure_tools() {
    command -v tmux >/dev/null || apt_install tmux
    [ -f "$FONT_DIR/DejaVuSansMono.ttf" ] && [ -f "$FONT_DIR/DejaVuSans.ttf" ] || apt_install fonts-dejavu-core
    command -v python3 >/dev/null || apt_install python3
}

# PYTHON: a python3 that imports pyte and PIL. The system one if it already does; otherwise a
# private virtualenv (system pythons are often "externally managed" and refuse pip installs).
ensure_python() {
    if python3 -c 'import pyte, PIL' 2>/dev/null; then
        PYTHON=python3
        return
    fi
    local venv="${XDG_CACHE_HOME:-$HOME/.cache}/clevertap-actions/screenshots-venv"
    if ! "$venv/bin/python" -c 'import pyte, PIL' 2>/dev/null; then
        python3 -m venv "$venv" 2>/dev/null || { apt_install python3-venv; rm -rf "$venv"; python3 -m venv "$venv"; } \
            || die "cannot create a virtualenv at $venv"
        log "installing pyte and pillow from PyPI into $venv"
        "$venv/bin/python" -m pip install --quiet --disable-pip-version-check pyte pillow >&2 \
            || die "pip install pyte pillow failed"
    fi
    PYTHON="$venv/bin/python"
}

# ---- tmux ---------------------------------------------------------------------------------
# A private server per run (-L), no user config (-f /dev/null: a status bar or other options of
# the user's would change the picture), UTF-8 (-u).
SOCKET="clevertap-shots-$$-$RANDOM"
tmx() { LANG=C.UTF-8 LC_ALL=C.UTF-8 tmux -u -f /dev/null -L "$SOCKET" "$@"; }

# start_wizard ARGS...: the binary in a fresh detached session named "wizard", with the run's
# temporary HOME and workspace. The pane stays open after the wizard exits (EXIT:<status>).
start_wizard() {
    tmx kill-session -t wizard 2>/dev/null || true
    local command quoted argument
    printf -v command 'env -u NO_COLOR -u XDG_CONFIG_HOME HOME=%q CLEVERTAP_ACTIONS_CONFIG=%q LANG=C.UTF-8 LC_ALL=C.UTF-8 %q' \
        "$SHOT_HOME" "$CONFIG" "$BINARY"
    for argument in "$@"; do printf -v quoted ' %q' "$argument"; command+=$quoted; done
    tmx new-session -d -s wizard -x "$COLUMNS_" -y "$ROWS_" "$command; echo EXIT:\$?; sleep 300"
}

keys() { tmx send-keys -t wizard "$@"; }
type_text() { tmx send-keys -t wizard -l "$1"; }
# A real bracketed paste: tmux wraps it in ESC[200~ … ESC[201~ because the wizard asked for it.
paste_text() {
    tmx set-buffer -b shot "$1"
    tmx paste-buffer -p -d -b shot -t wizard
}
screen_text() { tmx capture-pane -p -t wizard; }

# wait_for TEXT [SECONDS]: until the pane shows TEXT, then until it stops changing (so a capture
# never catches a half-drawn screen). Fails with the pane's contents on timeout.
wait_for() {
    local text=$1 deadline=$((SECONDS + ${2:-20})) screen previous
    while :; do
        screen=$(screen_text)
        case $screen in *"$text"*) break ;; esac
        if [ "$SECONDS" -ge "$deadline" ]; then
            printf '%s\n' "$screen" >&2
            die "timed out waiting for \"$text\" (the pane is above)"
        fi
        sleep 0.1
    done
    previous=
    while [ "$screen" != "$previous" ] && [ "$SECONDS" -lt "$deadline" ]; do
        previous=$screen
        sleep 0.3
        screen=$(screen_text)
    done
}

# shot NAME: captures the pane with its colours (and the visible cursor's position) and renders
# it to $OUT/NAME.png.
shot() {
    local name=$1 capture="$WORK/$1.ans" flag position
    local -a cursor=()
    tmx capture-pane -e -p -N -t wizard >"$capture"
    read -r flag position < <(tmx display-message -p -t wizard '#{cursor_flag} #{cursor_x},#{cursor_y}')
    [ "$flag" = 1 ] && cursor=(--cursor "$position")
    "$PYTHON" "$ROOT/scripts/screenshots/render.py" "$capture" "$OUT/$name.png" \
        --size "${COLUMNS_}x${ROWS_}" "${cursor[@]}" || die "rendering $name failed"
    log "wrote ${OUT#"$ROOT"/}/$name.png"
}
