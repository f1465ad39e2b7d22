#!/usr/bin/env python3
"""JAX (CPU) reference for bench/grad.ts: gradient of a 3-layer MLP loss, batch 256.

Prints one JSON object: {"schema": "xla-ts/bench-grad-jax/v1", "meta": {...},
"grad_call_us": median µs per jitted value_and_grad call (blocked until ready),
"compile_ms": median of lower+compile of a fresh jit, "loss": the loss at the fixed params}.
The network and data match bench/grad.ts: 64 -> 256 -> 256 -> 10, tanh, softmax
cross-entropy; params and inputs are deterministic functions of their index.
"""
import json, statistics, sys, time
import numpy as np
import jax, jax.numpy as jnp

SIZES = [64, 256, 256, 10]
B = 256


def det(shape, scale, offset):
    n = int(np.prod(shape))
    i = np.arange(n, dtype=np.float64)
    return (np.sin(i * 0.37 + offset) * scale).astype(np.float32).reshape(shape)


def params():
    ps = []
    for k, (a, b) in enumerate(zip(SIZES[:-1], SIZES[1:])):
        ps.append({"w": jnp.asarray(det((a, b), 1 / np.sqrt(a), k)), "b": jnp.asarray(det((b,), 0.1, k + 10))})
    return ps


def loss(ps, x, y):
    h = x
    for i, p in enumerate(ps):
        h = h @ p["w"] + p["b"]
        if i < len(ps) - 1:
            h = jnp.tanh(h)
    logp = jax.nn.log_softmax(h)
    return -jnp.mean(jnp.sum(logp * jax.nn.one_hot(y, SIZES[-1]), axis=-1))


def main():
    ps = params()
    x = jnp.asarray(det((B, SIZES[0]), 1.0, 100))
    y = jnp.asarray(np.arange(B) % SIZES[-1], dtype=jnp.int32)
    f = jax.jit(jax.value_and_grad(loss))
    v, g = f(ps, x, y)
    jax.block_until_ready(g)
    samples = []
    for _ in range(7):
        t0 = time.perf_counter()
        for _ in range(200):
            out = f(ps, x, y)
            jax.block_until_ready(out)
        samples.append((time.perf_counter() - t0) / 200 * 1e6)
    comp = []
    for r in range(3):
        t0 = time.perf_counter()
        jax.jit(jax.value_and_grad(lambda p, a, b, r=r: loss(p, a, b) * (1.0 + r * 1e-6))).lower(ps, x, y).compile()
        comp.append((time.perf_counter() - t0) * 1e3)
    print(json.dumps({
        "schema": "xla-ts/bench-grad-jax/v1",
        "meta": {"jax_version": jax.__version__, "backend": jax.default_backend()},
        "grad_call_us": statistics.median(samples),
        "compile_ms": statistics.median(comp),
        "loss": float(v),
    }))


if __name__ == "__main__":
    main()
