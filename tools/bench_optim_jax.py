#!/usr/bin/env python3
"""JAX + optax (CPU) reference figures for the optimizer benchmark (bench/optim.ts).

Prints ONE JSON object to stdout (progress goes to stderr). bench/optim.ts spawns
`python3 tools/bench_optim_jax.py [--quick]` and parses stdout.

The model: a 3-layer MLP, 256 wide (256 -> 256 -> 256 -> 256, kernels lecun-normal, zero
biases; 197,376 float32 parameters), the optimizer optax.adam(1e-3).

{
  "schema": "xla-ts/bench-optim-jax/v1",
  "meta": {jax_version, jaxlib_version, optax_version, python_version, backend, cpu_model, cpu_count, quick},
  "params": int,
  "adam_step_us": Stat,   # jit(step, donate_argnums=(0, 1, 2)): (params, opt_state, grads) ->
                          #   (apply_updates(params, updates), new_state, grads); grads handed
                          #   back so the next call can donate them again
  "train_step_us": Stat,  # jit(donate_argnums=(0, 1)): (params, opt_state, x[64,256], y[64,256]) ->
                          #   value_and_grad of the mean squared error (relu MLP), adam, apply
  "call_floor_us": Stat   # the Adam step's call with the same 25 donated leaves in and out but
                          #   a trivial program (every leaf + 0): per-call overhead, no math
}
Stat = {"median", "min", "max", "samples", "inner"}: microseconds per call, each sample the
mean over `inner` back-to-back calls, the last output blocked on.
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
import optax

WIDTH, LAYERS, BATCH = 256, 3, 64


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def stat(samples, inner):
    r = lambda v: round(v, 3)
    return {"median": r(statistics.median(samples)), "min": r(min(samples)), "max": r(max(samples)), "samples": len(samples), "inner": inner}


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def init(key):
    keys = jax.random.split(key, LAYERS)
    return [{"kernel": jax.nn.initializers.lecun_normal()(k, (WIDTH, WIDTH)), "bias": jnp.zeros((WIDTH,))} for k in keys]


def apply(params, x):
    for i, p in enumerate(params):
        x = x @ p["kernel"] + p["bias"]
        if i < len(params) - 1:
            x = jax.nn.relu(x)
    return x


def timed(call, carry, inner, samples, warmup):
    for _ in range(warmup):
        carry = call(carry)
    jax.block_until_ready(carry)
    out = []
    for _ in range(samples):
        t0 = time.perf_counter_ns()
        for _ in range(inner):
            carry = call(carry)
        jax.block_until_ready(carry)
        out.append((time.perf_counter_ns() - t0) / inner / 1e3)
    return stat(out, inner)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    jax.config.update("jax_platforms", "cpu")
    inner, samples = (20, 5) if args.quick else (100, 15)
    tx = optax.adam(1e-3)
    params = init(jax.random.key(0))
    nparams = sum(int(np.prod(l.shape)) for l in jax.tree.leaves(params))

    def adam_step(p, s, g):
        u, s = tx.update(g, s, p)
        return optax.apply_updates(p, u), s, g

    step = jax.jit(adam_step, donate_argnums=(0, 1, 2))
    grads = jax.tree.map(lambda x: x * 0.01 + 0.001, params)
    res_adam = timed(lambda c: step(*c), (params, tx.init(params), grads), inner, samples, 20)
    log(f"adam step: {res_adam['median']:.1f} us")

    floor = jax.jit(lambda p, s, g: jax.tree.map(lambda v: v + 0, (p, s, g)), donate_argnums=(0, 1, 2))
    params = init(jax.random.key(0))
    res_floor = timed(lambda c: floor(*c), (params, tx.init(params), jax.tree.map(lambda x: x * 0.01, params)), inner, samples, 20)
    log(f"call floor: {res_floor['median']:.1f} us")

    x = jax.random.normal(jax.random.key(1), (BATCH, WIDTH))
    y = jax.random.normal(jax.random.key(2), (BATCH, WIDTH))

    def train_step(p, s, x, y):
        loss, g = jax.value_and_grad(lambda q: jnp.mean(jnp.square(apply(q, x) - y)))(p)
        u, s = tx.update(g, s, p)
        return optax.apply_updates(p, u), s, loss

    tstep = jax.jit(train_step, donate_argnums=(0, 1))
    params = init(jax.random.key(0))
    res_train = timed(lambda c: tstep(c[0], c[1], x, y)[:2], (params, tx.init(params)), inner, samples, 20)
    log(f"train step: {res_train['median']:.1f} us")

    import jaxlib

    out = {
        "schema": "xla-ts/bench-optim-jax/v1",
        "meta": {
            "jax_version": jax.__version__, "jaxlib_version": jaxlib.__version__, "optax_version": optax.__version__,
            "python_version": platform.python_version(), "backend": jax.default_backend(),
            "cpu_model": cpu_model(), "cpu_count": os.cpu_count(), "quick": bool(args.quick),
        },
        "params": nparams,
        "adam_step_us": res_adam,
        "train_step_us": res_train,
        "call_floor_us": res_floor,
    }
    json.dump(out, sys.stdout)  # one line: bench/common.ts parses the last line of stdout
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
