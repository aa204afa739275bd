#!/usr/bin/env python3
"""PyTorch's side of `charnn eval --reset line`: every line of a text scored from the zero state,
as a PyTorch user would batch it (lines sorted by length, padded batches, one forward per batch,
a masked cross-entropy). A model of random weights in charnn's layout (one-hot input, nn.LSTM
stack, Linear decoder); <EOS> is one more symbol, before each line and predicted after it, as
charnn scores a line. Speed only: prints one line, 'torch lines ...: <N> tokens/s'.

  python3 bench/torch_lines.py --corpus FILE --hidden 512 --layers 2 --device cuda
"""
import argparse, time

import torch
import torch.nn as nn


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--corpus', required=True)
    p.add_argument('--hidden', type=int, default=128)
    p.add_argument('--layers', type=int, default=2)
    p.add_argument('--batch', type=int, default=512, help='lines per forward')
    p.add_argument('--threads', type=int, default=1)
    p.add_argument('--device', default='cpu', choices=['cpu', 'cuda'])
    a = p.parse_args()
    torch.manual_seed(0)
    torch.set_num_threads(a.threads)
    lines = [l for l in open(a.corpus, encoding='utf-8').read().split('\n')]
    chars = sorted(set(''.join(lines)))
    eos = len(chars)
    vocab = eos + 1
    index = {c: i for i, c in enumerate(chars)}
    rnn = nn.LSTM(vocab, a.hidden, a.layers, batch_first=True).to(a.device)
    dec = nn.Linear(a.hidden, vocab).to(a.device)
    eye = torch.eye(vocab, device=a.device)
    # (input ids with <EOS> first, target ids with <EOS> last) per line, longest first
    seqs = sorted(([eos] + [index[c] for c in l] for l in lines), key=len, reverse=True)
    tokens = sum(len(s) for s in seqs)

    def run(seqs):
        total = torch.zeros((), device=a.device)
        with torch.no_grad():
            for i in range(0, len(seqs), a.batch):
                group = seqs[i:i + a.batch]
                T = len(group[0])
                x = torch.full((len(group), T), eos, dtype=torch.long)
                y = torch.full((len(group), T), -100, dtype=torch.long)
                for b, s in enumerate(group):
                    x[b, :len(s)] = torch.tensor(s)
                    y[b, :len(s)] = torch.tensor(s[1:] + [eos])
                x, y = x.to(a.device), y.to(a.device)
                out, _ = rnn(eye[x])
                logits = dec(out)
                total += nn.functional.cross_entropy(logits.reshape(-1, vocab), y.reshape(-1), ignore_index=-100, reduction='sum')
        return total.item()

    run(seqs[:a.batch])  # warm-up (cuDNN plans, the allocator)
    if a.device == 'cuda':
        torch.cuda.synchronize()
    t0 = time.perf_counter()
    nats = run(seqs)
    dt = time.perf_counter() - t0
    print(f"torch lines lstm H={a.hidden} L={a.layers} threads={a.threads} device={a.device}: "
          f"{tokens / dt:,.0f} tokens/s, {len(lines)} lines, {nats / tokens:.4f} nats/token")


if __name__ == '__main__':
    main()
