#!/bin/bash
# Writes the files of the pruning paths (prune: magnitude on the default MLP and on LeNet-5, global, random,
# structured, SNIP, SynFlow; lottery; deep-compress with retraining) and of the model quantizer (k-means and
# linear, per tensor and per channel, Huffman) for seeded models, with their sha256 in OUT/sums.txt and the
# reports less timings and paths in OUT/json.txt: run it with the CLI before and after a change to masks or
# to the quantized model file and diff the two (issue 22: 20 of 20 files and every report identical).
# usage: scripts/prune-outputs.sh CLI_DIR OUT_DIR MODEL_DIR   (the models are trained once into MODEL_DIR)
set -u
CLI=$1/Condense.Cli; O=$2; M=$3
mkdir -p "$O" "$M"; O=$(cd "$O" && pwd); M=$(cd "$M" && pwd)
[ -f "$M/m.safetensors" ] || "$CLI" train --epochs 1 --seed 1 -o "$M/m.safetensors" >> "$M/train.log" 2>&1
[ -f "$M/c.safetensors" ] || "$CLI" train --model lenet5 --epochs 1 --seed 1 -o "$M/c.safetensors" >> "$M/train.log" 2>&1
[ -f "$M/l.safetensors" ] || "$CLI" train --model lenet300 --epochs 1 --seed 1 -o "$M/l.safetensors" >> "$M/train.log" 2>&1
cd "$O"
run() { echo "+ $*" >> log.txt; OMP_NUM_THREADS=1 "$CLI" "$@" >> log.txt 2>&1 || echo "FAILED: $*" >> log.txt; }
for b in 4; do for m in m l; do run quantize $M/$m.safetensors --method kmeans --bits $b --samples 100 -o q-$m-kmeans$b.safetensors --report q-$m-kmeans$b.json; run quantize $M/$m.safetensors --method linear --bits $b --samples 100 -o q-$m-linear$b.safetensors --report q-$m-linear$b.json; done; done
run quantize $M/l.safetensors --method kmeans --bits 3 --per-channel --huffman --keep-zeros --samples 100 -o q-kmeans3pch.safetensors --report q-kmeans3pch.json
for b in 8 2 1; do run quantize $M/l.safetensors --method linear --bits $b --samples 100 -o q-linear$b.safetensors --report q-linear$b.json; done
run quantize $M/l.safetensors --method linear --bits 8 --per-channel --asymmetric --samples 100 -o q-linear8pca.safetensors --report q-linear8pca.json
run quantize $M/c.safetensors --method kmeans --bits 4 --per-channel --samples 100 -o q-cnn-kmeans4pc.safetensors --report q-cnn-kmeans4pc.json
run prune $M/m.safetensors --method magnitude --sparsity 0.9 --finetune-epochs 1 -o mag.safetensors --report mag.json
run prune $M/c.safetensors --method magnitude --sparsity 0.9 --finetune-epochs 1 -o cnn-mag.safetensors --report cnn-mag.json
run prune $M/l.safetensors --method global --sparsity 0.9 --finetune-epochs 1 -o glob.csparse --report glob.json
run prune $M/l.safetensors --method random --sparsity 0.7 --finetune-epochs 1 --seed 3 -o rand.csparse --report rand.json
run prune $M/l.safetensors --method structured --sparsity 0.5 --finetune-epochs 1 -o struct.safetensors --report struct.json
run prune $M/l.safetensors --method snip --sparsity 0.9 --finetune-epochs 1 -o snip.csparse --report snip.json
run prune $M/l.safetensors --method synflow --sparsity 0.9 -o synflow.csparse --report synflow.json
run lottery lenet300 --rounds 2 --epochs 2 --train-limit 1000 --seed 1 -o lottery.safetensors --report lottery.json
run deep-compress $M/l.safetensors --prune-steps 2 --prune-epochs 1 --share-epochs 0 -o dc.cdz
find . -type f ! -name log.txt ! -name sums.txt ! -name json.txt ! -name '*.json' -print0 | sort -z | xargs -0 sha256sum > sums.txt
for f in $(find . -name '*.json' | sort); do python3 -c "
import json
def strip(o):
    if isinstance(o,dict): return {k:strip(v) for k,v in o.items() if not any(t in k.lower() for t in ('second','time','elapsed','_ms','date','path','output','file','model'))}
    if isinstance(o,list): return [strip(v) for v in o]
    return o
print('$f', json.dumps(strip(json.load(open('$f'))),sort_keys=True))" ; done > json.txt
grep FAILED log.txt && exit 1 || exit 0
