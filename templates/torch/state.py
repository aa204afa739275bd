"""What a run needs besides the weights to continue exactly, in charnn's layout (src/train/resume.ts),
so that a run continues across charnn and PyTorch in either direction:

  json     version, step, optimizer {name, steps}, dropout_rng (charnn's generator, kept as it
           is: PyTorch draws its own masks), train_tokens, streams, steps_per_batch, lr_scale,
           and train_ms (the run's training time so far) where the schedule follows the clock
           (cosine or linear with --time)
  tensors  optimizer.<i>  the optimizer's moment buffers, each flat over every parameter in
                          charnn's order (adam: m, v; rmsprop: v; sgd: the momentum buffer)
           carried        every stream's carried state: per direction d, layer k, h then c, each
                          (B, H) with stream b at row b (c is zeros for rnn and gru)
"""
import torch

from checkpoint import param_shapes

MOMENTS = {"adam": ["exp_avg", "exp_avg_sq"], "rmsprop": ["square_avg"], "sgd": ["momentum_buffer"]}


def charnn_rng_state(seed):
    """charnn's Rng(seed) state (xoshiro128** seeded by splitmix32), for a new run's dropout_rng."""
    mask = 0xFFFFFFFF
    x, state = seed & mask, []
    for _ in range(4):
        x = (x + 0x9E3779B9) & mask
        z = ((x ^ (x >> 16)) * 0x85EBCA6B) & mask
        z = ((z ^ (z >> 13)) * 0xC2B2AE35) & mask
        state.append((z ^ (z >> 16)) & mask)
    if not any(state):
        state[0] = 1
    return state


def make_optimizer(name, params, lr):
    """charnn's optimizers are PyTorch's, with PyTorch's definitions (src/train/optimizer.ts)."""
    if name == "adam":
        return torch.optim.Adam(params, lr=lr, betas=(0.9, 0.999), eps=1e-8)
    if name == "rmsprop":
        return torch.optim.RMSprop(params, lr=lr, alpha=0.99, eps=1e-8)
    return torch.optim.SGD(params, lr=lr, momentum=0.9)


def load_moments(optimizer, name, params, tensors, steps):
    """Moments saved flat in charnn's order into the optimizer's per-parameter state."""
    if steps == 0:
        return  # nothing accumulated yet (SGD's first step takes the gradient itself)
    flats = [tensors[f"optimizer.{i}"] for i in range(len(MOMENTS[name]))]
    at = 0
    for p in params:
        n = p.numel()
        state = optimizer.state[p]
        for key, flat in zip(MOMENTS[name], flats):
            state[key] = flat[at : at + n].reshape(p.shape).to(p.device).clone()
        if name != "sgd":
            state["step"] = torch.tensor(float(steps))
        at += n


def saved_moments(optimizer, name, params):
    """The optimizer's moments, each flat over every parameter in charnn's order, on the CPU."""
    out = []
    for key in MOMENTS[name]:
        parts = [optimizer.state[p][key].reshape(-1) if key in optimizer.state[p] else torch.zeros(p.numel()) for p in params]
        out.append(torch.cat([t.detach().float().cpu() for t in parts]))
    return out


def ordered_params(model, config):
    """The model's parameters in charnn's flat order (what the moments are laid out in)."""
    named = dict(model.named_parameters())
    return [named[name] for name, _ in param_shapes(config)]


def zero_states(cell, layers, count, hidden, device):
    h = torch.zeros(layers, count, hidden, device=device)
    return (h, torch.zeros_like(h)) if cell in ("lstm", "bilstm") else h


def flat_carried(states, cell):
    """One direction's carried state as (layers, 2, streams, H): h then c."""
    if cell in ("lstm", "bilstm"):
        return torch.stack([states[0], states[1]], dim=1)
    return torch.stack([states, torch.zeros_like(states)], dim=1)


def states_from_carried(flat, directions, cell, layers, streams, hidden, first, count, device):
    """Per direction, the carried state of streams [first, first + count) from charnn's flat layout."""
    grid = flat.reshape(directions, layers, 2, streams, hidden)[:, :, :, first : first + count, :].to(device)
    if cell in ("lstm", "bilstm"):
        return [(grid[d, :, 0].contiguous(), grid[d, :, 1].contiguous()) for d in range(directions)]
    return [grid[d, :, 0].contiguous() for d in range(directions)]


class UpdateUndo:
    """The parameters and optimizer state before the latest update, to undo it if it broke the
    weights (charnn's divergence recovery, src/train/update-undo.ts)."""

    def __init__(self, params, optimizer):
        self.params, self.optimizer = params, optimizer
        self.saved_params, self.saved_state, self.steps = None, None, None

    def save(self, steps):
        self.saved_params = [p.detach().clone() for p in self.params]
        self.saved_state = {
            p: {k: v.clone() if torch.is_tensor(v) else v for k, v in self.optimizer.state[p].items()} for p in self.params
        }
        self.steps = steps

    def restore(self, steps):
        """Undoes the latest update; False when there was none since the last save."""
        if self.saved_params is None or steps == self.steps:
            return False
        with torch.no_grad():
            for p, saved in zip(self.params, self.saved_params):
                p.copy_(saved)
        self.optimizer.state.clear()
        for p, st in self.saved_state.items():
            if st:
                self.optimizer.state[p] = {k: v.clone() if torch.is_tensor(v) else v for k, v in st.items()}
        return True
