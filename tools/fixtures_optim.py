#!/usr/bin/env python3
"""Reference trajectories for xla-ts `optim` (optax).

Writes test/fixtures/optim.json:

{
  "meta": {...versions (optax included)...},
  "trajectories": [ {
      "id": "adam/lr1e-2",
      "call": "optax.adam(learning_rate=0.01)",       # the exact optax expression
      "params0": tree,                                # {"b": f32[4], "w": f32[3, 4]}
      "grads": [tree, ...],                           # T gradient trees, fixed (not a function of params)
      "params": [tree, ...],                          # params after each step: p_{t+1} = apply_updates(p_t, update(g_t))
      "updates": [tree, ...],                         # the updates of each step
      "hyperparams"?: [{name: scalar array}, ...]     # inject_hyperparams cases: state.hyperparams after each step
  } ],
  "schedules": [ {"id", "call", "counts": int32[N], "values": f32[N]} ],
  "global_norm_clip": [ {"id", "max_norm", "updates": tree, "out": tree, "norm": f32[]} ]
}

Every step runs under jax.jit (update and apply_updates), float32, default flags.
Trees are dicts of arrays in the common array encoding (fixture_common.py).

Run: python tools/fixtures_optim.py   (needs optax, pinned in tools/requirements.txt)
"""
from __future__ import annotations

import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import optax  # noqa: E402

from fixture_common import enc, meta, write_fixture  # noqa: E402

SCRIPT = "tools/fixtures_optim.py"
T = 12


def make_data(seed: int = 0):
    rng = np.random.default_rng(seed)
    params = {
        "w": rng.standard_normal((3, 4)).astype(np.float32),
        "b": rng.standard_normal((4,)).astype(np.float32),
    }
    grads = []
    for t in range(T):
        s = 3.0 if t % 4 == 1 else 1.0  # some large steps, so clipping triggers
        grads.append({k: (s * rng.standard_normal(v.shape)).astype(np.float32) for k, v in params.items()})
    return params, grads


def run(opt, params0, grads, hyper=False):
    p = jax.tree.map(jnp.asarray, params0)
    state = opt.init(p)

    @jax.jit
    def step(p, state, g):
        u, state = opt.update(g, state, p)
        return optax.apply_updates(p, u), state, u

    ps, us, hs = [], [], []
    for g in grads:
        p, state, u = step(p, state, jax.tree.map(jnp.asarray, g))
        ps.append(enc(p))
        us.append(enc(u))
        if hyper:
            hs.append(enc(dict(state.hyperparams)))
    return ps, us, hs


def trajectories():
    params0, grads = make_data()
    sched = optax.warmup_cosine_decay_schedule(init_value=0.0, peak_value=0.05, warmup_steps=3, decay_steps=10, end_value=0.001)
    cases = [
        ("sgd/plain", "optax.sgd(0.1)", optax.sgd(0.1)),
        ("sgd/momentum", "optax.sgd(0.1, momentum=0.9)", optax.sgd(0.1, momentum=0.9)),
        ("sgd/nesterov", "optax.sgd(0.1, momentum=0.9, nesterov=True)", optax.sgd(0.1, momentum=0.9, nesterov=True)),
        ("adam/default", "optax.adam(0.01)", optax.adam(0.01)),
        ("adam/b1_b2_eps", "optax.adam(0.003, b1=0.8, b2=0.99, eps=1e-5, eps_root=1e-8)", optax.adam(0.003, b1=0.8, b2=0.99, eps=1e-5, eps_root=1e-8)),
        ("adam/nesterov", "optax.adam(0.01, nesterov=True)", optax.adam(0.01, nesterov=True)),
        ("adam/schedule", "optax.adam(warmup_cosine_decay_schedule(0.0, 0.05, 3, 10, 0.001))", optax.adam(sched)),
        ("adamw/default", "optax.adamw(0.01)", optax.adamw(0.01)),
        ("adamw/wd0.1", "optax.adamw(0.01, weight_decay=0.1)", optax.adamw(0.01, weight_decay=0.1)),
        ("adamw/mask", "optax.adamw(0.01, weight_decay=0.5, mask={'b': False, 'w': True})", optax.adamw(0.01, weight_decay=0.5, mask={"b": False, "w": True})),
        ("rmsprop/default", "optax.rmsprop(0.01)", optax.rmsprop(0.01)),
        ("rmsprop/centered", "optax.rmsprop(0.01, centered=True)", optax.rmsprop(0.01, centered=True)),
        ("rmsprop/momentum_nesterov", "optax.rmsprop(0.01, decay=0.95, momentum=0.9, nesterov=True)", optax.rmsprop(0.01, decay=0.95, momentum=0.9, nesterov=True)),
        (
            "rmsprop/eps_outside_bias_corr",
            "optax.rmsprop(0.01, eps=1e-3, initial_scale=0.1, eps_in_sqrt=False, bias_correction=True)",
            optax.rmsprop(0.01, eps=1e-3, initial_scale=0.1, eps_in_sqrt=False, bias_correction=True),
        ),
        # (centered + bias_correction is degenerate at step 1: the variance of one sample is 0,
        # so the update is rounding noise over eps; this case keeps the variance well away from 0)
        (
            "rmsprop/centered_eps_outside",
            "optax.rmsprop(0.01, decay=0.8, eps=1e-4, initial_scale=0.5, centered=True, eps_in_sqrt=False)",
            optax.rmsprop(0.01, decay=0.8, eps=1e-4, initial_scale=0.5, centered=True, eps_in_sqrt=False),
        ),
        ("chain/clip_global_norm_adam", "optax.chain(optax.clip_by_global_norm(1.0), optax.adam(0.01))", optax.chain(optax.clip_by_global_norm(1.0), optax.adam(0.01))),
        ("chain/clip_sgd", "optax.chain(optax.clip(0.5), optax.sgd(0.1))", optax.chain(optax.clip(0.5), optax.sgd(0.1))),
    ]
    out = []
    for cid, call, opt in cases:
        ps, us, _ = run(opt, params0, grads)
        out.append({"id": cid, "call": call, "params0": enc(params0), "grads": enc(grads), "params": ps, "updates": us})
    # inject_hyperparams: the learning rate is a schedule, b1 a constant moved into the state.
    lin = optax.linear_schedule(init_value=0.02, end_value=0.002, transition_steps=8, transition_begin=2)
    opt = optax.inject_hyperparams(optax.adam)(learning_rate=lin, b1=0.85)
    ps, us, hs = run(opt, params0, grads, hyper=True)
    out.append({
        "id": "inject/adam_linear",
        "call": "optax.inject_hyperparams(optax.adam)(learning_rate=optax.linear_schedule(0.02, 0.002, 8, 2), b1=0.85)",
        "params0": enc(params0), "grads": enc(grads), "params": ps, "updates": us, "hyperparams": hs,
    })
    opt = optax.inject_hyperparams(optax.sgd)(learning_rate=0.05, momentum=0.9)
    ps, us, hs = run(opt, params0, grads, hyper=True)
    out.append({
        "id": "inject/sgd_const",
        "call": "optax.inject_hyperparams(optax.sgd)(learning_rate=0.05, momentum=0.9)",
        "params0": enc(params0), "grads": enc(grads), "params": ps, "updates": us, "hyperparams": hs,
    })
    return out


def schedules():
    counts = np.array([0, 1, 2, 3, 5, 7, 10, 15, 20, 33, 50, 99, 100, 101, 150, 1000], dtype=np.int32)
    cases = [
        ("constant", "optax.constant_schedule(0.3)", optax.constant_schedule(0.3)),
        ("linear", "optax.linear_schedule(1.0, 0.1, 100)", optax.linear_schedule(1.0, 0.1, 100)),
        ("linear/begin", "optax.linear_schedule(0.5, 1.5, 50, transition_begin=10)", optax.linear_schedule(0.5, 1.5, 50, transition_begin=10)),
        ("polynomial", "optax.polynomial_schedule(1.0, 0.01, power=2, transition_steps=100, transition_begin=5)", optax.polynomial_schedule(1.0, 0.01, power=2, transition_steps=100, transition_begin=5)),
        ("piecewise", "optax.piecewise_constant_schedule(0.1, {10: 0.5, 50: 0.1, 100: 2.0})", optax.piecewise_constant_schedule(0.1, {10: 0.5, 50: 0.1, 100: 2.0})),
        ("exponential", "optax.exponential_decay(1.0, transition_steps=10, decay_rate=0.9)", optax.exponential_decay(1.0, 10, 0.9)),
        ("exponential/staircase", "optax.exponential_decay(2.0, 20, 0.5, transition_begin=5, staircase=True, end_value=0.1)", optax.exponential_decay(2.0, 20, 0.5, transition_begin=5, staircase=True, end_value=0.1)),
        ("exponential/growth", "optax.exponential_decay(0.1, 10, 1.5, end_value=1.0)", optax.exponential_decay(0.1, 10, 1.5, end_value=1.0)),
        ("cosine", "optax.cosine_decay_schedule(1.0, decay_steps=100)", optax.cosine_decay_schedule(1.0, 100)),
        ("cosine/alpha_exp", "optax.cosine_decay_schedule(0.5, 100, alpha=0.1, exponent=2.0)", optax.cosine_decay_schedule(0.5, 100, alpha=0.1, exponent=2.0)),
        ("warmup_cosine", "optax.warmup_cosine_decay_schedule(0.0, 1.0, warmup_steps=10, decay_steps=100, end_value=0.05)", optax.warmup_cosine_decay_schedule(0.0, 1.0, 10, 100, end_value=0.05)),
        ("warmup_exponential", "optax.warmup_exponential_decay_schedule(0.0, 1.0, 10, 20, 0.5, transition_begin=5)", optax.warmup_exponential_decay_schedule(0.0, 1.0, 10, 20, 0.5, transition_begin=5)),
        ("join", "optax.join_schedules([constant_schedule(1.0), linear_schedule(1.0, 0.0, 50)], [20])", optax.join_schedules([optax.constant_schedule(1.0), optax.linear_schedule(1.0, 0.0, 50)], [20])),
    ]
    out = []
    for cid, call, fn in cases:
        vals = jax.jit(jax.vmap(lambda c: jnp.asarray(fn(c), jnp.float32)))(jnp.asarray(counts))
        out.append({"id": cid, "call": call, "counts": enc(counts), "values": enc(vals)})
    return out


def global_norm_clip():
    rng = np.random.default_rng(1)
    out = []
    for i, max_norm in enumerate([0.5, 1.0, 5.0, 100.0]):
        u = {"a": rng.standard_normal((5, 2)).astype(np.float32), "b": {"c": rng.standard_normal((3,)).astype(np.float32)}}
        res, _ = jax.jit(optax.clip_by_global_norm(max_norm).update)(u, optax.EmptyState())
        out.append({"id": f"clip_by_global_norm/{i}", "max_norm": max_norm, "updates": enc(u), "out": enc(res), "norm": enc(optax.tree.norm(u))})
    return out


def main():
    assert not jax.config.jax_enable_x64
    obj = {
        "meta": meta(SCRIPT, optax_version=optax.__version__, notes="trajectories under jax.jit; grads are fixed, not functions of params"),
        "trajectories": trajectories(),
        "schedules": schedules(),
        "global_norm_clip": global_norm_clip(),
    }
    write_fixture("optim.json", obj)


if __name__ == "__main__":
    main()
