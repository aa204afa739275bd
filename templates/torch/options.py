"""train.py's flags (charnn train's names wherever they apply) and the run's settings.

The settings are charnn train's options (src/train/train-options.ts), stored in a checkpoint's
"training" metadata under charnn's names: charnn's defaults, then the start checkpoint's, then
the flags given. Continuing a run (its training state) keeps what makes it that run: as with
`charnn train --resume`, only --steps, --epochs, --time, --lr and --eval-every may change.
Options added to charnn after checkpoints were first written (the schedule's) are recorded only
when they differ from their LEGACY value, which is what a record without them means.
"""
import argparse
import math
import re

# charnn train's defaults (TRAIN_DEFAULTS) of the options this trainer uses.
DEFAULTS = {
    "batch": 32,
    "seq": 50,
    "lr": 1e-2,
    "optimizer": "adam",
    "clip": 5.0,
    "schedule": "cosine",
    "lrDecay": 0.97,
    "lrDecayAfter": 10,
    "warmup": None,
    "lrFloor": None,
    "epochs": None,
    "steps": None,
    "timeMs": None,
    "evalEvery": None,
    "seed": 1234,
}
DEFAULT_EPOCHS = 10  # with no limit given, as charnn train
# What a checkpoint's "training" record without these keys means (charnn's `legacy` values): a
# char-rnn run. A cosine or linear run's warmup and lrFloor default to these when not given.
LEGACY = {"schedule": "char-rnn", "warmup": None, "lrFloor": None}
SCHEDULES = ("char-rnn", "cosine", "linear")
DEFAULT_WARMUP, DEFAULT_LR_FLOOR = 100, 0.1
# Options that may differ from the checkpoint's when a run continues (the others define the run).
CHANGEABLE = {"steps", "epochs", "timeMs", "lr", "evalEvery"}
FLAG = {
    "batch": "--batch",
    "seq": "--seq",
    "lr": "--lr",
    "optimizer": "--optimizer",
    "clip": "--clip",
    "schedule": "--schedule",
    "lrDecay": "--lr-decay",
    "lrDecayAfter": "--lr-decay-after",
    "warmup": "--warmup",
    "lrFloor": "--lr-floor",
    "epochs": "--epochs",
    "steps": "--steps",
    "timeMs": "--time",
    "evalEvery": "--eval-every",
    "seed": "--seed",
}


class UsageError(Exception):
    """A flag that cannot be honoured (exit 2)."""


def _ranged(kind, low, high, low_open=False):
    def parse(text):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {'an integer' if kind is int else 'a number'}, got {text!r}") from None
        if not (value > low if low_open else value >= low) or value > high or value != value:
            raise argparse.ArgumentTypeError(f"expected a value from {low}{' (excluded)' if low_open else ''} to {high}, got {text}")
        return value

    return parse


def duration(text):
    """charnn's durations: 90s, 10m, 1h30m, 250ms, or a number of seconds; 1s to 8760h; in milliseconds."""
    text = text.strip()
    if re.fullmatch(r"\d+(\.\d+)?", text):
        ms = float(text) * 1000
    else:
        parts = re.findall(r"(\d+(?:\.\d+)?)(ms|s|m|h)", text)
        if not parts or "".join(n + u for n, u in parts) != text:
            raise argparse.ArgumentTypeError(f"expected a duration such as 90s, 10m, 1h30m or a number of seconds, got {text!r}")
        ms = sum(float(n) * {"ms": 1, "s": 1000, "m": 60_000, "h": 3_600_000}[u] for n, u in parts)
    if not 1000 <= ms <= 8760 * 3_600_000:
        raise argparse.ArgumentTypeError(f"expected a duration from 1s to 8760h, got {text}")
    return int(ms)


def parser():
    p = argparse.ArgumentParser(
        prog="train.py",
        description="Train a charnn model further with PyTorch: one process (CPU or CUDA), or many with torchrun (DDP).",
        epilog="Settings not given are those of the run in the start checkpoint (charnn train's defaults where it has none). "
        "Continuing a run, only --steps, --epochs, --time, --lr and --eval-every may differ from its own; --new-run starts a new one.",
    )
    add = p.add_argument
    add("--steps", type=_ranged(int, 1, 10**9), help="stop after this many optimizer steps, counted from the start of the run", metavar="N")
    add("--epochs", type=_ranged(int, 1, 10**6), help="stop after this many passes over the training text, from the start of the run", metavar="N")
    add("--time", dest="timeMs", type=duration, help="stop after this much wall time, e.g. 90s, 10m, 1h: this session's, or with --schedule cosine or linear the run's from its start", metavar="DURATION")
    add("--batch", type=_ranged(int, 1, 10**6), help="parallel streams per batch, all processes together (default 32)", metavar="N")
    add("--seq", type=_ranged(int, 1, 10**6), help="steps of truncated backpropagation through time (default 50)", metavar="N")
    add("--lr", type=_ranged(float, 0, 10, low_open=True), help="learning rate, the peak of a cosine or linear schedule (default 1e-2)", metavar="RATE")
    add("--optimizer", choices=["adam", "rmsprop", "sgd"], help="optimizer (default adam; sgd: with momentum 0.9)")
    add("--clip", type=_ranged(float, 0, 1e6), help="clip the global gradient norm to this, 0 = off (default 5)", metavar="NORM")
    add("--schedule", choices=SCHEDULES, help="learning-rate schedule: cosine (default) or linear (up to --lr over --warmup steps, then down to --lr-floor x --lr as the run ends); char-rnn (--lr, then x --lr-decay per epoch after --lr-decay-after)")
    add("--lr-decay", dest="lrDecay", type=_ranged(float, 0, 1, low_open=True), help="char-rnn schedule: learning-rate factor per epoch (default 0.97)", metavar="FACTOR")
    add("--lr-decay-after", dest="lrDecayAfter", type=_ranged(int, 0, 10**6), help="char-rnn schedule: epochs before the decay starts (default 10)", metavar="EPOCHS")
    add("--warmup", type=_ranged(int, 0, 10**9), help=f"cosine and linear schedules: steps of linear warm-up (default {DEFAULT_WARMUP}; a new run, from the model's trained weights, a tenth of a run of fewer than {DEFAULT_WARMUP * 10} steps)", metavar="STEPS")
    add("--lr-floor", dest="lrFloor", type=_ranged(float, 0, 1), help=f"cosine and linear schedules: the final learning rate as a fraction of --lr (default {DEFAULT_LR_FLOOR})", metavar="FRACTION")
    add("--eval-every", dest="evalEvery", type=_ranged(int, 1, 10**9), help="validate and checkpoint every this many steps (default: once per epoch)", metavar="STEPS")
    add("--seed", type=_ranged(int, 0, 2**32 - 1), help="random seed (dropout masks; default 1234)", metavar="N")
    add("-o", "--out", help="checkpoint path (default: checkpoints/<corpus-name>.safetensors)", metavar="PATH")
    add("--resume", nargs="?", const=True, help="continue the run saved in this checkpoint (default: the --out path)", metavar="CHECKPOINT")
    add("--model", help="checkpoint to start from (default: start.safetensors, the exported model)", metavar="CHECKPOINT")
    add("--data", help="corpus.json of an export (default: the exported corpus beside train.py)", metavar="CORPUS_JSON")
    add("--new-run", action="store_true", help="start a new run from the model's weights: step 0, a fresh optimizer, the batches of the flags given")
    add("--device", choices=["auto", "cpu", "cuda"], default="auto", help="auto: CUDA when available (default)")
    add("--threads", type=_ranged(int, 1, 1024), help="CPU threads per process (torch.set_num_threads)", metavar="N")
    add("--log", help="append one JSON object per report to this file, as charnn train --log", metavar="FILE")
    add("--log-every", type=_ranged(int, 1, 10**9), default=10, help="steps between --log lines (default 10)", metavar="STEPS")
    return p


def resolve(given, start_training, continuing, keep_limits):
    """The run's settings: charnn's defaults, the start checkpoint's, the flags given. The start's
    limits (--steps, --epochs, --time) are kept only with keep_limits (--resume, as charnn's);
    continuing a run, a flag that would make it another run is an error."""
    settings = dict(DEFAULTS)
    for key in DEFAULTS:
        if key in ("steps", "epochs", "timeMs") and not keep_limits:
            continue
        if start_training.get(key) is not None:
            settings[key] = start_training[key]
        elif key in LEGACY and key not in start_training:
            settings[key] = LEGACY[key]  # a record from before the option: the run it was
    if not continuing and given.get("schedule") not in (None, settings["schedule"]):
        # A new run with another schedule: the start's warm-up and floor were its schedule's.
        settings["warmup"], settings["lrFloor"] = DEFAULTS["warmup"], DEFAULTS["lrFloor"]
    conflicts = []
    for key, value in given.items():
        if value is None or key not in DEFAULTS:
            continue
        if continuing and key not in CHANGEABLE and value != settings[key]:
            conflicts.append(f"{FLAG[key]} {value} (the run has {settings[key]})")
        settings[key] = value
    if conflicts:
        raise UsageError(
            f"cannot continue the run with {', '.join(conflicts)}: only --steps, --epochs, --time, --lr and --eval-every may change; "
            "give --new-run to start a new run from the model's weights"
        )
    check_schedule(settings, given)
    if settings["schedule"] != "char-rnn" and settings["lrFloor"] is None:
        settings["lrFloor"] = DEFAULT_LR_FLOOR  # the warm-up once the run's length is known: default_warmup
    return settings


def default_warmup(step_limit, fine_tuning):
    """--warmup when not given, as charnn's defaultWarmup (src/train/schedule.ts): 100 steps; a
    fine-tuning run (from a trained model) a tenth of its length in steps where that is shorter."""
    return min(DEFAULT_WARMUP, math.ceil(step_limit / 10)) if fine_tuning and math.isfinite(step_limit) else DEFAULT_WARMUP


def check_schedule(settings, given):
    """The options of another schedule are errors, as in charnn (src/train/check-options.ts)."""
    schedule = settings["schedule"]
    if schedule == "char-rnn":
        unused = [FLAG[k] for k in ("warmup", "lrFloor") if settings[k] is not None]
        what = "the cosine and linear schedules"
    else:
        unused = [FLAG[k] for k in ("lrDecay", "lrDecayAfter") if given.get(k) is not None and given[k] != DEFAULTS[k]]
        what = "the char-rnn schedule"
    if unused:
        raise UsageError(f"{' and '.join(unused)} {'apply' if len(unused) > 1 else 'applies'} to {what}, not to --schedule {schedule}")
