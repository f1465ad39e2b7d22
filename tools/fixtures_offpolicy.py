"""DDPG / TD3 and SAC loss fixtures -> test/fixtures/offpolicy.json.

For fixed small networks, one replay batch and fixed standard-normal noise, JAX computes
(written independently of xla-ts, after CleanRL's td3_continuous_action_jax.py and
sac_continuous_action.py / SB3's SAC):
  * TD3 / DDPG: target policy smoothing, the TD target r + discount * min_i Q_targ,i(s', a'),
    the critic loss sum_i mean((Q_i - y)^2) and its gradient, the actor loss -mean Q_1(s, mu(s))
    and its gradient;
  * SAC: the tanh-Gaussian policy (log std squashed into [-5, 2] by tanh), the critic loss with
    the entropy term, the actor loss mean(alpha log pi - min Q), and the alpha loss
    -mean(log alpha * (log pi + target entropy)) with their gradients.
test/agents/offpolicy_fixture.test.ts feeds the same params, batch and noise to xla-ts.

Params use the agents' layout: an MLP is a list of {kernel [in, out], bias [out]}; the critic
ensemble stacks its members on a leading axis ({kernel [n, in, out], bias [n, out]}). Hidden
activations are relu; critics take concat([features, normalized action]).

Run: python tools/fixtures_offpolicy.py   (jax 0.10.2, CPU, x64 off)
"""
from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from fixture_common import enc, meta, write_fixture

assert not jax.config.jax_enable_x64
rng = np.random.default_rng(20261205)
N, OBS, A, H = 8, 3, 2, [8, 8]


def mlp_params(sizes, stack=None):
    layers = []
    for i, o in zip(sizes[:-1], sizes[1:]):
        shape = (i, o) if stack is None else (stack, i, o)
        bshape = (o,) if stack is None else (stack, o)
        layers.append({"kernel": (rng.normal(size=shape) / np.sqrt(i)).astype(np.float32), "bias": (0.1 * rng.normal(size=bshape)).astype(np.float32)})
    return layers


def mlp(layers, x):
    for i, p in enumerate(layers):
        x = x @ p["kernel"] + p["bias"]
        if i < len(layers) - 1:
            x = jax.nn.relu(x)
    return x


def q_all(critic, x, a):
    """[n, N] Q-values of the stacked critics."""
    xa = jnp.concatenate([x, a], -1)
    return jax.vmap(lambda p: mlp(p, xa)[:, 0])(critic)


batch = {
    "x": rng.normal(size=(N, OBS)).astype(np.float32),
    "nextX": rng.normal(size=(N, OBS)).astype(np.float32),
    "u": rng.uniform(-1, 1, size=(N, A)).astype(np.float32),
    "rewards": rng.normal(size=(N,)).astype(np.float32),
    # terminated rows 1 and 5 (0), truncated or running rows (gamma).
    "discount": np.array([0.99, 0, 0.99, 0.99, 0.99, 0, 0.99, 0.99], np.float32),
}
# Large draws so that the smoothing clip and the [-1, 1] clip both act.
eps = (1.8 * rng.normal(size=(N, A))).astype(np.float32)
eps2 = rng.normal(size=(N, A)).astype(np.float32)


def td3_case(n_q, target_noise, noise_clip):
    actor = mlp_params([OBS, *H, A])
    critic = mlp_params([OBS + A, *H, 1], stack=n_q)
    t_actor = mlp_params([OBS, *H, A])
    t_critic = mlp_params([OBS + A, *H, 1], stack=n_q)
    b = {k: jnp.asarray(v) for k, v in batch.items()}

    def target_actions():
        mu = jnp.tanh(mlp(t_actor, b["nextX"]))
        if target_noise == 0:
            return mu
        noise = jnp.clip(target_noise * eps, -noise_clip, noise_clip)
        return jnp.clip(mu + noise, -1, 1)

    def critic_loss(c):
        a2 = target_actions()
        y = jax.lax.stop_gradient(b["rewards"] + b["discount"] * jnp.min(q_all(t_critic, b["nextX"], a2), 0))
        q = q_all(c, b["x"], b["u"])
        return jnp.sum(jnp.mean((q - y) ** 2, -1)), y

    def actor_loss(p):
        return -jnp.mean(q_all(critic, b["x"], jnp.tanh(mlp(p, b["x"])))[0])

    (cl, y), gc = jax.value_and_grad(critic_loss, has_aux=True)(critic)
    al, ga = jax.value_and_grad(actor_loss)(actor)
    return {
        "nQ": n_q,
        "hyper": {"targetNoise": target_noise, "targetNoiseClip": noise_clip},
        "params": {"actor": actor, "critic": critic},
        "target": {"actor": t_actor, "critic": t_critic},
        "targetActions": enc(target_actions()),
        "tdTarget": enc(y),
        "criticLoss": enc(cl),
        "criticGrad": enc(gc),
        "actorLoss": enc(al),
        "actorGrad": enc(ga),
    }


def sac_case(alpha, target_entropy):
    actor = mlp_params([OBS, *H, 2 * A])
    critic = mlp_params([OBS + A, *H, 1], stack=2)
    t_critic = mlp_params([OBS + A, *H, 1], stack=2)
    b = {k: jnp.asarray(v) for k, v in batch.items()}
    lo, hi = -5.0, 2.0

    def sample(p, x, e):
        out = mlp(p, x)
        mean, raw = out[:, :A], out[:, A:]
        log_std = lo + 0.5 * (hi - lo) * (jnp.tanh(raw) + 1)
        std = jnp.exp(log_std)
        u = mean + std * e
        a = jnp.tanh(u)
        # Normal log-density of u minus log|d tanh/du| = 2 (log 2 - u - softplus(-2u)) (the stable form).
        logp = -0.5 * ((u - mean) / std) ** 2 - log_std - 0.5 * jnp.log(2 * jnp.pi)
        logp = logp - 2 * (jnp.log(2.0) - u - jax.nn.softplus(-2 * u))
        return a, jnp.sum(logp, -1)

    def critic_loss(c):
        a2, logp2 = sample(actor, b["nextX"], eps2)
        v = jnp.min(q_all(t_critic, b["nextX"], a2), 0) - alpha * logp2
        y = jax.lax.stop_gradient(b["rewards"] + b["discount"] * v)
        q = q_all(c, b["x"], b["u"])
        return jnp.sum(jnp.mean((q - y) ** 2, -1))

    def actor_loss(p):
        a, logp = sample(p, b["x"], eps)
        return jnp.mean(alpha * logp - jnp.min(q_all(critic, b["x"], a), 0)), logp

    def alpha_loss(log_alpha, logp):
        return -jnp.mean(log_alpha * jax.lax.stop_gradient(logp + target_entropy))

    cl, gc = jax.value_and_grad(critic_loss)(critic)
    (al, logp), ga = jax.value_and_grad(actor_loss, has_aux=True)(actor)
    log_alpha = jnp.log(jnp.float32(alpha))
    ll, gl = jax.value_and_grad(alpha_loss)(log_alpha, logp)
    return {
        "alpha": alpha,
        "targetEntropy": target_entropy,
        "params": {"actor": actor, "critic": critic},
        "targetCritic": t_critic,
        "criticLoss": enc(cl),
        "criticGrad": enc(gc),
        "actorLoss": enc(al),
        "actorGrad": enc(ga),
        "logProb": enc(logp),
        "alphaLoss": enc(ll),
        "alphaGrad": enc(gl),
    }


def encode_tree(t):
    if isinstance(t, dict):
        return {k: encode_tree(v) for k, v in t.items()}
    if isinstance(t, list):
        return [encode_tree(v) for v in t]
    if isinstance(t, np.ndarray):
        return enc(t)
    return t


if __name__ == "__main__":
    cases = {
        "td3": td3_case(2, 0.4, 0.5),
        "ddpg": td3_case(1, 0.0, 0.5),
        "sac": sac_case(0.3, -2.0),
    }
    fixture = {"meta": meta("tools/fixtures_offpolicy.py"), "batch": encode_tree(batch), "eps": enc(eps), "eps2": enc(eps2), "cases": encode_tree(cases)}
    write_fixture("offpolicy.json", fixture)
