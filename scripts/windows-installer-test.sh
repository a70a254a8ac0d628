#!/usr/bin/env bash
# Windows installer test on Linux: builds the NSIS installer (packaging/windows/
# build-installer.sh) from the cross-built exes, then in a fresh 64-bit Wine prefix under
# Xvfb:
#   1. silent install with the server (/S /SERVIDOR);
#   2. checks the files in C:\Program Files\MotorDesk, the shared data folder
#      C:\ProgramData\MotorDesk, the Start-menu shortcuts and the common Startup shortcut
#      (target motordesk.exe, arguments --kiosk), the HKLM uninstall entry (DisplayVersion =
#      Cargo.toml's version, QuietUninstallString), the MotorDeskServidor service entry
#      (auto start, --service);
#   3. opens the kiosk through that Startup shortcut (as Windows would at login) and checks
#      its window and its log in ProgramData (screenshot $WORK/installed-kiosk.png), and
#      that the service answers http://127.0.0.1:8787/v1/health, logging that it runs as
#      the Windows service;
#   4. puts a stand-in "sales" file in the data folder, silent uninstall (uninstall.exe /S),
#      and checks that program, shortcuts, uninstall entry and service are gone and the
#      data folder (the file and the log) is still there, and that the server logged the
#      service manager's stop and "stopped".
# Not provable under Wine: the firewall rule and the folder rights (Wine's netsh and icacls
# accept the commands and do nothing).
# Prints PASS or the first failure. Too slow for CI (Wine start-up); run by hand and write
# the result in packaging/windows/README.md.
#
#   scripts/windows-installer-test.sh
#   BIN_DIR=/dir/with/motordesk.exe+motordesk-server.exe scripts/windows-installer-test.sh
# Needs root for apt-get when nsis, wine, mingw, xvfb or xdotool are missing.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
TARGET=x86_64-pc-windows-gnu
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
WORK=${WORK:-$TARGET_DIR/windows-installer}
DISPLAY_NUM=${DISPLAY_NUM:-:94}
APP_ID='{6F1C2A47-3B8E-4D5A-9C61-2E7B0D4F8A13}'
VERSION=$(awk '/^\[package\]/{p=1; next} /^\[/{p=0} p && /^version *=/{gsub(/[" ]/, "", $0); sub(/version=/, "", $0); print; exit}' "$ROOT/Cargo.toml")
export WINEPREFIX=$WORK/prefix WINEDEBUG=${WINEDEBUG:--all} WINEARCH=win64
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
need_pkg makensis nsis
need_pkg x86_64-w64-mingw32-gcc gcc-mingw-w64-x86-64
need_pkg wine wine wine64
need_pkg Xvfb xvfb
need_pkg xdotool xdotool
need_pkg import imagemagick
need_pkg curl curl

# The exes: release builds where they exist (a debug server stands in when only that was
# built: the installer does not care how big it is).
if [ -z "${BIN_DIR:-}" ]; then
    BIN_DIR=$WORK/bin
    rm -rf "$BIN_DIR"
    mkdir -p "$BIN_DIR"
    for exe in motordesk.exe motordesk-server.exe; do
        for profile in release debug; do
            f=$TARGET_DIR/$TARGET/$profile/$exe
            if [ -f "$f" ]; then ln -s "$f" "$BIN_DIR/$exe"; echo "$exe: $profile"; break; fi
        done
        [ -e "$BIN_DIR/$exe" ] || fail "no $exe: cargo build --release --target $TARGET --bin ${exe%.exe}"
    done
fi

say "building the installer (makensis)"
SETUP=$(BIN_DIR=$BIN_DIR OUT_DIR=$WORK CARGO_TARGET_DIR=$TARGET_DIR \
    "$ROOT/packaging/windows/build-installer.sh" | tail -1)
[ -f "$SETUP" ] || fail "no installer built"
ls -l "$SETUP"

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

say "fresh Wine prefix"
wineserver -k 2>/dev/null || true
rm -rf "$WINEPREFIX"
timeout 300 wineboot -i >/dev/null 2>&1 || fail "wineboot"
# Wine 8 lacks bcryptprimitives.dll (Rust's std calls its ProcessPrng): the Wine-only
# stand-in goes into the prefix's system32, never into the installed program.
x86_64-w64-mingw32-gcc -shared -O2 -o "$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll" \
    "$ROOT/packaging/windows/wine/bcryptprimitives.c" \
    "$ROOT/packaging/windows/wine/bcryptprimitives.def" -ladvapi32

C=$WINEPREFIX/drive_c
PF="$C/Program Files/MotorDesk"
PD="$C/ProgramData/MotorDesk"
STARTUP="$C/ProgramData/Microsoft/Windows/Start Menu/Programs/StartUp/MotorDesk.lnk"
MENU="$C/ProgramData/Microsoft/Windows/Start Menu/Programs/MotorDesk"
UNINSTALL_KEY="HKLM\\Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\$APP_ID"
SERVICE_KEY='HKLM\System\CurrentControlSet\Services\MotorDeskServidor'
regq() { wine reg query "$@" 2>/dev/null | tr -d '\r'; }

say "silent install with the server (/S /SERVIDOR)"
cp "$SETUP" "$C/setup.exe"
wine 'C:\setup.exe' /S /SERVIDOR >"$WORK/install.out" 2>&1 || fail "installer exit $?"
wineserver -w

say "checks after install"
for f in motordesk.exe motordesk-server.exe uninstall.exe licenses/LICENSE-DejaVu.txt; do
    [ -f "$PF/$f" ] || fail "missing $PF/$f"
done
cmp -s "$PF/motordesk.exe" "$BIN_DIR/motordesk.exe" || fail "installed motordesk.exe differs"
[ -d "$PD" ] || fail "no shared data folder $PD"
[ -f "$STARTUP" ] || fail "no autostart shortcut $STARTUP"
[ -f "$MENU/MotorDesk.lnk" ] && [ -f "$MENU/MotorDesk (ventana).lnk" ] || fail "no Start-menu shortcuts"
python3 - "$STARTUP" <<'EOF' || fail "the autostart shortcut does not open motordesk.exe --kiosk"
import sys
d = open(sys.argv[1], "rb").read()
text = d.decode("utf-16-le", "ignore") + d.decode("latin-1")
assert "--kiosk" in text, "no --kiosk argument"
assert "motordesk.exe" in text.lower(), "no motordesk.exe target"
print("autostart shortcut: motordesk.exe --kiosk")
EOF
regq "$UNINSTALL_KEY" >"$WORK/uninstall-key.txt" || fail "no uninstall entry $UNINSTALL_KEY"
cat "$WORK/uninstall-key.txt"
grep -q "DisplayVersion.*REG_SZ.*$VERSION\$" "$WORK/uninstall-key.txt" || fail "DisplayVersion is not $VERSION"
grep -q 'QuietUninstallString.*uninstall.exe" /S' "$WORK/uninstall-key.txt" || fail "no QuietUninstallString"
regq "$SERVICE_KEY" >"$WORK/service-key.txt" || fail "no MotorDeskServidor service entry"
cat "$WORK/service-key.txt"
grep -q 'ImagePath.*motordesk-server.exe.*--service --addr 0.0.0.0:8787' "$WORK/service-key.txt" || fail "service command line"
grep -q 'Start.*0x2$' "$WORK/service-key.txt" || fail "service is not automatic start"
# Wine's netsh has no firewall: record what it answers to the installer's command.
wine netsh advfirewall firewall show rule name="MotorDesk Servidor" >"$WORK/netsh.out" 2>&1 || true
echo "wine netsh advfirewall (no firewall in Wine): $(tr -d '\r' <"$WORK/netsh.out" | head -1)"

say "the kiosk from the autostart shortcut"
wine start 'C:\ProgramData\Microsoft\Windows\Start Menu\Programs\StartUp\MotorDesk.lnk' >"$WORK/kiosk.out" 2>&1 &
win=""
for _ in $(seq 1 180); do
    win=$(xdotool search --name '^MotorDesk$' 2>/dev/null | head -1 || true)
    [ -n "$win" ] && break
    sleep 1
done
[ -n "$win" ] || fail "no MotorDesk window after 180 s"
sleep 10
import -window root "$WORK/installed-kiosk.png"
geometry=$(xdotool getwindowgeometry "$win" | tr -d '\n')
echo "window: $geometry"
LOG=$PD/logs/motordesk.log
[ -f "$LOG" ] || fail "no log in $PD/logs"
grep -a "renderer .* is drawing" "$LOG" || fail "the log does not name the renderer"
# The service the installer registered (auto start) runs under Wine's service manager.
health=""
for _ in $(seq 1 60); do
    health=$(curl -fsS --max-time 2 http://127.0.0.1:8787/v1/health 2>/dev/null || true)
    [ -n "$health" ] && break
    sleep 1
done
[ -n "$health" ] || fail "the MotorDeskServidor service does not answer on 8787"
echo "server health: $health"
SLOG=$PD/servidor/motordesk-server.log
grep -a "running as the Windows service MotorDeskServidor" "$SLOG" | tail -1 || fail "the server did not run as a service"
wineserver -k 2>/dev/null || true
sleep 2

say "silent uninstall keeps the data"
echo "ventas de la tienda" >"$PD/ventas-de-prueba.txt"
wine 'C:\Program Files\MotorDesk\uninstall.exe' /S >"$WORK/uninstall.out" 2>&1 || fail "uninstaller exit $?"
wineserver -w
sleep 2
wineserver -w
[ ! -e "$PF/motordesk.exe" ] || fail "motordesk.exe still installed"
[ ! -e "$PF/motordesk-server.exe" ] || fail "motordesk-server.exe still installed"
[ ! -d "$PF" ] || echo "note: $PF left with: $(ls -A "$PF")"
[ ! -e "$STARTUP" ] || fail "autostart shortcut left behind"
[ ! -e "$MENU" ] || fail "Start-menu folder left behind"
! regq "$UNINSTALL_KEY" >/dev/null || fail "uninstall entry left behind"
! regq "$SERVICE_KEY" >/dev/null || fail "service entry left behind"
[ -f "$PD/ventas-de-prueba.txt" ] || fail "the data folder lost its files"
[ -f "$LOG" ] || fail "the data folder lost the log"
# Uninstalling stopped the service through the service control protocol.
grep -a "service manager asks to stop" "$SLOG" >/dev/null || fail "the service was not asked to stop"
tail -1 "$SLOG" | grep -a "stopped" || fail "the server log does not end with stopped"
echo "data kept: $(cd "$PD" && find . -type f | sort | tr '\n' ' ')"

say "PASS ($(date -u +%Y-%m-%d), installer $(basename "$SETUP") $(stat -c %s "$SETUP") bytes)"
