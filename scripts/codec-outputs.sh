#!/bin/bash
# Writes the files of every codec path (quantize, compress, stream, prune, deep-compress) for one
# seeded model into OUT, with their sha256 in OUT/sums.txt: run it with the CLI before and after a
# change to the codec seam and compare the folders (docs/architecture.md, "Same bytes").
# usage: scripts/codec-outputs.sh CLI_DIR OUT_DIR [MODEL_DIR]
set -u
CLI=$1/Condense.Cli; O=$2; M=${3:-$O/../codec-model}
mkdir -p "$O" "$M"; O=$(cd "$O" && pwd); M=$(cd "$M" && pwd)
if [ ! -f "$M/pruned.onnx" ]; then    # a seeded LeNet-300-100 (1 epoch), its ONNX export, and a 90 % pruned copy
  "$CLI" train --model lenet300 --epochs 1 --seed 1 -o "$M/lenet.safetensors" > "$M/train.log" 2>&1
  "$CLI" export "$M/lenet.safetensors" -o "$M/lenet.onnx" >> "$M/train.log" 2>&1
  "$CLI" prune "$M/lenet.safetensors" --method global --sparsity 0.9 --data none -o "$M/pruned.safetensors" >> "$M/train.log" 2>&1
  "$CLI" export "$M/pruned.safetensors" -o "$M/pruned.onnx" >> "$M/train.log" 2>&1
fi
cd "$O"
run() { echo "+ $*" >> log.txt; "$CLI" "$@" >> log.txt 2>&1 || echo "FAILED: $*" >> log.txt; }
for b in 2 4 8; do run quantize $M/lenet.safetensors --method kmeans --bits $b --samples 100 -o q-kmeans$b.safetensors --report q-kmeans$b.json; done
run quantize $M/lenet.safetensors --method kmeans --bits 4 --per-channel --huffman --samples 100 -o q-kmeans4pc.safetensors --report q-kmeans4pc.json
for b in 8 4 2 1; do run quantize $M/lenet.safetensors --method linear --bits $b --samples 100 -o q-linear$b.safetensors --report q-linear$b.json; done
run quantize $M/lenet.safetensors --method linear --bits 8 --per-channel --asymmetric --samples 100 -o q-linear8pca.safetensors --report q-linear8pca.json
run quantize $M/lenet.safetensors --method linear --bits 4 --calibration kl --samples 100 -o q-linear4kl.safetensors --report q-linear4kl.json
for m in "linear 8" "linear 4" "linear 3" "kmeans 4" "kmeans 2" "fp16 16" "bf16 16"; do set -- $m
  run compress $M/lenet.onnx --method $1 --bits $2 -o c-$1$2.onnx --json; done
run compress $M/lenet.onnx --method linear --bits 8 --per-channel -o c-linear8pc.onnx --json
run compress $M/lenet.onnx --method linear --bits 4 --per-channel -o c-linear4pc.onnx --json
for m in "linear 8" "kmeans 4" "fp16 16"; do set -- $m
  run compress $M/pruned.onnx --method $1 --bits $2 -o s-$1$2.onnx --json; done
run stream $M/lenet.safetensors --method int8 --workers 1 -o st-int8
run stream $M/lenet.safetensors --method kmeans --workers 1 -o st-kmeans
run prune $M/lenet.safetensors --method global --sparsity 0.9 --data none -o p-rel.csparse
run prune $M/lenet.safetensors --method global --sparsity 0.9 --data none --bits 5 -o p-rel5.csparse
run deep-compress $M/lenet.safetensors --prune-steps 1 --prune-epochs 0 --share-epochs 0 -o dc.cdz
find . -type f ! -name log.txt ! -name sums.txt ! -name '*.json' -print0 | sort -z | xargs -0 sha256sum > sums.txt
grep FAILED log.txt && exit 1 || exit 0
