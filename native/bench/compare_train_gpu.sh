#!/usr/bin/env bash
# Training speed on one NVIDIA GPU: the ecglens CUDA engine against PyTorch
# with cuDNN (bench_train.cpp, bench_train.py --device cuda), on the same GPU
# in the same run, alternating for ROUNDS rounds; each keeps its best epoch.
# Then the full 100-epoch training of the bundled SRL-AE on ECG5000 by
# `ecglens train --device cuda`, timed end to end.
#   native/bench/compare_train_gpu.sh BUILD_DIR DATA_DIR [ROUNDS] [PYTHON]
set -euo pipefail
build=$1; data=$2; rounds=${3:-3}; python=${4:-python3}
here=$(cd "$(dirname "$0")" && pwd)
bin="$build/native/bench/bench_train"
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader || true
"$python" -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda,
      "cudnn", torch.backends.cudnn.version(), torch.cuda.get_device_name(0))'
best() { printf '%s\n' "$@" | sort -g | head -1; }
for model in lstm srl; do
  ours=(); theirs=()
  for r in $(seq "$rounds"); do
    while read -r _ _ s _; do ours+=("$s"); done < <("$bin" --data-dir "$data" --epochs 3 \
      --device cuda --model "$model")
    while read -r _ _ s _; do theirs+=("$s"); done < <("$python" "$here/bench_train.py" \
      --data-dir "$data" --epochs 3 --device cuda --model "$model")
  done
  a=$(best "${ours[@]}"); b=$(best "${theirs[@]}")
  echo "== $model: one epoch, 1,900 ECG5000 beats, batch 64, Adam, on the GPU"
  echo "ecglens cuda:   ${a} s/epoch (epochs: ${ours[*]})"
  echo "pytorch cudnn:  ${b} s/epoch (epochs: ${theirs[*]})"
  awk -v a="$a" -v b="$b" 'BEGIN { printf "ratio (pytorch / ecglens): %.2fx faster\n", b / a }'
done
out=$(mktemp -d)
start=$(date +%s.%N)
"$build/native/cli/ecglens" train --arch srl_ae --encoder 64 32 16 --decoder 32 64 \
  --epochs 100 --patience 0 --batch 64 --lr 0.003 --clip 1.0 --sparsity-beta 0.001 \
  --device cuda --data-dir "$data" --split fixed --out "$out/srl.ecgw" \
  --export-test "$out/test.csv" --quiet
end=$(date +%s.%N)
awk -v s="$start" -v e="$end" 'BEGIN { printf "SRL-AE, 100 epochs on ECG5000 (ecglens train --device cuda): %.1f s\n", e - s }'
"$build/native/cli/ecglens" eval -m "$out/srl.ecgw" -i "$out/test.csv"
rm -rf "$out"
