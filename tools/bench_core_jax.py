#!/usr/bin/env python3
"""JAX (CPU) reference figures for the xla-ts core benchmark (bench/core.ts).

Prints ONE JSON object to stdout (progress goes to stderr); exit status 0 on success.
bench/core.ts spawns `python tools/bench_core_jax.py [--quick]` and parses stdout.

Output schema ("schema": "xla-ts/bench-core-jax/v1"); every timing entry is a
Stat = {"median": number, "min": number, "max": number, "samples": int, "inner": int}
where each sample is the mean over `inner` back-to-back calls (for one-off
measurements such as compiles, inner = 1), and median/min/max are over samples.

{
  "schema": "xla-ts/bench-core-jax/v1",
  "meta": {
    "jax_version": str, "jaxlib_version": str, "numpy_version": str, "python_version": str,
    "backend": "cpu", "device_kind": str, "cpu_model": str, "cpu_count": int,
    "jax_enable_x64": false, "quick": bool
  },
  "jit_call_overhead_us": {      # jitted f(tree) = tree_map(lambda x: x + 1, tree), already
    "leaves_1":   Stat,          # compiled; leaves are f32[4]; time of one call including
    "leaves_10":  Stat,          # jax.block_until_ready(out), in microseconds
    "leaves_100": Stat
  },
  "compile_ms": {
    "chain_1000": {              # f32[16] -> f32[16], 1000 jaxpr equations cycling
      "equations": int,          #   sin, mul 1.0001, add 0.5 (x = sin(x) * 1.0001 + 0.5 ...)
      "lower":   Stat,           # jax.jit(f).lower(x)           (trace + lower to StableHLO)
      "compile": Stat,           # lowered.compile()             (XLA compile only)
      "total":   Stat            # lower + compile, fresh function object each run
    }
  },
  "eager_op_us": {               # un-jitted jax.numpy call + block_until_ready, microseconds
    "add_f32_4":          Stat,  # jnp.add(a, b), a, b: f32[4]
    "matmul_f32_256x256": Stat   # jnp.matmul(a, b), a, b: f32[256, 256]
  }
}
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time

import numpy as np

import jax
import jax.numpy as jnp


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def stat(samples: list[float], inner: int) -> dict:
    r = lambda v: round(v, 3)
    return {
        "median": r(statistics.median(samples)),
        "min": r(min(samples)),
        "max": r(max(samples)),
        "samples": len(samples),
        "inner": inner,
    }


def time_calls(fn, inner: int, samples: int, warmup: int, scale: float) -> dict:
    """fn() must block until its result is ready. Returns Stat in units of `scale` per call."""
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(samples):
        t0 = time.perf_counter_ns()
        for _ in range(inner):
            fn()
        t1 = time.perf_counter_ns()
        out.append((t1 - t0) / inner / scale)
    return stat(out, inner)


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def bench_jit_overhead(quick: bool) -> dict:
    res = {}
    f = jax.jit(lambda tree: jax.tree_util.tree_map(lambda x: x + 1, tree))
    for n in (1, 10, 100):
        tree = {f"l{i:03d}": jnp.arange(4, dtype=jnp.float32) + i for i in range(n)}
        jax.block_until_ready(f(tree))  # compile

        def call():
            jax.block_until_ready(f(tree))

        res[f"leaves_{n}"] = time_calls(call, inner=50 if quick else 200, samples=5 if quick else 15,
                                        warmup=50, scale=1e3)
        log(f"jit overhead leaves={n}: {res[f'leaves_{n}']['median']:.1f} us")
    return res


def make_chain(n_eqns: int, salt: int):
    ops = []
    for k in range(n_eqns):
        ops.append(k % 3)
    bias = 0.5 + salt * 1e-6  # a different constant per run: nothing can be reused from a cache

    def f(x):
        for op in ops:
            if op == 0:
                x = jnp.sin(x)
            elif op == 1:
                x = x * 1.0001
            else:
                x = x + bias
        return x

    return f


def bench_compile(quick: bool) -> dict:
    x = jnp.ones((16,), jnp.float32)
    n = 1000
    eqns = len(jax.make_jaxpr(make_chain(n, 0))(x).jaxpr.eqns)
    runs = 3
    lower_s, compile_s, total_s = [], [], []
    # one untimed warm-up so that one-time JAX/XLA initialisation is not counted
    jax.jit(make_chain(n, 999)).lower(x).compile()
    for r in range(runs):
        f = make_chain(n, r + 1)
        t0 = time.perf_counter_ns()
        lowered = jax.jit(f).lower(x)
        t1 = time.perf_counter_ns()
        compiled = lowered.compile()
        t2 = time.perf_counter_ns()
        jax.block_until_ready(compiled(x))
        lower_s.append((t1 - t0) / 1e6)
        compile_s.append((t2 - t1) / 1e6)
        total_s.append((t2 - t0) / 1e6)
        log(f"compile chain_{n} run {r}: lower {lower_s[-1]:.1f} ms, compile {compile_s[-1]:.1f} ms")
    return {"chain_1000": {"equations": eqns, "lower": stat(lower_s, 1),
                           "compile": stat(compile_s, 1), "total": stat(total_s, 1)}}


def bench_eager(quick: bool) -> dict:
    a = jnp.arange(4, dtype=jnp.float32)
    b = jnp.ones(4, jnp.float32)
    rs = np.random.RandomState(0)
    A = jnp.asarray(rs.standard_normal((256, 256)).astype(np.float32))
    B = jnp.asarray(rs.standard_normal((256, 256)).astype(np.float32))
    res = {
        "add_f32_4": time_calls(lambda: jnp.add(a, b).block_until_ready(),
                                inner=50 if quick else 200, samples=5 if quick else 15,
                                warmup=50, scale=1e3),
        "matmul_f32_256x256": time_calls(lambda: jnp.matmul(A, B).block_until_ready(),
                                         inner=10 if quick else 50, samples=5 if quick else 15,
                                         warmup=10, scale=1e3),
    }
    for k, v in res.items():
        log(f"eager {k}: {v['median']:.1f} us")
    return res


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="fewer samples (CI smoke run)")
    args = ap.parse_args()
    jax.config.update("jax_platforms", "cpu")
    assert not jax.config.jax_enable_x64

    import jaxlib

    out = {
        "schema": "xla-ts/bench-core-jax/v1",
        "meta": {
            "jax_version": jax.__version__,
            "jaxlib_version": jaxlib.__version__,
            "numpy_version": np.__version__,
            "python_version": platform.python_version(),
            "backend": jax.default_backend(),
            "device_kind": jax.devices()[0].device_kind,
            "cpu_model": cpu_model(),
            "cpu_count": os.cpu_count(),
            "jax_enable_x64": bool(jax.config.jax_enable_x64),
            "quick": bool(args.quick),
        },
        "jit_call_overhead_us": bench_jit_overhead(args.quick),
        "compile_ms": bench_compile(args.quick),
        "eager_op_us": bench_eager(args.quick),
    }
    json.dump(out, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
