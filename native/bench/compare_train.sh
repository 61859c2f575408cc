#!/usr/bin/env bash
# Training speed, ecglens against PyTorch on the same epoch (bench_train.cpp,
# bench_train.py), one thread each, run in alternation for ROUNDS rounds; each
# engine keeps its best epoch (noise on a shared machine only slows a run).
#   native/bench/compare_train.sh BENCH_TRAIN_BINARY DATA_DIR [ROUNDS]
set -euo pipefail
bin=$1; data=$2; rounds=${3:-2}
here=$(cd "$(dirname "$0")" && pwd)
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1
ours=(); theirs=()
for r in $(seq "$rounds"); do
  while read -r _ _ s _; do ours+=("$s"); done < <("$bin" --data-dir "$data" --epochs 2)
  while read -r _ _ s _; do theirs+=("$s"); done < <(OPENBLAS_CORETYPE=SkylakeX \
    MALLOC_MMAP_THRESHOLD_=67108864 /usr/bin/python3 "$here/bench_train.py" --data-dir "$data" --epochs 2)
done
best() { printf '%s\n' "$@" | sort -g | head -1; }
a=$(best "${ours[@]}"); b=$(best "${theirs[@]}")
echo "one epoch, 1,900 ECG5000 beats, batch 64, Adam, LSTM AE 1→64/64→64, one thread"
echo "ecglens: ${a} s/epoch (epochs: ${ours[*]})"
echo "pytorch: ${b} s/epoch (epochs: ${theirs[*]})"
awk -v a="$a" -v b="$b" 'BEGIN { printf "ratio (pytorch / ecglens): %.2fx faster\n", b / a }'
