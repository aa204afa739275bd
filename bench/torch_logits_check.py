#!/usr/bin/env python3
"""Checks that charnn checkpoints load into PyTorch and give the same logits as charnn's engine.

    npx tsx bench/export_logits.ts OUTDIR
    /usr/bin/python3 bench/torch_logits_check.py OUTDIR

For each cell (rnn, lstm, gru, bilstm) reads OUTDIR/<cell>.safetensors with a small reader of
its own (no `safetensors` package: the point is that the format is plain), loads it with
load_state_dict(strict=True) into torch.nn.RNN/LSTM/GRU + nn.Linear under the names charnn
uses, runs the ids from OUTDIR/<cell>.json as one-hot inputs from the zero state, and compares
with the logits charnn exported. Prints one line per cell; exits 1 if any differs by > 1e-4.
"""
import json
import struct
import sys
from pathlib import Path

import torch
from torch import nn

TOLERANCE = 1e-4
CELLS = ["rnn", "lstm", "gru", "bilstm"]


def read_safetensors(path):
    """Returns (metadata dict, {name: float32 tensor}); only F32 is expected from charnn."""
    raw = path.read_bytes()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + n].decode("utf-8"))
    data = raw[8 + n :]
    metadata = header.pop("__metadata__", {})
    tensors = {}
    for name, entry in header.items():
        assert entry["dtype"] == "F32", f"{name}: dtype {entry['dtype']}"
        begin, end = entry["data_offsets"]
        # bytearray: frombuffer wants a writable buffer; "<f4" data on a little-endian host.
        flat = torch.frombuffer(bytearray(data[begin:end]), dtype=torch.float32)
        tensors[name] = flat.reshape(entry["shape"])
    return metadata, tensors


class CharLM(nn.Module):
    """One direction of a charnn model: attribute names match the checkpoint's tensor names."""

    def __init__(self, base_cell, vocab_size, hidden, layers, dropout):
        super().__init__()
        recurrent = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}[base_cell]
        extra = {"nonlinearity": "tanh"} if base_cell == "rnn" else {}
        self.rnn = recurrent(vocab_size, hidden, layers, batch_first=True, dropout=dropout, **extra)
        self.decoder = nn.Linear(hidden, vocab_size)

    def forward(self, one_hot):
        output, _ = self.rnn(one_hot)  # zero initial state
        return self.decoder(output)


class BiLM(CharLM):
    """charnn's bilstm: a forward LSTM LM plus a backward one under the prefix `backward.`."""

    def __init__(self, vocab_size, hidden, layers, dropout):
        super().__init__("lstm", vocab_size, hidden, layers, dropout)
        self.backward = CharLM("lstm", vocab_size, hidden, layers, dropout)


def logits_of(module, ids, vocab_size):
    one_hot = nn.functional.one_hot(torch.tensor(ids), vocab_size).float().unsqueeze(0)
    with torch.no_grad():
        return module(one_hot).squeeze(0)


def max_diff(ours, theirs):
    return (torch.tensor(ours, dtype=torch.float64) - theirs.double()).abs().max().item()


def check(outdir, cell):
    metadata, tensors = read_safetensors(outdir / f"{cell}.safetensors")
    config = json.loads(metadata["model"])
    assert config["cell"] == cell, f"{cell}.safetensors holds a {config['cell']} model"
    V, H, L, p = config["vocabSize"], config["hidden"], config["layers"], config["dropout"]
    model = BiLM(V, H, L, p) if cell == "bilstm" else CharLM(cell, V, H, L, p)
    model.load_state_dict(tensors, strict=True)
    model.eval()  # no dropout

    exported = json.loads((outdir / f"{cell}.json").read_text())
    ids = exported["ids"]
    diff = max_diff(exported["logits"], logits_of(model, ids, V))
    detail = f"forward {diff:.2e}"
    if cell == "bilstm":
        # The backward LM reads the text right to left: it is a forward LM over the reversed ids.
        back = max_diff(exported["backward_logits"], logits_of(model.backward, ids[::-1], V))
        detail += f", backward {back:.2e}"
        diff = max(diff, back)
    ok = diff <= TOLERANCE
    print(f"{cell:7s} max |logit diff| {detail}  {'OK' if ok else 'FAIL'}")
    return ok


def main():
    if len(sys.argv) != 2:
        print("usage: torch_logits_check.py OUTDIR", file=sys.stderr)
        sys.exit(2)
    outdir = Path(sys.argv[1])
    torch.manual_seed(0)  # the modules are fully overwritten by load_state_dict; this just pins init
    results = [check(outdir, cell) for cell in CELLS]
    sys.exit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
