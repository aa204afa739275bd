"""The numerics of charnn's training step and validation, in PyTorch: the loss over a batch's
streams from their carried state, the learning-rate schedule, global-norm clipping, and the loss
over the validation text as one stream."""
import math

import torch
import torch.nn.functional as F
from torch import nn

from model import BiLM

VAL_WINDOW = 4096  # steps per forward pass of the validation stream (its state carried between them)


class StreamLoss(nn.Module):
    """The summed cross-entropy of this process's streams, per direction from its carried state:
    what DistributedDataParallel wraps, so both directions of a bilstm run inside its forward.
    The backward model reads its own batches (of the reversed text)."""

    def __init__(self, model):
        super().__init__()
        self.model = model
        self.directions = [model, model.backward] if isinstance(model, BiLM) else [model]

    def forward(self, batches, states):
        """batches: per direction (inputs, targets), each (streams, T); states: per direction.
        -> (the sum of the cross-entropies, per direction the state carried out)."""
        total, carried = 0.0, []
        for lm, (x, y), state in zip(self.directions, batches, states):
            logits, state = lm(x, state)
            total = total + F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1), reduction="sum")
            carried.append(state)
        return total, carried


def detached(state):
    return tuple(s.detach() for s in state) if isinstance(state, tuple) else state.detach()


def learning_rate(base, epoch, decay, decay_after):
    """The char-rnn schedule (src/train/schedule.ts): epochs 0 .. decay_after - 1 at base, then x decay per epoch."""
    return base * decay ** max(0, epoch - decay_after + 1)


def scheduled_rate(s, step, per_epoch, step_limit, train_ms):
    """The learning rate of the update at 0-based `step` (charnn's Schedule.rateAt): char-rnn by
    the epoch; cosine and linear a warm-up over s["warmup"] updates times a decay to s["lrFloor"]
    x s["lr"] as the run ends, p being after update step + 1 of step_limit, or train_ms of the
    time limit, the larger (clamped to [0, 1])."""
    if s["schedule"] == "char-rnn":
        return learning_rate(s["lr"], step // per_epoch, s["lrDecay"], s["lrDecayAfter"])
    by_steps = (step + 1) / step_limit if math.isfinite(step_limit) else 0.0
    by_time = train_ms / s["timeMs"] if s["timeMs"] is not None else 0.0
    p = min(1.0, max(0.0, by_steps, by_time))
    floor, warmup = s["lrFloor"], s["warmup"]
    decay = floor + (1 - floor) * (1 + math.cos(math.pi * p)) / 2 if s["schedule"] == "cosine" else 1 - (1 - floor) * p
    return s["lr"] * (min(1.0, (step + 1) / warmup) if warmup > 0 else 1.0) * decay


def clip_global_norm(params, max_norm):
    """charnn's clipping (src/train/clip.ts): the L2 norm of all gradients together (float64); if
    above max_norm (> 0), every gradient times max_norm / (norm + 1e-6). Returns the norm before."""
    grads = [p.grad for p in params]
    norm = math.sqrt(float(sum(g.double().pow(2).sum() for g in grads)))
    if max_norm > 0 and norm > max_norm and math.isfinite(norm):
        for g in grads:
            g.mul_(max_norm / (norm + 1e-6))
    return norm


@torch.no_grad()
def stream_nats(lm, ids, device):
    """Mean nats per token over one stream from the zero state, the state carried: charnn's
    validation (src/scoring/evaluate.ts streamNats)."""
    total, state, n = 0.0, None, ids.numel()
    for s in range(0, n - 1, VAL_WINDOW):
        chunk = ids[s : s + VAL_WINDOW + 1].to(device).long()
        logits, state = lm(chunk[None, :-1], state)
        logp = torch.log_softmax(logits[0].float(), dim=-1).gather(1, chunk[1:, None])
        total += float(logp.double().sum())
    return -total / (n - 1)
