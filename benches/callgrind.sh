#!/usr/bin/env bash
# Instruction counts of parse_webhook against serde_json::Value (and the naive derived enum),
# per corpus, under callgrind. Instruction counts do not swing with the machine's load the
# way wall-clock times do, so this is the repeatable check of the parser's cost.
#
#   benches/callgrind.sh            # 20 passes per run, every run done twice
#   PASSES=50 RUNS=1 benches/callgrind.sh
#
# It builds the `parse` bench binary (bench profile) and runs it once per parser and corpus
# in its `--count-instructions` mode, collecting only inside the function that loops over the
# bodies (`measured_passes`): building the corpora and a warm-up pass are not counted.
set -euo pipefail
cd "$(dirname "$0")/.."

passes=${PASSES:-20}
runs=${RUNS:-2}
corpora=(compact-event-first compact-data-first pretty order-200 compact-invalid)
parsers=(value typed naive)

command -v valgrind >/dev/null || { echo "callgrind.sh: valgrind is not installed" >&2; exit 1; }

echo "building the bench binary (cargo bench --no-run)..." >&2
exe=$(cargo bench --bench parse --no-run --message-format=json |
  grep -o '"executable":"[^"]*/parse-[0-9a-f]*"' | tail -n 1 | cut -d '"' -f 4)
[ -x "$exe" ] || { echo "callgrind.sh: could not find the parse bench executable" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

started=$SECONDS
# count PARSER CORPUS RUN: prints "IR BODIES", or "cannot" when the parser cannot parse it.
count() {
  local out="$work/$1.$2.$3"
  local status=0
  valgrind --tool=callgrind --collect-atstart=no --toggle-collect='*::measured_passes*' \
    --callgrind-out-file="$out.cg" "$exe" --count-instructions "$1" "$2" "$passes" \
    >"$out.stdout" 2>"$out.stderr" || status=$?
  if [ "$status" = 3 ]; then echo cannot; return; fi
  if [ "$status" != 0 ]; then
    echo "callgrind.sh: $1 on $2 failed (status $status):" >&2
    cat "$out.stdout" "$out.stderr" >&2
    exit 1
  fi
  local ir bodies
  ir=$(sed -n 's/^summary: \([0-9]*\).*/\1/p' "$out.cg")
  bodies=$(sed -n 's/^bodies=\([0-9]*\) .*/\1/p' "$out.stdout")
  if [ -z "$ir" ] || [ "$ir" = 0 ]; then
    echo "callgrind.sh: no instructions collected for $1 on $2 (measured_passes not found?)" >&2
    exit 1
  fi
  echo "$ir $bodies"
}

declare -A per_call cannot spread
for corpus in "${corpora[@]}"; do
  for parser in "${parsers[@]}"; do
    first=""
    for run in $(seq 1 "$runs"); do
      result=$(count "$parser" "$corpus" "$run")
      if [ "$result" = cannot ]; then cannot[$parser.$corpus]=1; break; fi
      read -r ir bodies <<<"$result"
      if [ -z "$first" ]; then
        first=$ir
        spread[$parser.$corpus]=0
      else
        # Largest relative difference from the first run, in percent.
        spread[$parser.$corpus]=$(awk -v a="$first" -v b="$ir" -v s="${spread[$parser.$corpus]}" \
          'BEGIN { d = (b > a ? b - a : a - b) / a * 100; print (d > s ? d : s) }')
      fi
      per_call[$parser.$corpus]=$(awk -v ir="$ir" -v n="$bodies" -v p="$passes" \
        'BEGIN { printf "%.0f", ir / (n * p) }')
    done
  done
done

printf '\ninstructions (Ir) per call under callgrind: %s passes per run, %s run(s) each, %d s\n' \
  "$passes" "$runs" $((SECONDS - started))
printf '%-22s %14s %14s %10s %12s %14s %10s\n' corpus "Value Ir/call" "typed Ir/call" typed/Value target "naive Ir/call" naive/Value
max_spread=0
for corpus in "${corpora[@]}"; do
  value=${per_call[value.$corpus]}
  typed=${per_call[typed.$corpus]}
  case $corpus in
    compact-event-first) target="<= 0.45x" ;;
    compact-invalid) target="<= 2x today" ;;
    *) target="" ;;
  esac
  if [ "$corpus" = compact-invalid ]; then
    naive="-"
    naive_ratio="-"
  elif [ -n "${cannot[naive.$corpus]:-}" ]; then
    naive="cannot parse"
    naive_ratio="-"
  else
    naive=${per_call[naive.$corpus]}
    naive_ratio=$(awk -v a="$naive" -v b="$value" 'BEGIN { printf "%.3fx", a / b }')
  fi
  printf '%-22s %14s %14s %10s %12s %14s %10s\n' "$corpus" "$value" "$typed" \
    "$(awk -v a="$typed" -v b="$value" 'BEGIN { printf "%.3fx", a / b }')" "$target" \
    "$naive" "$naive_ratio"
  for parser in "${parsers[@]}"; do
    s=${spread[$parser.$corpus]:-0}
    max_spread=$(awk -v a="$s" -v b="$max_spread" 'BEGIN { print (a > b ? a : b) }')
  done
done
if [ "$runs" -gt 1 ]; then
  printf 'repeatability: largest difference between runs of the same count: %s%%\n' "$max_spread"
fi
