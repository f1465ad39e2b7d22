#!/usr/bin/env python3
"""gymnax (JAX, CPU) reference figures for the xla-ts environment benchmark (bench/envs.ts).

Prints ONE JSON object to stdout (progress to stderr); exit status 0. Without gymnax it prints
{"error": "..."} (install it with `pip install gymnax`).

    python tools/bench_envs_gymnax.py --envs CartPole-v1,DeepSea-bsuite --sizes 1,16,256,2048
        [--steps 1000] [--repeats 3] [--deep-sea-size 10]
        [--limit ENV=SIZE,...]      (largest size per env, e.g. Breakout-MinAtar=256)

The measured program, per (env, n): one jitted call that resets n environments and runs a
lax.scan of `steps` steps of jax.vmap(env.step) (gymnax's step auto-resets) with uniformly
random actions, returning the summed reward and a checksum of the observations (so XLA cannot
drop them). Figure: n * steps / seconds of that call after
a warm-up (median over repeats). bench/envs.ts times the same program in xla-ts.

{"schema": "xla-ts/bench-envs-gymnax/v1", "meta": {...},
 "results": {env_id: {str(n): {"steps_per_s": float, "seconds": [..], "compile_s": float}}}}
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--envs", default="CartPole-v1,DeepSea-bsuite,Breakout-MinAtar")
    ap.add_argument("--sizes", default="1,16,256,2048")
    ap.add_argument("--steps", type=int, default=1000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--deep-sea-size", type=int, default=10)
    ap.add_argument("--limit", default="")
    args = ap.parse_args()
    try:
        import jax
        import jax.numpy as jnp
        import gymnax
    except Exception as e:  # noqa: BLE001
        print(json.dumps({"error": f"gymnax is not importable ({e}); pip install gymnax"}))
        return

    limits = dict((kv.split("=")[0], int(kv.split("=")[1])) for kv in args.limit.split(",") if kv)
    sizes = [int(s) for s in args.sizes.split(",")]
    results: dict = {}
    for env_id in args.envs.split(","):
        kwargs = {"size": args.deep_sea_size} if env_id == "DeepSea-bsuite" else {}
        env, params = gymnax.make(env_id, **kwargs)
        if env_id == "DeepSea-bsuite":
            params = params.replace(max_steps_in_episode=args.deep_sea_size)
        n_actions = env.action_space(params).n
        results[env_id] = {}
        for n in sizes:
            if n > limits.get(env_id, 1 << 30):
                continue

            def run(key, n=n):
                k0, k1 = jax.random.split(key)
                _, state = jax.vmap(env.reset, in_axes=(0, None))(jax.random.split(k0, n), params)

                def body(carry, k):
                    state, total, check = carry
                    ka, ks = jax.random.split(k)
                    actions = jax.random.randint(ka, (n,), 0, n_actions)
                    obs, state, reward, _, _, _ = jax.vmap(env.step, in_axes=(0, 0, 0, None))(jax.random.split(ks, n), state, actions, params)
                    # The observations feed a checksum, as an agent would read them.
                    return (state, total + reward.sum(), check + obs.astype(jnp.float32).sum()), None

                zero = jnp.float32(0)
                (_, total, check), _ = jax.lax.scan(body, (state, zero, zero), jax.random.split(k1, args.steps))
                return jnp.stack([total, check])

            f = jax.jit(run)
            t0 = time.perf_counter()
            jax.block_until_ready(f(jax.random.PRNGKey(0)))
            compile_s = time.perf_counter() - t0
            secs, cpus = [], []
            for r in range(args.repeats):
                c0 = time.process_time()
                t0 = time.perf_counter()
                jax.block_until_ready(f(jax.random.PRNGKey(r + 1)))
                secs.append(time.perf_counter() - t0)
                cpus.append(time.process_time() - c0)
            med = statistics.median(secs)
            # CPU time of the process (all threads): what a loaded machine disturbs least.
            cpu = statistics.median(cpus)
            results[env_id][str(n)] = {
                "steps_per_s": n * args.steps / med,
                "cpu_steps_per_s": n * args.steps / cpu if cpu > 0 else None,
                "seconds": [round(s, 5) for s in secs],
                "cpu_seconds": [round(s, 5) for s in cpus],
                "compile_s": round(compile_s, 3),
            }
            log(f"gymnax {env_id} n={n}: {n * args.steps / med:,.0f} steps/s (compile {compile_s:.2f}s)")

    print(
        json.dumps(
            {
                "schema": "xla-ts/bench-envs-gymnax/v1",
                "meta": {
                    "jax_version": jax.__version__,
                    "gymnax_version": _version("gymnax"),
                    "python_version": platform.python_version(),
                    "backend": jax.default_backend(),
                    "cpu_count": os.cpu_count(),
                    "steps": args.steps,
                    "repeats": args.repeats,
                },
                "results": results,
            }
        )
    )


def _version(pkg: str) -> str:
    try:
        from importlib.metadata import version

        return version(pkg)
    except Exception:  # noqa: BLE001
        return "?"


if __name__ == "__main__":
    main()
