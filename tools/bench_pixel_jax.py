"""PPO with the IMPALA CNN on gymnax's Breakout-MinAtar, or with the Nature CNN on MultiRoom-Stacked-v0
(tools/multiroom_jax.py on a layout from bench/multiroom_layout.ts), the whole training as one
jitted program: the JAX reference of bench/pixel.ts (same network, env, rollout and learner shape).

Network (as xla-ts's ImpalaCNN + cnnActorCritic): per stack of channels 16, 32, 32 a 3x3 SAME
conv, a 3x3/2 SAME max-pool, two residual blocks x + conv(relu(conv(relu(x)))); relu, flatten,
Dense 256 + relu, shared by a policy head (actions) and a value head. PPO: numEnvs x numSteps
rollouts with gymnax's auto-resetting step, GAE (0.99, 0.95), 4 epochs x 4 shuffled
minibatches, clip 0.2, value clip, entropy 0.01, Adam 2.5e-4 with global-norm clipping 0.5.
Nature CNN (as xla-ts's NatureCNN): [C, H, W] uint8 frames moved channels-last and scaled to
[0, 1]; conv 32 8x8/4, 64 4x4/2, 64 3x3/1 (VALID, relu), flatten, Dense 512 + relu.

  python tools/bench_pixel_jax.py [--envs 16] [--steps 128] [--iters 10] [--env multiroom --layout L.json]

Prints one JSON line: compile_s, run_s, steps_per_s, cpu_s (process CPU of the run)."""
import argparse
import json
import time

import jax
import jax.numpy as jnp
from multiroom_jax import MultiRoom


def conv_init(key, cin, cout):
    return {"w": jax.nn.initializers.orthogonal(2**0.5)(key, (3, 3, cin, cout)), "b": jnp.zeros((cout,))}


def conv(p, x):
    y = jax.lax.conv_general_dilated(x, p["w"], (1, 1), "SAME", dimension_numbers=("NHWC", "HWIO", "NHWC"))
    return y + p["b"]


def maxpool(x):
    return jax.lax.reduce_window(x, -jnp.inf, jax.lax.max, (1, 3, 3, 1), (1, 2, 2, 1), "SAME")


def dense_init(key, n_in, n_out, gain):
    return {"w": jax.nn.initializers.orthogonal(gain)(key, (n_in, n_out)), "b": jnp.zeros((n_out,))}


def net_init(key, obs_shape, n_actions, channels=(16, 32, 32)):
    keys = iter(jax.random.split(key, 64))
    stacks = []
    h, w, c = obs_shape
    for ch in channels:
        st = {"conv": conv_init(next(keys), c, ch), "blocks": [{"c1": conv_init(next(keys), ch, ch), "c2": conv_init(next(keys), ch, ch)} for _ in range(2)]}
        stacks.append(st)
        c = ch
        h, w = (h + 1) // 2, (w + 1) // 2
    return {"stacks": stacks, "dense": dense_init(next(keys), h * w * c, 256, 2**0.5),
            "pi": dense_init(next(keys), 256, n_actions, 0.01), "v": dense_init(next(keys), 256, 1, 1.0)}


def forward(p, obs):
    x = obs.astype(jnp.float32)
    for st in p["stacks"]:
        x = maxpool(conv(st["conv"], x))
        for b in st["blocks"]:
            x = x + conv(b["c2"], jax.nn.relu(conv(b["c1"], jax.nn.relu(x))))
    x = jax.nn.relu(x).reshape((x.shape[0], -1))
    x = jax.nn.relu(x @ p["dense"]["w"] + p["dense"]["b"])
    return x @ p["pi"]["w"] + p["pi"]["b"], (x @ p["v"]["w"] + p["v"]["b"])[:, 0]


def nature_conv_init(key, k, cin, cout):
    return {"w": jax.nn.initializers.orthogonal(2**0.5)(key, (k, k, cin, cout)), "b": jnp.zeros((cout,))}


NATURE = ((8, 4, 32), (4, 2, 64), (3, 1, 64))


def nature_init(key, obs_shape, n_actions):
    keys = jax.random.split(key, 6)
    c, h, w = obs_shape
    convs = []
    for i, (k, st, ch) in enumerate(NATURE):
        convs.append(nature_conv_init(keys[i], k, c, ch))
        c, h, w = ch, (h - k) // st + 1, (w - k) // st + 1
    return {"convs": convs, "dense": dense_init(keys[3], h * w * c, 512, 2**0.5),
            "pi": dense_init(keys[4], 512, n_actions, 0.01), "v": dense_init(keys[5], 512, 1, 1.0)}


def nature_forward(p, obs):
    x = obs.transpose(0, 2, 3, 1).astype(jnp.float32) / 255
    for cp, (k, st, _) in zip(p["convs"], NATURE):
        x = jax.lax.conv_general_dilated(x, cp["w"], (st, st), "VALID", dimension_numbers=("NHWC", "HWIO", "NHWC"))
        x = jax.nn.relu(x + cp["b"])
    x = jax.nn.relu(x.reshape((x.shape[0], -1)) @ p["dense"]["w"] + p["dense"]["b"])
    return x @ p["pi"]["w"] + p["pi"]["b"], (x @ p["v"]["w"] + p["v"]["b"])[:, 0]


def make_train(n_env, n_steps, n_iter, epochs=4, n_mb=4, layout=None):
    if layout is None:
        import gymnax  # only Breakout needs it

        env, env_params = gymnax.make("Breakout-MinAtar")
        obs_shape = env.observation_space(env_params).shape
        n_actions = env.action_space(env_params).n
    else:
        env, env_params = MultiRoom(layout), None
        obs_shape, n_actions = (env.stack, env.size, env.size), 4
    init, fwd = (net_init, forward) if layout is None else (nature_init, nature_forward)
    batch = n_env * n_steps
    mb = batch // n_mb

    def loss_fn(params, b):
        logits, v = fwd(params, b["obs"])
        logp_all = jax.nn.log_softmax(logits)
        logp = jnp.take_along_axis(logp_all, b["action"][:, None], -1)[:, 0]
        ent = -jnp.sum(jnp.exp(logp_all) * logp_all, -1).mean()
        adv = (b["adv"] - b["adv"].mean()) / (b["adv"].std() + 1e-8)
        ratio = jnp.exp(logp - b["logp"])
        pg = -jnp.minimum(ratio * adv, jnp.clip(ratio, 0.8, 1.2) * adv).mean()
        vc = b["value"] + jnp.clip(v - b["value"], -0.2, 0.2)
        vl = 0.5 * jnp.maximum((v - b["target"]) ** 2, (vc - b["target"]) ** 2).mean()
        return pg + 0.5 * vl - 0.01 * ent

    def adam(grads, opt):
        norm = jnp.sqrt(sum(jnp.sum(g**2) for g in jax.tree_util.tree_leaves(grads)))
        grads = jax.tree_util.tree_map(lambda g: g * jnp.where(norm < 0.5, 1.0, 0.5 / norm), grads)
        count = opt["count"] + 1
        mu = jax.tree_util.tree_map(lambda m, g: 0.9 * m + 0.1 * g, opt["mu"], grads)
        nu = jax.tree_util.tree_map(lambda v, g: 0.999 * v + 0.001 * g**2, opt["nu"], grads)
        c = count.astype(jnp.float32)
        upd = jax.tree_util.tree_map(lambda m, v: -2.5e-4 * (m / (1 - 0.9**c)) / (jnp.sqrt(v / (1 - 0.999**c)) + 1e-5), mu, nu)
        return upd, {"mu": mu, "nu": nu, "count": count}

    def update(carry, _):
        params, opt, env_st, obs, key = carry
        key, k_roll, k_learn = jax.random.split(key, 3)

        def step(c, k):
            env_st, obs = c
            ka, ke = jax.random.split(k)
            logits, v = fwd(params, obs)
            a = jax.random.categorical(ka, logits)
            logp = jnp.take_along_axis(jax.nn.log_softmax(logits), a[:, None], -1)[:, 0]
            # gymnax 1.x: obs, state, reward, terminated, truncated, info (auto-resetting).
            nobs, nst, r, term, trunc, _ = jax.vmap(env.step, in_axes=(0, 0, 0, None))(jax.random.split(ke, n_env), env_st, a, env_params)
            done = (term | trunc).astype(jnp.float32)
            return (nst, nobs), {"obs": obs, "action": a, "logp": logp, "value": v, "reward": r, "done": done}

        (env_st, obs), tr = jax.lax.scan(step, (env_st, obs), jax.random.split(k_roll, n_steps))
        last_v = fwd(params, obs)[1]

        def gae(c, x):
            a_next, v_next = c
            d = x["reward"] + 0.99 * v_next * (1 - x["done"]) - x["value"]
            a = d + 0.99 * 0.95 * (1 - x["done"]) * a_next
            return (a, x["value"]), a

        _, adv = jax.lax.scan(gae, (jnp.zeros((n_env,)), last_v), tr, reverse=True)
        flat = lambda x: x.reshape((batch,) + x.shape[2:])
        data = {"obs": flat(tr["obs"]), "action": flat(tr["action"]), "logp": flat(tr["logp"]), "value": flat(tr["value"]),
                "adv": flat(adv), "target": flat(adv + tr["value"])}

        def epoch(c, k):
            perm = jax.random.permutation(k, batch)
            mbs = jax.tree_util.tree_map(lambda x: jnp.take(x, perm, 0).reshape((n_mb, mb) + x.shape[1:]), data)

            def mb_step(c, b):
                params, opt = c
                l, g = jax.value_and_grad(loss_fn)(params, b)
                upd, opt = adam(g, opt)
                return (jax.tree_util.tree_map(jnp.add, params, upd), opt), l

            return jax.lax.scan(mb_step, c, mbs)

        (params, opt), losses = jax.lax.scan(epoch, (params, opt), jax.random.split(k_learn, epochs))
        return (params, opt, env_st, obs, key), losses.mean()

    def train(key):
        k_net, k_env, key = jax.random.split(key, 3)
        params = init(k_net, obs_shape, n_actions)
        z = jax.tree_util.tree_map(jnp.zeros_like, params)
        obs, st = jax.vmap(env.reset, in_axes=(0, None))(jax.random.split(k_env, n_env), env_params)
        carry, losses = jax.lax.scan(update, (params, {"mu": z, "nu": z, "count": jnp.int32(0)}, st, obs, key), None, n_iter)
        return losses

    return train


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--envs", type=int, default=16)
    ap.add_argument("--steps", type=int, default=128)
    ap.add_argument("--iters", type=int, default=10)
    ap.add_argument("--repeats", type=int, default=2)
    ap.add_argument("--env", choices=["breakout", "multiroom"], default="breakout")
    ap.add_argument("--layout", help="MultiRoom layout JSON (bench/multiroom_layout.ts)")
    a = ap.parse_args()
    layout = None
    if a.env == "multiroom":
        with open(a.layout) as f:
            layout = json.load(f)
    train = make_train(a.envs, a.steps, a.iters, layout=layout)
    key = jax.random.PRNGKey(0)
    t0 = time.perf_counter()
    compiled = jax.jit(train).lower(key).compile()
    t1 = time.perf_counter()
    runs = []
    for _ in range(a.repeats):
        c0, w0 = time.process_time(), time.perf_counter()
        jax.block_until_ready(compiled(key))
        runs.append((time.perf_counter() - w0, time.process_time() - c0))
    steps = a.envs * a.steps * a.iters
    run_s = min(r[0] for r in runs)
    cpu_s = min(r[1] for r in runs)
    print(json.dumps({"jax_version": jax.__version__, "env": "Breakout-MinAtar" if layout is None else "MultiRoom-Stacked-v0",
                      "network": "impala" if layout is None else "nature", "envs": a.envs, "steps": a.steps,
                      "iters": a.iters, "compile_s": t1 - t0, "run_s": run_s, "cpu_s": cpu_s, "steps_per_s": steps / run_s,
                      "cpu_steps_per_s": steps / cpu_s}))


if __name__ == "__main__":
    main()
