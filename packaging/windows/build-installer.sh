#!/usr/bin/env bash
# Builds the Windows installer with NSIS (makensis, Debian package `nsis`) from the two
# cross-built release exes: target/installer/MotorDesk-Setup-<version>.exe, the version
# taken from Cargo.toml. On Windows, build.ps1 does the same with NSIS for Windows.
#
#   packaging/windows/build-installer.sh            # exes from $CARGO_TARGET_DIR (or target/)
#   BIN_DIR=/path/with/both/exes packaging/windows/build-installer.sh
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
BIN_DIR=${BIN_DIR:-$TARGET_DIR/x86_64-pc-windows-gnu/release}
OUT_DIR=${OUT_DIR:-$TARGET_DIR/installer}
# The root package's version: the first `version = "…"` after [package].
VERSION=$(awk '/^\[package\]/{p=1; next} /^\[/{p=0} p && /^version *=/{gsub(/[" ]/, "", $0); sub(/version=/, "", $0); print; exit}' "$ROOT/Cargo.toml")
[ -n "$VERSION" ] || { echo "no version in Cargo.toml" >&2; exit 1; }
for exe in motordesk.exe motordesk-server.exe; do
    [ -f "$BIN_DIR/$exe" ] || { echo "missing $BIN_DIR/$exe (cargo build --release --target x86_64-pc-windows-gnu --bin ${exe%.exe})" >&2; exit 1; }
done
command -v makensis >/dev/null || { echo "makensis not found: apt-get install nsis" >&2; exit 1; }
mkdir -p "$OUT_DIR"
makensis -V2 -DVERSION="$VERSION" -DBIN_DIR="$BIN_DIR" -DOUT_DIR="$OUT_DIR" \
    "$ROOT/packaging/windows/motordesk.nsi"
echo "$OUT_DIR/MotorDesk-Setup-$VERSION.exe"
