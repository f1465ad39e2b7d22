#!/usr/bin/env python3
"""Independent NumPy-only re-implementation of JAX's threefry PRNG and samplers,
checked against test/fixtures/random.json. It imports no JAX: it exists to prove
that the pseudo-code in tools/README.md ("Random: exact algorithms") is complete
and bit-exact, and it is a readable model for the TypeScript port.

Run: python tools/check_random_algorithms.py      (exit status 1 on any mismatch)

Integer/bit paths (keys, split, fold_in, bits, uniform, randint, bernoulli,
permutation, choice without p, ...) must match exactly. Paths that go through a
transcendental function (normal/erf_inv, gumbel/log, exponential/log1p,
truncated_normal/erf) use NumPy's float32 log/log1p/sqrt, which may differ from
XLA's by an ulp; those are reported as exact / within-tolerance counts.
"""
from __future__ import annotations

import json
import math
import os
import sys

import numpy as np

M32 = 0xFFFFFFFF
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
U32 = np.uint32
F32 = np.float32


# ---------------------------------------------------------------- threefry2x32
def rotl(x, d):
    return ((x << U32(d)) | (x >> U32(32 - d))).astype(U32)


def threefry2x32(k0, k1, x0, x1):
    """20-round Threefry-2x32 on uint32 arrays (broadcasting); returns (y0, y1)."""
    with np.errstate(over="ignore"):
        k0, k1 = U32(k0), U32(k1)
        x0 = np.asarray(x0, U32).copy()
        x1 = np.asarray(x1, U32).copy()
        ks = [k0, k1, U32(k0 ^ k1 ^ U32(0x1BD11BDA))]
        rot = [[13, 15, 26, 6], [17, 29, 16, 24]]
        x0 = x0 + ks[0]
        x1 = x1 + ks[1]
        for i in range(5):
            for r in rot[i % 2]:
                x0 = (x0 + x1).astype(U32)
                x1 = rotl(x1, r)
                x1 = x1 ^ x0
            x0 = (x0 + ks[(i + 1) % 3]).astype(U32)
            x1 = (x1 + ks[(i + 2) % 3] + U32(i + 1)).astype(U32)
        return x0, x1


def threefry_2x32_flat(key, counts):
    """jax's threefry_2x32(keypair, count) for a flat uint32 count vector:
    pad to even length with a 0, first half -> x0, second half -> x1,
    output = concat(y0, y1) truncated to len(counts)."""
    counts = np.asarray(counts, U32)
    n = counts.size
    c = np.concatenate([counts, np.zeros(1, U32)]) if n % 2 else counts
    h = c.size // 2
    y0, y1 = threefry2x32(key[0], key[1], c[:h], c[h:])
    return np.concatenate([y0, y1])[:n]


# ---------------------------------------------------------------- key ops
def seed_key(seed: int, x64: bool = False):
    if x64:
        s = seed & 0xFFFFFFFFFFFFFFFF  # int64 two's complement
        return np.array([(s >> 32) & M32, s & M32], U32)
    s = seed & M32  # x64 off: seed is reduced to int32 (mod 2**32); high word 0
    return np.array([0, s], U32)


def iota_hi_lo(n):
    i = np.arange(n, dtype=np.uint64)
    return (i >> np.uint64(32)).astype(U32), (i & np.uint64(M32)).astype(U32)


def split(key, shape, partitionable=True):
    n = int(np.prod(shape, dtype=np.int64))
    if partitionable:
        hi, lo = iota_hi_lo(n)
        b1, b2 = threefry2x32(key[0], key[1], hi, lo)
        return np.stack([b1, b2], -1).reshape(*shape, 2)
    out = threefry_2x32_flat(key, np.arange(2 * n, dtype=U32))
    return out.reshape(*shape, 2)


def fold_in(key, data):
    y0, y1 = threefry2x32(key[0], key[1], np.array([0], U32), np.array([data & M32], U32))
    return np.array([y0[0], y1[0]], U32)


def random_bits(key, bit_width, shape, partitionable=True):
    n = int(np.prod(shape, dtype=np.int64))
    if partitionable:
        hi, lo = iota_hi_lo(n)
        b1, b2 = threefry2x32(key[0], key[1], hi, lo)
        if bit_width == 64:
            out = (b1.astype(np.uint64) << np.uint64(32)) | b2.astype(np.uint64)
        else:
            out = (b1 ^ b2).astype({8: np.uint8, 16: np.uint16, 32: U32}[bit_width])
        return out.reshape(shape)
    max_count = -(-bit_width * n // 32)
    bits = threefry_2x32_flat(key, np.arange(max_count, dtype=U32))
    if bit_width == 64:
        h = bits.size // 2
        out = (bits[:h].astype(np.uint64) << np.uint64(32)) | bits[h:].astype(np.uint64)
    elif bit_width == 32:
        out = bits
    else:  # little-endian view of each 32-bit word, then [:n]
        dt = {8: np.uint8, 16: np.uint16}[bit_width]
        per = 32 // bit_width
        sh = (np.arange(per, dtype=U32) * U32(bit_width))[None, :]
        out = ((bits[:, None] >> sh) & U32((1 << bit_width) - 1)).astype(dt).reshape(-1)[:n]
    return out.reshape(shape)


# ---------------------------------------------------------------- samplers (float32)
def uniform(key, shape, minval=0.0, maxval=1.0, partitionable=True):
    bits = random_bits(key, 32, shape, partitionable)
    f = ((bits >> U32(9)) | U32(0x3F800000)).view(F32) - F32(1.0)
    lo, hi = F32(minval), F32(maxval)
    # XLA:CPU contracts `f * (hi - lo) + lo` into a fused multiply-add (one rounding).
    # f * span is exact in float64, so a float64 add then a float32 rounding emulates it
    # (up to rare double-rounding cases).
    fused = (f.astype(np.float64) * np.float64(hi - lo) + np.float64(lo)).astype(F32)
    return np.maximum(lo, fused)


def uniform64(key, shape, minval=0.0, maxval=1.0):
    bits = random_bits(key, 64, shape)
    f = ((bits >> np.uint64(12)) | np.uint64(0x3FF0000000000000)).view(np.float64) - 1.0
    return np.maximum(minval, f * (maxval - minval) + minval)


_ERFINV_SMALL = [2.81022636e-08, 3.43273939e-07, -3.5233877e-06, -4.39150654e-06,
                 0.00021858087, -0.00125372503, -0.00417768164, 0.246640727, 1.50140941]
_ERFINV_LARGE = [-0.000200214257, 0.000100950558, 0.00134934322, -0.00367342844,
                 0.00573950773, -0.0076224613, 0.00943887047, 1.00167406, 2.83297682]


def erf_inv_f32(x):
    """XLA's float32 erf_inv (M. Giles' single-precision approximation).
    Bit-exact with XLA:CPU when log1p is XLA's own; NumPy's log1p differs by <= 2 ulp
    on a few percent of inputs."""
    x = np.asarray(x, F32)
    w = -np.log1p(-x * x)
    small = w < F32(5)
    ws = np.where(small, w - F32(2.5), np.sqrt(w) - F32(3))
    p = np.where(small, F32(_ERFINV_SMALL[0]), F32(_ERFINV_LARGE[0]))
    for cs, cl in zip(_ERFINV_SMALL[1:], _ERFINV_LARGE[1:]):
        c = np.where(small, F32(cs), F32(cl))
        # XLA:CPU fuses each Horner step c + p * w into one FMA
        p = (c.astype(np.float64) + p.astype(np.float64) * ws.astype(np.float64)).astype(F32)
    return np.where(np.abs(x) == F32(1), x * F32(np.inf), p * x).astype(F32)


def normal(key, shape, partitionable=True):
    lo = np.nextafter(F32(-1), F32(0))
    u = uniform(key, shape, lo, 1.0, partitionable)
    return F32(np.sqrt(2)) * erf_inv_f32(u)


def randint(key, shape, minval, maxval, partitionable=True):
    k = split(key, (2,), partitionable)
    hi = random_bits(k[0], 32, shape, partitionable)
    lo = random_bits(k[1], 32, shape, partitionable)
    # minval/maxval already representable as int32 here (else clip to the int32 range)
    span = U32((maxval - minval) & M32) if maxval > minval else U32(1)
    with np.errstate(over="ignore"):
        mult = U32((U32(1 << 16) % span))
        mult = U32((mult * mult) % span)
        off = ((hi % span) * mult + (lo % span)) % span
    return (np.int64(minval) + off.astype(np.int64)).astype(np.int32)  # wraps like int32 add


def gumbel(key, shape):
    tiny = np.finfo(F32).tiny
    u = uniform(key, shape, tiny, 1.0)
    return -np.log(-np.log(u))


def categorical(key, logits, axis=-1, shape=None):
    logits = np.asarray(logits, F32)
    batch_shape = tuple(np.delete(logits.shape, axis))
    shape = batch_shape if shape is None else tuple(shape)
    prefix = shape[: len(shape) - len(batch_shape)]
    if axis >= 0:
        axis -= logits.ndim
    lshape = list(shape[len(shape) - len(batch_shape):])
    lshape.insert(axis % logits.ndim, logits.shape[axis])
    g = gumbel(key, (*prefix, *lshape))
    return np.argmax(g + logits.reshape((1,) * len(prefix) + logits.shape), axis=axis).astype(np.int32)


def shuffle(key, x, axis=0, partitionable=True):
    n = x.size
    rounds = int(math.ceil(3 * math.log(max(1, n)) / math.log(M32)))
    for _ in range(rounds):
        ks = split(key, (2,), partitionable)
        key, sub = ks[0], ks[1]
        sk = random_bits(sub, 32, x.shape, partitionable)
        order = np.argsort(sk, axis=axis, kind="stable")
        x = np.take_along_axis(x, order, axis=axis)
    return x


def permutation(key, x, axis=0, independent=False, partitionable=True):
    if isinstance(x, int):
        return shuffle(key, np.arange(x, dtype=np.int32), 0, partitionable)
    x = np.asarray(x)
    if independent or x.ndim == 1:
        return shuffle(key, x, axis, partitionable)
    ind = shuffle(key, np.arange(x.shape[axis], dtype=np.int32), 0, partitionable)
    return np.take(x, ind, axis=axis)


def truncated_normal(key, lower, upper, shape):
    sqrt2 = F32(np.sqrt(2))
    lower, upper = F32(lower), F32(upper)
    # erf here is libm's (float64, rounded); XLA uses its own float32 erf polynomial
    a = F32(math.erf(float(lower / sqrt2)))
    b = F32(math.erf(float(upper / sqrt2)))
    u = uniform(key, shape, a, b)
    out = sqrt2 * erf_inv_f32(u)
    return np.clip(out, np.nextafter(lower, F32(np.inf)), np.nextafter(upper, F32(-np.inf)))


def choice(key, a, shape, replace=True, p=None):
    arr = np.asarray(a)
    n = int(a) if arr.ndim == 0 else arr.shape[0]
    nd = int(np.prod(shape))
    if p is None:
        if replace:
            ind = randint(key, shape, 0, n)
        else:
            ind = permutation(key, n)[:nd]
    else:
        p = np.asarray(p, F32)
        if replace:
            cum = np.cumsum(p, dtype=F32)  # sequential f32 sums here; XLA may associate differently
            r = cum[-1] * (F32(1) - uniform(key, shape))
            ind = np.searchsorted(cum, r, side="left").astype(np.int32)
        else:
            g = gumbel(key, (n,)) + np.log(p)
            ind = np.argsort(-g, kind="stable")[:nd].astype(np.int32)  # top_k: ties -> lower index
    res = ind if arr.ndim == 0 else arr[ind]
    return res.reshape(shape)


# ---------------------------------------------------------------- fixture check
def dec(a):
    m = {"nan": np.nan, "inf": np.inf, "-inf": -np.inf}
    data = [m.get(v, v) if isinstance(v, str) else v for v in a["data"]]
    return np.array(data, dtype=a["dtype"]).reshape(a["shape"])


def main():
    with open(os.path.join(ROOT, "test", "fixtures", "random.json")) as f:
        fx = json.load(f)
    fails, approx = [], []
    n_exact = 0

    for v in fx["threefry2x32_kat"]:
        y = threefry2x32(v["key"][0], v["key"][1], np.array([v["x"][0]], U32), np.array([v["x"][1]], U32))
        if [int(y[0][0]), int(y[1][0])] != v["out"]:
            fails.append(("kat", v))

    def run(case, part=True, x64=False):
        fn, a = case["fn"], case["args"]
        key = seed_key(case["seed"], x64)
        if not np.array_equal(key, dec(case["key"])):
            return "keymismatch", None
        shape = tuple(a.get("shape", ()))
        arr = lambda k: dec(a[k]) if isinstance(a.get(k), dict) else a.get(k)
        if fn in ("key", "PRNGKey"):
            return "exact", key
        if fn == "split":
            num = a["num"]
            return "exact", split(key, tuple(num) if isinstance(num, list) else (num,), part)
        if fn == "fold_in":
            return "exact", fold_in(key, a["data"])
        if fn == "bits":
            bw = {"uint8": 8, "uint16": 16, "uint32": 32, "uint64": 64}[a.get("dtype", "uint32")]
            return "exact", random_bits(key, bw, shape, part)
        if fn == "uniform":
            if a.get("dtype") == "float64":
                return "exact", uniform64(key, shape)
            return "exact", uniform(key, shape, a.get("minval", 0.0), a.get("maxval", 1.0), part)
        if fn == "normal":
            if a.get("dtype") == "float64":
                return None, None
            return "approx", normal(key, shape, part)
        if fn == "randint":
            if a.get("dtype") == "int64":
                return None, None
            return "exact", randint(key, shape, a["minval"], a["maxval"], part)
        if fn == "bernoulli":
            return "exact", uniform(key, shape) < F32(a["p"])
        if fn == "gumbel":
            return "approx", gumbel(key, shape)
        if fn == "exponential":
            return "approx", -np.log1p(-uniform(key, shape))
        if fn == "categorical":
            return "approx", categorical(key, arr("logits"), a.get("axis", -1), a.get("shape"))
        if fn == "permutation":
            x = arr("x")
            return "exact", permutation(key, x if isinstance(x, np.ndarray) else int(x),
                                        a.get("axis", 0), a.get("independent", False), part)
        if fn == "choice":
            p = arr("p") if "p" in a else None
            kind = "exact" if p is None or a.get("replace", True) else "approx"
            return kind, choice(key, arr("a"), shape, a.get("replace", True), p)
        if fn == "truncated_normal":
            return "approx", truncated_normal(key, a["lower"], a["upper"], shape)
        if fn == "chain_split_uniform":
            ks = split(key, (2,))
            return "exact", {"children": ks, "u1": uniform(ks[0], (3,)), "u2": uniform(ks[1], (3,))}
        if fn == "chain_deep":
            ks = split(key, (2,))
            k1c = split(ks[0], (2,))
            kf = fold_in(ks[1], 7)
            kfa = split(kf, (2,))[0]
            return "approx", {"k1_children": k1c, "normal_ka": normal(k1c[0], (4,)),
                              "fold_k2_7": kf, "uniform_kfa": uniform(kfa, (2, 2))}
        return None, None

    def compare(kind, got, want):
        if isinstance(want, dict) and "shape" not in want:
            res = [compare(kind, got[k], want[k]) for k in want]
            return "exact" if all(r == "exact" for r in res) else (
                "close" if all(r in ("exact", "close") for r in res) else "fail")
        w = dec(want)
        g = np.asarray(got)
        if g.shape != w.shape:
            return "fail"
        if g.dtype.kind == "f" and np.array_equal(g, w, equal_nan=True) and np.array_equal(
                np.signbit(g), np.signbit(w)):
            return "exact"
        if g.dtype.kind != "f" and np.array_equal(g.astype(np.int64), w.astype(np.int64)):
            return "exact"
        if kind == "approx" and g.dtype.kind == "f" and np.allclose(g, w, rtol=2e-6, atol=2e-6):
            return "close"
        return "fail"

    skipped = []
    for section, part, x64 in (("cases", True, False), ("cases_partitionable_false", False, False),
                               ("cases_x64", True, True)):
        for case in fx[section]:
            kind, got = run(case, part, x64)
            if kind == "keymismatch":
                fails.append((section, case["id"], "key"))
                continue
            if kind is None:
                skipped.append(case["id"])
                continue
            r = compare(kind, got, case["out"])
            if r == "exact":
                n_exact += 1
            elif r == "close":
                approx.append(case["id"])
            else:
                fails.append((section, case["id"], kind))

    print(f"exact: {n_exact}, close (ulp-level, transcendental): {len(approx)}, "
          f"skipped: {len(skipped)}, FAILED: {len(fails)}")
    if approx:
        print("close:", ", ".join(approx))
    if skipped:
        print("skipped:", ", ".join(skipped))
    for f_ in fails:
        print("FAIL", f_)
    sys.exit(1 if fails else 0)


if __name__ == "__main__":
    main()
