#!/usr/bin/env python3
"""Train a charnn model further with PyTorch, with charnn train's semantics, on one process (CPU or
CUDA) or many (torchrun: DistributedDataParallel, gloo on CPUs, nccl on GPUs):

    python3 train.py --steps 1000 -o run.safetensors
    torchrun --nproc_per_node 2 train.py --steps 1000 -o run.safetensors

It starts from the exported model (start.safetensors) and corpus (corpus.json, corpus.ids) unless
told otherwise. A step is charnn's (src/train/loop.ts): batch j of B contiguous streams, T steps of
truncated backpropagation through time from the state carried out of batch j - 1 (zero at the
start of every epoch), the mean cross-entropy over the T x B targets (a bilstm: the mean of its
forward model's and its backward model's, which reads the text reversed), global-norm clipping,
the optimizer at the learning rate of the epoch (constant for --lr-decay-after epochs, then times
--lr-decay per epoch). A non-finite or exploded loss undoes the last update, skips the batch and
halves the learning rate, as charnn does. Validation runs over the whole validation text as one
stream, the state carried; a checkpoint in charnn's format is written at every evaluation and at
the end (the best one by validation beside it), by rank 0 alone.

With N processes each takes a contiguous share of the B streams; DistributedDataParallel sums
their gradients, so the step, and the run, is the same for any N up to float rounding.
"""
import json
import math
import os
import signal
import sys
import time

import torch
import torch.nn.functional as F
from torch import nn

import options
from checkpoint import STATE_PREFIX, CheckpointError, load_checkpoint, param_shapes, save_checkpoint
from data import Batches, DataError, load_corpus, plan_batches, shard
from model import BiLM, build
from parallel import Processes
from state import (
    UpdateUndo,
    charnn_rng_state,
    flat_carried,
    load_moments,
    make_optimizer,
    ordered_params,
    saved_moments,
    states_from_carried,
    zero_states,
)

HERE = os.path.dirname(os.path.abspath(__file__))
DIVERGED_LOSS_FACTOR = 3  # a loss above 3 x ln V is a model blown up, not one learning (charnn's rule)
MAX_BAD_STEPS = 10
VAL_WINDOW = 4096  # steps per forward pass of the validation stream


class StreamLoss(nn.Module):
    """The summed cross-entropy of this process's streams, per direction from its carried state:
    what DistributedDataParallel wraps, so both directions of a bilstm run inside its forward."""

    def __init__(self, model):
        super().__init__()
        self.model = model
        self.directions = [model, model.backward] if isinstance(model, BiLM) else [model]

    def forward(self, batches, states):
        total, carried = 0.0, []
        for lm, (x, y), state in zip(self.directions, batches, states):
            logits, state = lm(x, state)
            total = total + F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1), reduction="sum")
            carried.append(state)
        return total, carried


def detached(state):
    return tuple(s.detach() for s in state) if isinstance(state, tuple) else state.detach()


def learning_rate(base, epoch, decay, decay_after):
    """charnn's schedule (src/train/schedule.ts): epochs 0 .. decay_after - 1 at base, then x decay per epoch."""
    return base * decay ** max(0, epoch - decay_after + 1)


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


def count(n):
    return f"{n:,}"


def nats_summary(nats):
    return f"{nats:.4f} nats ({nats / math.log(2):.3f} bpc, ppl {math.exp(nats):.2f})"


def best_path_of(out):
    return out[: -len(".safetensors")] + ".best.safetensors" if out.endswith(".safetensors") else out + ".best"


class Stop:
    """Ctrl-C or SIGTERM: stop after this step and save; a second one quits at once (as charnn train)."""

    def __init__(self):
        self.signalled = False
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, self.handle)

    def handle(self, signum, frame):
        if self.signalled:
            sys.exit(130)
        self.signalled = True
        print("\nStopping after this step and saving a checkpoint (Ctrl-C again to quit now)...", file=sys.stderr)


def main(argv=None):
    args = options.parser().parse_args(argv)
    procs = None
    try:
        procs = Processes(args.device)
        return Trainer(args, procs).run()
    except options.UsageError as e:
        if procs is None or procs.main:
            print(f"train.py: {e}", file=sys.stderr)
        return 2
    except (CheckpointError, DataError) as e:
        if procs is None or procs.main:
            print(f"train.py: {e}", file=sys.stderr)
        return 1
    finally:
        if procs is not None:
            procs.close()


class Trainer:
    def __init__(self, args, procs):
        self.args, self.procs, self.device = args, procs, procs.device
        if args.threads:
            torch.set_num_threads(args.threads)
        self.say = (lambda text: print(text, file=sys.stderr, flush=True)) if procs.main else (lambda text: None)
        corpus = load_corpus(os.path.abspath(args.data or os.path.join(HERE, "corpus.json")))
        self.corpus = corpus

        if args.resume is not None and args.new_run:
            raise options.UsageError("--resume continues a run and --new-run starts one: give one of them")
        # Where the run starts: --resume (a run's latest checkpoint), else the exported model.
        out = args.out or os.path.join("checkpoints", f"{corpus['name']}.safetensors")
        if args.resume is not None:
            start_path = out if args.resume is True else args.resume
        else:
            start_path = args.model or os.path.join(HERE, "start.safetensors")
        start = load_checkpoint(start_path, train_state=True)
        if start["vocab"] != corpus["vocab"]:
            raise DataError(f"{start_path} and {args.data or 'the exported corpus'} have different vocabularies: export the corpus with this model")
        state = None if args.new_run else start["state"]
        if args.resume is not None and state is None:
            raise options.UsageError(f"{start_path} has no training state to resume from (it is a best-model checkpoint, or --new-run was given)")
        self.out, self.start_path, self.start, self.state = os.path.abspath(out), start_path, start, state
        training = json.loads(start["metadata"].get("training", "{}"))
        given = {k: getattr(args, k) for k in options.DEFAULTS}
        self.settings = options.resolve(given, training, continuing=state is not None, keep_limits=args.resume is not None)
        self.training = training
        self.config = start["config"]

    def run(self):
        s, procs, config, corpus = self.settings, self.procs, self.config, self.corpus
        ids = corpus["ids"]
        train_ids, val_ids = ids[: corpus["train_tokens"]], ids[corpus["val_start"] :]
        plan = plan_batches(train_ids.numel(), s["batch"], s["seq"])
        B, T, per_epoch = plan.streams, plan.steps, plan.batches_per_epoch
        if per_epoch < 1:
            raise DataError("the training text is too short for one batch")
        if B < procs.world:
            raise options.UsageError(f"{B} stream(s) cannot be shared by {procs.world} processes: give --batch {procs.world} or more, or fewer processes")
        if plan.reduced:
            self.say(f"note: the training text ({train_ids.numel() - 1} characters) is shorter than --batch x --seq ({s['batch']} x {s['seq']}): training with {B} stream(s) of {T} steps")
        st = self.state
        if st is not None:
            j = st["json"]
            if (j.get("train_tokens"), j.get("streams"), j.get("steps_per_batch")) != (train_ids.numel(), B, T):
                raise options.UsageError(
                    f"{self.start_path}: cannot continue its run: it trained on {j.get('train_tokens')} tokens in batches of {j.get('streams')} x {j.get('steps_per_batch')}, "
                    f"this corpus has {train_ids.numel()} in {B} x {T}; give --new-run to start a new run from its weights"
                )
        first_step = st["json"]["step"] if st else 0
        epochs = s["epochs"] if (s["epochs"] or s["steps"] or s["timeMs"]) else options.DEFAULT_EPOCHS
        step_limit = min(s["steps"] or math.inf, epochs * per_epoch if epochs else math.inf)
        if step_limit <= first_step:
            limit = f"--steps {s['steps']}" if s["steps"] and s["steps"] * 1.0 == step_limit else f"{epochs} epochs ({epochs * per_epoch} steps)"
            raise options.UsageError(
                f"the run is at step {first_step} already and {limit} counts from its start, as charnn train --resume: "
                f"give a larger limit (e.g. --steps {first_step + 1000}), or --new-run to start counting from 0"
            )
        cell, L, H = config["cell"], config["layers"], config["hidden"]
        # Dropout masks: PyTorch's own generator (charnn's masks cannot be reproduced), a stream per
        # process and session, so a continued run does not replay the masks of its first steps.
        torch.manual_seed(hash((s["seed"], first_step, procs.rank)) & 0x7FFFFFFFFFFFFFFF)

        model = build(config).to(self.device)
        model.load_state_dict({k: v for k, v in self.start["params"].items()})
        model.train()
        objective = StreamLoss(model)
        D = len(objective.directions)
        wrapped = objective
        if procs.world > 1:
            devices = [self.device.index] if self.device.type == "cuda" else None
            wrapped = nn.parallel.DistributedDataParallel(objective, device_ids=devices)
        params = ordered_params(model, config)
        optimizer = make_optimizer(s["optimizer"], params, s["lr"])
        opt_steps = st["json"]["optimizer"]["steps"] if st else 0
        if st:
            if st["json"]["optimizer"]["name"] != s["optimizer"]:
                raise CheckpointError(f"{self.start_path}: its training state is for {st['json']['optimizer']['name']}")
            load_moments(optimizer, s["optimizer"], params, st["tensors"], opt_steps)
        lr_scale = st["json"]["lr_scale"] if st else 1.0
        dropout_rng = st["json"]["dropout_rng"] if st else charnn_rng_state(s["seed"] + 1)

        first, mine = shard(B, procs.world, procs.rank)
        batches = [Batches(train_ids, plan, first, mine, self.device, reversed_text=d == 1) for d in range(D)]
        if st:
            states = states_from_carried(st["tensors"]["carried"], D, cell, L, B, H, first, mine, self.device)
        else:
            states = [zero_states(cell, L, mine, H, self.device) for _ in range(D)]
        eval_every = s["evalEvery"] or per_epoch
        loss_scale = procs.world / (D * T * B)  # DDP averages over processes: this makes it the global mean
        diverged = DIVERGED_LOSS_FACTOR * math.log(max(config["vocabSize"], 2))

        params_count = sum(p.numel() for p in params)
        self.say(
            f"{corpus['name']}: {count(train_ids.numel())} training and {count(val_ids.numel())} validation tokens, vocabulary {config['vocabSize']}\n"
            f"model: {cell} {L} x {H}, {count(params_count)} parameters; batches of {B} x {T}, {per_epoch} per epoch; "
            + (f"{procs.world} processes ({procs.backend}, {self.device.type}), {B // procs.world}-{-(-B // procs.world)} streams each" if procs.world > 1 else f"1 process ({self.device.type})")
        )
        self.say(
            f"continuing the run of {self.start_path} at step {first_step} (epoch {first_step / per_epoch:.2f})"
            if st
            else f"a new run from the weights of {self.start_path}"
        )

        log = open(self.args.log, "a") if (self.args.log and procs.main) else None
        stop = Stop()
        started = time.perf_counter()
        progress = json.loads(self.start["metadata"].get("progress", "{}")) if st else {}
        val_nats, best_val = progress.get("val_nats"), progress.get("best_val_nats")
        step, loss_nats, grad_norm, lr, last_eval, last_print = first_step, math.nan, 0.0, s["lr"], first_step if st else -1, -math.inf
        bad_steps, last_was_bad, stopped_by, saved = 0, False, "steps", None
        undo = UpdateUndo(params, optimizer)
        undo.save(opt_steps)

        def elapsed():
            return time.perf_counter() - started

        def report(val=None):
            nonlocal last_print
            chars_per_s = (step - first_step) * B * T / max(elapsed(), 1e-9)
            if log is not None and (val is not None or step % self.args.log_every == 0):
                entry = {"step": step, "epoch": step / per_epoch, "loss_nats": loss_nats}
                if val is not None and val_nats is not None:
                    entry["val_nats"] = val_nats
                entry.update({"chars_per_s": chars_per_s, "elapsed_s": elapsed(), "lr": lr * lr_scale})
                log.write(json.dumps(entry) + "\n")
                log.flush()
            if val is not None or elapsed() - last_print >= 10:
                last_print = elapsed()
                extra = f"  val {val_nats:.4f} nats" if val is not None and val_nats is not None else ""
                self.say(f"step {step}  epoch {step / per_epoch:.2f}  loss {loss_nats:.4f} nats{extra}  {round(chars_per_s)} chars/s  elapsed {elapsed():.0f}s")

        def evaluate_and_save():
            nonlocal val_nats, best_val, last_eval, saved
            last_eval = step
            carried = [procs.gather_streams(flat_carried(sd, cell), mine, B) for sd in states]
            if not procs.main:
                return
            if val_ids.numel() >= 2:
                model.eval()
                lms = objective.directions
                val_nats = sum(stream_nats(lm, val_ids if d == 0 else val_ids.flip(0), self.device) for d, lm in enumerate(lms)) / D
                model.train()
            improved = val_nats is not None and (best_val is None or val_nats < best_val)
            if improved:
                best_val = val_nats
            weights = {name: p.detach() for name, p in zip(self.param_names(), params)}
            meta = self.metadata(step, per_epoch, B, T, val_nats, best_val)
            if improved:
                save_checkpoint(best_path_of(self.out), weights, meta)
            state_json = {
                "version": 1,
                "step": step,
                "optimizer": {"name": s["optimizer"], "steps": opt_steps},
                "dropout_rng": dropout_rng,
                "train_tokens": train_ids.numel(),
                "streams": B,
                "steps_per_batch": T,
                "lr_scale": lr_scale,
            }
            tensors = dict(weights)
            for i, m in enumerate(saved_moments(optimizer, s["optimizer"], params)):
                tensors[f"{STATE_PREFIX}optimizer.{i}"] = m
            tensors[f"{STATE_PREFIX}carried"] = torch.cat([c.reshape(-1).float().cpu() for c in carried])
            save_checkpoint(self.out, tensors, {**meta, "train_state": json.dumps(state_json)})
            saved = self.out
            report(val=True)

        while True:
            if step >= step_limit:
                stopped_by = "steps" if s["steps"] and step >= s["steps"] else "epochs"
                break
            timed_out = s["timeMs"] is not None and elapsed() * 1000 >= s["timeMs"]
            if procs.sum(timed_out or stop.signalled) > 0:
                stopped_by = "abort" if procs.sum(stop.signalled) > 0 else "time"
                break
            j = step % per_epoch
            if j == 0:  # a new epoch starts every stream from its beginning
                states = [zero_states(cell, L, mine, H, self.device) for _ in range(D)]
            lr = learning_rate(s["lr"], step // per_epoch, s["lrDecay"], s["lrDecayAfter"])
            optimizer.zero_grad(set_to_none=False)
            total, carried = wrapped([b.get(j) for b in batches], states)
            (total * loss_scale).backward()
            states = [detached(c) for c in carried]
            loss = procs.sum(total.detach()) / (D * T * B)
            grad_norm = clip_global_norm(params, s["clip"])
            exploded = math.isfinite(loss) and loss > diverged
            if not math.isfinite(loss) or not math.isfinite(grad_norm) or exploded:
                # Not applied; the last update may be what broke the weights, so it is undone too
                # (and the carried state, computed with them, zeroed); the learning rate halves.
                bad_steps += 1
                last_was_bad = True
                undone = undo.restore(opt_steps)
                if undone:
                    opt_steps = undo.steps
                states = [zero_states(cell, L, mine, H, self.device) for _ in range(D)]
                what = f"loss became {loss:.4g} nats (over {DIVERGED_LOSS_FACTOR} x ln V)" if exploded else f"{'gradient norm' if math.isfinite(loss) else 'loss'} became {grad_norm if math.isfinite(loss) else loss}"
                if bad_steps > MAX_BAD_STEPS:
                    raise DataError(f"training diverged at step {step + 1}: the {what} {bad_steps} times without a good update in between; try a lower --lr")
                lr_scale /= 2
                self.say(f"note: step {step + 1}: the {what}; {'rolled back the last update, ' if undone else ''}skipped that batch and halved the learning rate to {lr * lr_scale:.3g}")
                step += 1
                continue
            if not last_was_bad:
                bad_steps = 0
            last_was_bad = False
            loss_nats = loss
            undo.save(opt_steps)
            for group in optimizer.param_groups:
                group["lr"] = lr * lr_scale
            optimizer.step()
            opt_steps += 1
            step += 1
            report()
            if step % eval_every == 0:
                evaluate_and_save()
        if last_eval != step and step > first_step:
            evaluate_and_save()
        if log is not None:
            log.close()
        val = f", validation {nats_summary(val_nats)}" if val_nats is not None else ""
        self.say(f"Trained {step} steps ({step / per_epoch:.2f} epochs), loss {loss_nats:.4f} nats{val}")
        if saved:
            best = best_path_of(self.out)
            self.say(f"Saved {saved}" + (f" (best: {best})" if os.path.exists(best) else ""))
        return 130 if stopped_by == "abort" else 0

    def param_names(self):
        return [name for name, _ in param_shapes(self.config)]

    def metadata(self, step, per_epoch, B, T, val_nats, best_val):
        """charnn's metadata: the model and vocabulary as the start checkpoint stored them, this run's settings and progress."""
        s, corpus = self.settings, self.corpus
        training = dict(self.training)
        training.update({"cell": self.config["cell"], "hidden": self.config["hidden"], "layers": self.config["layers"], "dropout": self.config["dropout"]})
        training.update({k: s[k] for k in options.DEFAULTS})
        training.update(
            {
                "valFrac": corpus["val_frac"],
                "out": self.out,
                "resume": None,
                "corpusPath": corpus.get("corpus_path"),
                "corpus": corpus["name"],
                "streams": B,
                "steps_per_batch": T,
                "trainer": {"name": "pytorch", "torch": torch.__version__, "processes": self.procs.world, "device": self.device.type},
            }
        )
        training.setdefault("minCount", corpus.get("min_count", 2))
        progress = {"step": step, "epoch": step / per_epoch, "best_val_nats": best_val, "val_nats": val_nats, "chars_seen": step * B * T}
        m = self.start["metadata"]
        return {
            "format": m["format"],
            "format_version": m["format_version"],
            "model": m["model"],
            "vocab": m["vocab"],
            "training": json.dumps(training, ensure_ascii=False),
            "progress": json.dumps(progress),
        }


if __name__ == "__main__":
    sys.exit(main())
