#!/usr/bin/env python3
"""PyTorch's losses for charnn's first training steps: the expected values of
test/train/torch-reference.test.ts (llm.c's reference-test habit).

    npx tsx scripts/reference-batches.ts /tmp/charnn-reference-batches.json
    /usr/bin/python3 scripts/torch_reference_losses.py /tmp/charnn-reference-batches.json test/fixtures/torch-reference-losses.json

IN.json (written by scripts/reference-batches.ts) holds, per cell, charnn's initial weights
(PyTorch layout, by name), the batches of every step per direction (time-major T*B ids) and
when the carried state is reset. This script trains the same models with torch alone, as an
independent implementation of the whole training step:

  per direction  nn.RNN(tanh) / nn.LSTM / nn.GRU (V, H, L), time-major, one-hot input
                 (torch.eye), + nn.Linear(H, V); weights loaded with load_state_dict(strict);
  per step       zero the carried state when j == 0; forward from the detached carried state;
                 loss = cross_entropy (mean over T*B), for bilstm the mean of the two directions;
                 backward; clip_grad_norm_(all parameters, clip); Adam(lr, (0.9, 0.999), 1e-8).

It runs in float32 (the expected values) and in float64 (to measure float32's own rounding
noise, which sets the test's tolerance), prints the losses, and writes OUT.json: the corpus
and, per cell, the train() options, torch's float32 and float64 losses and gradient norms next to
charnn's (the weights are not stored: charnn regenerates them from the seed).
"""
import json
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

BASE = {"rnn": "rnn", "lstm": "lstm", "gru": "gru", "bilstm": "lstm"}


class DirectionLM(nn.Module):
    """One direction of charnn's model: its parameter names are charnn's without the prefix."""

    def __init__(self, base, V, H, L):
        super().__init__()
        if base == "rnn":
            self.rnn = nn.RNN(V, H, L, nonlinearity="tanh")
        elif base == "lstm":
            self.rnn = nn.LSTM(V, H, L)
        else:
            self.rnn = nn.GRU(V, H, L)
        self.decoder = nn.Linear(H, V)
        self.base = base

    def zero_state(self, B, H, L, dtype):
        h = torch.zeros(L, B, H, dtype=dtype)
        return (h, torch.zeros(L, B, H, dtype=dtype)) if self.base == "lstm" else h


def detach(state):
    return tuple(s.detach() for s in state) if isinstance(state, tuple) else state.detach()


def run_cell(cell, spec, dtype):
    cfg, plan = spec["config"], spec["plan"]
    V, H, L = cfg["vocabSize"], cfg["hidden"], cfg["layers"]
    B, T = plan["streams"], plan["steps"]
    opts = spec["options"]
    if cfg["dropout"] != 0:
        raise SystemExit("dropout must be 0 for a deterministic reference")
    params = {p["name"]: torch.tensor(p["values"], dtype=torch.float32).reshape(p["shape"]) for p in spec["params"]}
    models = []
    for d in spec["directions"]:
        prefix = "backward." if d == "backward" else ""
        m = DirectionLM(BASE[cell], V, H, L)
        own = {k[len(prefix):]: v for k, v in params.items() if k.startswith(prefix) and (prefix or not k.startswith("backward."))}
        m.load_state_dict(own, strict=True)  # names and shapes must be exactly PyTorch's
        models.append(m.to(dtype))
    all_params = [p for m in models for p in m.parameters()]
    if sum(p.numel() for p in all_params) != sum(p.numel() for p in params.values()):
        raise SystemExit(f"{cell}: parameter count differs")
    opt = torch.optim.Adam(all_params, lr=opts["lr"], betas=(0.9, 0.999), eps=1e-8)
    eye = torch.eye(V, dtype=dtype)
    states = [None] * len(models)
    losses, norms = [], []
    for s in spec["steps"]:
        if s["reset"]:
            states = [m.zero_state(B, H, L, dtype) for m in models]
        opt.zero_grad()
        total = 0
        for d, m in enumerate(models):
            x = torch.tensor(s["batches"][d]["x"], dtype=torch.long).reshape(T, B)
            y = torch.tensor(s["batches"][d]["y"], dtype=torch.long)
            out, state = m.rnn(eye[x], states[d])  # (T, B, H), time-major
            states[d] = detach(state)
            logits = m.decoder(out).reshape(T * B, V)  # row t*B + b, as charnn
            total = total + F.cross_entropy(logits, y)
        loss = total / len(models)
        loss.backward()
        norm = torch.nn.utils.clip_grad_norm_(all_params, opts["clip"])
        for g in opt.param_groups:
            g["lr"] = s["lr"]
        opt.step()
        losses.append(loss.item())
        norms.append(norm.item())
    return losses, norms


def main():
    if len(sys.argv) != 3:
        raise SystemExit("usage: python3 scripts/torch_reference_losses.py IN.json OUT.json")
    src, dst = sys.argv[1], sys.argv[2]
    with open(src) as f:
        ref = json.load(f)
    torch.manual_seed(0)  # nothing here is random; the weights come from IN.json
    torch.set_num_threads(1)
    cells = {}
    worst32_64 = 0.0
    for cell, spec in ref["cells"].items():
        l32, n32 = run_cell(cell, spec, torch.float32)
        l64, n64 = run_cell(cell, spec, torch.float64)
        clip = spec["options"]["clip"]
        charnn = spec["charnn"]
        d32_64 = max(abs(a - b) for a, b in zip(l32, l64))
        worst32_64 = max(worst32_64, d32_64)
        cells[cell] = {
            "options": spec["options"],
            "vocab_size": spec["config"]["vocabSize"],
            "batches_per_epoch": spec["plan"]["batchesPerEpoch"],
            "losses": l32,
            "grad_norms": n32,
            "clipped_steps": sum(1 for n in n32 if n > clip),
            "losses_float64": l64,
            "grad_norms_float64": n64,
            "max_abs_diff_float32_vs_float64": d32_64,
            "charnn": charnn,
        }
        print(f"{cell}: clip {clip}, {cells[cell]['clipped_steps']}/{len(l32)} steps clipped, |float32 - float64| <= {d32_64:.3g}")
        print(f"  {'step':>4} {'torch f32':>12} {'torch f64':>12} " + " ".join(f"{'charnn ' + e:>12}" for e in charnn) + f" {'norm f32':>10}")
        for i in range(len(l32)):
            print(f"  {i + 1:>4} {l32[i]:12.8f} {l64[i]:12.8f} " + " ".join(f"{charnn[e]['losses'][i]:12.8f}" for e in charnn) + f" {n32[i]:10.6f}")
        for e in charnn:
            d32 = max(abs(a - b) for a, b in zip(charnn[e]["losses"], l32))
            d64 = max(abs(a - b) for a, b in zip(charnn[e]["losses"], l64))
            dn = max(abs(a - b) / b for a, b in zip(charnn[e]["grad_norms"], n32))
            print(f"  charnn {e}: max |loss - torch f32| = {d32:.3g}, max |loss - torch f64| = {d64:.3g}, max relative |grad norm - torch f32| = {dn:.3g}")
        margin = min(abs(n - clip) / clip for n in n32)
        print(f"  closest gradient norm to the clip: {margin:.2g} relative")
    print(f"max |torch float32 - torch float64| over all cells and steps: {worst32_64:.3g}")
    doc = {
        "generated_by": [
            "npx tsx scripts/reference-batches.ts /tmp/charnn-reference-batches.json",
            f"/usr/bin/python3 scripts/torch_reference_losses.py /tmp/charnn-reference-batches.json {dst}",
        ],
        "torch_version": torch.__version__,
        "corpus": ref["corpus"],
        "K": ref["K"],
        "cells": cells,
    }
    with open(dst, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
