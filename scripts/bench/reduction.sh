#!/usr/bin/env bash
# The exact reduction's price (issue: compute near the machine's peak): the quickstart trained with float sums and with
# exact sums (engine.reduction), over 1 and 2 partitions, one run at a time, in local[2] unless MASTER says otherwise;
# barrier mode, synchronized batch norm and the global walk in every run (as CI's exact check), so exact runs can agree
# across partitionings and float runs see the same batches (auto would give float sums the per-partition walk).
# Each configuration runs REPEATS times (default 3), float and exact alternating, so that a busy moment of a shared
# machine falls on both; prints every run's wall time from its summary.json, the median per configuration, the ratio
# of the medians exact/float per partition count (the target is <= 1.3), and whether every exact run ended with the
# same parameters (SHA-256).
#   scripts/bench/reduction.sh [EPOCHS]        (default 5, the quickstart's)
set -euo pipefail
cd "$(dirname "$0")/../.."
epochs=${1:-5}
master=${MASTER:-local[2]}
repeats=${REPEATS:-3}
out=$(mktemp -d /tmp/descent-reduction.XXXXXX)
py=/usr/bin/python3
field() { "$py" -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1/summary.json" "$2"; }
median() { "$py" -c 'import statistics, sys; print("%.1f" % statistics.median(float(v) for v in sys.argv[1:]))' "$@"; }
for rep in $(seq 1 "$repeats"); do
  for p in 1 2; do
    for r in float exact; do
      run="$out/$r-$p-$rep"
      submit/descent train conf/quickstart.conf --master "$master" --out "$run" --set engine.reduction=$r \
        --set engine.mode=barrier --set batchNorm.mode=sync --set training.shuffle=global --set training.partitions=$p --set training.epochs="$epochs" > "$run.log" 2>&1 || { cat "$run.log"; exit 1; }
    done
  done
done
echo "Quickstart ($epochs epochs, $master, $repeats runs each, float and exact alternating): wall time of training, float vs exact sums"
printf '%-11s %-20s %-20s %-9s %-9s %-12s %-14s %s\n' partitions float_runs_s exact_runs_s float_s exact_s exact/float float_test_acc exact_test_acc
for p in 1 2; do
  fs=(); es=()
  for rep in $(seq 1 "$repeats"); do
    fs+=("$(printf '%.1f' "$(field "$out/float-$p-$rep" wallSeconds)")"); es+=("$(printf '%.1f' "$(field "$out/exact-$p-$rep" wallSeconds)")")
  done
  f=$(median "${fs[@]}"); e=$(median "${es[@]}")
  printf '%-11s %-20s %-20s %-9s %-9s %-12s %-14s %s\n' "$p" "$(IFS=,; echo "${fs[*]}")" "$(IFS=,; echo "${es[*]}")" "$f" "$e" \
    "$(awk -v f="$f" -v e="$e" 'BEGIN { printf "%.2f×", e / f }')" "$(field "$out/float-$p-1" testAccuracy)" "$(field "$out/exact-$p-1" testAccuracy)"
done
sha=$(field "$out/exact-1-1" paramsSha256)
for run in "$out"/exact-*/; do
  if [ "$(field "$run" paramsSha256)" != "$sha" ]; then
    echo "exact sums: DIFFERENT parameters in $(basename "$run") than in exact-1-1"; exit 1
  fi
done
echo "exact sums over 1 and 2 partitions, every run: the same parameters (SHA-256 ${sha:0:16}…)"
rm -rf "$out"
