#!/usr/bin/env python3
"""Reference values for xla-ts `numpy` / `lax` / `nn` ops (jax_enable_x64 OFF).

Writes test/fixtures/numpy.json:

{
  "meta": {...},
  "cases": [ case ],        jax_enable_x64 = False (the default)
  "cases_x64": [ case ]     jax_enable_x64 = True (float64 / int64 behaviour)
}

case = {
  "id":     unique short name ("add/i32_pyfloat"),
  "fn":     which function: a bare name is jax.numpy.<fn> ("sum", "floor_divide");
            "lax.<name>" is jax.lax.<name>; "nn.<name>" is jax.nn.<name>;
            "scipy.special.<name>" is jax.scipy.special.<name>;
            "getitem": x[index]; "at_set" / "at_add": x.at[index].set(v) / .add(v);
            "astype": x.astype(dtype)
  "expr":   the Python expression that was evaluated, for humans (e.g. "x[1:3, ::2]")
  "args":   positional arguments: arrays (array encoding, exact dtype) or python
            scalars {"scalar": v, "pytype": "int"|"float"|"bool"} (JAX weak types!)
            or plain JSON (lists of ints for shapes, strings for einsum specs)
  "kwargs": keyword arguments as plain JSON (tuples become lists; dtype as a string);
            for getitem / at_*: {"index": [item, ...]} where item is
              {"int": i} | {"slice": [start, stop, step]} (null = omitted) |
              {"ellipsis": true} | {"newaxis": true} | {"array": <array>}
  "out":    the result: an array (its "dtype" is the result dtype; "weak": true when
            JAX marks the result weakly typed), or a list of arrays
  "note":   optional remark (e.g. implementation-defined behaviour of XLA:CPU)
}

Inputs come from numpy.random.RandomState(0). Most float inputs are multiples of 1/8
("dyadic") so that sums, matmuls and convolutions are exact in float32 whatever the
reduction order; transcendental functions get general floats and should be compared
with a relative tolerance (XLA:CPU uses its own log/exp/tanh/... approximations and
fuses a*b+c into FMA).

Run: python tools/fixtures_numpy.py
"""
from __future__ import annotations

import enum
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import jax.scipy.special  # noqa: E402
from jax import lax  # noqa: E402

from fixture_common import enc, meta, plain, write_fixture  # noqa: E402

SCRIPT = "tools/fixtures_numpy.py"
rs = np.random.RandomState(0)


# ------------------------------------------------------------------ inputs
def dy(*shape, lo=-24, hi=24, dtype=np.float32):
    """dyadic floats: multiples of 1/8 in [lo/8, hi/8]"""
    return (rs.randint(lo, hi + 1, size=shape) / 8).astype(dtype)


def un(*shape, lo=-3.0, hi=3.0, dtype=np.float32):
    return rs.uniform(lo, hi, size=shape).astype(dtype)


def ri(*shape, lo=-10, hi=10, dtype=np.int32):
    return rs.randint(lo, hi + 1, size=shape).astype(dtype)


F = np.float32
I = np.int32
U = np.uint32


def a(x, dtype):
    return np.array(x, dtype=dtype)


# ------------------------------------------------------------------ recording
def resolve(fn: str):
    if fn.startswith("lax."):
        return getattr(lax, fn[4:])
    if fn.startswith("nn."):
        return getattr(jax.nn, fn[3:])
    if fn.startswith("scipy.special."):
        return getattr(jax.scipy.special, fn[len("scipy.special."):])
    return getattr(jnp, fn)


def to_jax(v):
    if isinstance(v, np.ndarray):
        return jnp.asarray(v)
    if isinstance(v, (list, tuple)) and v and all(isinstance(e, np.ndarray) for e in v):
        return type(v)(jnp.asarray(e) for e in v)
    return v


def _dtype_like(v):
    return isinstance(v, np.dtype) or (isinstance(v, type) and v not in (bool, int, float))


def enc_arg(v):
    if _dtype_like(v):
        return {"dtype": np.dtype(v).name}
    if isinstance(v, enum.Enum):
        return v.name
    if isinstance(v, np.ndarray):
        return enc(v)
    if isinstance(v, (bool, int, float)):
        return enc(v)
    if isinstance(v, (list, tuple)) and v and all(isinstance(e, np.ndarray) for e in v):
        return [enc(e) for e in v]
    return plain(v)


def enc_kwargs(kw: dict):
    out = {}
    for k, v in kw.items():
        if k == "dtype" or _dtype_like(v):
            out[k] = jnp.dtype(v).name
        elif isinstance(v, enum.Enum):
            out[k] = v.name
        elif isinstance(v, np.ndarray):
            out[k] = enc(v)
        else:
            out[k] = plain(v)
    return out


def enc_index(idx):
    if not isinstance(idx, tuple):
        idx = (idx,)
    items = []
    for it in idx:
        if it is Ellipsis:
            items.append({"ellipsis": True})
        elif it is None:
            items.append({"newaxis": True})
        elif isinstance(it, slice):
            items.append({"slice": [it.start, it.stop, it.step]})
        elif isinstance(it, (int, np.integer)):
            items.append({"int": int(it)})
        elif isinstance(it, np.ndarray):
            items.append({"array": enc(it)})
        else:
            raise TypeError(it)
    return items


def idx_to_jax(idx):
    if not isinstance(idx, tuple):
        idx = (idx,)
    return tuple(jnp.asarray(i) if isinstance(i, np.ndarray) else i for i in idx)


class Cases:
    def __init__(self):
        self.items: list[dict] = []
        self.ids: set[str] = set()

    def _push(self, case):
        assert case["id"] not in self.ids, case["id"]
        self.ids.add(case["id"])
        self.items.append(case)

    def __call__(self, id_, fn, *args, expr=None, note=None, **kwargs):
        f = resolve(fn)
        out = f(*[to_jax(v) for v in args], **{k: to_jax(v) for k, v in kwargs.items()})
        if expr is None:
            parts = [_short(v) for v in args] + [f"{k}={_short(v)}" for k, v in kwargs.items()]
            prefix = "" if "." in fn else "jnp."
            expr = f"{prefix}{fn}({', '.join(parts)})"
        case = {"id": id_, "fn": fn, "expr": expr, "args": [enc_arg(v) for v in args],
                "kwargs": enc_kwargs(kwargs), "out": enc(_outs(out))}
        if note:
            case["note"] = note
        self._push(case)
        return out

    def index(self, id_, kind, x, idx, expr, value=None, note=None):
        xj = jnp.asarray(x)
        ij = idx_to_jax(idx)
        if kind == "getitem":
            out = xj[ij if len(ij) > 1 else ij[0]]
            args = [enc(x)]
        else:
            v = to_jax(value)
            ref = xj.at[ij if len(ij) > 1 else ij[0]]
            out = ref.set(v) if kind == "at_set" else ref.add(v)
            args = [enc(x), enc_arg(value)]
        case = {"id": id_, "fn": kind, "expr": expr, "args": args,
                "kwargs": {"index": enc_index(idx)}, "out": enc(out)}
        if note:
            case["note"] = note
        self._push(case)

    def astype(self, id_, x, dtype, note=None):
        out = jnp.asarray(x).astype(dtype)
        case = {"id": id_, "fn": "astype", "expr": f"x.astype({jnp.dtype(dtype).name})",
                "args": [enc(x)], "kwargs": {"dtype": jnp.dtype(dtype).name}, "out": enc(out)}
        if note:
            case["note"] = note
        self._push(case)


def _outs(out):
    if isinstance(out, (list, tuple)):
        return [o for o in out]
    return out


def _short(v):
    if isinstance(v, np.ndarray):
        return f"{v.dtype.name}{list(v.shape)}"
    if isinstance(v, (list, tuple)) and v and all(isinstance(e, np.ndarray) for e in v):
        return "[" + ", ".join(_short(e) for e in v) + "]"
    if _dtype_like(v):
        return f"jnp.{np.dtype(v).name}"
    if isinstance(v, enum.Enum):
        return f"{type(v).__name__}.{v.name}"
    return repr(v)


# ------------------------------------------------------------------ cases
def elementwise(c: Cases):
    x23 = dy(2, 3)
    y23 = dy(2, 3)
    r3 = dy(3)
    c1 = dy(2, 1)
    i23 = ri(2, 3)
    j23 = ri(2, 3, lo=1, hi=6)
    u23 = ri(2, 3, lo=0, hi=20, dtype=U)
    b23 = a([[True, False, True], [False, False, True]], bool)

    # broadcasting arithmetic and dtype promotion (record result dtype / weak type)
    c("add/f32_f32", "add", x23, y23)
    c("add/f32_row", "add", x23, r3)
    c("add/f32_col", "add", x23, c1)
    c("add/col_row", "add", c1, r3)
    c("subtract/f32_f32", "subtract", x23, y23)
    c("multiply/f32_row", "multiply", x23, r3)
    c("divide/f32_f32", "divide", x23, dy(2, 3, lo=1, hi=16))
    c("add/i32_pyint", "add", i23, 2)
    c("add/i32_pyfloat", "add", i23, 2.5)
    c("add/f32_pyint", "add", x23, 2)
    c("multiply/pyfloat_f32", "multiply", 0.5, x23)
    c("add/pyint_pyint", "add", 2, 3)
    c("add/pyfloat_pyint", "add", 2.5, 3)
    c("add/i32_f32", "add", i23, x23)
    c("add/u32_i32", "add", u23, i23)
    c("add/u32_pyint", "add", u23, 7)
    c("subtract/u32_wrap", "subtract", a([0, 1, 5], U), a([1, 3, 2], U))
    c("add/bool_i32", "add", b23, i23)
    c("add/bool_pyint", "add", b23, 1)
    c("multiply/bool_f32", "multiply", b23, x23)
    c("add/i32_overflow_wrap", "add", a([2**31 - 1, -(2**31)], I), a([1, -1], I))
    c("add/u8_pyint_wrap", "add", a([200, 10], np.uint8), 300,
      note="weak python int is converted to uint8 (300 -> 44) and the sum wraps mod 256")
    c("true_divide/i32_i32", "true_divide", i23, j23)
    c("divide/i32_pyint", "divide", i23, 4)
    c("negative/i32", "negative", a([5, -3, 0, -(2**31)], I))
    c("negative/f32", "negative", a([1.5, -0.0, 0.0, np.inf], F))

    # integer division semantics (negatives)
    n = a([7, -7, 7, -7, 6, -6, 0, 1], I)
    d = a([2, 2, -2, -2, 3, -4, 5, -3], I)
    c("floor_divide/i32", "floor_divide", n, d)
    c("remainder/i32", "remainder", n, d)
    c("fmod/i32", "fmod", n, d)
    c("divmod/i32", "divmod", n, d)
    nf = a([7.5, -7.5, 7.5, -7.5, 6.0, -6.0, 0.0, -0.0], F)
    df = a([2.0, 2.0, -2.0, -2.0, 3.0, -4.0, 5.0, 5.0], F)
    c("floor_divide/f32", "floor_divide", nf, df)
    c("remainder/f32", "remainder", nf, df)
    c("fmod/f32", "fmod", nf, df)
    c("floor_divide/i32_pyint", "floor_divide", n, 3)
    c("remainder/i32_pyint_neg", "remainder", n, -3)
    c("floor_divide/i32_divzero", "floor_divide", a([7, -7, 0], I), a([0, 0, 0], I),
      note="integer division by zero: XLA defines x/0 = -1 (all ones); jnp then applies its floor fix-up")
    c("remainder/i32_divzero", "remainder", a([7, -7, 0], I), a([0, 0, 0], I),
      note="integer remainder by zero")
    c("floor_divide/u32", "floor_divide", a([7, 100, 4294967295], U), a([2, 7, 16], U))
    c("remainder/u32", "remainder", a([7, 100, 4294967295], U), a([2, 7, 16], U))

    # power
    c("power/f32_f32", "power", dy(6, lo=1, hi=24), a([0, 1, 2, 0.5, -1, 3], F))
    c("power/f32_neg_base_int_exp", "power", a([-2.0, -2.0, -0.5, 0.0, 0.0], F),
      a([3.0, 2.0, -2.0, 0.0, 2.0], F))
    c("power/f32_neg_base_frac_exp", "power", a([-2.0], F), a([0.5], F))
    c("power/i32_i32", "power", a([2, -3, 5, 0, 2, 1], I), a([10, 3, 0, 0, 31, 100], I))
    c("power/i32_pyint", "power", a([2, -3, 5, 0], I), 3)
    c("power/f32_pyint", "power", a([1.5, -2.0, 0.25], F), 2)
    c("power/f32_pyfloat", "power", a([4.0, 2.0, 0.25], F), 0.5)
    c("square/f32", "square", x23)

    # unary float math (general floats; compare with rtol)
    g = un(8)
    pos = un(8, lo=0.01, hi=5.0)
    small = a([0.0, 1e-8, -1e-8, 1e-4, -1e-4, 0.5, -0.5, 3.0], F)
    c("exp/f32", "exp", g)
    c("exp/special", "exp", a([0.0, -0.0, 88.0, 89.0, -104.0, np.inf, -np.inf, np.nan], F))
    c("log/f32", "log", pos)
    c("log/special", "log", a([0.0, -0.0, -1.0, 1.0, np.inf, np.nan], F))
    c("log1p/f32", "log1p", small)
    c("expm1/f32", "expm1", small)
    c("sqrt/f32", "sqrt", pos)
    c("sqrt/special", "sqrt", a([0.0, -0.0, -1.0, np.inf, 4.0], F))
    c("lax.rsqrt/f32", "lax.rsqrt", pos)
    c("lax.rsqrt/special", "lax.rsqrt", a([0.0, -1.0, np.inf, 4.0], F))
    c("tanh/f32", "tanh", g)
    c("tanh/large", "tanh", a([-20.0, -9.0, 9.0, 20.0, 0.0, np.inf, -np.inf], F))
    c("nn.sigmoid/f32", "nn.sigmoid", g)
    c("nn.sigmoid/large", "nn.sigmoid", a([-100.0, -20.0, 20.0, 100.0, 0.0], F))
    c("nn.relu/f32", "nn.relu", a([-1.0, 0.0, 2.5, -0.0], F))
    c("nn.softplus/f32", "nn.softplus", a([-30.0, -1.0, 0.0, 1.0, 30.0], F))
    c("nn.gelu/f32_tanh_approx", "nn.gelu", a([-3.0, -1.0, 0.0, 0.5, 2.0], F))
    c("nn.silu/f32", "nn.silu", a([-3.0, -1.0, 0.0, 0.5, 2.0], F))
    c("sin/f32", "sin", g)
    c("cos/f32", "cos", g)
    c("sin/large", "sin", a([100.0, 1e4, -1e4], F))
    c("arctan2/f32", "arctan2", a([1.0, 1.0, -1.0, -1.0, 0.0, 0.0, -0.0, 3.0], F),
      a([1.0, -1.0, 1.0, -1.0, 1.0, -1.0, -1.0, 0.0], F))
    c("lax.erf/f32", "lax.erf", a([-2.0, -0.5, 0.0, 0.3, 1.0, 3.0], F))
    c("lax.erf_inv/f32", "lax.erf_inv", a([-0.999, -0.5, 0.0, 0.3, 0.9, 0.9999, 1.0, -1.0], F))
    c("log/i32_promotes", "log", a([1, 2, 10], I))

    # rounding etc. (exact)
    rnd = a([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4, 2.6, -2.6, 0.49999997, -0.0], F)
    c("floor/f32", "floor", rnd)
    c("ceil/f32", "ceil", rnd)
    c("round/f32_half_even", "round", rnd)
    c("round/f32_decimals1", "round", a([0.25, 0.35, 1.15, -0.05], F), decimals=1)
    c("lax.round/f32_away_from_zero", "lax.round", rnd)
    c("lax.round/f32_to_nearest_even", "lax.round", rnd,
      rounding_method=lax.RoundingMethod.TO_NEAREST_EVEN)
    c("trunc/f32", "trunc", rnd)
    c("sign/f32", "sign", a([-2.5, 0.0, -0.0, 3.0, np.nan, -np.inf], F))
    c("sign/i32", "sign", a([-5, 0, 7], I))
    c("abs/f32", "abs", a([-2.5, 0.0, -0.0, 3.0, -np.inf], F))
    c("abs/i32", "abs", a([-5, 0, 7, -(2**31)], I), note="abs(INT32_MIN) wraps to INT32_MIN")
    c("isfinite/f32", "isfinite", a([1.0, np.inf, -np.inf, np.nan, 0.0], F))
    c("isnan/f32", "isnan", a([1.0, np.inf, np.nan], F))
    c("isinf/f32", "isinf", a([1.0, np.inf, -np.inf, np.nan], F))
    c("clip/f32", "clip", x23, -0.5, 0.5)
    c("clip/f32_min_only", "clip", x23, 0.0, None)
    c("clip/i32", "clip", i23, -3, 4)
    c("clip/f32_arrays", "clip", x23, dy(2, 3, lo=-8, hi=0), dy(3, lo=0, hi=8))
    c("where/f32", "where", b23, x23, y23)
    c("where/scalar_branches", "where", b23, 1.0, 0.0)
    c("where/broadcast", "where", a([True, False, True], bool), x23, 0)
    c("where/i32_f32", "where", b23, i23, x23)
    c("maximum/f32", "maximum", x23, y23)
    c("minimum/f32_row", "minimum", x23, r3)
    c("maximum/nan", "maximum", a([1.0, np.nan, -0.0, 0.0], F), a([np.nan, 2.0, 0.0, -0.0], F))
    c("minimum/nan", "minimum", a([1.0, np.nan, -0.0, 0.0], F), a([np.nan, 2.0, 0.0, -0.0], F))
    c("maximum/i32_pyint", "maximum", i23, 0)

    # comparisons
    cmpa = a([1.0, 2.0, np.nan, -0.0, np.inf, 3.0], F)
    cmpb = a([1.0, 3.0, np.nan, 0.0, np.inf, 2.0], F)
    for op in ("equal", "not_equal", "less", "less_equal", "greater", "greater_equal"):
        c(f"{op}/f32", op, cmpa, cmpb)
    c("less/i32_pyfloat", "less", i23, 0.5)
    c("equal/i32_f32", "equal", a([1, 2, 3], I), a([1.0, 2.5, 3.0], F))
    c("greater/u32_i32", "greater", a([0, 5, 4294967295], U), a([-1, 3, 1], I))
    c("logical_and/bool", "logical_and", b23, a([[True, True, False], [False, True, True]], bool))
    c("logical_or/bool", "logical_or", b23, a([[True, True, False], [False, True, False]], bool))
    c("logical_not/bool", "logical_not", b23)
    c("logical_xor/bool", "logical_xor", b23, a([[True, True, False], [False, True, False]], bool))


def bitwise(c: Cases):
    xi = a([0, 1, -1, 5, -8, 2**31 - 1, -(2**31), 0x0F0F0F0F], I)
    yi = a([3, -1, 7, 12, 3, 1, -1, 0x00FF00FF], I)
    xu = a([0, 1, 4294967295, 5, 4294967288, 2**31, 0x80000001, 0x0F0F0F0F], U)
    yu = a([3, 4294967295, 7, 12, 3, 1, 0xFFFF0000, 0x00FF00FF], U)
    for op in ("bitwise_and", "bitwise_or", "bitwise_xor"):
        c(f"{op}/i32", op, xi, yi)
        c(f"{op}/u32", op, xu, yu)
    c("bitwise_not/i32", "bitwise_not", xi)
    c("bitwise_not/u32", "bitwise_not", xu)
    c("invert/bool", "invert", a([True, False], bool))
    c("bitwise_and/bool", "bitwise_and", a([True, True, False], bool), a([True, False, False], bool))
    sh = a([0, 1, 5, 31, 32, 33, 40, 100], I)
    shu = sh.astype(U)
    vi = a([1, -1, -8, 12345, -12345, 7, 2**31 - 1, -(2**31)], I)
    vu = a([1, 4294967295, 4294967288, 12345, 0x80000000, 7, 0x7FFFFFFF, 0xDEADBEEF], U)
    c("left_shift/i32", "left_shift", vi, sh, note="shift >= 32 gives 0 (XLA semantics)")
    c("right_shift/i32_arithmetic", "right_shift", vi, sh,
      note="int32: arithmetic shift; shift >= 32 gives 0 or -1 (sign fill)")
    c("left_shift/u32", "left_shift", vu, shu)
    c("right_shift/u32_logical", "right_shift", vu, shu, note="uint32: logical shift; >= 32 gives 0")
    c("left_shift/i32_negative_amount", "left_shift", a([1, 1, -8], I), a([-1, -32, -1], I),
      note="negative shift amount is a huge unsigned amount in XLA: result 0 (or sign fill for right shifts)")
    c("right_shift/i32_negative_amount", "right_shift", a([16, -16], I), a([-1, -1], I))
    c("lax.shift_right_logical/i32", "lax.shift_right_logical", vi, sh)
    c("lax.shift_right_arithmetic/u32", "lax.shift_right_arithmetic", vu, shu)
    c("lax.shift_left/u32", "lax.shift_left", vu, shu)
    c("left_shift/u32_pyint", "left_shift", vu, 4)
    c("right_shift/i32_pyint", "right_shift", vi, 3)
    c("lax.population_count/u32", "lax.population_count", vu)
    c("lax.clz/u32", "lax.clz", a([0, 1, 0x80000000, 0x00010000, 4294967295], U))


def reductions(c: Cases):
    x = dy(2, 3, 4)
    xi = ri(3, 4)
    xb = a([[True, False, True, True], [True, True, True, True], [False, False, False, False]], bool)
    for fn in ("sum", "prod", "max", "min", "mean"):
        src = x if fn != "prod" else dy(2, 3, 4, lo=-12, hi=12)
        c(f"{fn}/all", fn, src)
        c(f"{fn}/axis1", fn, src, axis=1)
        c(f"{fn}/axis-1_keepdims", fn, src, axis=-1, keepdims=True)
        c(f"{fn}/axis02", fn, src, axis=(0, 2))
        c(f"{fn}/axis02_keepdims", fn, src, axis=(0, 2), keepdims=True)
    for fn in ("var", "std"):
        src = un(3, 4)
        c(f"{fn}/all", fn, src)
        c(f"{fn}/axis0", fn, src, axis=0)
        c(f"{fn}/axis1_ddof1_keepdims", fn, src, axis=1, ddof=1, keepdims=True)
    c("sum/i32", "sum", xi)
    c("sum/i32_axis0", "sum", xi, axis=0)
    c("sum/bool", "sum", xb, note="bool sums to int32")
    c("sum/u32", "sum", a([4294967295, 2], U), note="wraps")
    c("prod/i32", "prod", a([[2, -3], [4, 5]], I), axis=1)
    c("mean/i32", "mean", xi, axis=1, note="int mean -> float32")
    c("max/i32", "max", xi, axis=0)
    c("min/u32", "min", a([[5, 3], [4294967295, 0]], U), axis=1)
    c("max/nan", "max", a([1.0, np.nan, 3.0], F), note="NaN propagates")
    c("min/empty_initial", "min", a([2.0, 5.0], F), initial=1.0)
    c("sum/empty", "sum", np.zeros((0, 3), F), axis=0)
    c("max/-inf_only", "max", a([-np.inf, -np.inf], F))
    c("sum/where", "sum", dy(2, 3), where=a([[True, False, True], [False, True, True]], bool))
    for fn in ("argmax", "argmin"):
        c(f"{fn}/all", fn, x)
        c(f"{fn}/axis1", fn, x, axis=1)
        c(f"{fn}/axis0_keepdims", fn, x, axis=0, keepdims=True)
        c(f"{fn}/ties_first", fn, a([1.0, 3.0, 3.0, -1.0, -1.0], F))
        c(f"{fn}/nan", fn, a([1.0, np.nan, 3.0, -1.0], F), note="NaN wins (first NaN index)")
        c(f"{fn}/i32", fn, a([[3, 7, 7], [-2, -2, 9]], I), axis=1)
    c("any/all", "any", xb)
    c("any/axis1", "any", xb, axis=1)
    c("all/all", "all", xb)
    c("all/axis0_keepdims", "all", xb, axis=0, keepdims=True)
    c("all/axis1", "all", xb, axis=1)
    c("any/f32", "any", a([0.0, -0.0, np.nan], F), note="NaN is truthy")
    # cumulative
    cx = dy(3, 4)
    c("cumsum/flat", "cumsum", cx)
    c("cumsum/axis0", "cumsum", cx, axis=0)
    c("cumsum/axis1", "cumsum", cx, axis=1)
    c("cumsum/i32", "cumsum", a([1, 2, 3, 2**31 - 1], I), note="int32 wraps")
    c("cumsum/bool", "cumsum", a([True, False, True, True], bool))
    c("cumprod/axis1", "cumprod", dy(3, 4, lo=-12, hi=12), axis=1)
    c("lax.cummax/axis0", "lax.cummax", cx, axis=0)
    c("lax.cummax/axis1_reverse", "lax.cummax", cx, axis=1, reverse=True)
    c("lax.cummin/axis1", "lax.cummin", cx, axis=1)
    c("lax.cumsum/axis1_reverse", "lax.cumsum", cx, axis=1, reverse=True)
    c("lax.cumlogsumexp/axis1", "lax.cumlogsumexp", un(2, 4), axis=1)
    # logsumexp / softmax
    lx = un(3, 5)
    c("scipy.special.logsumexp/all", "scipy.special.logsumexp", lx)
    c("scipy.special.logsumexp/axis1", "scipy.special.logsumexp", lx, axis=1)
    c("scipy.special.logsumexp/axis0_keepdims", "scipy.special.logsumexp", lx, axis=0, keepdims=True)
    c("scipy.special.logsumexp/neg_inf", "scipy.special.logsumexp",
      a([[-np.inf, 0.0, 1.0], [-np.inf, -np.inf, -np.inf]], F), axis=1)
    c("scipy.special.logsumexp/large", "scipy.special.logsumexp", a([1000.0, 1000.0, -5.0], F))
    c("nn.logsumexp/axis1", "nn.logsumexp", lx, axis=1)
    c("nn.softmax/axis-1", "nn.softmax", lx)
    c("nn.softmax/axis0", "nn.softmax", lx, axis=0)
    c("nn.softmax/large", "nn.softmax", a([1000.0, 999.0, -np.inf], F))
    c("nn.log_softmax/axis-1", "nn.log_softmax", lx)
    c("nn.log_softmax/neg_inf", "nn.log_softmax", a([0.0, -np.inf, 2.0], F))
    c("scipy.special.softmax/axis1", "scipy.special.softmax", lx, axis=1)


def linalg(c: Cases):
    c("matmul/2d", "matmul", dy(3, 4), dy(4, 2))
    c("matmul/batched3d", "matmul", dy(2, 3, 4), dy(2, 4, 5))
    c("matmul/broadcast_batch", "matmul", dy(2, 3, 4), dy(4, 2))
    c("matmul/vec_mat", "matmul", dy(4), dy(4, 3))
    c("matmul/mat_vec", "matmul", dy(3, 4), dy(4))
    c("matmul/vec_vec", "matmul", dy(5), dy(5))
    c("matmul/i32", "matmul", ri(2, 3), ri(3, 2))
    c("matmul/i32_f32", "matmul", ri(2, 3), dy(3, 2))
    c("dot/1d", "dot", dy(4), dy(4))
    c("dot/2d", "dot", dy(2, 3), dy(3, 2))
    c("dot/scalar", "dot", dy(3), 2.0)
    c("einsum/ij,jk->ik", "einsum", "ij,jk->ik", dy(2, 3), dy(3, 4))
    c("einsum/bij,bjk->bik", "einsum", "bij,bjk->bik", dy(2, 2, 3), dy(2, 3, 2))
    c("einsum/i,i->", "einsum", "i,i->", dy(5), dy(5))
    c("einsum/ij->ji", "einsum", "ij->ji", dy(2, 3))
    c("einsum/bi,bi->b", "einsum", "bi,bi->b", dy(3, 4), dy(3, 4))
    c("einsum/ij->", "einsum", "ij->", dy(2, 3))
    c("einsum/ii->i", "einsum", "ii->i", dy(3, 3))
    c("einsum/i,j->ij", "einsum", "i,j->ij", dy(3), dy(2))
    c("outer/f32", "outer", dy(3), dy(2))
    c("lax.dot_general/batch", "lax.dot_general", dy(2, 3, 4), dy(2, 4, 5),
      dimension_numbers=(((2,), (1,)), ((0,), (0,))))


def shapes(c: Cases):
    x = dy(2, 3, 4)
    m = dy(3, 4)
    c("reshape/-1", "reshape", x, (4, -1))
    c("reshape/flat", "reshape", x, (-1,))
    c("reshape/6x4", "reshape", x, (6, 4))
    c("ravel/f32", "ravel", x)
    c("transpose/default", "transpose", x)
    c("transpose/perm", "transpose", x, (1, 2, 0))
    c("swapaxes/f32", "swapaxes", x, 0, 2)
    c("moveaxis/f32", "moveaxis", x, 0, -1)
    c("expand_dims/0", "expand_dims", m, 0)
    c("expand_dims/-1", "expand_dims", m, -1)
    c("expand_dims/tuple", "expand_dims", m, (0, 3))
    c("squeeze/all", "squeeze", dy(1, 3, 1))
    c("squeeze/axis", "squeeze", dy(1, 3, 1), axis=2)
    c("stack/axis0", "stack", [dy(2, 3), dy(2, 3)])
    c("stack/axis1", "stack", [dy(2, 3), dy(2, 3), dy(2, 3)], axis=1)
    c("stack/axis-1", "stack", [dy(2), dy(2)], axis=-1)
    c("concatenate/axis0", "concatenate", [dy(2, 3), dy(1, 3)])
    c("concatenate/axis1", "concatenate", [dy(2, 3), dy(2, 1), dy(2, 2)], axis=1)
    c("concatenate/mixed_dtype", "concatenate", [ri(2), dy(2)], note="int32 + float32 -> float32")
    c("hstack/f32", "hstack", [dy(2), dy(3)])
    c("vstack/f32", "vstack", [dy(3), dy(3)])
    c("split/3", "split", dy(6, 2), 3)
    c("split/indices", "split", dy(6, 2), [1, 4])
    c("split/axis1", "split", dy(2, 4), 2, axis=1)
    c("array_split/uneven", "array_split", dy(7), 3)
    c("tile/int", "tile", dy(2, 3), 2)
    c("tile/tuple", "tile", dy(2, 3), (2, 1, 2))
    c("repeat/scalar_axis0", "repeat", dy(2, 3), 2, axis=0)
    c("repeat/flat", "repeat", dy(2, 2), 3)
    c("repeat/array", "repeat", dy(3), a([1, 0, 2], I), total_repeat_length=3)
    c("flip/all", "flip", m)
    c("flip/axis0", "flip", m, axis=0)
    c("flip/axis1", "flip", m, axis=1)
    c("roll/1", "roll", dy(5), 2)
    c("roll/axis", "roll", m, -1, axis=1)
    c("pad/constant0", "pad", dy(2, 3), ((1, 2), (0, 1)))
    c("pad/constant_value", "pad", dy(2, 3), ((1, 0), (2, 1)), constant_values=-1.0)
    c("pad/int_width", "pad", dy(3), 2)
    c("broadcast_to/f32", "broadcast_to", dy(3), (2, 3))
    c("take/axis0", "take", m, a([2, 0, 2], I), axis=0)
    c("take/axis1", "take", m, a([3, -1], I), axis=1)
    c("take/flat", "take", m, a([0, 5, 11], I))
    c("take/oob_fill", "take", dy(5), a([7, -1, -9], I),
      note="jnp.take default mode='fill': out-of-range -> NaN (floats); negative indices wrap")
    c("take/oob_clip", "take", dy(5), a([7, -1, -9], I), mode="clip")
    c("take_along_axis/axis1", "take_along_axis", m, a([[0, 3], [1, 1], [2, 0]], I), axis=1)
    c("take_along_axis/axis0", "take_along_axis", m, a([[2, 0, 1, 1]], I), axis=0)
    c("take_along_axis/argsort", "take_along_axis", m, jnp.argsort(jnp.asarray(m), axis=1).__array__(),
      axis=1)
    c("nn.one_hot/3", "nn.one_hot", a([0, 2, 1, -1, 3], I), 3,
      note="out-of-range / negative class gives a zero row")
    c("nn.one_hot/2d_int_dtype", "nn.one_hot", a([[0, 1], [2, 0]], I), 3, dtype=jnp.int32)
    srt = a([3.0, -1.0, 2.0, np.nan, -np.inf, 2.0, 0.0, -0.0], F)
    c("sort/f32_nan", "sort", srt, note="NaN sorts last; -0.0 and 0.0 compare equal (stable)")
    c("sort/axis0", "sort", m, axis=0)
    c("sort/axis1", "sort", m, axis=1)
    c("sort/i32", "sort", a([5, -3, 5, 0, 2**31 - 1, -(2**31)], I))
    c("argsort/stable_ties", "argsort", a([2.0, 1.0, 2.0, 1.0, 0.0, 2.0], F))
    c("argsort/descending_stable", "argsort", a([2.0, 1.0, 2.0, 1.0, 0.0, 2.0], F), descending=True)
    c("argsort/axis0", "argsort", a([[3, 1], [1, 1], [2, 0]], I), axis=0)
    c("argsort/nan", "argsort", a([1.0, np.nan, 0.0], F))
    c("lax.top_k/ties", "lax.top_k", a([1.0, 3.0, 3.0, 2.0, 5.0, 3.0], F), 3,
      note="ties: lower index first")
    c("lax.top_k/2d", "lax.top_k", m, 2)
    c("lax.top_k/i32", "lax.top_k", a([4, -1, 9, 9], I), 2)
    c("arange/5", "arange", 5)
    c("arange/1_10_3", "arange", 1, 10, 3)
    c("arange/float", "arange", 0.0, 1.0, 0.25)
    c("arange/neg_step", "arange", 5, 0, -2)
    c("arange/f32_dtype", "arange", 4, dtype=jnp.float32)
    c("linspace/5", "linspace", 0.0, 1.0, 5)
    c("linspace/no_endpoint", "linspace", 0.0, 1.0, 4, endpoint=False)
    c("linspace/neg", "linspace", -1.0, 2.0, 7)
    c("eye/3", "eye", 3)
    c("eye/3x4_k1", "eye", 3, 4, k=1)
    c("eye/i32", "eye", 2, dtype=jnp.int32)
    c("full/f32", "full", (2, 3), 7.5)
    c("full/int", "full", (2,), 3)
    c("full/dtype", "full", (2, 2), 1, dtype=jnp.float32)
    c("zeros_like/i32", "zeros_like", ri(2, 3))
    c("ones_like/f32", "ones_like", dy(2))
    c("full_like/f32", "full_like", dy(2, 2), 4.5)
    c("zeros/shape", "zeros", (2, 3))
    c("ones/i32", "ones", (3,), dtype=jnp.int32)
    c("tril/f32", "tril", dy(3, 3))
    c("triu/k1", "triu", dy(3, 3), 1)


def indexing(c: Cases):
    x = dy(4, 5)
    x3 = dy(2, 3, 4)
    v = np.arange(6, dtype=np.int32) * 10
    c.index("getitem/int", "getitem", x, (1,), "x[1]")
    c.index("getitem/neg_int", "getitem", x, (-1,), "x[-1]")
    c.index("getitem/col", "getitem", x, (slice(None), 2), "x[:, 2]")
    c.index("getitem/slice_step", "getitem", x, (slice(1, 3), slice(None, None, 2)), "x[1:3, ::2]")
    c.index("getitem/ellipsis_last", "getitem", x3, (Ellipsis, -1), "x[..., -1]")
    c.index("getitem/reverse", "getitem", x, (slice(None, None, -1),), "x[::-1]")
    c.index("getitem/neg_step_range", "getitem", v, (slice(4, 0, -2),), "x[4:0:-2]")
    c.index("getitem/slice_clamp", "getitem", v, (slice(2, 100),), "x[2:100]")
    c.index("getitem/newaxis", "getitem", v, (None, slice(None)), "x[None, :]")
    c.index("getitem/int_array", "getitem", v, (a([0, 2, -1, 2], I),), "x[jnp.array([0, 2, -1, 2])]")
    c.index("getitem/int_array_2d_rows", "getitem", x, (a([3, 0], I),), "x[jnp.array([3, 0])]")
    c.index("getitem/int_array_oob_clamped", "getitem", v, (a([7, -1, -9], I),),
            "x[jnp.array([7, -1, -9])]",
            note="gather via [] clamps out-of-range indices (after negative wrap)")
    c.index("getitem/two_arrays", "getitem", x, (a([0, 3, 1], I), a([4, 0, 2], I)),
            "x[jnp.array([0,3,1]), jnp.array([4,0,2])]")
    c.index("getitem/array_and_slice", "getitem", x, (a([2, 0], I), slice(1, 4)),
            "x[jnp.array([2, 0]), 1:4]")
    c.index("getitem/slice_and_array", "getitem", x3, (slice(None), a([2, 0], I)),
            "x[:, jnp.array([2, 0])]")
    c.index("getitem/array_2d_index", "getitem", v, (a([[0, 1], [5, 4]], I),),
            "x[jnp.array([[0, 1], [5, 4]])]")
    c.index("getitem/int_int", "getitem", x3, (1, 2), "x[1, 2]")
    c.index("at_set/int", "at_set", v, (2,), "x.at[2].set(99)", value=99)
    c.index("at_set/slice", "at_set", x, (slice(1, 3),), "x.at[1:3].set(0.5)", value=0.5)
    c.index("at_set/col_array", "at_set", x, (slice(None), 0), "x.at[:, 0].set(arr)",
            value=dy(4))
    c.index("at_set/idx_array", "at_set", v, (a([0, 3, -1], I),), "x.at[jnp.array([0,3,-1])].set(arr)",
            value=a([7, 8, 9], I))
    c.index("at_set/oob_dropped", "at_set", v, (a([-1, 9], I),), "x.at[jnp.array([-1, 9])].set(100)",
            value=100, note="out-of-range scatter indices are dropped")
    c.index("at_add/repeated", "at_add", v, (a([0, 0, 2, 0, 5], I),),
            "x.at[jnp.array([0,0,2,0,5])].add(jnp.array([1,2,3,4,5]))", value=a([1, 2, 3, 4, 5], I),
            note="repeated indices accumulate")
    c.index("at_add/repeated_scalar", "at_add", v, (a([1, 1, 1], I),), "x.at[jnp.array([1,1,1])].add(1)",
            value=1)
    c.index("at_add/f32_rows", "at_add", x, (a([1, 1, 3], I),), "x.at[jnp.array([1,1,3])].add(rows)",
            value=dy(3, 5))
    c.index("at_add/oob_dropped", "at_add", v, (a([0, 0, 7], I),), "x.at[jnp.array([0,0,7])].add(10)",
            value=10)
    c.index("at_add/slice", "at_add", x, (slice(None), slice(1, 3)), "x.at[:, 1:3].add(1.0)", value=1.0)

    # dynamic slices (start indices are clamped so the slice fits)
    m = np.arange(30, dtype=np.float32).reshape(5, 6)
    c("lax.dynamic_slice/in_range", "lax.dynamic_slice", m, (1, 2), (2, 3))
    c("lax.dynamic_slice/clamped_high", "lax.dynamic_slice", m, (4, 5), (3, 3),
      note="start (4,5) clamped to (2,3)")
    c("lax.dynamic_slice/clamped_negative", "lax.dynamic_slice", m, (-2, 1), (2, 2),
      note="negative start clamped to 0 (no wrap-around in lax)")
    c("lax.dynamic_update_slice/in_range", "lax.dynamic_update_slice", m, -np.ones((2, 2), F), (1, 1))
    c("lax.dynamic_update_slice/clamped", "lax.dynamic_update_slice", m, -np.ones((2, 3), F), (4, 5),
      note="start clamped to (3,3)")
    c("lax.dynamic_update_slice/clamped_negative", "lax.dynamic_update_slice", m,
      -np.ones((1, 2), F), (-1, -3))
    c("lax.dynamic_index_in_dim/f32", "lax.dynamic_index_in_dim", m, 2, axis=1, keepdims=False)
    c("lax.slice/strided", "lax.slice", m, (0, 1), (5, 6), (2, 2))


def conversions(c: Cases):
    fv = a([-2.7, -0.5, 0.5, 1.5, 2.7, -0.0, 100.99, -100.99], F)
    c.astype("astype/f32_to_i32_trunc", fv, jnp.int32)
    c.astype("astype/f32_to_i32_out_of_range", a([1e10, -1e10, np.nan, np.inf, -np.inf, 2147483520.0], F),
             jnp.int32, note="XLA:CPU saturates; NaN -> 0 (StableHLO leaves this implementation-defined)")
    c.astype("astype/f32_to_u32", a([1.5, 3e9, 4294967040.0], F), jnp.uint32)
    c.astype("astype/f32_to_u32_out_of_range", a([-2.7, -1.0, 1e10, np.nan], F), jnp.uint32,
             note="XLA:CPU saturates to [0, 2^32-1]; NaN -> 0 (implementation-defined)")
    c.astype("astype/f32_to_bool", a([0.0, -0.0, 0.5, np.nan, -np.inf], F), jnp.bool_)
    c.astype("astype/i32_to_f32", a([0, -7, 16777217, 2**31 - 1, -(2**31), 16777219], I), jnp.float32,
             note="round to nearest even")
    c.astype("astype/u32_to_f32", a([0, 4294967295, 16777217, 2147483649], U), jnp.float32)
    c.astype("astype/i32_to_u32", a([-1, 0, -(2**31), 5], I), jnp.uint32)
    c.astype("astype/u32_to_i32", a([4294967295, 2**31, 7], U), jnp.int32)
    c.astype("astype/bool_to_f32", a([True, False], bool), jnp.float32)
    c.astype("astype/i32_to_bool", a([0, 3, -1], I), jnp.bool_)
    c.astype("astype/i32_to_u8", a([-1, 256, 300, 255], I), jnp.uint8)
    c.astype("astype/f32_to_u8", a([0.0, 255.0, 3.7], F), jnp.uint8)
    c.astype("astype/f32_to_f16", a([1.0 / 3.0, 65504.0, 1e5, 1e-8], F), jnp.float16)
    c.astype("astype/f32_to_bf16", a([1.0 / 3.0, 1e30, 1.00390625], F), jnp.bfloat16)
    c("lax.convert_element_type/f32_i32", "lax.convert_element_type", fv, jnp.int32)
    bits_src = a([1.0, -2.0, 0.0, -0.0, np.inf, np.nan, 1.1754944e-38, 3.4028235e38], F)
    c("lax.bitcast_convert_type/f32_u32", "lax.bitcast_convert_type", bits_src, jnp.uint32)
    c("lax.bitcast_convert_type/f32_i32", "lax.bitcast_convert_type", bits_src, jnp.int32)
    c("lax.bitcast_convert_type/u32_f32", "lax.bitcast_convert_type",
      a([0x3F800000, 0xBF800000, 0x7F800000, 0x00000001, 0x3F800001, 0x80000000], U), jnp.float32)
    c("lax.bitcast_convert_type/i32_f32", "lax.bitcast_convert_type", a([1065353216, -1082130432], I),
      jnp.float32)
    c("lax.bitcast_convert_type/u32_i32", "lax.bitcast_convert_type", a([4294967295, 2**31], U), jnp.int32)


def convolutions(c: Cases):
    dn = ("NHWC", "HWIO", "NHWC")
    x = dy(2, 5, 5, 2, lo=-8, hi=8)
    k = dy(3, 3, 2, 3, lo=-8, hi=8)
    x6 = dy(1, 6, 6, 1, lo=-8, hi=8)
    k2 = dy(2, 2, 1, 2, lo=-8, hi=8)
    C = "lax.conv_general_dilated"
    c(f"{C}/s1_same", C, x, k, (1, 1), "SAME", dimension_numbers=dn)
    c(f"{C}/s1_valid", C, x, k, (1, 1), "VALID", dimension_numbers=dn)
    c(f"{C}/s2_same", C, x, k, (2, 2), "SAME", dimension_numbers=dn)
    c(f"{C}/s2_valid", C, x, k, (2, 2), "VALID", dimension_numbers=dn)
    c(f"{C}/s2_same_even", C, x6, k2, (2, 2), "SAME", dimension_numbers=dn,
      note="SAME: out = ceil(in/stride); total = max((out-1)*stride + (k-1)*dilation + 1 - in, 0); "
           "lo = total // 2, hi = total - lo. Here total = 0")
    c(f"{C}/s1_same_even_kernel", C, x6, k2, (1, 1), "SAME", dimension_numbers=dn,
      note="SAME with an even kernel pads more on the high side: (lo, hi) = (0, 1)")
    c(f"{C}/rhs_dilation2_valid", C, x, k, (1, 1), "VALID", rhs_dilation=(2, 2), dimension_numbers=dn)
    c(f"{C}/rhs_dilation2_same", C, x, k, (1, 1), "SAME", rhs_dilation=(2, 2), dimension_numbers=dn)
    c(f"{C}/explicit_padding", C, x, k, (1, 2), ((1, 0), (0, 2)), dimension_numbers=dn)
    c(f"{C}/lhs_dilation2", C, x6, k2, (1, 1), ((0, 0), (0, 0)), lhs_dilation=(2, 2),
      dimension_numbers=dn)
    c(f"{C}/groups2", C, dy(1, 4, 4, 4, lo=-8, hi=8), dy(3, 3, 2, 4, lo=-8, hi=8), (1, 1), "SAME",
      dimension_numbers=dn, feature_group_count=2)
    c(f"{C}/nchw_oihw", C, dy(1, 2, 4, 4, lo=-8, hi=8), dy(3, 2, 3, 3, lo=-8, hi=8), (1, 1), "VALID",
      dimension_numbers=("NCHW", "OIHW", "NCHW"))
    c(f"{C}/1d_nwc", C, dy(1, 7, 2, lo=-8, hi=8), dy(3, 2, 2, lo=-8, hi=8), (2,), "SAME",
      dimension_numbers=("NWC", "WIO", "NWC"))


def x64_cases(c: Cases):
    x = dy(2, 3, dtype=np.float64)
    c("add/f64_pyfloat", "add", x, 0.1)
    c("add/i64_pyint", "add", ri(3, dtype=np.int64), 2**40)
    c("add/i32_i64", "add", ri(3), ri(3, dtype=np.int64))
    c("add/f32_f64", "add", dy(3), dy(3, dtype=np.float64))
    c("add/u32_i32", "add", ri(3, lo=0, hi=9, dtype=U), ri(3), note="uint32 + int32 -> int64 under x64")
    c("sum/f64", "sum", un(3, 4, dtype=np.float64), axis=1)
    c("matmul/f64", "matmul", un(2, 3, dtype=np.float64), un(3, 2, dtype=np.float64))
    c("exp/f64", "exp", un(5, dtype=np.float64))
    c("log/f64", "log", un(5, lo=0.1, hi=5, dtype=np.float64))
    c("tanh/f64", "tanh", un(5, dtype=np.float64))
    c("nn.softmax/f64", "nn.softmax", un(2, 4, dtype=np.float64))
    c("arange/default_int", "arange", 5, note="int64 under x64")
    c("linspace/f64", "linspace", 0.0, 1.0, 5)
    c("mean/i32_to_f64", "mean", ri(4), note="float64 under x64")
    c("floor_divide/i64", "floor_divide", a([7, -7, 2**40], np.int64), a([2, 2, -3], np.int64))
    c.astype("astype/f64_to_f32", a([1.0 / 3.0, 1e300, 1e-50], np.float64), jnp.float32)
    c.astype("astype/f64_to_i64", a([-2.5, 2.5, 1e18], np.float64), jnp.int64)


def main():
    assert not jax.config.jax_enable_x64, "run with jax_enable_x64 off"
    c = Cases()
    elementwise(c)
    bitwise(c)
    reductions(c)
    linalg(c)
    shapes(c)
    indexing(c)
    conversions(c)
    convolutions(c)
    c64 = Cases()
    with jax.enable_x64(True):
        x64_cases(c64)
    obj = {
        "meta": meta(SCRIPT, notes=(
            "'cases' with jax_enable_x64=False; 'cases_x64' with jax_enable_x64=True. "
            "fn: bare name = jax.numpy.<fn>; lax./nn./scipy.special. prefixes; getitem/at_set/at_add/astype "
            "special forms with kwargs.index. Inputs: numpy RandomState(0), mostly multiples of 1/8.")),
        "cases": c.items,
        "cases_x64": c64.items,
    }
    write_fixture("numpy.json", obj)


if __name__ == "__main__":
    main()
