"""Reads and writes the ecglens weights file (.ecgw), format version 1.

The layout is specified in native/core/ecglens/io/FORMAT.md; this module
follows it exactly, so that reference scripts (PyTorch, numpy) can hand
trained weights to the C++ core and read the files it writes:

    preamble   magic b"ECGLENSW", version u32 = 1, reserved u32 = 0,
               header length N u64 (all little-endian)
    header     N bytes of UTF-8 JSON (an object)
    padding    zero bytes up to the next multiple of 64
    data       every tensor as little-endian float32, row-major, back to back
               in the order given, offsets counted from the data section

Usage (run with /usr/bin/python3, which has numpy):

    from ecgw import write_ecgw, read_ecgw
    write_ecgw("model.ecgw", {"kind": "lstm_ae", ...},
               [(name, p.detach().numpy()) for name, p in model.state_dict().items()],
               normalization="zscore", loss="mse",
               thresholds={"default": "p99", "values": {"p99": 0.51}})
    w = read_ecgw("model.ecgw")    # w["tensors"]["encoder.0.weight_ih"] -> np.ndarray
"""

import json
import math
import os
import struct
import tempfile

import numpy as np

MAGIC = b"ECGLENSW"
VERSION = 1
LOSSES = ("mse", "mae", "sae")
PER_BEAT = ("none", "zscore", "minmax")
_PREAMBLE = struct.Struct("<8sIIQ")  # magic, version, reserved, header length
_ALIGN = 64


class EcgwError(ValueError):
    """A weights file, or the arguments for one, that break FORMAT.md."""


def _json_default(value):
    # numpy scalars (np.int64(140), np.float32(0.5)) become plain numbers.
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _check_metadata(architecture, normalization, loss, thresholds, hyperparameters, provenance):
    if not isinstance(architecture, dict) or not isinstance(architecture.get("kind"), str) \
            or not architecture["kind"]:
        raise EcgwError("architecture must be a dict with a non-empty string 'kind'")
    if not isinstance(normalization, dict) or set(normalization) - {"per_beat"} \
            or normalization.get("per_beat", "none") not in PER_BEAT:
        raise EcgwError(f"normalization must be {{'per_beat': one of {PER_BEAT}}}, got {normalization!r}")
    if loss not in LOSSES:
        raise EcgwError(f"loss {loss!r} is not one of {LOSSES}")
    if thresholds is not None:
        if not isinstance(thresholds, dict) or set(thresholds) != {"default", "values"}:
            raise EcgwError("thresholds must be {'default': name, 'values': {name: value}}")
        values = thresholds["values"]
        for name, value in values.items():
            if not isinstance(name, str) or not name:
                raise EcgwError(f"threshold name {name!r} must be a non-empty string")
            if isinstance(value, bool) or not isinstance(value, (int, float, np.number)) \
                    or not math.isfinite(float(value)):
                raise EcgwError(f"threshold {name!r} must be a finite number, got {value!r}")
        if thresholds["default"] not in values:
            raise EcgwError(f"default threshold {thresholds['default']!r} is not one of {list(values)}")
    for key, value in (("hyperparameters", hyperparameters), ("provenance", provenance)):
        if not isinstance(value, dict):
            raise EcgwError(f"{key} must be a dict")


def serialize_ecgw(architecture, tensors, normalization=None, loss="mse", thresholds=None,
                   hyperparameters=None, provenance=None):
    """The bytes of a weights file; arguments as for write_ecgw."""
    if normalization is None:
        normalization = {"per_beat": "none"}
    elif isinstance(normalization, str):
        normalization = {"per_beat": normalization}
    hyperparameters = {} if hyperparameters is None else hyperparameters
    provenance = {} if provenance is None else provenance
    _check_metadata(architecture, normalization, loss, thresholds, hyperparameters, provenance)

    entries, blobs, offset, seen = [], [], 0, set()
    for name, array in tensors:
        if not isinstance(name, str) or not name:
            raise EcgwError(f"tensor name {name!r} must be a non-empty string")
        if name in seen:
            raise EcgwError(f"tensor {name!r} appears twice")
        seen.add(name)
        data = np.asarray(array, dtype="<f4")  # before ascontiguousarray, which makes 0-d 1-d
        if data.ndim == 0 or 0 in data.shape:
            raise EcgwError(f"tensor {name!r}: shape {list(data.shape)} must be a non-empty list of "
                            "positive integers")
        data = np.ascontiguousarray(data)
        bad = np.flatnonzero(~np.isfinite(data.reshape(-1)))
        if bad.size:
            raise EcgwError(f"tensor {name!r}: non-finite value {data.reshape(-1)[bad[0]]} at index {bad[0]}")
        entries.append({"name": name, "shape": [int(d) for d in data.shape], "dtype": "f32", "offset": offset})
        blobs.append(data.tobytes())
        offset += data.nbytes

    header = {"architecture": architecture, "normalization": normalization, "loss": loss}
    if thresholds is not None:
        header["thresholds"] = {"default": thresholds["default"],
                                "values": {k: float(v) for k, v in thresholds["values"].items()}}
    header["hyperparameters"] = hyperparameters
    header["provenance"] = provenance
    header["tensors"] = entries
    text = json.dumps(header, separators=(",", ":"), allow_nan=False, ensure_ascii=False,
                      default=_json_default).encode("utf-8")

    out = bytearray(_PREAMBLE.pack(MAGIC, VERSION, 0, len(text)))
    out += text
    out += b"\0" * (-len(out) % _ALIGN)
    for blob in blobs:
        out += blob
    return bytes(out)


def write_ecgw(path, architecture, tensors, normalization=None, loss="mse", thresholds=None,
               hyperparameters=None, provenance=None):
    """Writes a weights file atomically (temporary file, fsync, rename).

    architecture: dict with "kind" and its sizes (model/ARCHITECTURES.md).
    tensors: list of (name, array); arrays are stored as float32, row-major.
    normalization: None ("none"), a per_beat name, or {"per_beat": name}.
    loss: "mse", "mae" or "sae".
    thresholds: None or {"default": name, "values": {name: value}} (order kept).
    hyperparameters, provenance: dicts, stored as they are.
    """
    data = serialize_ecgw(architecture, tensors, normalization, loss, thresholds,
                          hyperparameters, provenance)
    folder = os.path.dirname(os.path.abspath(path))
    fd, temp = tempfile.mkstemp(prefix=os.path.basename(path) + ".tmp-", dir=folder)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(temp, 0o644)
        os.replace(temp, path)
    except BaseException:
        if os.path.exists(temp):
            os.unlink(temp)
        raise


def parse_ecgw(data, source="<bytes>"):
    """Parses the bytes of a weights file: a dict with architecture,
    normalization, loss, thresholds (None when absent), hyperparameters,
    provenance and tensors (name -> float32 ndarray, in file order)."""
    def fail(message):
        raise EcgwError(f"{source}: {message}")

    if len(data) < _PREAMBLE.size:
        fail(f"file is truncated: {len(data)} bytes")
    magic, version, reserved, length = _PREAMBLE.unpack_from(data)
    if magic != MAGIC:
        fail(f"not an ecglens weights file (magic {magic!r})")
    if version != VERSION:
        fail(f"format version {version} is not {VERSION}")
    if reserved != 0:
        fail(f"reserved field is {reserved}, must be 0")
    if length > len(data) - _PREAMBLE.size:
        fail(f"header length {length} runs past the end of the file")
    start = -(-(_PREAMBLE.size + length) // _ALIGN) * _ALIGN
    if start > len(data) or any(data[_PREAMBLE.size + length:start]):
        fail("missing or non-zero padding after the header")
    try:
        header = json.loads(data[_PREAMBLE.size:_PREAMBLE.size + length].decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as e:
        fail(f"header is not valid JSON: {e}")
    if not isinstance(header, dict) or "architecture" not in header or "tensors" not in header:
        fail("header must be an object with 'architecture' and 'tensors'")

    size = len(data) - start
    tensors, spans = {}, []
    for entry in header["tensors"]:
        name, shape, offset = entry["name"], entry["shape"], entry["offset"]
        if entry["dtype"] != "f32" or name in tensors or not name:
            fail(f"tensor {name!r}: bad dtype or name")
        if not shape or any(not isinstance(d, int) or d <= 0 for d in shape) or offset % 4:
            fail(f"tensor {name!r}: bad shape {shape} or offset {offset}")
        nbytes = 4 * math.prod(shape)
        if offset + nbytes > size:
            fail(f"tensor {name!r}: runs past the end of the data section")
        array = np.frombuffer(data, dtype="<f4", count=nbytes // 4, offset=start + offset)
        if not np.isfinite(array).all():
            fail(f"tensor {name!r}: non-finite value")
        tensors[name] = array.astype(np.float32).reshape(shape)
        spans.append((offset, offset + nbytes, name))
    cursor = 0
    for begin, end, name in sorted(spans):
        if begin != cursor:
            fail(f"tensor {name!r}: overlaps or leaves a gap at data offset {cursor}")
        cursor = end
    if cursor != size:
        fail(f"{size - cursor} bytes after the last tensor")

    result = {
        "architecture": header["architecture"],
        "normalization": header.get("normalization", {"per_beat": "none"}),
        "loss": header.get("loss", "mse"),
        "thresholds": header.get("thresholds"),
        "hyperparameters": header.get("hyperparameters", {}),
        "provenance": header.get("provenance", {}),
        "tensors": tensors,
    }
    try:
        _check_metadata(result["architecture"], result["normalization"], result["loss"],
                        result["thresholds"], result["hyperparameters"], result["provenance"])
    except EcgwError as e:
        fail(str(e))
    return result


def read_ecgw(path):
    """Reads the weights file at path (see parse_ecgw)."""
    with open(path, "rb") as f:
        return parse_ecgw(f.read(), path)
