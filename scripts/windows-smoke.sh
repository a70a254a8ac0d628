#!/usr/bin/env bash
# Windows smoke test on Linux: cross-builds the kiosk for x86_64-pc-windows-gnu, runs it
# under Wine + Xvfb (1280x800, --kiosk) with a fresh demo store in the default data dir
# (C:\ProgramData\MotorDesk inside the Wine prefix), logs in and makes one sale with
# xdotool, and checks that
#   - the ESC/POS job reached a local port-9100 listener standing in for the thermal
#     printer (DLE EOT status query, ESC @, GS v 0 raster 576 dots wide, GS V cut),
#   - the sealed receipt was saved in C:\ProgramData\MotorDesk\comprobantes,
#   - the log names the renderer that drew the window.
# Then a second sale with the paper set to A4 and a non-thermal printer: a Wine printer
# backed by a private CUPS queue (a cupsd of its own on a socket under $WORK, with a backend
# that keeps each job), so the receipt goes through GDI (CreateDCW … StretchDIBits …
# EndDoc) and Wine's PostScript driver; the job must arrive as PostScript, and Ghostscript
# renders it to $WORK/8-gdi-a4-page.png (look at it).
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

# Logs in as admin in the window $1; typing under a busy Wine can drop keys, so the
# fields are cleared and typed again until the kiosk's log says "logged in" (3 tries).
login() {
    local log=$DATA/logs/motordesk.log before
    before=$(grep -ac "logged in as" "$log" 2>/dev/null || true)
    for _ in 1 2 3; do
        xdotool windowfocus --sync "$1" || true
        xdotool mousemove 620 343 click 1; sleep 1; xdotool key ctrl+a BackSpace
        xdotool type --delay 100 admin
        xdotool mousemove 620 428 click 1; sleep 1; xdotool key ctrl+a BackSpace
        xdotool type --delay 100 motordesk
        xdotool key Return
        sleep 10
        [ "$(grep -ac "logged in as" "$log" 2>/dev/null || true)" -gt "${before:-0}" ] && return 0
        echo "login did not take (dropped keys?), again"
    done
    fail "could not log in"
}

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
need_pkg cupsd cups-daemon
need_pkg gs ghostscript
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
login "$win"
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

say "GDI: an A4 receipt on a non-thermal printer (Wine printer over a private CUPS queue)"
# A cupsd of our own: config, spool and socket under $WORK, nothing in /etc or /run.
CUPSDIR=$WORK/cups
[ -n "$WORK" ] && [ "$CUPSDIR" != /cups ] || fail "WORK is not set"
rm -rf "$CUPSDIR"
mkdir -p "$CUPSDIR"/{etc/ppd,spool,tmp,state,cache,log,out,bin/backend}
chown -R lp:lp "$CUPSDIR"/{spool,tmp,cache}
chmod 777 "$CUPSDIR/out"
for d in /usr/lib/cups/*; do [ "$(basename "$d")" = backend ] || ln -sfn "$d" "$CUPSDIR/bin/"; done
for b in /usr/lib/cups/backend/*; do ln -sf "$b" "$CUPSDIR/bin/backend/"; done
# Test-only backend that keeps each job's bytes (cupsd's own file: device needs filters).
cat >"$CUPSDIR/bin/backend/save" <<SAVE_BACKEND
#!/bin/sh
[ \$# -eq 0 ] && { echo 'direct save "Unknown" "Save jobs to files"'; exit 0; }
cat "\${6:-/dev/stdin}" > "$CUPSDIR/out/job-\$1.prn"
SAVE_BACKEND
chmod 700 "$CUPSDIR/bin/backend/save"
cat >"$CUPSDIR/etc/cupsd.conf" <<CUPSD_CONF
Listen $CUPSDIR/cups.sock
LogLevel info
WebInterface No
DefaultAuthType None
<Location />
  Order allow,deny
  Allow all
</Location>
<Policy default>
  <Limit All>
    Order deny,allow
  </Limit>
</Policy>
CUPSD_CONF
cat >"$CUPSDIR/etc/cups-files.conf" <<CUPS_FILES
ServerRoot $CUPSDIR/etc
RequestRoot $CUPSDIR/spool
TempDir $CUPSDIR/tmp
StateDir $CUPSDIR/state
CacheDir $CUPSDIR/cache
ErrorLog $CUPSDIR/log/error_log
AccessLog $CUPSDIR/log/access_log
PageLog $CUPSDIR/log/page_log
Printcap $CUPSDIR/printcap
ServerBin $CUPSDIR/bin
DataDir /usr/share/cups
User lp
Group lp
SystemGroup root
CUPS_FILES
/usr/sbin/cupsd -f -c "$CUPSDIR/etc/cupsd.conf" -s "$CUPSDIR/etc/cups-files.conf" &
PIDS+=($!)
export CUPS_SERVER=$CUPSDIR/cups.sock
for _ in $(seq 1 20); do [ -S "$CUPS_SERVER" ] && break; sleep 0.5; done
lpadmin -p MotorDeskLaser -E -v save:/jobs 2>/dev/null || fail "lpadmin (see $CUPSDIR/log/error_log)"
rm -rf "$DATA"
(cd "$WORK/app" && wine motordesk.exe --kiosk --demo --demo-invoices 20 \
    --demo-printer MotorDeskLaser --demo-paper a4 >"$WORK/gdi.out" 2>&1) &
PIDS+=($!)
win=""
for _ in $(seq 1 180); do
    win=$(xdotool search --name '^MotorDesk$' 2>/dev/null | head -1 || true)
    [ -n "$win" ] && break
    sleep 1
done
[ -n "$win" ] || fail "no MotorDesk window for the GDI sale"
sleep 8
login "$win"
xdotool mousemove 368 578 click 1; sleep 2
xdotool mousemove 1137 700 click 1
job=""
for _ in $(seq 1 60); do
    job=$(ls "$CUPSDIR"/out/job-*.prn 2>/dev/null | head -1 || true)
    [ -n "$job" ] && break
    sleep 1
done
sleep 3
import -window root "$WORK/7-gdi-sale.png"
[ -n "$job" ] || fail "no job reached the CUPS queue through GDI"
head -c 15 "$job" | grep -q '%!PS-Adobe' || fail "the GDI job is not PostScript"
grep -a "printer MotorDeskLaser: Device" "$DATA/logs/motordesk.log" || fail "no device caps in the log"
grep -a "on MotorDeskLaser through GDI" "$DATA/logs/motordesk.log" || fail "the log does not say GDI printed"
gs -q -dSAFER -dBATCH -dNOPAUSE -sDEVICE=pnggray -r300 -o "$WORK/8-gdi-a4-page.png" "$job" ||
    fail "Ghostscript cannot read the GDI job"
echo "GDI job: $(stat -c %s "$job") bytes of PostScript, page image $WORK/8-gdi-a4-page.png"
wineserver -k 2>/dev/null || true
unset CUPS_SERVER
sleep 2

say "no renderer: the Spanish message box"
(cd "$WORK/app" && MOTORDESK_RENDERER=none wine motordesk.exe --kiosk >"$WORK/fatal.out" 2>&1) &
PIDS+=($!)
sleep 12
import -window root "$WORK/4-no-renderer.png"
wineserver -k 2>/dev/null || true

say "PASS ($(date -u +%Y-%m-%d), screenshots in $WORK)"
