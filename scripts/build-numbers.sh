#!/usr/bin/env bash
# The build figures in docs/architecture.md: clean release builds of the server before the
# workspace split and now, each in a fresh target dir, then the Windows server's imports.
# About 15 minutes on 2 cores; not part of CI. Needs gcc-mingw-w64-x86-64 and the
# x86_64-pc-windows-gnu target for the last step.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=$(mktemp -d)
BEFORE=${BEFORE:-5c87fd5}
git worktree add -f "$OUT/before" "$BEFORE" >/dev/null
trap 'git worktree remove --force "$OUT/before" || true' EXIT
build() { # name dir args...
    local name=$1 dir=$2; shift 2
    local s; s=$(date +%s)
    (cd "$dir" && CARGO_TARGET_DIR="$OUT/t-$name" cargo build --release --locked "$@" >"$OUT/$name.log" 2>&1)
    echo "$name: $(( $(date +%s) - s )) s, $(grep -c Compiling "$OUT/$name.log") crates compiled"
}
build before "$OUT/before" --bin motordesk-server
build after "$PWD" -p motordesk-server
ls -l "$OUT"/t-before/release/motordesk-server "$OUT"/t-after/release/motordesk-server
if command -v x86_64-w64-mingw32-objdump >/dev/null; then
    build windows "$PWD" -p motordesk-server --target x86_64-pc-windows-gnu
    x86_64-w64-mingw32-objdump -p "$OUT/t-windows/x86_64-pc-windows-gnu/release/motordesk-server.exe" | grep "DLL Name" | sort -uf
fi
