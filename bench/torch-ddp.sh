#!/usr/bin/env bash
# What DistributedDataParallel costs on CPUs: the same run continued by charnn train --resume, by
# the trainer of `charnn export torch` on 2 processes (torchrun, gloo, 1 thread each) and on 1
# process (every core), side by side, ROUNDS times, each round starting with the next one.
#
#   bash bench/torch-ddp.sh [corpus] [steps] [rounds]
#
# Model and batches: charnn train's defaults (lstm 2 x 128, B = 50 streams of T = 50, Adam), on
# the bundled corpus. Each side continues the same checkpoint (step 2) for STEPS steps; speed is
# the characters of the steps from 10 to the last logged before the end (B x T each) over their
# wall time, from each side's --log, so start-up, loading and the closing checkpoint are left out.
# Needs npm install (dist/ built) and a Python with torch (PYTHON, default /usr/bin/python3).
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=$(realpath "${1:-corpora/default.txt}")
steps=${2:-100}
rounds=${3:-3}
python=${PYTHON:-/usr/bin/python3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
charnn() { node bin/charnn.js "$@"; }
# --redirects 1 --tee 1: Debian 12's torch 1.13 launcher fails on its default under Python 3.11 (see README).
torchrun=("$python" -m torch.distributed.run --standalone --nproc_per_node 2 --redirects 1 --tee 1 --monitor_interval 0.5)
end=$((2 + steps))

echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/Mem/ {print $2}') GB, node $(node --version), torch $("$python" -c 'import torch; print(torch.__version__)'), load average $(cut -d' ' -f1 /proc/loadavg)"
charnn train "$corpus" --steps 2 --samples 0 -o "$tmp/start.safetensors" 2>/dev/null
charnn export torch -m "$tmp/start.safetensors" -o "$tmp/ex" 2>/dev/null

run_charnn() {
  cp "$tmp/start.safetensors" "$tmp/charnn.safetensors"
  charnn train --resume "$tmp/charnn.safetensors" --steps "$end" --samples 0 --no-eval-samples --log "$tmp/charnn-$1.jsonl" 2>/dev/null
}
run_ddp() { (cd "$tmp" && "${torchrun[@]}" ex/train.py --steps "$end" --log "ddp-$1.jsonl" -o ddp.safetensors >/dev/null 2>&1); }
run_one() { (cd "$tmp" && "$python" ex/train.py --steps "$end" --log "one-$1.jsonl" -o one.safetensors 2>/dev/null); }
order=(charnn ddp one)
for round in $(seq 1 "$rounds"); do
  for side in "${order[@]}"; do "run_$side" "$round"; done
  echo "round $round done (${order[*]})"
  order=("${order[@]:1}" "${order[0]}") # each round starts with the next one
done

node - "$tmp" "$rounds" "$end" <<'JS'
const fs = require('fs');
const [dir, rounds, end] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4])];
const B = 50, T = 50;
// chars/s between step 10 and the last step logged before the end (its closing evaluation excluded).
function speed(file) {
  const log = fs.readFileSync(`${dir}/${file}`, 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((e) => !('val_nats' in e));
  const a = log.find((e) => e.step === 10);
  const b = log.filter((e) => e.step < end).pop();
  return ((b.step - a.step) * B * T) / (b.elapsed_s - a.elapsed_s);
}
const rows = { 'charnn train (2 threads)': 'charnn', 'train.py, torchrun 2 processes (gloo, 1 thread each)': 'ddp', 'train.py, 1 process (2 threads)': 'one' };
const median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
const charnn = Array.from({ length: rounds }, (_, i) => speed(`charnn-${i + 1}.jsonl`));
const fmt = (x) => Math.round(x).toLocaleString('en-US');
// The ratio to charnn within each round (the machine's load changes between rounds), and its median.
console.log('| trainer | chars/s per round | median | / charnn per round | median |');
console.log('|---|---|---|---|---|');
for (const [name, prefix] of Object.entries(rows)) {
  const per = Array.from({ length: rounds }, (_, i) => speed(`${prefix}-${i + 1}.jsonl`));
  const ratios = per.map((x, i) => x / charnn[i]);
  console.log(`| ${name} | ${per.map(fmt).join(' ')} | ${fmt(median(per))} | ${ratios.map((r) => r.toFixed(2)).join(' ')} | **${median(ratios).toFixed(2)}** |`);
}
JS
