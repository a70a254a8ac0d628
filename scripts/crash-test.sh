#!/usr/bin/env bash
# Crash test (issue 12): runs `crash_issuer issue` (documents issued on a real store in a
# loop, each number printed after its commit), kills it with SIGKILL at a random moment,
# and runs `crash_issuer verify` on what is left; N times. Some kills land very early
# (process start, store creation, unlock); now and then a brand-new store is started so
# interrupted creations are tried too. Ends with one run that is not killed (numbering
# must go on from the recovered store) and a one-line summary.
#
#   bash scripts/crash-test.sh [--debug] N
#
# --debug uses the debug build (what CI has already built); the default is release.
# CRASH_ISSUER=PATH runs that binary instead of building one; CRASH_SEED=S repeats a
# run's kill times; CRASH_KEEP=1 keeps the work dir.
set -euo pipefail
cd "$(dirname "$0")/.."

# Since the atomic first start (8fdf1b5) a kill during Store::create must leave either
# nothing or a complete store, so a store left unusable by it is a violation. Builds from
# before it left a key slot without its user record about once in 60 creations;
# CRASH_STRICT_CREATE=0 counts such cases in the summary instead of failing on them.
strict_create=${CRASH_STRICT_CREATE:-1}

profile=release
if [ "${1:-}" = --debug ]; then
    profile=debug
    shift
fi
n=${1:?usage: scripts/crash-test.sh [--debug] N}
if [ -n "${CRASH_ISSUER:-}" ]; then
    bin=$CRASH_ISSUER
elif [ "$profile" = release ]; then
    cargo build --quiet --release --locked --bin crash_issuer
    bin="${CARGO_TARGET_DIR:-target}/release/crash_issuer"
else
    cargo build --quiet --locked --bin crash_issuer
    bin="${CARGO_TARGET_DIR:-target}/debug/crash_issuer"
fi

seed=${CRASH_SEED:-$(( $(date +%s) % 32768 ))}
RANDOM=$seed
work=$(mktemp -d "${TMPDIR:-/tmp}/crash-test.XXXXXX")
start=$(date +%s.%N)

kills=0 violations=0 broken=0 stores=0 early=0 printed=0 unprinted=0 max_open=0
done_invoices=0 # in stores already left behind
cur_invoices=0
dir=

violation() {
    violations=$((violations + 1))
    echo "crash-test: kill $1: $2" >&2
    # Keep the evidence and go on with a fresh store.
    [ -d "$dir" ] && mv "$dir" "$work/failed-$1"
    dir=
    cur_invoices=0
}

new_store() {
    done_invoices=$((done_invoices + cur_invoices))
    cur_invoices=0
    [ -n "$dir" ] && [ -z "${CRASH_KEEP:-}" ] && rm -rf "$dir"
    stores=$((stores + 1))
    dir="$work/store-$stores"
}

# Runs verify on $dir for the run that printed $1; $2 names the run in messages.
check() {
    local out=$1 what=$2 status=0
    "$bin" verify "$dir" "$out" >"$work/verify.out" 2>&1 || status=$?
    case $status in
    0)
        local line
        line=$(cat "$work/verify.out")
        local v
        v=$(sed -n 's/.* invoices=\([0-9]*\).*/\1/p' <<<"$line")
        cur_invoices=${v:-0}
        v=$(sed -n 's/.* printed=\([0-9]*\).*/\1/p' <<<"$line")
        printed=$((printed + ${v:-0}))
        v=$(sed -n 's/.* unprinted=\([0-9]*\).*/\1/p' <<<"$line")
        unprinted=$((unprinted + ${v:-0}))
        v=$(sed -n 's/.* open_ms=\([0-9]*\).*/\1/p' <<<"$line")
        if [ -n "$v" ] && [ "$v" -gt "$max_open" ]; then max_open=$v; fi
        return 0
        ;;
    3)
        if [ "$strict_create" = 1 ]; then
            violation "$what" "$(cat "$work/verify.out")"
        else
            broken=$((broken + 1))
            echo "crash-test: kill $what: $(cat "$work/verify.out") (counted, not failed: CRASH_STRICT_CREATE=0)" >&2
            cur_invoices=0
            new_store
        fi
        return 1
        ;;
    *)
        violation "$what" "$(cat "$work/verify.out")"
        return 1
        ;;
    esac
}

for ((i = 1; i <= n; i++)); do
    fresh=0
    if [ -z "$dir" ] || ((RANDOM % 10 == 0)); then
        new_store
        fresh=1
    fi
    if ((fresh)); then
        # Creation, shop setup (RSA key) and the first documents: ~200 ms in release.
        delay=$((1 + RANDOM % 250))
    elif ((RANDOM % 5 == 0)); then
        # Process start and unlock (Argon2id, migrations, the first write transactions).
        delay=$((1 + RANDOM % 100))
    else
        delay=$((20 + RANDOM % 381))
    fi
    out="$work/printed"
    "$bin" issue "$dir" >"$out" 2>"$work/issue.err" &
    pid=$!
    sleep "$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))"
    kill -9 "$pid" 2>/dev/null || true
    status=0
    # (2>/dev/null: bash's "Killed" notice for every kill)
    wait "$pid" 2>/dev/null || status=$?
    kills=$((kills + 1))
    grep -q '^# ready' "$out" || early=$((early + 1))
    if check "$out" "$i (after ${delay} ms)" && [ "$status" != 137 ]; then
        violation "$i" "the issuer exited by itself (status $status): $(tail -3 "$work/issue.err")"
    fi
    if ((i % 100 == 0)); then
        echo "crash-test: $i/$n kills, $((done_invoices + cur_invoices)) invoices, $violations violations" >&2
    fi
done

# A last run that is not killed: numbering goes on from the recovered store.
[ -n "$dir" ] || new_store
if "$bin" issue "$dir" --count 8 >"$work/printed" 2>"$work/issue.err"; then
    check "$work/printed" "final run" || true
else
    violation "final run" "the issuer failed: $(tail -3 "$work/issue.err")"
fi

total=$((done_invoices + cur_invoices))
secs=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.0f", e - s }')
extra="seed $seed; $stores stores; $early kills before the store was ready; $printed numbers printed; $unprinted committed but killed before printing; reopen max ${max_open} ms"
if [ "$strict_create" != 1 ]; then
    extra="$broken interrupted creations left an unusable store; $extra"
fi
echo "crash-test: $kills kills, $total invoices, $violations violations, $secs s ($extra)"
if [ "$violations" -gt 0 ]; then
    echo "crash-test: evidence kept in $work" >&2
    exit 1
fi
[ -n "${CRASH_KEEP:-}" ] || rm -rf "$work"
