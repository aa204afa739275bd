#!/usr/bin/env bash
# Ten minutes of training the default model (LSTM 2 x 128, B=50, T=50, Adam 2e-3, clip 5) on
# Tiny Shakespeare: the validation loss charnn reaches and its speed, next to the PyTorch CPU
# reference's speed measured in the same run (before and after, best of 1 and 2 threads).
#
#   bash bench/train-10min.sh [corpus] [minutes]
#
# Needs: npm install (dist/ built); for the reference, apt-get install -y python3-torch
# libopenblas0-pthread. Prints figures; writes nothing outside a temp dir.
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=${1:-../shared/corpora/tinyshakespeare.txt}
minutes=${2:-10}
ref=../shared/bench/torch_charrnn.py
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

torch_speed() {
  for threads in 1 2; do
    /usr/bin/python3 "$ref" train --cell lstm --hidden 128 --layers 2 --batch 50 --seq 50 --steps 40 --threads "$threads" --corpus "$corpus"
  done
}

echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), node $(node --version)"
echo "== PyTorch reference (before)"
torch_speed | tee "$tmp/torch.txt"
echo "== charnn train, ${minutes} minutes"
node bin/charnn.js train "$corpus" --time "${minutes}m" --log "$tmp/run.jsonl" -o "$tmp/ts.safetensors" --samples 1 2>&1 | grep -v '^step ' || true
echo "== PyTorch reference (after)"
torch_speed | tee -a "$tmp/torch.txt"
node - "$tmp/run.jsonl" "$tmp/torch.txt" <<'JS'
const fs = require('fs');
const log = fs.readFileSync(process.argv[2], 'utf8').trim().split('\n').map((l) => JSON.parse(l));
const last = log[log.length - 1];
const evals = log.filter((e) => 'val_nats' in e);
const torch = fs.readFileSync(process.argv[3], 'utf8').match(/([\d,]+) chars\/s/g).map((s) => Number(s.replace(/[^\d]/g, '')));
const torchBest = Math.max(...torch);
console.log('== summary');
console.log(`charnn: ${last.step} steps in ${last.elapsed_s.toFixed(0)} s, ${Math.round(last.chars_per_s)} chars/s, ` +
  `final train loss ${last.loss_nats.toFixed(4)} nats, validation ${evals.map((e) => `${e.val_nats.toFixed(4)} @${e.step}`).join(', ')}`);
console.log(`PyTorch reference: ${torch.join(' / ')} chars/s (threads 1, 2 before; 1, 2 after); best ${torchBest}`);
console.log(`ratio charnn / PyTorch best: ${(last.chars_per_s / torchBest).toFixed(3)}`);
JS
