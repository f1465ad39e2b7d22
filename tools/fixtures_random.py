#!/usr/bin/env python3
"""Reference values for xla-ts `random` (JAX's default PRNG, threefry2x32).

Writes test/fixtures/random.json:

{
  "meta": {...jax/numpy versions, config flags (jax_threefry_partitionable!)...},
  "threefry2x32_kat": [ {"key": [k0, k1], "x": [x0, x1], "out": [y0, y1]} ],
        raw 20-round Threefry-2x32 block function (Random123 known-answer vectors
        plus a few more), computed by JAX's threefry2x32 primitive.
  "cases": [ case ],                       default flags, jax_enable_x64 = False
  "cases_partitionable_false": [ case ],   same API under jax_threefry_partitionable=False
  "cases_x64": [ case ]                    jax_enable_x64 = True (64-bit seeds / float64)
}

case = {
  "id":   unique short name, e.g. "uniform/s42/2x3/m2_3",
  "fn":   jax.random function name ("key", "PRNGKey", "split", "fold_in", "bits",
          "uniform", "normal", "randint", "bernoulli", "categorical", "choice",
          "permutation", "gumbel", "truncated_normal", "exponential", "chain_split_uniform",
          "chain_deep"),
  "call": the exact Python call, e.g. "uniform(key(42), (2,3), minval=-2, maxval=3)",
  "seed": the integer seed the key was made from (key = jax.random.key(seed)),
  "key":  key data (uint32[2]) of that key, i.e. jax.random.key_data(key(seed)),
  "args": structured arguments besides the key (shape as a list, dtype as a string,
          arrays in the array encoding, python numbers plain),
  "out":  the result (array encoding; key results are their key data, uint32[..., 2];
          a dict of arrays for multi-step "chain" cases)
}

Run: python tools/fixtures_random.py   (see tools/README.md for the exact algorithms)
"""
from __future__ import annotations

import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
from jax import random  # noqa: E402

from fixture_common import enc, meta, plain, write_fixture  # noqa: E402

SEEDS = [0, 1, 42, 2**31 - 1, -7]
SCRIPT = "tools/fixtures_random.py"


def seed_tag(s: int) -> str:
    return f"s{s}" if s >= 0 else f"sm{-s}"


def fmt_val(v) -> str:
    if isinstance(v, tuple):
        if len(v) == 1:
            return f"({fmt_val(v[0])},)"
        return "(" + ",".join(fmt_val(e) for e in v) + ")"
    if isinstance(v, list):
        return "[" + ",".join(fmt_val(e) for e in v) + "]"
    if isinstance(v, np.ndarray):
        return f"jnp.array({_nested(v)}, {v.dtype.name})"
    if isinstance(v, str):
        return v
    return repr(v)


def _nested(v: np.ndarray) -> str:
    # shortest repr of each element in its own dtype (0.05 rather than 0.0500000007)
    if v.ndim == 0:
        return str(v.item()) if v.dtype.kind in "iub" else str(v)
    return "[" + ", ".join(_nested(e) for e in v) + "]"


def call_str(fn: str, seed, pos: list, kw: dict) -> str:
    parts = [f"key({seed})"] + [fmt_val(p) for p in pos]
    parts += [f"{k}={fmt_val(v)}" for k, v in kw.items()]
    return f"{fn}({', '.join(parts)})"


def enc_args(d: dict) -> dict:
    out = {}
    for k, v in d.items():
        if isinstance(v, np.ndarray):
            out[k] = enc(v)
        elif k == "dtype":
            out[k] = jnp.dtype(v).name
        else:
            out[k] = plain(v)
    return out


class Cases:
    def __init__(self):
        self.items: list[dict] = []
        self.ids: set[str] = set()

    def add(self, id_: str, fn: str, seed, call: str, args: dict, out):
        assert id_ not in self.ids, id_
        self.ids.add(id_)
        self.items.append(
            {
                "id": id_,
                "fn": fn,
                "call": call,
                "seed": seed,
                "key": enc(random.key_data(random.key(seed))),
                "args": enc_args(args),
                "out": enc(out),
            }
        )

    def sampler(self, id_, fn, seed, pos_names, pos_vals, kw=None):
        """Call jax.random.<fn>(key(seed), *pos_vals, **kw) and record it."""
        kw = kw or {}
        f = getattr(random, fn)
        k = random.key(seed)
        pos_conv = [jnp.asarray(v) if isinstance(v, np.ndarray) else v for v in pos_vals]
        kw_conv = {n: (jnp.asarray(v) if isinstance(v, np.ndarray) else v) for n, v in kw.items()}
        out = f(k, *pos_conv, **kw_conv)
        args = dict(zip(pos_names, pos_vals))
        args.update(kw)
        self.add(id_, fn, seed, call_str(fn, seed, pos_vals, kw), args, out)
        return out


def shape_tag(shape) -> str:
    return "x".join(map(str, shape)) if shape else "scalar"


def key_cases(c: Cases, seed: int, t: str):
    c.add(f"key/{t}", "key", seed, f"key_data(key({seed}))", {"seed": seed},
          random.key_data(random.key(seed)))
    c.add(f"PRNGKey/{t}", "PRNGKey", seed, f"PRNGKey({seed})", {"seed": seed},
          random.PRNGKey(seed))
    # split
    k = random.key(seed)
    c.add(f"split/{t}/default", "split", seed, f"key_data(split(key({seed})))",
          {"num": 2}, random.split(k))
    for num in (3, 5):
        c.add(f"split/{t}/{num}", "split", seed, f"key_data(split(key({seed}), {num}))",
              {"num": num}, random.split(k, num))
    c.add(f"split/{t}/2x3", "split", seed, f"key_data(split(key({seed}), (2, 3)))",
          {"num": [2, 3]}, random.split(k, (2, 3)))
    # legacy uint32 key gives the same
    assert np.array_equal(np.asarray(random.split(random.PRNGKey(seed))),
                          np.asarray(random.key_data(random.split(k))))
    for d in (0, 1, 123456, 2**32 - 1):
        c.add(f"fold_in/{t}/{d}", "fold_in", seed, f"key_data(fold_in(key({seed}), {d}))",
              {"data": d}, random.fold_in(k, d))


def bits_cases(c: Cases, seed: int, t: str, big: bool = True):
    shapes = [(), (1,), (3,), (4, 5), (7,)]
    if big:
        shapes.append((1000,))
    for shape in shapes:
        c.sampler(f"bits/{t}/{shape_tag(shape)}", "bits", seed, ["shape"], [shape])
    for dt in ("uint8", "uint16"):
        for shape in ((7,), (2, 3)):
            c.sampler(f"bits/{t}/{shape_tag(shape)}/{dt}", "bits", seed, ["shape"], [shape],
                      {"dtype": dt})


def sampler_cases(c: Cases, seed: int, t: str):
    S = c.sampler
    # uniform
    S(f"uniform/{t}/scalar", "uniform", seed, [], [])
    S(f"uniform/{t}/5", "uniform", seed, ["shape"], [(5,)])
    S(f"uniform/{t}/2x3", "uniform", seed, ["shape"], [(2, 3)])
    S(f"uniform/{t}/5/m2_3", "uniform", seed, ["shape"], [(5,)], {"minval": -2, "maxval": 3})
    S(f"uniform/{t}/2x3/m2_3", "uniform", seed, ["shape"], [(2, 3)], {"minval": -2, "maxval": 3})
    # normal
    S(f"normal/{t}/5", "normal", seed, ["shape"], [(5,)])
    S(f"normal/{t}/3x4", "normal", seed, ["shape"], [(3, 4)])
    # randint
    S(f"randint/{t}/10/0_10", "randint", seed, ["shape", "minval", "maxval"], [(10,), 0, 10])
    S(f"randint/{t}/10/m5_1000", "randint", seed, ["shape", "minval", "maxval"], [(10,), -5, 1000])
    S(f"randint/{t}/2x3/0_2", "randint", seed, ["shape", "minval", "maxval"], [(2, 3), 0, 2])
    # bernoulli
    S(f"bernoulli/{t}/20/p0.3", "bernoulli", seed, ["p", "shape"], [0.3, (20,)])
    # categorical
    logits4 = np.array([0.1, -1.0, 2.0, 0.5], np.float32)
    logits35 = np.array([[0.0, 1.0, 2.0, 3.0, 4.0],
                         [1.5, -0.5, 0.25, 0.0, -2.0],
                         [-1.0, -1.0, -1.0, -1.0, 3.0]], np.float32)
    S(f"categorical/{t}/4", "categorical", seed, ["logits"], [logits4])
    S(f"categorical/{t}/4/shape6", "categorical", seed, ["logits"], [logits4], {"shape": (6,)})
    S(f"categorical/{t}/3x5", "categorical", seed, ["logits"], [logits35], {"axis": -1})
    S(f"categorical/{t}/3x5/shape2x3", "categorical", seed, ["logits"], [logits35],
      {"axis": -1, "shape": (2, 3)})
    S(f"categorical/{t}/3x5/axis0", "categorical", seed, ["logits"], [logits35], {"axis": 0})
    # choice
    p10 = np.array([0.05, 0.1, 0.2, 0.05, 0.1, 0.15, 0.05, 0.1, 0.15, 0.05], np.float32)
    S(f"choice/{t}/10/5/replace", "choice", seed, ["a", "shape"], [10, (5,)], {"replace": True})
    S(f"choice/{t}/10/5/noreplace", "choice", seed, ["a", "shape"], [10, (5,)], {"replace": False})
    S(f"choice/{t}/10/5/replace_p", "choice", seed, ["a", "shape"], [10, (5,)],
      {"replace": True, "p": p10})
    S(f"choice/{t}/10/5/noreplace_p", "choice", seed, ["a", "shape"], [10, (5,)],
      {"replace": False, "p": p10})
    arr = np.array([10.5, 20.5, 30.5, 40.5, 50.5, 60.5], np.float32)
    S(f"choice/{t}/arr/4", "choice", seed, ["a", "shape"], [arr, (4,)])
    # permutation
    S(f"permutation/{t}/10", "permutation", seed, ["x"], [10])
    S(f"permutation/{t}/arr", "permutation", seed, ["x"], [arr])
    mat = np.arange(12, dtype=np.int32).reshape(4, 3)
    S(f"permutation/{t}/mat4x3", "permutation", seed, ["x"], [mat])
    S(f"permutation/{t}/mat4x3/independent", "permutation", seed, ["x"], [mat],
      {"axis": 1, "independent": True})
    # others
    S(f"gumbel/{t}/6", "gumbel", seed, ["shape"], [(6,)])
    S(f"truncated_normal/{t}/8", "truncated_normal", seed, ["lower", "upper", "shape"],
      [-1.0, 2.0, (8,)])
    S(f"exponential/{t}/6", "exponential", seed, ["shape"], [(6,)])

    # chaining: split then sample on each child
    k = random.key(seed)
    k1, k2 = random.split(k)
    out = {
        "children": random.split(k),
        "u1": random.uniform(k1, (3,)),
        "u2": random.uniform(k2, (3,)),
    }
    c.add(f"chain/{t}/split_uniform", "chain_split_uniform", seed,
          f"k1, k2 = split(key({seed})); uniform(k1, (3,)); uniform(k2, (3,))",
          {"shape": [3]}, out)
    # deeper: split of split, fold_in then split, normal on a grandchild
    ka, kb = random.split(k1)
    kf = random.fold_in(k2, 7)
    kfa, _ = random.split(kf)
    out2 = {
        "k1_children": random.split(k1),
        "normal_ka": random.normal(ka, (4,)),
        "fold_k2_7": kf,
        "uniform_kfa": random.uniform(kfa, (2, 2)),
    }
    c.add(f"chain/{t}/deep", "chain_deep", seed,
          f"k1, k2 = split(key({seed})); ka, kb = split(k1); normal(ka, (4,)); "
          f"kf = fold_in(k2, 7); kfa, _ = split(kf); uniform(kfa, (2,2))",
          {}, out2)


def kat_cases():
    from jax._src.random.threefry2x32 import threefry2x32_p

    vecs = [
        ((0x00000000, 0x00000000), (0x00000000, 0x00000000)),
        ((0xFFFFFFFF, 0xFFFFFFFF), (0xFFFFFFFF, 0xFFFFFFFF)),
        ((0x13198A2E, 0x03707344), (0x243F6A88, 0x85A308D3)),
        ((0, 42), (0, 0)),
        ((0, 42), (0, 1)),
        ((0, 42), (1, 0)),
        ((0x12345678, 0x9ABCDEF0), (0xDEADBEEF, 0x0BADF00D)),
    ]
    expected_random123 = {
        0: (0x6B200159, 0x99BA4EFE),
        1: (0x1CB996FC, 0xBB002BE7),
        2: (0xC4923A9C, 0x483DF7A0),
    }
    out = []
    for i, (k, x) in enumerate(vecs):
        u = lambda v: jnp.asarray(np.array([v], np.uint32))
        y0, y1 = threefry2x32_p.bind(u(k[0]), u(k[1]), u(x[0]), u(x[1]))
        y = (int(y0[0]), int(y1[0]))
        if i in expected_random123:
            assert y == expected_random123[i], (i, [hex(v) for v in y])
        out.append({"key": list(k), "x": list(x), "out": list(y),
                    "source": "Random123 KAT" if i in expected_random123 else "jax"})
    return out


def main():
    assert not jax.config.jax_enable_x64, "run with jax_enable_x64 off"
    partitionable = bool(jax.config.jax_threefry_partitionable)

    c = Cases()
    for s in SEEDS:
        t = seed_tag(s)
        key_cases(c, s, t)
        bits_cases(c, s, t)
        sampler_cases(c, s, t)
    # seeds outside int32: with x64 off, the seed is reduced mod 2**32 (high word 0)
    for s in (2**31, 2**32 + 5, -(2**31)):
        t = seed_tag(s)
        c.add(f"key/{t}", "key", s, f"key_data(key({s}))", {"seed": s},
              random.key_data(random.key(s)))

    # the other flag value, for a port that wants to support both
    c_np = Cases()
    with jax.threefry_partitionable(not partitionable):
        for s in (0, 42):
            t = seed_tag(s)
            k = random.key(s)
            c_np.add(f"split/{t}/default", "split", s, f"key_data(split(key({s})))",
                     {"num": 2}, random.split(k))
            c_np.add(f"split/{t}/3", "split", s, f"key_data(split(key({s}), 3))",
                     {"num": 3}, random.split(k, 3))
            c_np.add(f"fold_in/{t}/1", "fold_in", s, f"key_data(fold_in(key({s}), 1))",
                     {"data": 1}, random.fold_in(k, 1))
            bits_cases(c_np, s, t, big=False)
            c_np.sampler(f"uniform/{t}/5", "uniform", s, ["shape"], [(5,)])
            c_np.sampler(f"normal/{t}/3x4", "normal", s, ["shape"], [(3, 4)])
            c_np.sampler(f"randint/{t}/10/0_10", "randint", s, ["shape", "minval", "maxval"],
                         [(10,), 0, 10])
            c_np.sampler(f"permutation/{t}/10", "permutation", s, ["x"], [10])

    # x64: 64-bit seeds and float64 / 64-bit bit widths
    c64 = Cases()
    with jax.enable_x64(True):
        for s in (0, 42, -7, 2**32 + 5, 2**40 + 3, -(2**40)):
            t = seed_tag(s)
            c64.add(f"key/{t}", "key", s, f"key_data(key({s}))  # x64", {"seed": s},
                    random.key_data(random.key(s)))
        for s in (0, 42):
            t = seed_tag(s)
            c64.sampler(f"bits/{t}/5/uint64", "bits", s, ["shape"], [(5,)], {"dtype": "uint64"})
            c64.sampler(f"bits/{t}/5/uint32", "bits", s, ["shape"], [(5,)], {"dtype": "uint32"})
            c64.sampler(f"uniform/{t}/5/float64", "uniform", s, ["shape"], [(5,)],
                        {"dtype": "float64"})
            c64.sampler(f"uniform/{t}/5/float32", "uniform", s, ["shape"], [(5,)],
                        {"dtype": "float32"})
            c64.sampler(f"normal/{t}/5/float64", "normal", s, ["shape"], [(5,)],
                        {"dtype": "float64"})
            c64.sampler(f"randint/{t}/10/0_10/int64", "randint", s,
                        ["shape", "minval", "maxval"], [(10,), 0, 10], {"dtype": "int64"})
            c64.sampler(f"randint/{t}/10/0_10/int32", "randint", s,
                        ["shape", "minval", "maxval"], [(10,), 0, 10], {"dtype": "int32"})

    obj = {
        "meta": meta(SCRIPT, notes=(
            "'cases' use the default flags recorded in meta.config; "
            "'cases_partitionable_false' were made with jax_threefry_partitionable="
            f"{not partitionable}; 'cases_x64' with jax_enable_x64=True. "
            "key = jax.random.key(seed); 'key' in each case is its key data. "
            "Algorithms: tools/README.md.")),
        "threefry2x32_kat": kat_cases(),
        "cases": c.items,
        "cases_partitionable_false": c_np.items,
        "cases_x64": c64.items,
    }
    write_fixture("random.json", obj)


if __name__ == "__main__":
    main()
