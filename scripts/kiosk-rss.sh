#!/bin/bash
# Resident memory of the real kiosk window (issue 13), beside an empty store in the same
# run: the release binary under Xvfb at 1280x800, logged in by the demo's autologin, RSS
# read from /proc after the search index is built, at Comprobantes' first screen, with
# its scrollbar dragged to the oldest document, after 40 jumps through the list, and in
# Flota. Needs xvfb, xdotool and a release build (`cargo build --release`).
#
#   bash scripts/kiosk-rss.sh STORE.redb     a demo store (admin / motordesk), e.g. the
#                                            100k one store_perf caches in
#                                            target/release/bench-cache/
set -euo pipefail
STORE=${1:?usage: kiosk-rss.sh STORE.redb}
BIN=${BIN:-target/release/motordesk}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/empty" "$WORK/store"
cp "$STORE" "$WORK/store/motordesk.redb"

stages() {
    local dir=$1; shift
    "$BIN" --demo "$@" --autologin --no-print --data-dir "$dir" --panel ventas > "$dir/log" 2>&1 &
    local p=$!
    for _ in $(seq 1 600); do grep -q 'search index built' "$dir/log" && break; sleep 0.5; done
    sleep 3
    local wid
    wid=$(xdotool search --name MotorDesk | head -1)
    xdotool windowsize "$wid" 1280 800 windowmove "$wid" 0 0
    sleep 2
    rss() { awk -v s="$1" '/VmRSS/{r=$2} /VmHWM/{h=$2} END{printf "| %s | %d MiB | %d MiB |\n", s, r/1024, h/1024}' "/proc/$p/status"; }
    rss "Ventas, index built"
    xdotool mousemove 97 169 click 1; sleep 4
    rss "Comprobantes, first screen"
    xdotool mousemove 1258 345 mousedown 1
    for y in $(seq 350 20 790); do xdotool mousemove 1258 "$y"; sleep 0.05; done
    xdotool mouseup 1; sleep 4
    rss "Comprobantes, scrolled to the oldest document"
    for i in $(seq 1 40); do xdotool mousemove 1258 $((400 + (i * 37) % 380)) click 1; sleep 0.1; done
    sleep 3
    rss "Comprobantes, after 40 jumps through the list"
    xdotool mousemove 97 433 click 1; sleep 3
    rss "Flota, first screen"
    kill "$p"; wait "$p" 2>/dev/null || true
}

run() {
    echo "## $1"
    echo "| stage | VmRSS | VmHWM |"
    echo "|---|---|---|"
    shift
    xvfb-run -a -s "-screen 0 1280x800x24" bash -c "$(declare -f stages); BIN=$BIN; stages $*"
}

run "anchor: a demo store with no documents" "$WORK/empty" --demo-invoices 0
run "the store given ($STORE)" "$WORK/store"
