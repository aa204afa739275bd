"""The checkpoints a run writes, in charnn's format: the latest (with the training state, what
--resume and `charnn train --resume` continue) and, when validation improved, the best one beside
it (the model alone), best first, as charnn writes them."""
import json

import torch

import options
from checkpoint import STATE_PREFIX, save_checkpoint


def best_path_of(out):
    """run.safetensors -> run.best.safetensors, as charnn names it."""
    return out[: -len(".safetensors")] + ".best.safetensors" if out.endswith(".safetensors") else out + ".best"


def run_metadata(start_meta, training, settings, corpus, trainer, out, progress, plan):
    """charnn's metadata: the model and vocabulary as the start checkpoint stored them, the run's
    options under charnn train's names (the start's, updated), its progress."""
    config = json.loads(start_meta["model"])
    training = dict(training)
    training.update({k: config[k] for k in ("cell", "hidden", "layers", "dropout")})
    training.update({k: settings[k] for k in options.DEFAULTS})
    for key, legacy in options.LEGACY.items():
        if training[key] == legacy:
            del training[key]  # as charnn records them: only when they differ from what their absence means
    training.update(
        {
            "valFrac": corpus["val_frac"],
            "out": out,
            "resume": None,
            "corpusPath": corpus.get("corpus_path"),
            "corpus": corpus["name"],
            "streams": plan.streams,
            "steps_per_batch": plan.steps,
            "trainer": trainer,
        }
    )
    training.setdefault("minCount", corpus.get("min_count", 2))
    return {
        "format": start_meta["format"],
        "format_version": start_meta["format_version"],
        "model": start_meta["model"],
        "vocab": start_meta["vocab"],
        "training": json.dumps(training, ensure_ascii=False),
        "progress": json.dumps(progress),
    }


def save_run(out, weights, metadata, improved, state_json, moments, carried):
    """Writes the best checkpoint (if improved), then the latest with its training state."""
    if improved:
        save_checkpoint(best_path_of(out), weights, metadata)
    tensors = dict(weights)
    for i, m in enumerate(moments):
        tensors[f"{STATE_PREFIX}optimizer.{i}"] = m
    tensors[f"{STATE_PREFIX}carried"] = torch.cat([c.reshape(-1).float().cpu() for c in carried])
    save_checkpoint(out, tensors, {**metadata, "train_state": json.dumps(state_json)})
