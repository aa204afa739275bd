#!/usr/bin/env python3
"""The probability of sentences under a charnn checkpoint, computed by PyTorch: what
`charnn score --json` prints (text, logprob_ln, logprob_log10, tokens, unk), to check that both
sides give a model the same numbers.

    python3 score.py -m run.safetensors "The old mill." "Good morning."
    python3 score.py -m run.safetensors - < sentences.txt

A sentence is scored as charnn scores it: from the zero state with <EOS> as the first input,
predicting each character (code point; one outside the vocabulary is <UNK>) and then <EOS>. The
backward model of a bilstm reads the sentence from its end; --direction both is the mean of the two.
It computes in float64, so what it prints is the weights' exact value, the reference for any
float32 computation of it (charnn's, or PyTorch's own).
"""
import argparse
import json
import math
import sys

import torch

from checkpoint import CheckpointError
from model import BiLM, load_charnn


def sentence_logprob(lm, ids):
    """ln P of ids under one direction's model (in float64): <EOS> in, each id out, then <EOS>."""
    inputs, targets = torch.tensor([0] + ids), torch.tensor(ids + [0])
    with torch.no_grad():
        one_hot = torch.nn.functional.one_hot(inputs, lm.decoder.out_features).to(lm.decoder.weight.dtype)
        output, _ = lm.rnn(one_hot[None])
        logp = torch.log_softmax(lm.decoder(output)[0], dim=-1)
    return float(logp.gather(1, targets[:, None]).sum())


def main(argv=None):
    p = argparse.ArgumentParser(prog="score.py", description="ln P of sentences under a charnn checkpoint, by PyTorch")
    p.add_argument("-m", "--model", required=True, help="charnn checkpoint")
    p.add_argument("--direction", choices=["forward", "backward", "both"], default="forward", help="bilstm only")
    p.add_argument("text", nargs="+", help="sentences, or - to read one per line from stdin")
    args = p.parse_args(argv)
    try:
        model, vocab = load_charnn(args.model)
    except CheckpointError as e:
        print(f"score.py: {e}", file=sys.stderr)
        return 1
    if args.direction != "forward" and not isinstance(model, BiLM):
        print(f"score.py: --direction {args.direction} needs a bilstm", file=sys.stderr)
        return 2
    model.double().eval()
    index = {s: i for i, s in enumerate(vocab) if i >= 2}
    texts = sys.stdin.read().splitlines() if args.text == ["-"] else args.text
    for text in texts:
        ids = [index.get(c, 1) for c in text]  # iterating a str gives code points; 1 = <UNK>
        values = []
        if args.direction != "backward":
            values.append(sentence_logprob(model, ids))
        if args.direction != "forward":
            values.append(sentence_logprob(model.backward, ids[::-1]))
        value = sum(values) / len(values)
        row = {"text": text, "logprob_ln": value, "logprob_log10": value / math.log(10), "tokens": len(ids) + 1, "unk": ids.count(1)}
        print(json.dumps(row, ensure_ascii=False, separators=(",", ":")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
