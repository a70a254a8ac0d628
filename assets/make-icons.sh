#!/bin/sh
# Draws assets/motordesk.svg's shapes with ImageMagick (no SVG reader needed) into
# motordesk.png (256 px) and motordesk.ico (256, 48, 32, 16 px), both committed.
# Run from the repository root: sh assets/make-icons.sh
set -eu
cd "$(dirname "$0")"
FONT=../fonts/DejaVuSans-Bold.ttf
convert -size 256x256 xc:none \
  -fill '#1d4f91' -draw 'roundrectangle 8,8 247,247 44,44' \
  -fill '#f28c28' -draw 'roundrectangle 52,196 203,213 9,9' \
  -fill white -font "$FONT" -pointsize 150 -gravity north -annotate +0+28 'M' \
  motordesk.png
convert motordesk.png -define icon:auto-resize=256,48,32,16 motordesk.ico
identify motordesk.ico
