#!/usr/bin/env bash
# Benchmark `annals build` on synthetic archives.
#
#   scripts/bench.sh                # archives of 1,000 and 10,000 reports
#   scripts/bench.sh 500 2000 20000 # other sizes
#
# For each size N it generates target/bench-archive-N with examples/gen_archive.rs, then
# runs a clean `annals build --root DIR --out DIR/public` three times, measuring wall
# time and peak memory (RSS) with GNU time; also with --no-search when the build
# command has that flag, and once more with hyperfine when it is installed.
#
# Environment:
#   RUNS=3              runs per size and mode
#   ANNALS_BIN=path     binary to measure (default target/release/annals)
#   SKIP_BUILD=1        do not run `cargo build` first (use the binaries already built)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

runs=${RUNS:-3}
annals=${ANNALS_BIN:-target/release/annals}
gen=target/release/examples/gen_archive
timer=/usr/bin/time

if [ "$#" -gt 0 ]; then
  sizes=("$@")
else
  sizes=(1000 10000)
fi
for n in "${sizes[@]}"; do
  if ! [[ $n =~ ^[0-9]+$ ]]; then
    echo "bench.sh: sizes must be whole numbers of reports, got '$n'" >&2
    echo "usage: scripts/bench.sh [REPORTS...]   (default: 1000 10000)" >&2
    exit 2
  fi
done
if ! [[ $runs =~ ^[1-9][0-9]*$ ]]; then
  echo "bench.sh: RUNS must be a positive whole number, got '$runs'" >&2
  exit 2
fi

if [ ! -x "$timer" ] || ! "$timer" -f '%e' true >/dev/null 2>&1; then
  echo "bench.sh: GNU time is needed at $timer to measure peak memory." >&2
  echo "Install it with: sudo apt-get install time" >&2
  exit 1
fi

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  echo "==> cargo build --release --examples --bins"
  cargo build --release --examples --bins
fi
for bin in "$annals" "$gen"; do
  if [ ! -x "$bin" ]; then
    echo "bench.sh: $bin is missing; run cargo build --release --examples --bins" >&2
    exit 1
  fi
done

# Does `annals build` have --no-search? (Captured first: grep -q would end the pipe early.)
build_help=$("$annals" build --help 2>&1 || true)
modes=(full)
if grep -q -- '--no-search' <<<"$build_help"; then
  modes+=(no-search)
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

rows=()
extra=()

for n in "${sizes[@]}"; do
  dir=target/bench-archive-$n
  echo "==> generating $dir"
  "$gen" --reports "$n" --out "$dir"

  for mode in "${modes[@]}"; do
    args=(build --root "$dir" --out "$dir/public")
    if [ "$mode" = no-search ]; then
      args+=(--no-search)
    fi
    for run in $(seq 1 "$runs"); do
      rm -rf "$dir/public"
      printf '    %7s reports, %-9s run %d ... ' "$n" "$mode" "$run"
      if ! "$timer" -f '%e s %M KB' -o "$tmp/time" "$annals" "${args[@]}" >"$tmp/log" 2>&1; then
        echo "FAILED"
        echo "bench.sh: '$annals ${args[*]}' failed; last lines of its output:" >&2
        tail -n 30 "$tmp/log" >&2
        exit 1
      fi
      if [ ! -d "$dir/public" ]; then
        echo "no output"
        echo "bench.sh: '$annals ${args[*]}' succeeded but wrote no $dir/public; nothing to measure" >&2
        exit 1
      fi
      # The last line is ours (GNU time may print a status line before it).
      read -r wall _ kb _ < <(tail -n 1 "$tmp/time")
      mb=$(awk -v kb="$kb" 'BEGIN { printf "%.1f", kb / 1024 }')
      echo "$wall s, $mb MB"
      rows+=("$n|$mode|$run|$wall|$mb")
    done
  done

  if command -v hyperfine >/dev/null 2>&1; then
    echo "==> hyperfine on $dir"
    rm -f "$tmp/hf.csv"
    printf -v build_cmd '%q ' "$annals" build --root "$dir" --out "$dir/public"
    printf -v prepare_cmd 'rm -rf %q' "$dir/public"
    if hyperfine --style none --warmup 1 --runs "$runs" --prepare "$prepare_cmd" \
      --export-csv "$tmp/hf.csv" "$build_cmd" >/dev/null 2>"$tmp/hf.log"; then
      extra+=("$(awk -F, -v n="$n" '
        NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
        NR == 2 { printf "hyperfine %s reports: mean %.3f s ± %.3f s (min %.3f, max %.3f)",
                  n, $col["mean"], $col["stddev"], $col["min"], $col["max"] }' "$tmp/hf.csv")")
    else
      extra+=("hyperfine $n reports: failed ($(tail -n 1 "$tmp/hf.log"))")
    fi
  fi
done

echo
echo "annals build ($annals), $(nproc 2>/dev/null || echo '?') CPUs"
printf '%9s  %-9s  %3s  %8s  %8s\n' reports mode run 'wall s' 'peak MB'
printf '%9s  %-9s  %3s  %8s  %8s\n' --------- --------- --- -------- --------
for row in "${rows[@]}"; do
  IFS='|' read -r n mode run wall mb <<<"$row"
  printf '%9s  %-9s  %3s  %8s  %8s\n' "$n" "$mode" "$run" "$wall" "$mb"
done
if [ "${#extra[@]}" -gt 0 ]; then
  echo
  printf '%s\n' "${extra[@]}"
fi
