"""PPO fixtures -> test/fixtures/ppo.json.

For fixed small networks, observation batches and rollout quantities, JAX computes PPO's loss
terms (PureJaxRL's formulation: clipped surrogate, clipped value loss, entropy bonus) and the
gradient of the total loss with respect to every parameter; and GAE with termination and
truncation kept apart. test/agents/ppo_fixture.test.ts feeds the same params and batch to
xla-ts's PPOAgent.loss and gae().

Parameters use the agent's layout: {"net": {"actor": [{kernel, bias}, ...], "critic": [...]}}
or {"net": {"torso": [...], "policyHead": {...}, "valueHead": {...}}}, plus "logStd" for Box
actions. Hidden activations are tanh.

Run: python tools/fixtures_ppo.py   (jax 0.10.2, CPU, x64 off)
"""
from __future__ import annotations

import math

import jax
import jax.numpy as jnp
import numpy as np

from fixture_common import enc, meta, write_fixture

assert not jax.config.jax_enable_x64
LOG_2PI = math.log(2 * math.pi)


def mlp(layers, x, activate_last):
    for i, p in enumerate(layers):
        x = x @ p["kernel"] + p["bias"]
        if i < len(layers) - 1 or activate_last:
            x = jnp.tanh(x)
    return x


def forward(params, obs):
    net = params["net"]
    if "torso" in net:
        h = mlp(net["torso"], obs, True)
        out = h @ net["policyHead"]["kernel"] + net["policyHead"]["bias"]
        v = h @ net["valueHead"]["kernel"] + net["valueHead"]["bias"]
    else:
        out = mlp(net["actor"], obs, False)
        v = mlp(net["critic"], obs, False)
    return out, v[..., 0]


def tanh_ldj(u):
    return 2.0 * (math.log(2.0) - u - jax.nn.softplus(-2.0 * u))


def policy_terms(kind, params, obs, actions, key):
    """(log-probabilities, per-sample entropy, values) under `params`."""
    out, v = forward(params, obs)
    if kind == "discrete":
        logp_all = jax.nn.log_softmax(out, -1)
        logp = jnp.take_along_axis(logp_all, actions[:, None], -1)[:, 0]
        ent = -jnp.sum(jnp.exp(logp_all) * logp_all, -1)
        return logp, ent, v
    log_std = params["logStd"]
    scale = jnp.exp(log_std)
    z = (actions - out) / scale
    elem = -0.5 * z**2 - (jnp.log(scale) + 0.5 * LOG_2PI)
    base_ent = jnp.broadcast_to(jnp.log(scale) + 0.5 + 0.5 * LOG_2PI, out.shape)
    if kind == "gaussian":
        return elem.sum(-1), base_ent.sum(-1), v
    # tanh-squashed: actions are the pre-tanh samples u; entropy estimated from one sample.
    logp = (elem - tanh_ldj(actions)).sum(-1)
    eps = jax.random.normal(key, (1,) + out.shape, jnp.float32)
    u = out + scale * eps
    ent = (base_ent + jnp.mean(tanh_ldj(u), 0)).sum(-1)
    return logp, ent, v


def ppo_loss(kind, hyper, params, batch, key):
    logp, ent, v = policy_terms(kind, params, batch["obs"], batch["actions"], key)
    ex = batch["extras"]
    adv = ex["advantages"]
    if hyper["normalizeAdvantages"]:
        adv = (adv - adv.mean()) / (adv.std() + 1e-8)
    log_ratio = logp - ex["logProb"]
    ratio = jnp.exp(log_ratio)
    eps = hyper["clipEps"]
    policy_loss = -jnp.minimum(ratio * adv, jnp.clip(ratio, 1 - eps, 1 + eps) * adv).mean()
    vl = jnp.square(v - ex["targets"])
    if hyper["clipValue"]:
        ve = hyper["valueClipEps"]
        clipped = ex["value"] + jnp.clip(v - ex["value"], -ve, ve)
        vl = jnp.maximum(vl, jnp.square(clipped - ex["targets"]))
    value_loss = 0.5 * vl.mean()
    entropy = ent.mean()
    total = policy_loss + hyper["vfCoef"] * value_loss - hyper["entCoef"] * entropy
    approx_kl = ((ratio - 1) - log_ratio).mean()
    clip_frac = (jnp.abs(ratio - 1) > eps).astype(jnp.float32).mean()
    return total, dict(total=total, policyLoss=policy_loss, valueLoss=value_loss, entropy=entropy, approxKl=approx_kl, clipFrac=clip_frac)


def dense(key, n_in, n_out, scale):
    k1, k2 = jax.random.split(key)
    return {
        "kernel": jax.random.normal(k1, (n_in, n_out), jnp.float32) * scale / math.sqrt(n_in),
        "bias": jax.random.normal(k2, (n_out,), jnp.float32) * 0.1,
    }


def make_params(key, obs_dim, outputs, hidden, shared, continuous):
    ks = list(jax.random.split(key, 12))
    if shared:
        sizes = [obs_dim] + hidden
        net = {
            "torso": [dense(ks[i], sizes[i], sizes[i + 1], 1.0) for i in range(len(hidden))],
            "policyHead": dense(ks[6], hidden[-1], outputs, 0.5),
            "valueHead": dense(ks[7], hidden[-1], 1, 1.0),
        }
    else:
        sa = [obs_dim] + hidden + [outputs]
        sc = [obs_dim] + hidden + [1]
        net = {
            "actor": [dense(ks[i], sa[i], sa[i + 1], 1.0) for i in range(len(sa) - 1)],
            "critic": [dense(ks[6 + i], sc[i], sc[i + 1], 1.0) for i in range(len(sc) - 1)],
        }
    p = {"net": net}
    if continuous:
        p["logStd"] = jnp.array(np.linspace(-0.5, 0.3, outputs), jnp.float32)
    return p


def loss_case(name, kind, seed, shared, hyper, n=16, obs_dim=4, outputs=2, hidden=(8, 8)):
    key = jax.random.PRNGKey(seed)
    kp, ko, ka, kn, kv, kadv, kt, kl = jax.random.split(key, 8)
    params = make_params(kp, obs_dim, outputs, list(hidden), shared, kind != "discrete")
    obs = jax.random.normal(ko, (n, obs_dim), jnp.float32)
    if kind == "discrete":
        actions = jax.random.randint(ka, (n,), 0, outputs, jnp.int32)
    else:
        actions = jax.random.normal(ka, (n, outputs), jnp.float32) * 0.8
    logp, _, v = policy_terms(kind, params, obs, actions, kl)
    # The behaviour policy's log-probs and values differ from the current ones, so that some
    # ratios fall outside the clip range and some values are clipped.
    old_logp = logp + jax.random.normal(kn, (n,), jnp.float32) * 0.3
    old_v = v + jax.random.normal(kv, (n,), jnp.float32) * 0.4
    batch = {
        "obs": obs,
        "actions": actions,
        "extras": {
            "logProb": old_logp,
            "value": old_v,
            "advantages": jax.random.normal(kadv, (n,), jnp.float32) * 2.0 + 0.3,
            "targets": old_v + jax.random.normal(kt, (n,), jnp.float32),
        },
    }
    (_, terms), grads = jax.value_and_grad(lambda p: ppo_loss(kind, hyper, p, batch, kl), has_aux=True)(params)
    return {
        "name": name,
        "kind": kind,
        "sharedTorso": shared,
        "hyper": hyper,
        "params": enc(params),
        "batch": enc(batch),
        "key": enc(kl),
        "terms": enc(terms),
        "grads": enc(grads),
    }


def gae_ref(rewards, values, next_values, terminated, done, gamma, lam):
    deltas = rewards + gamma * (1.0 - terminated) * next_values - values
    factors = gamma * lam * (1.0 - done)

    def body(a_next, x):
        d, f = x
        a = d + f * a_next
        return a, a

    _, adv = jax.lax.scan(body, jnp.zeros_like(values[0]), (deltas, factors), reverse=True)
    return adv, adv + values


def gae_case(name, seed, gamma, lam, t=12, b=3):
    key = jax.random.PRNGKey(seed)
    kr, kv, knv, kt, ku = jax.random.split(key, 5)
    rewards = jax.random.normal(kr, (t, b), jnp.float32)
    values = jax.random.normal(kv, (t, b), jnp.float32)
    next_values = jax.random.normal(knv, (t, b), jnp.float32)
    terminated = jax.random.bernoulli(kt, 0.15, (t, b))
    truncated = jnp.logical_and(jax.random.bernoulli(ku, 0.15, (t, b)), ~terminated)
    done = terminated | truncated
    adv, targets = gae_ref(rewards, values, next_values, terminated.astype(jnp.float32), done.astype(jnp.float32), gamma, lam)
    return {
        "name": name,
        "gamma": gamma,
        "lambda": lam,
        "inputs": enc({"rewards": rewards, "values": values, "nextValues": next_values, "terminated": terminated, "truncated": truncated}),
        "advantages": enc(adv),
        "targets": enc(targets),
    }


def main():
    full = dict(clipEps=0.2, clipValue=True, valueClipEps=0.2, vfCoef=0.5, entCoef=0.01, normalizeAdvantages=True)
    loss_cases = [
        loss_case("discrete_separate", "discrete", 1, False, full),
        loss_case("discrete_shared_noclip", "discrete", 2, True, dict(full, clipValue=False, normalizeAdvantages=False, entCoef=0.05)),
        loss_case("gaussian_separate", "gaussian", 3, False, dict(full, clipEps=0.1, valueClipEps=0.5), obs_dim=3),
        loss_case("tanh_gaussian_separate", "tanh", 4, False, dict(full, entCoef=0.02), obs_dim=3, outputs=1),
    ]
    gae_cases = [
        gae_case("gae_0.99_0.95", 10, 0.99, 0.95),
        gae_case("gae_lambda1", 11, 0.9, 1.0),
        gae_case("gae_lambda0", 12, 0.97, 0.0),
    ]
    write_fixture("ppo.json", {"meta": meta("tools/fixtures_ppo.py"), "loss": loss_cases, "gae": gae_cases})


if __name__ == "__main__":
    main()
