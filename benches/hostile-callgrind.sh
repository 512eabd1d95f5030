#!/usr/bin/env bash
# Instructions per body byte of parse_webhook on the worst shapes of hostile input, at three
# sizes each, under callgrind: a linear parser costs about the same per byte at every size.
#
#   benches/hostile-callgrind.sh
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || { echo "hostile-callgrind.sh: valgrind is not installed" >&2; exit 1; }

exe=$(cargo bench --bench hostile --no-run --message-format=json 2>/dev/null |
  grep -o '"executable":"[^"]*/hostile-[0-9a-f]*"' | tail -n 1 | cut -d '"' -f 4)
[ -x "$exe" ] || { echo "hostile-callgrind.sh: could not find the hostile bench executable" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
printf '%-24s %12s %14s %12s\n' shape "body bytes" "Ir per call" "Ir per byte"
for shape in deep-arrays-unknown deep-objects-unknown many-keys-unknown many-attributes \
  many-ignored-fields huge-string huge-string-wrong-type; do
  for size in 100000 1000000 10000000; do
    valgrind --tool=callgrind --collect-atstart=no --toggle-collect='*measured_parse*' \
      --callgrind-out-file="$work/cg" "$exe" --count-instructions "$shape" "$size" \
      >"$work/out" 2>/dev/null
    ir=$(sed -n 's/^summary: \([0-9]*\).*/\1/p' "$work/cg")
    bytes=$(sed -n 's/^bytes=\([0-9]*\) .*/\1/p' "$work/out")
    awk -v s="$shape" -v b="$bytes" -v ir="$ir" \
      'BEGIN { printf "%-24s %12d %14.0f %12.1f\n", s, b, ir / 2, ir / 2 / b }'
  done
done
