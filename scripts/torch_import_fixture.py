#!/usr/bin/env python3
"""Makes the fixtures of test/io/torch-import.test.ts with PyTorch: small models built with the
modules of templates/torch/model.py (the model.py of `charnn export torch`), saved with safetensors.torch.save_file(model.state_dict()),
their vocabularies as JSON (with <EOS> and <UNK> deliberately not at ids 0 and 1), and the
log-probability PyTorch gives each test sentence, for `charnn import` to reproduce.

    PYTHONPATH=templates/torch /usr/bin/python3 scripts/torch_import_fixture.py test/fixtures/torch-import

Needs torch and safetensors (Debian: apt-get install python3-torch; pip install safetensors).
"""
import json
import sys
from pathlib import Path

import torch
from safetensors.torch import save_file

from model import BiLM, CharLM

# <EOS> and <UNK> in the middle: charnn must reorder rows and columns on import.
VOCAB = ["a", "b", "<EOS>", " ", "c", "<UNK>", "é", "\U0001d11e"]
SENTENCES = ["ab c", "", "é\U0001d11ea", "cab ba", "zz a"]  # "z" is not in the vocabulary
MODELS = {"lstm": (5, 2), "gru": (4, 1), "rnn": (3, 2), "bilstm": (4, 1)}  # hidden, layers


def ids_of(text):
    """charnn's encoding: one id per code point, <UNK> for any symbol not in the vocabulary."""
    return [VOCAB.index(c) if c in VOCAB else VOCAB.index("<UNK>") for c in text]


def logprob(module, ids):
    """ln P of a sentence: from the zero state reading <EOS>, predict each symbol, then <EOS>."""
    eos = VOCAB.index("<EOS>")
    inputs = torch.tensor([[eos] + ids])
    targets = torch.tensor(ids + [eos])
    with torch.no_grad():
        logits, _ = module(inputs)
        logp = torch.log_softmax(logits[0].double(), dim=-1)
    return logp[torch.arange(len(targets)), targets].sum().item()


def main():
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(7)
    expected = {"vocab": VOCAB, "sentences": SENTENCES, "models": {}}
    for cell, (hidden, layers) in MODELS.items():
        model = BiLM(len(VOCAB), hidden, layers) if cell == "bilstm" else CharLM(cell, len(VOCAB), hidden, layers)
        with torch.no_grad():  # wider than the default init, so the probabilities differ clearly
            for p in model.parameters():
                p.mul_(3.0)
        model.eval()
        save_file(model.state_dict(), str(out / f"{cell}.safetensors"))
        entry = {"hidden": hidden, "layers": layers, "forward_ln": [logprob(model, ids_of(s)) for s in SENTENCES]}
        if cell == "bilstm":
            # The backward model reads each sentence reversed.
            entry["backward_ln"] = [logprob(model.backward, ids_of(s)[::-1]) for s in SENTENCES]
        expected["models"][cell] = entry
    (out / "vocab.json").write_text(json.dumps(VOCAB, ensure_ascii=False) + "\n")
    (out / "expected.json").write_text(json.dumps(expected, ensure_ascii=False, indent=1) + "\n")
    print(f"wrote {len(MODELS)} models to {out}")


if __name__ == "__main__":
    main()
