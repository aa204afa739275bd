"""charnn's checkpoint format, read and written with the standard library and torch alone.

A checkpoint is a safetensors file: an 8-byte little-endian header length, a JSON header (the
string metadata under "__metadata__", and per tensor its dtype, shape and byte offsets), then
the tensors' raw little-endian bytes. charnn's metadata: format "charnn", format_version "2",
model (cell, vocabSize, hidden, layers, dropout), vocab (the symbols in id order: "<EOS>" = 0,
"<UNK>" = 1), training (the run's options), progress, and, in the latest checkpoint of a run,
train_state with its tensors charnn.train_state.* (the optimizer's moments and the streams'
carried state, in charnn's flat layout). A SHA-256 checksum over everything else seals the file:
sha256 of the JSON text {"metadata": [[key, value], ...], "tensors": [[name, dtype, shape, begin,
end], ...]} (both sorted by key, JavaScript's JSON.stringify) followed by the data bytes.

What save_checkpoint writes, `charnn sample / score / eval / inspect -m` read with no import step,
and `charnn train --resume` continues.
"""
import hashlib
import json
import os
import struct
import sys
import tempfile

import torch

FORMAT = "charnn"
VERSION = "2"
STATE_PREFIX = "charnn.train_state."
CHECKSUM = "checksum"
_DTYPES = {"F32": (torch.float32, 4), "F64": (torch.float64, 8), "F16": (torch.float16, 2), "BF16": (torch.bfloat16, 2)}
_GATES = {"rnn": 1, "lstm": 4, "gru": 3, "bilstm": 4}

if sys.byteorder != "little":
    raise SystemExit("checkpoint.py reads and writes little-endian data: this machine is big-endian")


class CheckpointError(Exception):
    """A file that is not a sound charnn checkpoint (the message names the file and what is wrong)."""


def param_shapes(config):
    """(name, shape) of every tensor of a model, in charnn's flat order (src/model/param-set.ts)."""
    V, H, L = config["vocabSize"], config["hidden"], config["layers"]
    G = _GATES[config["cell"]]
    out = []
    for prefix in ["", "backward."] if config["cell"] == "bilstm" else [""]:
        for k in range(L):
            D = V if k == 0 else H
            out += [
                (f"{prefix}rnn.weight_ih_l{k}", [G * H, D]),
                (f"{prefix}rnn.weight_hh_l{k}", [G * H, H]),
                (f"{prefix}rnn.bias_ih_l{k}", [G * H]),
                (f"{prefix}rnn.bias_hh_l{k}", [G * H]),
            ]
        out += [(f"{prefix}decoder.weight", [V, H]), (f"{prefix}decoder.bias", [V])]
    return out


def _js_order(text):
    # JavaScript compares strings by UTF-16 code units.
    return text.encode("utf-16-be")


def checksum_of(metadata, entries, data):
    """charnn's checksum (src/io/checksum.ts) of a file's metadata, tensor entries and data bytes."""
    meta = sorted(([k, v] for k, v in metadata.items() if k != CHECKSUM), key=lambda kv: _js_order(kv[0]))
    tensors = sorted(
        ([name, e["dtype"], e["shape"], e["data_offsets"][0], e["data_offsets"][1]] for name, e in entries.items()),
        key=lambda t: _js_order(t[0]),
    )
    text = json.dumps({"metadata": meta, "tensors": tensors}, ensure_ascii=False, separators=(",", ":"))
    digest = hashlib.sha256(text.encode("utf-8"))
    digest.update(data)
    return "sha256:" + digest.hexdigest()


def read_safetensors(path):
    """(metadata, entries, data): the header's string metadata, its tensor entries, the data bytes."""
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except OSError as e:
        raise CheckpointError(f"{path}: cannot read: {e.strerror}") from None
    if len(raw) < 8:
        raise CheckpointError(f"{path}: not a safetensors file ({len(raw)} bytes)")
    (n,) = struct.unpack("<Q", raw[:8])
    if n > len(raw) - 8:
        raise CheckpointError(f"{path}: truncated, or not a safetensors file")
    try:
        header = json.loads(raw[8 : 8 + n].decode("utf-8"))
    except ValueError as e:
        raise CheckpointError(f"{path}: corrupt header ({e})") from None
    if not isinstance(header, dict):
        raise CheckpointError(f"{path}: corrupt header (not a JSON object)")
    metadata = header.pop("__metadata__", {})
    return metadata, header, memoryview(raw)[8 + n :]


def tensor_of(entry, data, path, name):
    """A tensor of the file as float32, a copy (the file's bytes are not kept)."""
    if entry.get("dtype") not in _DTYPES:
        raise CheckpointError(f"{path}: tensor {name} has dtype {entry.get('dtype')}; F32, F64, F16 and BF16 are read")
    dtype, size = _DTYPES[entry["dtype"]]
    begin, end = entry["data_offsets"]
    count = 1
    for d in entry["shape"]:
        count *= d
    if end - begin != count * size or end > len(data):
        raise CheckpointError(f"{path}: tensor {name}: its offsets do not match its shape")
    if count == 0:
        return torch.zeros(entry["shape"])
    return torch.frombuffer(bytearray(data[begin:end]), dtype=dtype).reshape(entry["shape"]).float()


def load_checkpoint(path, train_state=False):
    """A charnn checkpoint, checked (format, version, checksum, tensors) as charnn checks it.

    Returns a dict: config (the model), vocab (symbols in id order), metadata (every metadata
    string as stored), params (name -> float32 tensor, in charnn's order), and with train_state,
    state: None, or {"json": the train_state object, "tensors": name -> tensor}.
    """
    metadata, entries, data = read_safetensors(path)
    if metadata.get("format") != FORMAT:
        raise CheckpointError(f"{path}: not a charnn checkpoint (no format \"charnn\" in its metadata)")
    if metadata.get("format_version") != VERSION:
        raise CheckpointError(f"{path}: checkpoint format_version {metadata.get('format_version')!r}; this reads {VERSION}")
    if metadata.get(CHECKSUM) != checksum_of(metadata, entries, data):
        raise CheckpointError(f"{path}: checksum mismatch: the file was changed or damaged after it was written")
    try:
        config, vocab = json.loads(metadata["model"]), json.loads(metadata["vocab"])
    except (KeyError, ValueError) as e:
        raise CheckpointError(f"{path}: metadata has no readable {e}") from None
    if config.get("cell") not in _GATES or len(vocab) != config.get("vocabSize") or vocab[:2] != ["<EOS>", "<UNK>"]:
        raise CheckpointError(f"{path}: metadata model or vocab is not charnn's")
    params = {}
    for name, shape in param_shapes(config):
        if name not in entries:
            raise CheckpointError(f"{path}: tensor {name} is missing (a {config['cell']} model needs it)")
        if entries[name]["shape"] != shape:
            raise CheckpointError(f"{path}: tensor {name} has shape {entries[name]['shape']}, expected {shape}")
        params[name] = tensor_of(entries[name], data, path, name)
    out = {"config": config, "vocab": vocab, "metadata": dict(metadata), "params": params}
    if train_state:
        out["state"] = None
        if "train_state" in metadata:
            tensors = {
                name[len(STATE_PREFIX) :]: tensor_of(e, data, path, name) for name, e in entries.items() if name.startswith(STATE_PREFIX)
            }
            out["state"] = {"json": json.loads(metadata["train_state"]), "tensors": tensors}
    return out


def _raw_bytes(t):
    """The bytes of a float32 tensor, little-endian (no numpy needed)."""
    import ctypes

    t = t.detach().to("cpu", torch.float32).contiguous()
    return ctypes.string_at(t.data_ptr(), t.numel() * 4) if t.numel() > 0 else b""


def save_checkpoint(path, tensors, metadata):
    """Writes tensors (name -> float tensor, in order) and metadata (key -> str), sealed with the
    checksum, atomically: a temporary file beside the target, fsynced, renamed over it."""
    entries, chunks, offset = {}, [], 0
    for name, t in tensors.items():
        if not bool(torch.isfinite(t).all()):
            raise CheckpointError(f"cannot save checkpoint {path}: tensor {name} has a non-finite value")
        raw = _raw_bytes(t)
        entries[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    data = b"".join(chunks)
    meta = {k: v for k, v in metadata.items() if k != CHECKSUM}
    meta[CHECKSUM] = checksum_of(meta, entries, data)
    header = json.dumps({"__metadata__": meta, **entries}, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    header += b" " * (-len(header) % 8)  # the data 8-byte aligned, as charnn writes it
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix="." + os.path.basename(path) + ".", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(struct.pack("<Q", len(header)))
            f.write(header)
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # as an ordinary new file (mkstemp's is private)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
