#!/usr/bin/env python3
"""Train a charnn model further with PyTorch, with charnn train's semantics, on one process (CPU or
CUDA) or many (torchrun: DistributedDataParallel, gloo on CPUs, nccl on GPUs):

    python3 train.py --steps 3000 -o run.safetensors
    torchrun --nproc_per_node 2 train.py --steps 3000 -o run.safetensors

It starts from the exported model (start.safetensors) and corpus (corpus.json, corpus.ids) unless
told otherwise; a model with its run's training state continues that run exactly. A step is
charnn's (src/train/loop.ts): batch j of B contiguous streams, T steps of truncated
backpropagation through time from the state carried out of batch j - 1 (zero at the start of
every epoch), the mean cross-entropy over the T x B targets (a bilstm: the mean of its forward
model's and its backward model's, which reads the text reversed), global-norm clipping, the
optimizer at the learning rate of the schedule (char-rnn: --lr for --lr-decay-after epochs, then
x --lr-decay per epoch; cosine and linear: a warm-up, then a decay to --lr-floor x --lr that ends
with the run, by its steps or, with --time, by the run's training time). A non-finite or exploded loss undoes the last update, skips the batch and halves the
learning rate, as charnn does. Validation runs over the whole validation text as one stream, the
state carried; a checkpoint in charnn's format is written at every evaluation and at the end (the
best one by validation beside it), by rank 0 alone.

With N processes each takes a contiguous share of the B streams; DistributedDataParallel averages
their gradients, each scaled so that the average is the whole batch's, so the step, and the run,
is the same for any N up to float rounding.
"""
import json
import math
import os
import signal
import sys
import time

import torch
from torch import nn

import options
from checkpoint import CheckpointError, load_checkpoint, param_shapes
from data import Batches, DataError, load_corpus, plan_batches, shard
from model import build
from objective import StreamLoss, clip_global_norm, detached, scheduled_rate, stream_nats
from parallel import Processes
from saving import best_path_of, run_metadata, save_run
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
MAX_BAD_STEPS = 10  # bad steps without a good update in between, after which training stops
PRINT_EVERY_S = 10


def main(argv=None):
    args = options.parser().parse_args(argv)
    procs = None
    try:
        procs = Processes(args.device)
        return Trainer(args, procs).run()
    except (options.UsageError, CheckpointError, DataError) as e:
        # The same on every process (each reads the same files): said once.
        if procs is None or procs.main:
            print(f"train.py: {e}", file=sys.stderr)
        return 2 if isinstance(e, options.UsageError) else 1
    finally:
        if procs is not None:
            procs.close()


class Stop:
    """Ctrl-C or SIGTERM: stop after this step and save; a second one quits at once (as charnn train)."""

    def __init__(self, say):
        self.signalled, self.say = False, say
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, self.handle)

    def handle(self, signum, frame):
        if self.signalled:
            sys.exit(130)
        self.signalled = True
        self.say("\nStopping after this step and saving a checkpoint (Ctrl-C again to quit now)...")


def count(n):
    return f"{n:,}"


def shown(path):
    """A path as messages show it: relative to the working directory when it is under it (the
    exported start.safetensors, found beside train.py)."""
    relative = os.path.relpath(path)
    return path if relative.startswith("..") else relative


class Trainer:
    def __init__(self, args, procs):
        self.args, self.procs, self.device = args, procs, procs.device
        self.say = (lambda text: print(text, file=sys.stderr, flush=True)) if procs.main else (lambda text: None)
        if args.threads:
            torch.set_num_threads(args.threads)
        if args.resume is not None and args.new_run:
            raise options.UsageError("--resume continues a run and --new-run starts one: give one of them")
        self.corpus = load_corpus(os.path.abspath(args.data or os.path.join(HERE, "corpus.json")))
        # Where the run starts: --resume (a run's latest checkpoint), else the exported model.
        self.out_shown = args.out or os.path.join("checkpoints", f"{self.corpus['name']}.safetensors")
        self.out = os.path.abspath(self.out_shown)
        if args.resume is not None:
            self.start_path = self.out if args.resume is True else args.resume
        else:
            self.start_path = args.model or os.path.join(HERE, "start.safetensors")
        self.start = load_checkpoint(self.start_path, train_state=True)
        if self.start["vocab"] != self.corpus["vocab"]:
            raise DataError(f"{self.start_path} and the corpus have different vocabularies: export the corpus with this model")
        self.state = None if args.new_run else self.start["state"]
        if args.resume is not None and self.state is None:
            raise options.UsageError(f"{self.start_path} has no training state to resume from (it is a best-model checkpoint)")
        self.training = json.loads(self.start["metadata"].get("training", "{}"))
        given = {k: getattr(args, k) for k in options.DEFAULTS}
        self.settings = options.resolve(given, self.training, continuing=self.state is not None, keep_limits=args.resume is not None)
        self.config = self.start["config"]
        self.prepare_data()
        self.prepare_model()

    def prepare_data(self):
        s, corpus, world = self.settings, self.corpus, self.procs.world
        ids = corpus["ids"]
        self.train_ids, self.val_ids = ids[: corpus["train_tokens"]], ids[corpus["val_start"] :]
        n = self.train_ids.numel()
        self.plan = plan = plan_batches(n, s["batch"], s["seq"])
        if plan.batches_per_epoch < 1:
            raise DataError("the training text is too short for one batch")
        if plan.streams < world:
            raise options.UsageError(f"{plan.streams} stream(s) cannot be shared by {world} processes: give --batch {world} or more")
        if plan.reduced:
            self.say(f"note: the training text ({n - 1} characters) is shorter than --batch x --seq: training with {plan.streams} stream(s) of {plan.steps} steps")
        st = self.state
        if st is not None:
            j = st["json"]
            if (j.get("train_tokens"), j.get("streams"), j.get("steps_per_batch")) != (n, plan.streams, plan.steps):
                raise options.UsageError(
                    f"{self.start_path}: cannot continue its run: it trained on {j.get('train_tokens')} tokens in batches of "
                    f"{j.get('streams')} x {j.get('steps_per_batch')}, this corpus has {n} in {plan.streams} x {plan.steps}; "
                    "give --new-run to start a new run from its weights"
                )
        self.first_step = st["json"]["step"] if st else 0
        per_epoch = plan.batches_per_epoch
        epochs = s["epochs"] if (s["epochs"] or s["steps"] or s["timeMs"]) else options.DEFAULT_EPOCHS
        self.step_limit = min(s["steps"] or math.inf, epochs * per_epoch if epochs else math.inf)
        if self.step_limit <= self.first_step:
            limit = f"--steps {s['steps']}" if s["steps"] == self.step_limit else f"{epochs} epochs ({epochs * per_epoch} steps)"
            raise options.UsageError(
                f"the run is at step {self.first_step} already and {limit} counts from its start, as with charnn train --resume: "
                f"give a larger limit (e.g. --steps {self.first_step + 1000}), or --new-run to count from 0"
            )
        if s["schedule"] != "char-rnn" and s["warmup"] is None:
            # Before anything reads or records it. A run that gets here is a new one (a continued run
            # has its record's), from the exported model's trained weights: a fine-tune.
            s["warmup"] = options.default_warmup(self.step_limit, fine_tuning=True)
        self.first, self.mine = shard(plan.streams, world, self.procs.rank)

    def prepare_model(self):
        s, st, config, procs = self.settings, self.state, self.config, self.procs
        # Dropout masks: PyTorch's own generator (charnn's masks cannot be reproduced), a stream per
        # process and session, so a continued run does not replay the masks of its first steps.
        torch.manual_seed(hash((s["seed"], self.first_step, procs.rank)) & 0x7FFFFFFFFFFFFFFF)
        self.model = build(config).to(self.device)
        self.model.load_state_dict(self.start["params"])
        self.model.train()
        self.objective = StreamLoss(self.model)
        self.directions = len(self.objective.directions)
        self.wrapped = self.objective
        if procs.world > 1:
            devices = [self.device.index] if self.device.type == "cuda" else None
            self.wrapped = nn.parallel.DistributedDataParallel(self.objective, device_ids=devices)
        self.params = ordered_params(self.model, config)
        self.optimizer = make_optimizer(s["optimizer"], self.params, s["lr"])
        self.opt_steps = st["json"]["optimizer"]["steps"] if st else 0
        if st:
            if st["json"]["optimizer"]["name"] != s["optimizer"]:
                raise CheckpointError(f"{self.start_path}: its training state is for {st['json']['optimizer']['name']}")
            load_moments(self.optimizer, s["optimizer"], self.params, st["tensors"], self.opt_steps)
        self.lr_scale = st["json"]["lr_scale"] if st else 1.0
        # Where the learning rate follows the clock (cosine or linear with --time), --time is the
        # run's training time, counted from its start (charnn's rule): the earlier sessions' is kept.
        self.follows_time = s["schedule"] != "char-rnn" and s["timeMs"] is not None
        self.train_ms_before = float(st["json"].get("train_ms", 0.0)) if (st and self.follows_time) else 0.0
        self.dropout_rng = st["json"]["dropout_rng"] if st else charnn_rng_state(s["seed"] + 1)
        D, cell, L, H = self.directions, config["cell"], config["layers"], config["hidden"]
        self.batches = [Batches(self.train_ids, self.plan, self.first, self.mine, self.device, reversed_text=d == 1) for d in range(D)]
        if st:
            self.states = states_from_carried(st["tensors"]["carried"], D, cell, L, self.plan.streams, H, self.first, self.mine, self.device)
        else:
            self.reset_states()

    def reset_states(self):
        c = self.config
        self.states = [zero_states(c["cell"], c["layers"], self.mine, c["hidden"], self.device) for _ in range(self.directions)]

    def run(self):
        s, procs, plan, c = self.settings, self.procs, self.plan, self.config
        B, T, per_epoch = plan.streams, plan.steps, plan.batches_per_epoch
        parameters = sum(p.numel() for p in self.params)
        share = f"{B // procs.world}-{-(-B // procs.world)} streams each" if B % procs.world else f"{B // procs.world} streams each"
        self.say(
            f"{self.corpus['name']}: {count(self.train_ids.numel())} training and {count(self.val_ids.numel())} validation tokens, vocabulary {c['vocabSize']}\n"
            f"model: {c['cell']} {c['layers']} x {c['hidden']}, {count(parameters)} parameters; batches of {B} x {T}, {per_epoch} per epoch; "
            + (f"{procs.world} processes ({procs.backend}, {self.device.type}), {share}" if procs.world > 1 else f"1 process ({self.device.type})")
        )
        st = self.state
        self.say(
            f"continuing the run of {shown(self.start_path)} at step {self.first_step} (epoch {self.first_step / per_epoch:.2f})"
            if st
            else f"a new run from the weights of {shown(self.start_path)}"
        )
        progress = json.loads(self.start["metadata"].get("progress", "{}")) if st else {}
        self.val_nats, self.best_val = progress.get("val_nats"), progress.get("best_val_nats")
        self.step, self.loss_nats, self.lr = self.first_step, math.nan, s["lr"]
        self.last_eval, self.last_print, self.saved, self.best_written = (self.first_step if st else -1), -math.inf, False, False
        bad_steps, last_was_bad, stopped_by = 0, False, "steps"
        self.log = open(self.args.log, "a") if (self.args.log and procs.main) else None
        self.undo = UpdateUndo(self.params, self.optimizer)
        self.undo.save(self.opt_steps)
        eval_every = s["evalEvery"] or per_epoch
        diverged = DIVERGED_LOSS_FACTOR * math.log(max(c["vocabSize"], 2))
        stop = Stop(self.say)
        self.started = time.perf_counter()
        while True:
            if self.step >= self.step_limit:
                stopped_by = "steps" if s["steps"] and self.step >= s["steps"] else "epochs"
                break
            # Every process stops at the same step: time (each one's own clock) and signals are summed;
            # a schedule that follows the clock follows rank 0's, so that every process uses one rate.
            train_ms = self.train_ms()
            if self.follows_time:
                train_ms = procs.sum(train_ms if procs.main else 0.0)
            timed_out = s["timeMs"] is not None and train_ms >= s["timeMs"]
            if procs.sum(timed_out or stop.signalled) > 0:
                stopped_by = "abort" if procs.sum(stop.signalled) > 0 else "time"
                break
            j = self.step % per_epoch
            if j == 0:
                self.reset_states()  # a new epoch starts every stream from its beginning
            self.lr = scheduled_rate(s, self.step, per_epoch, self.step_limit, train_ms)
            loss, norm = self.gradients(j)
            exploded = math.isfinite(loss) and loss > diverged
            if not math.isfinite(loss) or not math.isfinite(norm) or exploded:
                # Not applied; the last update may be what broke the weights, so it is undone too
                # (and the carried state, computed with them, zeroed); the learning rate halves.
                # Every process sees the same summed loss and the same norm: they agree.
                bad_steps += 1
                last_was_bad = True
                undone = self.undo.restore(self.opt_steps)
                if undone:
                    self.opt_steps = self.undo.steps
                self.reset_states()
                what = (
                    f"loss became {loss:.4g} nats (over {DIVERGED_LOSS_FACTOR} x ln V = {diverged:.3g}: the weights blew up)"
                    if exploded
                    else (f"gradient norm became {norm}" if math.isfinite(loss) else f"loss became {loss}")
                )
                if bad_steps > MAX_BAD_STEPS:
                    raise DataError(
                        f"training diverged at step {self.step + 1}: the {what} {bad_steps} times without a good update in between, "
                        f"even at learning rate {self.lr * self.lr_scale:#.3g}; try a lower --lr"
                    )
                self.lr_scale /= 2
                self.say(f"note: step {self.step + 1}: the {what}; {'rolled back the last update, ' if undone else ''}skipped that batch and halved the learning rate to {self.lr * self.lr_scale:#.3g}")
                self.step += 1
                continue
            if not last_was_bad:
                bad_steps = 0  # a finite loss right after a finite one confirms the update between them
            last_was_bad = False
            self.loss_nats = loss
            self.undo.save(self.opt_steps)
            for group in self.optimizer.param_groups:
                group["lr"] = self.lr * self.lr_scale
            self.optimizer.step()
            self.opt_steps += 1
            self.step += 1
            self.report()
            if self.step % eval_every == 0:
                self.evaluate_and_save()
        if self.last_eval != self.step and self.step > self.first_step:
            self.evaluate_and_save()
        if self.log is not None:
            self.log.close()
        val = f", validation {self.val_nats:.4f} nats ({self.val_nats / math.log(2):.3f} bpc, ppl {math.exp(self.val_nats):.2f})" if self.val_nats is not None else ""
        self.say(f"Trained {self.step} step{'' if self.step == 1 else 's'} ({self.step / per_epoch:.2f} epochs), loss {self.loss_nats:.4f} nats{val}")
        if self.saved:
            self.say(f"Saved {self.out_shown}" + (f" (best: {best_path_of(self.out_shown)})" if self.best_written else ""))
        return 130 if stopped_by == "abort" else 0

    def gradients(self, j):
        """This step's gradients of the whole batch on every process, clipped: (mean loss, norm before clipping)."""
        B, T, D = self.plan.streams, self.plan.steps, self.directions
        self.optimizer.zero_grad(set_to_none=False)
        total, carried = self.wrapped([b.get(j) for b in self.batches], self.states)
        # DDP averages the processes' gradients: each process's sum scaled by N / (D T B) averages to the batch's mean.
        (total * (self.procs.world / (D * T * B))).backward()
        self.states = [detached(c) for c in carried]
        loss = self.procs.sum(total.detach()) / (D * T * B)
        return loss, clip_global_norm(self.params, self.settings["clip"])

    def elapsed(self):
        return time.perf_counter() - self.started

    def train_ms(self):
        """The run's training time: this session's, plus the earlier ones' where the schedule follows the clock."""
        return self.train_ms_before + self.elapsed() * 1000

    def report(self, val=False):
        """A --log line (every --log-every steps and at each evaluation) and, every 10 s and at each evaluation, a progress line."""
        B, T, per_epoch = self.plan.streams, self.plan.steps, self.plan.batches_per_epoch
        chars_per_s = (self.step - self.first_step) * B * T / max(self.elapsed(), 1e-9)
        if self.log is not None and (val or self.step % self.args.log_every == 0):
            entry = {"step": self.step, "epoch": self.step / per_epoch, "loss_nats": self.loss_nats}
            if val and self.val_nats is not None:
                entry["val_nats"] = self.val_nats
            entry.update({"chars_per_s": chars_per_s, "elapsed_s": self.elapsed(), "lr": self.lr * self.lr_scale})
            self.log.write(json.dumps(entry) + "\n")
            self.log.flush()
        if val or self.elapsed() - self.last_print >= PRINT_EVERY_S:
            self.last_print = self.elapsed()
            extra = f"  val {self.val_nats:.4f} nats" if val and self.val_nats is not None else ""
            self.say(f"step {self.step}  epoch {self.step / per_epoch:.2f}  loss {self.loss_nats:.4f} nats{extra}  {round(chars_per_s)} chars/s  elapsed {self.elapsed():.0f}s")

    def evaluate_and_save(self):
        """Validation (rank 0) and the checkpoints; every process hands its streams' carried state in."""
        plan, c, procs = self.plan, self.config, self.procs
        self.last_eval = self.step
        carried = [procs.gather_streams(flat_carried(state, c["cell"]), self.mine, plan.streams) for state in self.states]
        if not procs.main:
            return
        if self.val_ids.numel() >= 2:
            self.model.eval()
            texts = [self.val_ids, self.val_ids.flip(0)]  # the backward model reads it from its end
            self.val_nats = sum(stream_nats(lm, texts[d], self.device) for d, lm in enumerate(self.objective.directions)) / self.directions
            self.model.train()
        improved = self.val_nats is not None and (self.best_val is None or self.val_nats < self.best_val)
        if improved:
            self.best_val = self.val_nats
        progress = {
            "step": self.step,
            "epoch": self.step / plan.batches_per_epoch,
            "best_val_nats": self.best_val,
            "val_nats": self.val_nats,
            "chars_seen": self.step * plan.streams * plan.steps,
        }
        trainer = {"name": "pytorch", "torch": torch.__version__, "processes": procs.world, "device": self.device.type}
        metadata = run_metadata(self.start["metadata"], self.training, self.settings, self.corpus, trainer, self.out, progress, plan)
        state_json = {
            "version": 1,
            "step": self.step,
            "optimizer": {"name": self.settings["optimizer"], "steps": self.opt_steps},
            "dropout_rng": self.dropout_rng,
            "train_tokens": self.train_ids.numel(),
            "streams": plan.streams,
            "steps_per_batch": plan.steps,
            "lr_scale": self.lr_scale,
        }
        if self.follows_time:
            state_json["train_ms"] = self.train_ms()
        weights = {name: p.detach() for (name, _), p in zip(param_shapes(c), self.params)}
        moments = saved_moments(self.optimizer, self.settings["optimizer"], self.params)
        save_run(self.out, weights, metadata, improved, state_json, moments, carried)
        self.saved, self.best_written = True, self.best_written or improved
        self.report(val=True)


if __name__ == "__main__":
    sys.exit(main())
