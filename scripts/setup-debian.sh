#!/usr/bin/env bash
# System packages MotorDesk needs on Debian 12 for building, tests, screenshots and
# receipts and SUNAT XML checks (xmllint, xmlsec1, SUNAT's rules via python3-lxml), and
# PostgreSQL 15 for the server's second backend (its tests start their own throwaway
# cluster; the packaged cluster the install creates is not used). The kiosk binary itself only dlopens X11/Wayland, EGL/GL and fontconfig.
set -euo pipefail
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends \
  gcc pkg-config ca-certificates \
  libx11-6 libxcursor1 libxrandr2 libxi6 libxkbcommon0 libxkbcommon-x11-0 libwayland-client0 \
  libegl1 libegl-mesa0 libgl1-mesa-dri libfontconfig1 \
  poppler-utils cups-client \
  libxml2-utils xmlsec1 python3-lxml openssl \
  xvfb xauth imagemagick xdotool x11-utils \
  postgresql
echo "setup-debian: done"
