#!/usr/bin/env bash
# Windows smoke test on Linux: cross-builds the kiosk for x86_64-pc-windows-gnu, runs it
# under Wine + Xvfb (1280x800, --kiosk) with a fresh demo store in the default data dir
# (C:\ProgramData\MotorDesk inside the Wine prefix), logs in and makes one sale with
# xdotool, and checks that
#   - the ESC/POS job reached a local port-9100 listener standing in for the thermal
#     printer (DLE EOT status query, ESC @, GS v 0 raster 576 dots wide, GS V cut),
#   - the sealed receipt was saved in C:\ProgramData\MotorDesk\comprobantes,
#   - the log names the renderer that drew the window.
# Then it opens the kiosk once more with no usable renderer, to show the Spanish message
# box a PC without graphics would get. Screenshots: $WORK/*.png (look at them).
#
# Too slow for CI (the release cross-build is ~15 min on 2 cores); run it by hand before
# a Windows release and write the result in packaging/windows/README.md.
#
#   scripts/windows-smoke.sh              # build (release) and run
#   SKIP_BUILD=1 scripts/windows-smoke.sh # reuse the last build
#   PROFILE=debug scripts/windows-smoke.sh
# Needs root for apt-get when wine, mingw, xvfb or xdotool are missing.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
PROFILE=${PROFILE:-release}
TARGET=x86_64-pc-windows-gnu
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
EXE=$TARGET_DIR/$TARGET/$PROFILE/motordesk.exe
WORK=${WORK:-$TARGET_DIR/windows-smoke}
PORT=${PORT:-9100}
DISPLAY_NUM=${DISPLAY_NUM:-:93}
export WINEPREFIX=$WORK/prefix WINEDEBUG=${WINEDEBUG:--all}
# No Mono / Gecko download prompts in a fresh prefix.
export WINEDLLOVERRIDES="mscoree,mshtml="

say() { printf '== %s\n' "$*"; }
fail() { printf 'FAIL: %s\n' "$*" >&2; exit 1; }

need_pkg() { # command package...
    command -v "$1" >/dev/null 2>&1 && return 0
    shift
    say "installing $*"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@" >/dev/null
}

say "tools"
need_pkg x86_64-w64-mingw32-gcc gcc-mingw-w64-x86-64
need_pkg wine wine wine64
need_pkg Xvfb xvfb
need_pkg xdotool xdotool
need_pkg import imagemagick
rustup target list --installed | grep -qx "$TARGET" || rustup target add "$TARGET"

if [ "${SKIP_BUILD:-0}" != 1 ]; then
    say "cross-building the kiosk ($PROFILE)"
    flag=(); [ "$PROFILE" = release ] && flag=(--release)
    (cd "$ROOT" && cargo build "${flag[@]}" --target "$TARGET" --bin motordesk)
fi
[ -f "$EXE" ] || fail "no $EXE"

rm -rf "$WORK/app" "$WORK"/*.png "$WORK"/job-*.bin
mkdir -p "$WORK/app"
cp "$EXE" "$WORK/app/motordesk.exe"
say "bcryptprimitives.dll stand-in (Wine only)"
x86_64-w64-mingw32-gcc -shared -O2 -o "$WORK/app/bcryptprimitives.dll" \
    "$ROOT/packaging/windows/wine/bcryptprimitives.c" \
    "$ROOT/packaging/windows/wine/bcryptprimitives.def" -ladvapi32

PIDS=()
cleanup() {
    wineserver -k 2>/dev/null || true
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
}
trap cleanup EXIT

Xvfb "$DISPLAY_NUM" -screen 0 1280x800x24 -nolisten tcp &
PIDS+=($!)
export DISPLAY=$DISPLAY_NUM
sleep 1

if [ ! -d "$WINEPREFIX/drive_c" ]; then
    say "new Wine prefix (first time: about a minute)"
    timeout 300 wineboot -i >/dev/null 2>&1 || fail "wineboot"
fi
DATA=$WINEPREFIX/drive_c/ProgramData/MotorDesk
rm -rf "$DATA"

say "printer stand-in on 127.0.0.1:$PORT"
python3 - "$PORT" "$WORK/job" <<'EOF' &
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(5)
n = 0
while True:
    c, _ = s.accept()
    data = b""
    while True:
        b = c.recv(65536)
        if not b:
            break
        data += b
    c.close()
    n += 1
    open(f"{sys.argv[2]}-{n}.bin", "wb").write(data)
EOF
PIDS+=($!)

say "kiosk under Wine (demo store, default data dir)"
(cd "$WORK/app" && wine motordesk.exe --kiosk --demo --demo-invoices 20 \
    --demo-printer "tcp://127.0.0.1:$PORT" >"$WORK/kiosk.out" 2>&1) &
PIDS+=($!)
win=""
for _ in $(seq 1 180); do
    win=$(xdotool search --name '^MotorDesk$' 2>/dev/null | head -1 || true)
    [ -n "$win" ] && break
    sleep 1
done
[ -n "$win" ] || fail "no MotorDesk window after 180 s (see $WORK/kiosk.out)"
sleep 8
import -window root "$WORK/1-login.png"

say "log in and sell"
xdotool windowfocus --sync "$win" || true
xdotool mousemove 620 343 click 1; sleep 1; xdotool type --delay 60 admin
xdotool mousemove 620 428 click 1; sleep 1; xdotool type --delay 60 motordesk
xdotool key Return
sleep 10
import -window root "$WORK/2-ventas.png"
# "Filtro de aceite Toyota" (quick key), then EMITIR.
xdotool mousemove 368 578 click 1; sleep 2
xdotool mousemove 1137 700 click 1
for _ in $(seq 1 60); do
    [ -f "$WORK/job-1.bin" ] && break
    sleep 1
done
sleep 3
import -window root "$WORK/3-sale.png"

say "checks"
[ -f "$WORK/job-1.bin" ] || fail "no print job reached the listener"
python3 - "$WORK/job-1.bin" <<'EOF' || fail "the print job is not the expected ESC/POS raster"
import struct, sys
d = open(sys.argv[1], "rb").read()
assert d[:3] == b"\x10\x04\x01", "status query first"
assert d[3:5] == b"\x1b@", "then ESC @"
assert d[-4:-1] == b"\x1dVB", "ends with GS V 66 n (feed and cut)"
i, rows, width = 5, 0, None
while d[i:i + 4] == b"\x1dv0\x00":
    xl, yl = struct.unpack("<HH", d[i + 4:i + 8])
    width = xl * 8
    rows += yl
    i += 8 + xl * yl
assert i == len(d) - 4, f"raster bands then the cut (stopped at {i} of {len(d)})"
assert width == 576, width
print(f"ESC/POS job: {len(d)} bytes, raster {width} x {rows} dots")
EOF
ls "$DATA"/comprobantes/*.pdf.sealed >/dev/null 2>&1 || fail "no sealed receipt in $DATA/comprobantes"
echo "saved receipt: $(ls "$DATA"/comprobantes/)"
grep -a "renderer .* is drawing" "$DATA/logs/motordesk.log" || fail "the log does not name the renderer"
wineserver -k 2>/dev/null || true
sleep 2

say "no renderer: the Spanish message box"
(cd "$WORK/app" && MOTORDESK_RENDERER=none wine motordesk.exe --kiosk >"$WORK/fatal.out" 2>&1) &
PIDS+=($!)
sleep 12
import -window root "$WORK/4-no-renderer.png"
wineserver -k 2>/dev/null || true

say "PASS ($(date -u +%Y-%m-%d), screenshots in $WORK)"
