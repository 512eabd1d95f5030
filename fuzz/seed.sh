#!/usr/bin/env bash
# Copies the crate's fixtures into each fuzz target's seed corpus (fuzz/corpus/<target>/),
# plus a few hand-made seeds for the targets that take short text. The corpora are not
# committed (see .gitignore): run this before fuzzing on a fresh clone.
set -euo pipefail
cd "$(dirname "$0")"
fixtures=../tests/fixtures
for target in parse_webhook roundtrip verify; do
  mkdir -p "corpus/$target"
  find "$fixtures" -name '*.json' -exec cp {} "corpus/$target/" \;
done
mkdir -p corpus/datetime corpus/amount
for text in 2023-09-13T09:07:55 2023-09-13T08:39:53.50896 2023-08-01T15:00:00Z \
  2023-08-01T15:00:00.5+09:00 2023-08-01T15:00:00-03:30 9999-01-01T00:00:00.000000; do
  printf '%s' "$text" >"corpus/datetime/$text"
done
i=0
for text in 0 29000 10000.000 1.0000000000 -12.5 1.5e1 125e-2 1e-28 0.0000 80000.0000; do
  printf '%s' "$text" >"corpus/amount/seed-$i"
  i=$((i + 1))
done
echo "seeded: $(ls corpus/parse_webhook | wc -l) bodies per body target"
