#!/usr/bin/env bash
# charnn -> PyTorch -> charnn, as the README's "Continue in PyTorch" describes:
#   bash scripts/torch-roundtrip.sh [CORPUS]
# trains a small charnn model, loads it in PyTorch (same sentence probabilities), trains it
# further there, saves its state_dict, imports it back with `charnn import`, and checks that
# charnn now gives PyTorch's probabilities. Needs python3 with torch and safetensors
# (PYTHON=/usr/bin/python3 by default).
set -euo pipefail
cd "$(dirname "$0")/.."
CORPUS=${1:-corpora/default.txt}
PYTHON=${PYTHON:-/usr/bin/python3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
charnn() { node bin/charnn.js "$@"; }

charnn train "$CORPUS" --steps 60 --hidden 64 --samples 0 -o "$work/run.safetensors" 2>/dev/null
printf '%s\n' "The old mill." "Good morning, said the baker." "zebra" > "$work/sentences.txt"
charnn score -m "$work/run.safetensors" --json - < "$work/sentences.txt" > "$work/charnn.jsonl"
PYTHONPATH=templates/torch${PYTHONPATH:+:$PYTHONPATH} "$PYTHON" scripts/torch_roundtrip.py "$work/run.safetensors" "$work/charnn.jsonl" "$CORPUS" "$work/torch"
charnn import "$work/torch/weights.safetensors" --vocab "$work/torch/vocab.json" --cell lstm -o "$work/back.safetensors"
charnn score -m "$work/back.safetensors" --json - < "$work/sentences.txt" > "$work/back.jsonl"
node -e '
  const fs = require("fs");
  const read = (f) => fs.readFileSync(f, "utf8").trim().split("\n").map((l) => JSON.parse(l));
  const [ours, theirs] = [read(process.argv[1]), read(process.argv[2])];
  const diff = Math.max(...ours.map((o, i) => Math.abs(o.logprob_ln - theirs[i].logprob_ln)));
  console.log(`imported back into charnn: max |ln P difference| vs PyTorch: ${diff.toExponential(2)}`);
  process.exit(diff < 1e-3 ? 0 : 1);
' "$work/back.jsonl" "$work/torch/expected.jsonl"
