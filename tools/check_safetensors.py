#!/usr/bin/env python3
"""Cross-checks xla-ts checkpoints with Python's `safetensors` package (test/io/ spawns this).

    python tools/check_safetensors.py read PATH    # print the file's tensors and metadata as JSON
    python tools/check_safetensors.py write PATH   # write a reference file, then print it as `read` does

Output (stdout, one JSON object):
    {"metadata": {str: str}, "tensors": {name: {"dtype": safetensors dtype ("F32", "BF16", ...),
     "shape": [...], "data": [flat row-major values]}}}
Floats are printed as float64 values (exact for F16 / BF16 / F32); NaN / Inf as "nan" / "inf" /
"-inf"; I64 as decimal strings (exact beyond 2^53); BOOL as true / false.

Reads go through safetensors.flax.load_file (JAX arrays: the numpy front end lacks BF16), with
jax_enable_x64 on so that F64 / I64 stay 64-bit.
"""
from __future__ import annotations

import json
import math
import sys

import jax

jax.config.update("jax_enable_x64", True)

import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402
from safetensors import safe_open  # noqa: E402
from safetensors.flax import load_file, save_file  # noqa: E402

ST = {"float32": "F32", "float64": "F64", "float16": "F16", "bfloat16": "BF16", "int8": "I8", "int32": "I32",
      "int64": "I64", "uint8": "U8", "uint32": "U32", "bool": "BOOL"}


def enc_value(v, dt: str):
    if dt == "BOOL":
        return bool(v)
    if dt == "I64":
        return str(int(v))
    if dt in ("I8", "I32", "U8", "U32"):
        return int(v)
    f = float(v)
    if math.isnan(f):
        return "nan"
    if math.isinf(f):
        return "inf" if f > 0 else "-inf"
    return f


def describe(path: str) -> dict:
    tensors = load_file(path)
    with safe_open(path, framework="flax") as f:
        metadata = f.metadata() or {}
    out = {}
    for name, arr in tensors.items():
        dt = ST[str(arr.dtype)]
        flat = np.asarray(arr).reshape(-1)
        if dt in ("F16", "BF16"):
            flat = flat.astype(np.float64)
        out[name] = {"dtype": dt, "shape": list(arr.shape), "data": [enc_value(v, dt) for v in flat.tolist()]}
    return {"metadata": metadata, "tensors": out}


def reference() -> dict:
    """Every dtype, nested names, a scalar, an empty tensor, special float values."""
    return {
        "params.actor.0.kernel": jnp.arange(6, dtype=jnp.float32).reshape(2, 3) / 4 - 0.5,
        "params.actor.0.bias": jnp.array([1.5, -2.25, 3.0], jnp.float32),
        "params.actor.1.kernel": jnp.array([[1e-3, -1e30], [math.pi, -0.0]], jnp.float64),
        "params.critic.w16": jnp.array([0.5, -1.25, 65504.0, 1e-4], jnp.float16),
        "params.critic.wbf": jnp.array([1.0, -3.140625, 1e38, float("inf")], jnp.bfloat16),
        "stats.count": jnp.array(7, jnp.int32),
        "stats.big": jnp.array([2**40 + 3, -(2**62)], jnp.int64),
        "stats.small": jnp.array([-128, 127, 0], jnp.int8),
        "stats.bytes": jnp.array([[0, 255], [7, 128]], jnp.uint8),
        "stats.u32": jnp.array([0, 4294967295, 12345], jnp.uint32),
        "stats.mask": jnp.array([True, False, True], jnp.bool_),
        "stats.empty": jnp.zeros((0, 3), jnp.float32),
        "stats.special": jnp.array([float("nan"), float("-inf"), 1.0], jnp.float32),
    }


def main() -> None:
    if len(sys.argv) != 3 or sys.argv[1] not in ("read", "write"):
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    cmd, path = sys.argv[1], sys.argv[2]
    if cmd == "write":
        save_file(reference(), path, metadata={"source": "tools/check_safetensors.py", "note": "written by Python"})
    json.dump(describe(path), sys.stdout, allow_nan=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
