#!/usr/bin/env bash
# Step time of the quickstart MLP when the training blocks do not fit in the executors' storage memory.
#   benchmarks/storage/run.sh [ROWS]          (default 60000 synthetic rows of 784 features: 188 MB of float32)
# Two executor JVMs of 1 GB (local-cluster[2,1,1024]), training.partitions = 2, job mode, one epoch of batches of 128.
# Reference: MEMORY_ONLY with Spark's default spark.memory.fraction (0.6: ~430 MB of unified memory per executor, the
# 94 MB partitions fit). Then spark.memory.fraction = 0.1 (~70 MB per executor, less than a partition) at each level:
# MEMORY_ONLY recomputes the blocks (generates the rows again) at every step, the others read them from local disk.
# Prints per level: median and mean ms per step, blocks in memory / on disk, partitions not held, and whether the
# final parameters equal the reference's (they must: the storage level never changes the numbers).
set -euo pipefail
cd "$(dirname "$0")/../.."
rows=${1:-60000}
out=target/bench-storage
rm -rf "$out" && mkdir -p "$out"
run() {  # run NAME FRACTION LEVEL
  DESCENT_JAVA_OPTS="-Xmx6g -Dspark.memory.fraction=$2" submit/descent train conf/quickstart.conf --master 'local-cluster[2,1,1024]' \
    --out "$out/$1" --set data.format=synthetic --set data.synthetic.rows="$rows" --set data.synthetic.testRows=2000 \
    --set training.epochs=1 --set training.partitions=2 --set engine.mode=job --set data.storageLevel="$3" > "$out/$1.log" 2>&1 \
    || { cat "$out/$1.log"; exit 1; }
}
run reference 0.6 MEMORY_ONLY
for level in MEMORY_ONLY MEMORY_AND_DISK MEMORY_AND_DISK_SER DISK_ONLY; do
  run "$level" 0.1 "$level"
done
"$(command -v python3 || echo /usr/bin/python3)" - "$out" "$rows" <<'PY'
import json, statistics, sys
out, rows = sys.argv[1], int(sys.argv[2])
def load(name):
    s = json.load(open(f"{out}/{name}/summary.json"))
    ms = [json.loads(l)["ms"] for l in open(f"{out}/{name}/metrics.jsonl") if '"ms"' in l and '"step"' in l]
    noticed = "recomputed from the source" in open(f"{out}/{name}.log").read()
    return s, ms, noticed
ref, ref_ms, _ = load("reference")
print(f"quickstart MLP, {rows} synthetic rows ({rows * 784 * 4 / 1e6:.0f} MB float32), local-cluster[2,1,1024], 2 partitions, job mode, "
      f"{len(ref_ms)} steps of 128")
print(f"{'storage (memory fraction)':<34}{'median ms/step':>15}{'mean':>8}{'vs ref':>8}{'memory MB':>11}{'disk MB':>9}{'not held':>9}"
      f"{'same params':>12}{'notice':>8}")
for name, label in [("reference", "MEMORY_ONLY (0.6), reference"), ("MEMORY_ONLY", "MEMORY_ONLY (0.1)"),
                    ("MEMORY_AND_DISK", "MEMORY_AND_DISK (0.1)"), ("MEMORY_AND_DISK_SER", "MEMORY_AND_DISK_SER (0.1)"),
                    ("DISK_ONLY", "DISK_ONLY (0.1)")]:
    s, ms, noticed = load(name)
    med = statistics.median(ms)
    mem = (s["cachedBytes"] - s["cachedDiskBytes"]) / 1e6
    print(f"{label:<34}{med:>15.1f}{statistics.mean(ms):>8.1f}{med / statistics.median(ref_ms):>7.2f}x{mem:>11.1f}"
          f"{s['cachedDiskBytes'] / 1e6:>9.1f}{s['partitionsNotCached']:>9}{str(s['paramsSha256'] == ref['paramsSha256']):>12}"
          f"{'yes' if noticed else 'no':>8}")
PY
