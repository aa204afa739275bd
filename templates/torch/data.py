"""The exported corpus and charnn's batches (src/data/batches.ts), split across processes.

corpus.json (written by `charnn export torch`) describes corpus.ids: the corpus as one stream
of ids in the model's vocabulary, [<EOS>, line 1..., <EOS>, line 2..., <EOS>, ...], tokenized by
charnn itself (so both sides agree on every character; those outside the vocabulary are <UNK>),
already split as charnn splits it: the training text is ids[:train_tokens], the validation text
ids[val_start:] (it starts with the <EOS> before its first line).

Batches: the training ids are cut into B contiguous streams of L = (train_tokens - 1) // B inputs
each, and an epoch walks them side by side T steps at a time: batch j of stream b is inputs
ids[b*L + j*T : b*L + j*T + T], targets one id further. Batch j+1 continues where batch j
stopped, so the state carried out of one batch starts the next. The backward model of a bilstm
reads the training ids reversed, with the same plan.
"""
import hashlib
import json
import os
from collections import namedtuple

import torch

Plan = namedtuple("Plan", "streams steps stream_length batches_per_epoch reduced")
_DTYPES = {"U8": (torch.uint8, 1), "U16": (torch.int16, 2), "I32": (torch.int32, 4)}


class DataError(Exception):
    """A corpus file that cannot be used (the message names it)."""


def load_corpus(path):
    """The corpus of corpus.json at `path`: a dict of its description and `ids` (a 1-D int32 tensor)."""
    try:
        with open(path, encoding="utf-8") as f:
            corpus = json.load(f)
    except (OSError, ValueError) as e:
        raise DataError(f"{path}: cannot read the corpus description ({e})") from None
    if corpus.get("format") != "charnn-corpus" or corpus.get("version") != 1:
        raise DataError(f"{path}: not a corpus written by `charnn export torch`")
    ids_path = os.path.join(os.path.dirname(os.path.abspath(path)), corpus["ids"]["file"])
    try:
        with open(ids_path, "rb") as f:
            raw = f.read()
    except OSError as e:
        raise DataError(f"{ids_path}: cannot read ({e.strerror})") from None
    if "sha256:" + hashlib.sha256(raw).hexdigest() != corpus["ids"]["sha256"]:
        raise DataError(f"{ids_path}: checksum mismatch: the file was changed or damaged after the export")
    dtype, size = _DTYPES[corpus["ids"]["dtype"]]
    ids = torch.frombuffer(bytearray(raw), dtype=dtype) if raw else torch.zeros(0, dtype=dtype)
    ids = ids.to(torch.int32)
    if size == 2:
        ids = ids & 0xFFFF  # uint16 read as int16
    if ids.numel() != corpus["ids"]["count"] or ids.numel() < 2:
        raise DataError(f"{ids_path}: holds {ids.numel()} ids, the description says {corpus['ids']['count']}")
    if int(ids.max()) >= len(corpus["vocab"]):
        raise DataError(f"{ids_path}: an id is outside the vocabulary")
    corpus["ids"] = ids
    return corpus


def plan_batches(tokens, streams, steps):
    """charnn's planBatches: B, T, L for `tokens` ids, fewer streams (then steps) when the text is short."""
    n = tokens - 1
    if n < 1:
        raise DataError(f"the training text is too short: {tokens} token(s)")
    B, T, reduced = streams, steps, False
    if n < B * T:
        # Fewer streams first: keeping T keeps the BPTT horizon asked for.
        reduced = True
        B = max(1, n // T)
        if n < T:
            T = n
    L = n // B
    return Plan(B, T, L, L // T, reduced)


def shard(streams, world, rank):
    """(first, count): this process's contiguous share of the batch's streams, near-equal."""
    base, extra = divmod(streams, world)
    first = rank * base + min(rank, extra)
    return first, base + (1 if rank < extra else 0)


class Batches:
    """One direction's batches for streams [first, first + count), on `device`."""

    def __init__(self, ids, plan, first, count, device, reversed_text=False):
        # Only the inputs the plan reads, plus the last target: ids[0 : B*L + 1].
        source = ids.flip(0) if reversed_text else ids
        self.ids = source[: plan.streams * plan.stream_length + 1].to(device)
        starts = (torch.arange(count) + first) * plan.stream_length
        self.index = (starts[:, None] + torch.arange(plan.steps + 1)[None, :]).to(device)  # (count, T + 1)
        self.steps = plan.steps

    def get(self, j):
        """Batch j of the epoch: inputs and targets, each (count, T) int64."""
        window = self.ids[self.index + j * self.steps].long()
        return window[:, :-1], window[:, 1:]
