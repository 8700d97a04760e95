#!/usr/bin/env bash
# The exact reduction's price (issue: compute near the machine's peak): the quickstart trained with float sums and with
# exact sums (engine.reduction), over 1 and 2 partitions, one run at a time, in local[2] unless MASTER says otherwise;
# barrier mode and synchronized batch norm in every run (as CI's exact check), so exact runs can agree across partitionings.
# Prints each run's wall time from its summary.json, the ratio exact/float per partition count (the target is <= 1.3),
# and whether the exact runs over 1 and 2 partitions ended with the same parameters (SHA-256).
#   scripts/bench/reduction.sh [EPOCHS]        (default 5, the quickstart's)
set -euo pipefail
cd "$(dirname "$0")/../.."
epochs=${1:-5}
master=${MASTER:-local[2]}
out=$(mktemp -d /tmp/descent-reduction.XXXXXX)
py=/usr/bin/python3
field() { "$py" -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1/summary.json" "$2"; }
for p in 1 2; do
  for r in float exact; do
    submit/descent train conf/quickstart.conf --master "$master" --out "$out/$r-$p" --set engine.reduction=$r \
      --set engine.mode=barrier --set batchNorm.mode=sync --set training.partitions=$p --set training.epochs="$epochs" > "$out/$r-$p.log" 2>&1 || { cat "$out/$r-$p.log"; exit 1; }
  done
done
echo "Quickstart ($epochs epochs, $master): wall time of training, float vs exact sums"
printf '%-11s %-10s %-10s %-12s %-14s %s\n' partitions float_s exact_s exact/float float_test_acc exact_test_acc
for p in 1 2; do
  f=$(field "$out/float-$p" wallSeconds); e=$(field "$out/exact-$p" wallSeconds)
  printf '%-11s %-10.1f %-10.1f %-12s %-14s %s\n' "$p" "$f" "$e" "$(awk -v f="$f" -v e="$e" 'BEGIN { printf "%.2f×", e / f }')" \
    "$(field "$out/float-$p" testAccuracy)" "$(field "$out/exact-$p" testAccuracy)"
done
if [ "$(field "$out/exact-1" paramsSha256)" = "$(field "$out/exact-2" paramsSha256)" ]; then
  echo "exact sums over 1 and 2 partitions: the same parameters (SHA-256 $(field "$out/exact-1" paramsSha256 | cut -c1-16)…)"
else
  echo "exact sums over 1 and 2 partitions: DIFFERENT parameters"; exit 1
fi
rm -rf "$out"
