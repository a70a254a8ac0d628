#!/usr/bin/env bash
# Screenshots of every kiosk panel in a real window under Xvfb (no GPU needed).
#
#   scripts/screenshots.sh OUTDIR
#
# Env: SIZE=1280x800 (screen size; 1024x768, 1280x800 and 1920x1080 have their own extra
# shots), THEME=dark|light (light = "Claro alto contraste", written to pantalla.json before
# the first start), INVOICES=2000 (demo history), PROFILE=debug|release.
# Needs xvfb, imagemagick (import) and xdotool (apt-get install xvfb imagemagick xdotool).
set -euo pipefail

OUT=${1:?usage: scripts/screenshots.sh OUTDIR}
SIZE=${SIZE:-1280x800}
INVOICES=${INVOICES:-2000}
PROFILE=${PROFILE:-debug}
THEME=${THEME:-dark}
PANELS=(ventas comprobantes caja resumen clientes flota recordatorios sincronizacion ajustes)

mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
cd "$(dirname "$0")/.."

for tool in xvfb-run import xdotool; do
    command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install xvfb imagemagick xdotool)" >&2; exit 1; }
done

if [ "$PROFILE" = release ]; then
    cargo build --release --bin motordesk
else
    cargo build --bin motordesk
fi
BIN="${CARGO_TARGET_DIR:-$PWD/target}/$PROFILE/motordesk"

DATA=$(mktemp -d)
RUNTIME=$(mktemp -d)
chmod 700 "$RUNTIME"
trap 'rm -rf "$DATA" "$RUNTIME"' EXIT
case "$THEME" in
    dark) ;;
    light) printf '{"touch_mode": true, "theme": "light_high_contrast"}\n' >"$DATA/pantalla.json" ;;
    *) echo "THEME must be dark or light" >&2; exit 1 ;;
esac

# One shot: start the kiosk on PANEL, wait for its window, let the workers load, grab
# the screen, stop the kiosk. $2 = optional xdotool steps run before the grab. LOGIN=1
# stays at the login screen (no --autologin).
shoot() {
    local panel=$1 name=$2 steps=${3:-}
    local login=--autologin
    [ "${LOGIN:-0}" = 1 ] && login=
    XDG_RUNTIME_DIR="$RUNTIME" BIN="$BIN" DATA="$DATA" PANEL="$panel" N="$INVOICES" \
        SHOT="$OUT/$name.png" STEPS="$steps" AUTO="$login" SIZE="$SIZE" \
        xvfb-run -a -s "-screen 0 ${SIZE}x24 -nolisten tcp" bash -c '
            "$BIN" --demo --demo-invoices "$N" $AUTO --no-print \
                --data-dir "$DATA" --panel "$PANEL" >"$DATA/kiosk-$PANEL.log" 2>&1 &
            PID=$!
            # The first run also generates the demo store, so allow time for that.
            for _ in $(seq 1 600); do
                if xdotool search --name "^MotorDesk$" >/dev/null 2>&1; then break; fi
                if ! kill -0 $PID 2>/dev/null; then echo "kiosk exited:"; cat "$DATA/kiosk-$PANEL.log"; exit 1; fi
                sleep 0.2
            done
            # The window opens at 1280x800 and Xvfb has no window manager to maximise it:
            # size it to the screen, as a kiosk runs.
            W=$(xdotool search --name "^MotorDesk$" | head -1)
            xdotool windowsize --sync "$W" "${SIZE%x*}" "${SIZE#*x}" || true
            # Magnified (1920x1080) the debug build redraws every glyph at the new size
            # on a software renderer: give it longer.
            if [ "$SIZE" = 1920x1080 ]; then sleep 9; else sleep 3; fi
            if [ -n "$STEPS" ]; then eval "$STEPS"; sleep 2; fi
            import -window root "$SHOT"
            kill $PID
            wait $PID 2>/dev/null || true
        '
    echo "wrote $OUT/$name.png"
}

for p in "${PANELS[@]}"; do
    shoot "$p" "$p"
done
# The login screen: it follows pantalla.json before any store is open.
LOGIN=1 shoot ventas login

FOCUS='W=$(xdotool search --name "^MotorDesk$" | head -1); xdotool windowfocus --sync "$W" || true;'

# The on-screen keyboard (touch mode, on by default): the customer search with the text
# keys and two letters typed on them; at 1024x768 also the vehicle form's plate keys and
# the date pad of SOAT (scrolled into view above the keyboard).
case "$SIZE" in
    1024x768)
        shoot ventas ventas-teclado-texto "$FOCUS"'
            xdotool mousemove 390 317 click 1; sleep 1
            xdotool mousemove 300 520 click 1; sleep 0.3
        '
        shoot flota flota-teclado-placa "$FOCUS"'
            xdotool mousemove 298 308 click 1; sleep 1
            xdotool mousemove 600 175 click 1; sleep 1
        '
        shoot flota flota-teclado-fecha "$FOCUS"'
            xdotool mousemove 298 308 click 1; sleep 1
            xdotool mousemove 630 643 click 1; sleep 1
        '
        # The SOAT field's touch calendar: this month, today marked (ui/date_picker.rs).
        shoot flota flota-calendario "$FOCUS"'
            xdotool mousemove 298 308 click 1; sleep 1
            xdotool mousemove 772 643 click 1; sleep 1
        '
        # Split payment: an oil, Yape, Dividir, S/ 100 on the keypad, then + Efectivo
        # with a S/ 50 bill (covered, change shown).
        shoot ventas ventas-pago-dividido "$FOCUS"'
            xdotool mousemove 310 524 click 1; sleep 1.5
            xdotool mousemove 890 374 click 1; sleep 1
            xdotool mousemove 700 490 click 1; sleep 1
            for k in "407 441" "499 513" "499 513" "569 591"; do xdotool mousemove $k click 1; sleep 0.4; done
            sleep 1; xdotool mousemove 718 490 click 1; sleep 1
            for k in "499 369" "499 513" "569 591"; do xdotool mousemove $k click 1; sleep 0.4; done
        '
        ;;
    1280x800)
        # The SOAT field's touch calendar (ui/date_picker.rs).
        shoot flota flota-calendario "$FOCUS"'
            xdotool mousemove 541 227 click 1; sleep 1
            xdotool mousemove 898 505 click 1; sleep 1
        '
        shoot ventas ventas-teclado-texto "$FOCUS"'
            xdotool mousemove 500 264 click 1; sleep 1
            xdotool mousemove 130 700 click 1; sleep 0.3
            xdotool mousemove 180 763 click 1; sleep 0.3
        '
        # Split payment: an oil, Yape, Dividir, S/ 100 on the keypad: S/ 25 left.
        shoot ventas ventas-pago-dividido "$FOCUS"'
            xdotool mousemove 330 524 click 1; sleep 1.5
            xdotool mousemove 1046 354 click 1; sleep 1
            xdotool mousemove 850 470 click 1; sleep 1
            for k in "535 457" "627 529" "627 529" "697 607"; do xdotool mousemove $k click 1; sleep 0.4; done
        '
        ;;
esac

# 1920x1080 is the 1280x800 layout magnified 1.35 (docs/ui.md, Screen sizes): two quick
# keys on the ticket; the same with the customer search's on-screen keyboard open.
if [ "$SIZE" = 1920x1080 ]; then
    shoot ventas ventas-venta "$FOCUS"'
        xdotool mousemove 468 710 click 1; sleep 0.5
        xdotool mousemove 1029 710 click 1; sleep 0.5
    '
    shoot ventas ventas-teclado-texto "$FOCUS"'
        xdotool mousemove 468 710 click 1; sleep 0.5
        xdotool mousemove 1029 710 click 1; sleep 0.5
        xdotool mousemove 639 428 click 1; sleep 1
    '
fi

# Detail views and a sale on the ticket, by touch (xdotool). Coordinates are for the
# 1280x800 layout.
if [ "$SIZE" = 1280x800 ]; then
    shoot ventas ventas-venta "$FOCUS"'
        xdotool mousemove 340 470 click 1; sleep 0.4
        xdotool mousemove 530 470 click 1; sleep 0.4
        xdotool mousemove 340 470 click 1; sleep 0.4
        xdotool mousemove 500 264 click 1; sleep 0.3
        xdotool type --delay 80 "rojas"; sleep 1
    '
    shoot ventas ventas-teclado "$FOCUS"'
        xdotool mousemove 340 470 click 1; sleep 0.5
        xdotool mousemove 870 223 click 1; sleep 0.5
        xdotool mousemove 640 400 click 1
    '
    shoot ventas ventas-vista-previa "$FOCUS"'
        xdotool mousemove 340 470 click 1; sleep 0.4
        xdotool mousemove 530 470 click 1; sleep 0.4
        xdotool mousemove 920 700 click 1; sleep 1
    '
    shoot comprobantes comprobantes-detalle "$FOCUS"'
        xdotool mousemove 700 356 click 1; sleep 1
    '
    shoot flota flota-detalle "$FOCUS"'
        xdotool mousemove 420 326 click 1; sleep 1
    '
fi

# Clientes: the first customer's page on its Historial tab (vehicles, documents, total).
case "$SIZE" in
    1024x768) HIST='xdotool mousemove 330 330 click 1; sleep 1; xdotool mousemove 818 161 click 1' ;;
    1280x800) HIST='xdotool mousemove 380 330 click 1; sleep 1; xdotool mousemove 948 138 click 1' ;;
    *) HIST= ;;
esac
if [ -n "$HIST" ]; then shoot clientes clientes-historial "$FOCUS$HIST"; fi
