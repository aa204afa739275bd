#!/usr/bin/env python3
"""The "Continue in PyTorch" path of the README, end to end, for scripts/torch-roundtrip.sh:

    torch_roundtrip.py CHECKPOINT CHARNN_SCORES.jsonl CORPUS OUTDIR

1. loads a charnn checkpoint with load_charnn (templates/torch/model.py) and checks that PyTorch
   gives each sentence of CHARNN_SCORES.jsonl (`charnn score --json` output) the same ln P;
2. trains the forward model a few Adam steps further on CORPUS with PyTorch;
3. saves OUTDIR/weights.safetensors (save_file(model.state_dict())) and OUTDIR/vocab.json, and
   OUTDIR/expected.jsonl: PyTorch's ln P of the same sentences after training, for
   `charnn import` to reproduce.
Needs torch and safetensors.
"""
import json
import sys
from pathlib import Path

import torch
from safetensors.torch import save_file

from model import load_charnn


def sentence_logprob(model, vocab, text):
    index = {s: i for i, s in enumerate(vocab)}
    ids = [index.get(c, 1) for c in text]  # 1 = <UNK>; iterating a str gives code points
    inputs, targets = torch.tensor([[0] + ids]), torch.tensor(ids + [0])  # 0 = <EOS>
    with torch.no_grad():
        logits, _ = model(inputs)
        logp = torch.log_softmax(logits[0].double(), dim=-1)
    return logp[torch.arange(len(targets)), targets].sum().item()


def main():
    checkpoint, scores, corpus, outdir = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]), Path(sys.argv[4])
    model, vocab = load_charnn(checkpoint)
    model.eval()
    rows = [json.loads(line) for line in scores.read_text().splitlines()]
    worst = max(abs(sentence_logprob(model, vocab, r["text"]) - r["logprob_ln"]) for r in rows)
    print(f"loaded {checkpoint} into PyTorch: max |ln P difference| vs charnn over {len(rows)} sentences: {worst:.2e}")
    assert worst < 1e-3, "PyTorch and charnn disagree"

    # A few steps of further training, as a user would on a GPU.
    index = {s: i for i, s in enumerate(vocab)}
    ids = []
    for line in corpus.read_text().splitlines()[:2000]:
        ids += [index.get(c, 1) for c in line] + [0]
    data = torch.tensor(ids)
    model.train()
    optimizer = torch.optim.Adam(model.parameters(), lr=2e-3)
    torch.manual_seed(0)
    for step in range(20):
        starts = torch.randint(0, len(data) - 51, (16,))
        batch = torch.stack([data[s : s + 51] for s in starts])
        logits, _ = model(batch[:, :-1])
        loss = torch.nn.functional.cross_entropy(logits.reshape(-1, len(vocab)), batch[:, 1:].reshape(-1))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    print(f"trained 20 more steps in PyTorch, last loss {loss.item():.4f} nats")
    model.eval()

    outdir.mkdir(parents=True, exist_ok=True)
    save_file(model.state_dict(), str(outdir / "weights.safetensors"))
    (outdir / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False))
    with open(outdir / "expected.jsonl", "w") as f:
        for r in rows:
            f.write(json.dumps({"text": r["text"], "logprob_ln": sentence_logprob(model, vocab, r["text"])}, ensure_ascii=False) + "\n")
    print(f"saved {outdir}/weights.safetensors, vocab.json, expected.jsonl")


if __name__ == "__main__":
    main()
