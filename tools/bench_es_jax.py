"""Evolution strategies on CartPole-v1 in JAX: the reference figures for bench/es.ts.

The same algorithm as xla-ts's EvolutionWorkflow + ES agent with rlib's settings: a policy MLP
4 -> 32 -> 32 -> 2 (tanh, lecun-normal kernels, zero biases, argmax actions); every iteration
draws N standard-normal noise vectors from a key, plays one CartPole-v1 episode per member
theta + sigma * eps_i (all members at once: vmap over members inside one while loop that runs
until every episode has ended or 500 steps, steps after a member's end masked), standardizes
the returns (z-score; no update when their std is below 1e-6) and steps
theta += lr / (N sigma) * sum_i w_i eps_i (lr 0.03, sigma 0.1). The environment is
bench_ppo_jax.py's (gymnasium's dynamics). K iterations are one jitted lax.scan.

For each population size it compiles (timed), runs iterations 1..K (warm-up), then times
iterations K+1..2K from where those ended, and reports env steps per second: the members' live
steps (what the state counts), and members x loop steps (the work done, masked steps included).
Prints one JSON object on stdout.

    python3 tools/bench_es_jax.py [--pops 16,128,1024] [--iters 10]
"""
from __future__ import annotations

import argparse
import json
import time

import jax
import jax.numpy as jnp
from jax.flatten_util import ravel_pytree

from bench_ppo_jax import env_reset, env_step

HIDDEN, LR, SIGMA, MAX_STEPS = 32, 0.03, 0.1, 500


def mlp_init(key):
    sizes = [4, HIDDEN, HIDDEN, 2]
    keys = jax.random.split(key, len(sizes) - 1)
    init = jax.nn.initializers.lecun_normal()
    return [{"kernel": init(k, (a, b), jnp.float32), "bias": jnp.zeros((b,), jnp.float32)} for k, a, b in zip(keys, sizes[:-1], sizes[1:])]


def policy(params, obs):
    h = obs
    for i, layer in enumerate(params):
        h = h @ layer["kernel"] + layer["bias"]
        if i < len(params) - 1:
            h = jnp.tanh(h)
    return jnp.argmax(h, -1).astype(jnp.int32)


def make(pop, iters):
    theta0, unravel = ravel_pytree(mlp_init(jax.random.PRNGKey(0)))
    dim = theta0.shape[0]

    def play(members, key):
        params = jax.vmap(unravel)(members)
        k_reset, k_loop = jax.random.split(key)
        obs, st = jax.vmap(env_reset)(jax.random.split(k_reset, pop))

        def cond(c):
            return (c["t"] < MAX_STEPS) & ~jnp.all(c["done"])

        def body(c):
            k, ks = jax.random.split(c["key"])
            a = jax.vmap(policy)(params, c["obs"])
            nobs, nst, r, term, trunc = jax.vmap(env_step)(jax.random.split(ks, pop), c["st"], a)
            live = ~c["done"]
            return {"t": c["t"] + 1, "key": k, "st": nst, "obs": nobs, "done": c["done"] | term | trunc,
                    "ret": c["ret"] + jnp.where(live, r, 0.0), "len": c["len"] + live.astype(jnp.int32)}

        out = jax.lax.while_loop(cond, body, {"t": jnp.int32(0), "key": k_loop, "st": st, "obs": obs, "done": jnp.zeros(pop, bool),
                                              "ret": jnp.zeros(pop, jnp.float32), "len": jnp.zeros(pop, jnp.int32)})
        return out["ret"], out["len"], out["t"]

    def iteration(c, _):
        k_noise, k_play, k_next = jax.random.split(c["key"], 3)
        eps = jax.random.normal(k_noise, (pop, dim), jnp.float32)
        ret, lens, t = play(c["theta"][None] + SIGMA * eps, k_play)
        std = jnp.std(ret)
        w = jnp.where(std > 1e-6, (ret - jnp.mean(ret)) / jnp.maximum(std, 1e-6), 0.0)
        theta = c["theta"] + LR / (pop * SIGMA) * (eps.T @ w)
        return {"theta": theta, "key": k_next, "steps": c["steps"] + jnp.sum(lens), "loop": c["loop"] + t}, jnp.mean(ret)

    def run(c):
        return jax.lax.scan(iteration, c, None, length=iters)

    init = {"theta": theta0, "key": jax.random.PRNGKey(1), "steps": jnp.int32(0), "loop": jnp.int32(0)}
    return run, init


def measure(pop, iters):
    run, init = make(pop, iters)
    t0 = time.perf_counter()
    compiled = jax.jit(run).lower(init).compile()
    t1 = time.perf_counter()
    warm, _ = jax.block_until_ready(compiled(init))
    start = {**warm, "steps": jnp.int32(0), "loop": jnp.int32(0)}
    t2 = time.perf_counter()
    out, fit = jax.block_until_ready(compiled(start))
    t3 = time.perf_counter()
    steps, loop = int(out["steps"]), int(out["loop"])
    return {"pop": pop, "iters": iters, "compile_s": t1 - t0, "run_s": t3 - t2, "live_steps": steps, "member_loop_steps": pop * loop,
            "live_steps_per_s": steps / (t3 - t2), "member_steps_per_s": pop * loop / (t3 - t2), "final_fitness_mean": float(fit[-1])}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pops", default="16,128,1024")
    ap.add_argument("--iters", type=int, default=10)
    a = ap.parse_args()
    pops = [int(p) for p in a.pops.split(",")]
    print(json.dumps({"jax_version": jax.__version__, "backend": jax.default_backend(),
                      "config": {"hidden": HIDDEN, "lr": LR, "sigma": SIGMA, "max_steps": MAX_STEPS},
                      "results": [measure(p, a.iters) for p in pops]}))


if __name__ == "__main__":
    main()
