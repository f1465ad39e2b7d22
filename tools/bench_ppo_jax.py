"""PPO on CartPole-v1 in JAX: the reference figures for bench/ppo.ts.

A self-contained PureJaxRL-style script (only jax and numpy: the MLPs, Adam, global-norm
clipping, the categorical policy and the environment are written out) doing the same
algorithm as xla-ts's OnPolicyWorkflow with the same hyperparameters:

- CartPole-v1 with gymnasium's dynamics (Euler, float32), reset uniform(-0.05, 0.05), reward 1
  per step, termination at |x| > 2.4 or |theta| > 12 degrees, truncation at 500 steps,
  auto-reset with the real final observation kept for bootstrapping;
- separate actor and critic MLPs 64x64 tanh, orthogonal init (sqrt 2 / 0.01 / 1; Gram-Schmidt,
  see orthogonal()), zero biases;
- 4 envs x 128 steps, 4 epochs x 4 shuffled minibatches, gamma 0.99, GAE lambda 0.95 with
  truncations bootstrapped from V(final obs), clip 0.2 (value clipping too), vf 0.5,
  entropy 0.01, max grad norm 0.5, Adam(eps 1e-5) with lr 2.5e-4 annealed linearly,
  minibatch advantage normalization; 5e5 steps;
- a greedy evaluation of 10 episodes at the end.

It times jit(train) for one seed and jit(vmap(train)) for 16: compilation (lower + compile)
and the run, separately. Prints one JSON object on stdout.

    python3 tools/bench_ppo_jax.py [--quick] [--seeds 16]
"""
from __future__ import annotations

import argparse
import json
import math
import time

import jax
import jax.numpy as jnp

CFG = dict(num_envs=4, num_steps=128, total_steps=500_000, epochs=4, num_minibatches=4, gamma=0.99, gae_lambda=0.95,
           clip_eps=0.2, vf_coef=0.5, ent_coef=0.01, max_grad_norm=0.5, lr=2.5e-4, adam_eps=1e-5, hidden=64,
           eval_episodes=10, max_episode_steps=500)

# --- CartPole-v1 (gymnasium's dynamics) --------------------------------------------------------
GRAVITY, MASSCART, MASSPOLE, LENGTH, FORCE_MAG, TAU = 9.8, 1.0, 0.1, 0.5, 10.0, 0.02
THETA_LIM, X_LIM = 12 * 2 * math.pi / 360, 2.4


def env_reset(key):
    s = jax.random.uniform(key, (4,), jnp.float32, -0.05, 0.05)
    return s, (s, jnp.int32(0))


def env_step(key, state, action):
    s, t = state
    x, x_dot, theta, theta_dot = s[0], s[1], s[2], s[3]
    force = jnp.where(action == 1, FORCE_MAG, -FORCE_MAG)
    total_mass = MASSPOLE + MASSCART
    pml = MASSPOLE * LENGTH
    cos, sin = jnp.cos(theta), jnp.sin(theta)
    temp = (force + pml * theta_dot**2 * sin) / total_mass
    theta_acc = (GRAVITY * sin - cos * temp) / (LENGTH * (4.0 / 3.0 - MASSPOLE * cos**2 / total_mass))
    x_acc = temp - pml * theta_acc * cos / total_mass
    ns = jnp.stack([x + TAU * x_dot, x_dot + TAU * x_acc, theta + TAU * theta_dot, theta_dot + TAU * theta_acc])
    terminated = (ns[0] < -X_LIM) | (ns[0] > X_LIM) | (ns[2] < -THETA_LIM) | (ns[2] > THETA_LIM)
    t = t + 1
    truncated = t >= CFG["max_episode_steps"]
    return ns, (ns, t), jnp.float32(1.0), terminated, truncated


def env_step_autoreset(key, state, action):
    k1, k2 = jax.random.split(key)
    obs, st, r, term, trunc = env_step(k1, state, action)
    obs0, st0 = env_reset(k2)
    done = term | trunc
    new_obs = jnp.where(done, obs0, obs)
    new_st = jax.tree_util.tree_map(lambda a, b: jnp.where(done, a, b), st0, st)
    return new_obs, new_st, r, term, trunc, obs


# --- networks, Adam -------------------------------------------------------------------------------
def orthogonal(key, shape, gain):
    """A (semi-)orthogonal matrix by Gram-Schmidt (twice, for stability) in plain jnp ops.
    Not jax.nn.initializers.orthogonal: its LAPACK QR, batched by vmap, runs jaxlib's
    ParallelBatchMap on XLA's CPU thread pool, which deadlocks on this 2-core machine."""
    rows, cols = shape
    big, small = max(rows, cols), min(rows, cols)
    a = jax.random.normal(key, (big, small), jnp.float32)

    def body(j, q):
        v = jax.lax.dynamic_index_in_dim(a, j, 1, keepdims=False)
        v = v - q @ (q.T @ v)
        v = v - q @ (q.T @ v)
        return jax.lax.dynamic_update_index_in_dim(q, v / jnp.sqrt(jnp.sum(v * v)), j, 1)

    q = jax.lax.fori_loop(0, small, body, jnp.zeros((big, small), jnp.float32))
    return gain * (q if rows >= cols else q.T)


def mlp_init(key, sizes, last_gain):
    ks = jax.random.split(key, len(sizes) - 1)
    layers = []
    for i, k in enumerate(ks):
        gain = last_gain if i == len(ks) - 1 else math.sqrt(2)
        w = orthogonal(k, (sizes[i], sizes[i + 1]), gain)
        layers.append({"kernel": w, "bias": jnp.zeros((sizes[i + 1],), jnp.float32)})
    return layers


def mlp(layers, x):
    for i, p in enumerate(layers):
        x = x @ p["kernel"] + p["bias"]
        if i < len(layers) - 1:
            x = jnp.tanh(x)
    return x


def net_init(key):
    k1, k2 = jax.random.split(key)
    h = CFG["hidden"]
    return {"actor": mlp_init(k1, [4, h, h, 2], 0.01), "critic": mlp_init(k2, [4, h, h, 1], 1.0)}


def forward(params, obs):
    return mlp(params["actor"], obs), mlp(params["critic"], obs)[..., 0]


def adam_init(params):
    z = jax.tree_util.tree_map(jnp.zeros_like, params)
    return {"mu": z, "nu": z, "count": jnp.int32(0)}


def clip_and_adam(grads, opt, lr):
    norm = jnp.sqrt(sum(jnp.sum(g**2) for g in jax.tree_util.tree_leaves(grads)))
    scale = jnp.where(norm < CFG["max_grad_norm"], 1.0, CFG["max_grad_norm"] / norm)
    grads = jax.tree_util.tree_map(lambda g: g * scale, grads)
    count = opt["count"] + 1
    mu = jax.tree_util.tree_map(lambda m, g: 0.9 * m + 0.1 * g, opt["mu"], grads)
    nu = jax.tree_util.tree_map(lambda v, g: 0.999 * v + 0.001 * g**2, opt["nu"], grads)
    c = count.astype(jnp.float32)
    upd = jax.tree_util.tree_map(lambda m, v: -lr * (m / (1 - 0.9**c)) / (jnp.sqrt(v / (1 - 0.999**c)) + CFG["adam_eps"]), mu, nu)
    return upd, {"mu": mu, "nu": nu, "count": count}


# --- PPO -------------------------------------------------------------------------------------------
def make_train(total_steps):
    n_env, n_steps = CFG["num_envs"], CFG["num_steps"]
    n_iter = total_steps // (n_env * n_steps)
    batch = n_env * n_steps
    mb = batch // CFG["num_minibatches"]

    def loss_fn(params, b):
        logits, v = forward(params, b["obs"])
        logp_all = jax.nn.log_softmax(logits)
        logp = jnp.take_along_axis(logp_all, b["action"][:, None], -1)[:, 0]
        ent = -jnp.sum(jnp.exp(logp_all) * logp_all, -1).mean()
        adv = (b["adv"] - b["adv"].mean()) / (b["adv"].std() + 1e-8)
        ratio = jnp.exp(logp - b["logp"])
        e = CFG["clip_eps"]
        pg = -jnp.minimum(ratio * adv, jnp.clip(ratio, 1 - e, 1 + e) * adv).mean()
        vc = b["value"] + jnp.clip(v - b["value"], -e, e)
        vl = 0.5 * jnp.maximum((v - b["target"]) ** 2, (vc - b["target"]) ** 2).mean()
        return pg + CFG["vf_coef"] * vl - CFG["ent_coef"] * ent

    def update(carry, _):
        params, opt, env_st, obs, ep_ret, key, it = carry
        key, k_roll, k_learn = jax.random.split(key, 3)

        def env_step_fn(c, k):
            env_st, obs, ep_ret = c
            ka, ke = jax.random.split(k)
            logits, v = forward(params, obs)
            a = jax.random.categorical(ka, logits)
            logp = jnp.take_along_axis(jax.nn.log_softmax(logits), a[:, None], -1)[:, 0]
            nobs, nst, r, term, trunc, final = jax.vmap(env_step_autoreset)(jax.random.split(ke, n_env), env_st, a)
            done = term | trunc
            ep_ret = ep_ret + r
            ep = {"obs": obs, "action": a, "logp": logp, "value": v, "reward": r, "term": term, "done": done, "next_obs": final,
                  "finished": jnp.where(done, ep_ret, 0.0)}
            return (nst, nobs, jnp.where(done, 0.0, ep_ret)), ep

        (env_st, obs, ep_ret), traj = jax.lax.scan(env_step_fn, (env_st, obs, ep_ret), jax.random.split(k_roll, n_steps))
        next_v = forward(params, traj["next_obs"])[1]
        g, lam = CFG["gamma"], CFG["gae_lambda"]
        deltas = traj["reward"] + g * (1.0 - traj["term"]) * next_v - traj["value"]
        factors = g * lam * (1.0 - traj["done"])

        def gae_body(a_next, x):
            d, f = x
            a = d + f * a_next
            return a, a

        _, adv = jax.lax.scan(gae_body, jnp.zeros((n_env,)), (deltas, factors), reverse=True)
        flat = lambda x: x.reshape((batch,) + x.shape[2:])
        data = {"obs": flat(traj["obs"]), "action": flat(traj["action"]), "logp": flat(traj["logp"]), "value": flat(traj["value"]),
                "adv": flat(adv), "target": flat(adv + traj["value"])}
        lr = CFG["lr"] * (1.0 - it.astype(jnp.float32) / n_iter)

        def epoch(c, k):
            params, opt = c
            perm = jax.random.permutation(k, batch)
            mbs = jax.tree_util.tree_map(lambda x: jnp.take(x, perm, 0).reshape((CFG["num_minibatches"], mb) + x.shape[1:]), data)

            def mb_step(c, b):
                params, opt = c
                l, grads = jax.value_and_grad(loss_fn)(params, b)
                upd, opt = clip_and_adam(grads, opt, lr)
                return (jax.tree_util.tree_map(jnp.add, params, upd), opt), l

            return jax.lax.scan(mb_step, (params, opt), mbs)

        (params, opt), losses = jax.lax.scan(epoch, (params, opt), jax.random.split(k_learn, CFG["epochs"]))
        n_done = traj["done"].astype(jnp.float32).sum()
        metric = {"loss": losses.mean(), "episodes": n_done, "return_sum": traj["finished"].sum()}
        return (params, opt, env_st, obs, ep_ret, key, it + 1), metric

    def evaluate(params, key):
        n = CFG["eval_episodes"]
        k_reset, key = jax.random.split(key)
        obs, st = jax.vmap(env_reset)(jax.random.split(k_reset, n))

        def cond(c):
            t, _, _, _, done, _ = c
            return (t < CFG["max_episode_steps"]) & ~jnp.all(done)

        def body(c):
            t, key, st, obs, done, ret = c
            key, k = jax.random.split(key)
            a = jnp.argmax(forward(params, obs)[0], -1)
            obs, st, r, term, trunc = jax.vmap(env_step)(jax.random.split(k, n), st, a)
            ret = ret + jnp.where(done, 0.0, r)
            return t + 1, key, st, obs, done | term | trunc, ret

        out = jax.lax.while_loop(cond, body, (jnp.int32(0), key, st, obs, jnp.zeros((n,), bool), jnp.zeros((n,))))
        return out[-1].mean()

    def train(key):
        k_net, k_env, k_eval, key = jax.random.split(key, 4)
        params = net_init(k_net)
        obs, st = jax.vmap(env_reset)(jax.random.split(k_env, n_env))
        carry = (params, adam_init(params), st, obs, jnp.zeros((n_env,)), key, jnp.int32(0))
        carry, metrics = jax.lax.scan(update, carry, None, n_iter)
        # Mean return of the episodes that ended in the last 10 iterations.
        train_return = metrics["return_sum"][-10:].sum() / jnp.maximum(metrics["episodes"][-10:].sum(), 1)
        return {"eval_return": evaluate(carry[0], k_eval), "train_return": train_return}

    return train, n_iter * batch


def timed(fn, *args):
    t0 = time.perf_counter()
    compiled = jax.jit(fn).lower(*args).compile()
    t1 = time.perf_counter()
    out = jax.block_until_ready(compiled(*args))
    t2 = time.perf_counter()
    return out, t1 - t0, t2 - t1


def measure(part, total, seeds):
    train, steps = make_train(total)
    if part == "single":
        out, c, r = timed(train, jax.random.PRNGKey(0))
        return {"compile_s": c, "run_s": r, "steps_per_s": steps / r, "eval_return": float(out["eval_return"]),
                "train_return": float(out["train_return"])}
    keys = jax.random.split(jax.random.PRNGKey(0), seeds)
    out, c, r = timed(jax.vmap(train), keys)
    return {"seeds": seeds, "compile_s": c, "run_s": r, "steps_per_s": seeds * steps / r,
            "eval_return_mean": float(jnp.mean(out["eval_return"])), "eval_returns": [float(x) for x in out["eval_return"]],
            "train_return": float(jnp.mean(out["train_return"]))}


def in_subprocess(part, a, tries=3):
    """Each measurement in a fresh process with a watchdog, so that a run that deadlocks (as
    vmapped LAPACK QR did on 2 cores, see orthogonal()) is killed and retried instead of
    hanging the benchmark."""
    import subprocess
    import sys

    cmd = [sys.executable, __file__, "--part", part, "--seeds", str(a.seeds)] + (["--steps", str(a.steps)] if a.steps else []) + (["--quick"] if a.quick else [])
    for attempt in range(tries):
        try:
            r = subprocess.run(cmd, capture_output=True, text=True, timeout=a.timeout)
        except subprocess.TimeoutExpired:
            print(f"bench_ppo_jax: {part} run hung (attempt {attempt + 1}); retrying", file=sys.stderr)
            continue
        if r.returncode != 0:
            raise RuntimeError(r.stderr.strip().splitlines()[-1] if r.stderr.strip() else f"{part} failed")
        return json.loads(r.stdout.strip().splitlines()[-1])
    raise RuntimeError(f"{part} run hung {tries} times")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="1/10 of the steps")
    ap.add_argument("--seeds", type=int, default=16)
    ap.add_argument("--steps", type=int, default=None, help="total env steps (default 5e5; --quick: 5e4)")
    ap.add_argument("--part", choices=["single", "many"], default=None, help="(internal) run one measurement here")
    ap.add_argument("--timeout", type=float, default=420, help="seconds before a measurement counts as hung")
    a = ap.parse_args()
    total = a.steps or CFG["total_steps"] // (10 if a.quick else 1)
    if a.part:
        print(json.dumps(measure(a.part, total, a.seeds)))
        return
    _, steps = make_train(total)
    print(json.dumps({
        "jax_version": jax.__version__,
        "backend": jax.default_backend(),
        "steps": steps,
        "config": CFG,
        "single": in_subprocess("single", a),
        "many": in_subprocess("many", a),
    }))


if __name__ == "__main__":
    main()
