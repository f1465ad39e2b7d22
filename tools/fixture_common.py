"""Shared helpers for the fixture scripts in tools/ (not a fixture script itself).

Array encoding used by every fixture file under test/fixtures/:

    {"shape": [d0, d1, ...], "dtype": "float32", "data": [flat row-major values]}

* floats are written with Python's shortest round-trip repr of the value as a
  float64; for float32 data this is the exact float32 value (parse it as a JS
  number and store it with Math.fround / into a Float32Array: bit exact);
* NaN / +Inf / -Inf are the strings "nan", "inf", "-inf"; -0.0 is written -0.0;
* integers (all widths, uint32 included) are plain JSON integers; bools are
  true/false;
* an optional "weak": true marks a JAX weakly-typed result (only written when true);
* a PRNG key array is encoded by its key data (uint32, trailing dim 2).

Python scalars passed to a function (weakly typed in JAX) are encoded as
    {"scalar": value, "pytype": "int" | "float" | "bool"}
because JSON cannot tell 2 from 2.0. NaN/Inf scalar values use the strings above.

Files are written one top-level list element per line (diff friendly, still compact).
"""
from __future__ import annotations

import json
import math
import os
import platform
import sys
from typing import Any

import numpy as np

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURE_DIR = os.path.join(REPO_ROOT, "test", "fixtures")


def _float(v: float) -> Any:
    v = float(v)
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return v


def _is_key_array(x) -> bool:
    import jax

    return hasattr(x, "dtype") and jax.dtypes.issubdtype(x.dtype, jax.dtypes.prng_key)


def enc_array(x) -> dict:
    """Encode a numpy / jax array (or numpy scalar) as {shape, dtype, data[, weak]}."""
    import jax

    weak = bool(getattr(x, "weak_type", False))
    if _is_key_array(x):
        x = jax.random.key_data(x)
        weak = False
    a = np.asarray(x)
    dt = a.dtype
    flat = a.reshape(-1)
    if dt.kind == "f" or dt.name in ("bfloat16",):
        data = [_float(v) for v in flat.astype(np.float64)]
    elif dt.kind in "iu":
        data = [int(v) for v in flat]
    elif dt.kind == "b":
        data = [bool(v) for v in flat]
    elif dt.kind == "c":
        data = [[_float(v.real), _float(v.imag)] for v in flat]
    else:
        raise TypeError(f"cannot encode dtype {dt}")
    out = {"shape": list(a.shape), "dtype": dt.name, "data": data}
    if weak:
        out["weak"] = True
    return out


def enc_scalar(v) -> dict:
    if isinstance(v, bool):
        return {"scalar": v, "pytype": "bool"}
    if isinstance(v, int):
        return {"scalar": v, "pytype": "int"}
    if isinstance(v, float):
        return {"scalar": _float(v), "pytype": "float"}
    raise TypeError(f"not a python scalar: {v!r}")


def enc(x) -> Any:
    """Encode arrays, python scalars, and (nested) tuples / lists / dicts of them."""
    if isinstance(x, (bool, int, float)) and not isinstance(x, np.generic):
        return enc_scalar(x)
    if isinstance(x, dict):
        return {k: enc(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [enc(v) for v in x]
    if x is None:
        return None
    return enc_array(x)


def plain(x) -> Any:
    """Structured (non-array) argument values: tuples -> lists, numpy scalars -> python."""
    if isinstance(x, dict):
        return {k: plain(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [plain(v) for v in x]
    if isinstance(x, np.generic):
        return plain(x.item())
    if isinstance(x, float):
        return _float(x)
    return x


def meta(script: str, **extra) -> dict:
    import jax
    import jaxlib

    cfg = jax.config
    m = {
        "jax_version": jax.__version__,
        "jaxlib_version": jaxlib.__version__,
        "numpy_version": np.__version__,
        "python_version": platform.python_version(),
        "script": script,
        "backend": jax.default_backend(),
        "device": str(jax.devices()[0].device_kind),
        "config": {
            "jax_enable_x64": bool(cfg.jax_enable_x64),
            "jax_threefry_partitionable": bool(cfg.jax_threefry_partitionable),
            "jax_default_prng_impl": str(cfg.jax_default_prng_impl),
            "jax_high_dynamic_range_gumbel": bool(cfg.jax_high_dynamic_range_gumbel),
            "jax_default_matmul_precision": cfg.jax_default_matmul_precision,
            "jax_numpy_rank_promotion": str(cfg.jax_numpy_rank_promotion),
            "jax_numpy_dtype_promotion": str(cfg.jax_numpy_dtype_promotion),
        },
        "encoding": (
            "array = {shape, dtype, data (flat row-major), weak? (true only if JAX weak type)}; "
            "floats exact (float32 values printed as float64 repr); NaN/Inf as 'nan','inf','-inf'; "
            "python scalar args = {scalar, pytype: int|float|bool}"
        ),
    }
    m.update(extra)
    return m


def _dumps(v) -> str:
    return json.dumps(v, separators=(",", ":"), allow_nan=False, ensure_ascii=True)


def write_fixture(name: str, obj: dict) -> str:
    """Write obj to test/fixtures/<name>; top-level lists get one element per line."""
    os.makedirs(FIXTURE_DIR, exist_ok=True)
    path = os.path.join(FIXTURE_DIR, name)
    parts = []
    for k, v in obj.items():
        if isinstance(v, list) and v and isinstance(v[0], dict):
            inner = ",\n".join(_dumps(e) for e in v)
            parts.append(f"{_dumps(k)}:[\n{inner}\n]")
        else:
            parts.append(f"{_dumps(k)}:{_dumps(v)}")
    text = "{\n" + ",\n".join(parts) + "\n}\n"
    json.loads(text)  # sanity: valid JSON
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)
    size = os.path.getsize(path)
    print(f"wrote {os.path.relpath(path, REPO_ROOT)} ({size} bytes)", file=sys.stderr)
    if size > 2_000_000:
        print(f"WARNING: {name} is over 2 MB", file=sys.stderr)
    return path
