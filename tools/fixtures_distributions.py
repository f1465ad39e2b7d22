#!/usr/bin/env python3
"""Reference values for xla-ts distributions (issue 5): distrax's log_prob / entropy / mode /
KL / samples and JAX gradients of log_prob with respect to the parameters.

Writes test/fixtures/distributions.json:

{
  "meta": {...},
  "cases": [
    {
      "id":         unique name,
      "dist":       "Categorical" | "Normal" | "TanhNormal" | "Bernoulli" | "Deterministic",
      "dtype":      "float32" | "float64",
      "params":     {name: array}  (logits | loc, scale),
      "eventNdims": trailing axes summed into one event (distrax.Independent / Block(Tanh, n)),
      "x":          points for log_prob (TanhNormal: squashed values y),
      "preTanh":    TanhNormal only: u with y = tanh(u) (x is computed from it),
      "logProb":    log_prob(x),
      "entropy":    entropy(); TanhNormal: the exact entropy by Gauss-Hermite quadrature
                    (distrax has no closed form), to check the sampled estimate against,
      "mode":       mode(),
      "kl":         {"other": params of q, "value": KL(p || q)} or absent,
      "gradLogProb": {param: d sum(log_prob(x)) / d param},
      "sample":     {"seed": s, "sampleShape": [n], "value": sample(PRNGKey(s), (n,)),
                     "logProb": log_prob(value)}  (float32 cases only)
    }, ...
  ]
}

distrax draws with the same jax.random calls xla-ts makes (categorical, normal, uniform < p),
so samples agree bit for bit for Categorical / Bernoulli and to float rounding for Normal.

Run: python tools/fixtures_distributions.py   (jax, distrax; see tools/requirements.txt)
"""
from __future__ import annotations

import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import distrax  # noqa: E402

from fixture_common import enc, meta, write_fixture  # noqa: E402


def make(kind: str, p: dict, event_ndims: int):
    if kind == "Categorical":
        return distrax.Categorical(logits=p["logits"])
    if kind == "Normal":
        d = distrax.Normal(p["loc"], p["scale"])
    elif kind == "TanhNormal":
        base = distrax.Normal(p["loc"], p["scale"])
        bij = distrax.Tanh() if event_ndims == 0 else distrax.Block(distrax.Tanh(), event_ndims)
        if event_ndims:
            base = distrax.Independent(base, event_ndims)
        return distrax.Transformed(base, bij)
    elif kind == "Bernoulli":
        d = distrax.Bernoulli(logits=p["logits"])
    elif kind == "Deterministic":
        d = distrax.Deterministic(loc=p["loc"])
    else:
        raise ValueError(kind)
    return distrax.Independent(d, event_ndims) if event_ndims else d


def tanh_entropy(loc, scale, event_ndims: int) -> np.ndarray:
    """H[tanh(u)] = H[u] + E[log(1 - tanh(u)^2)], the expectation by 200-point Gauss-Hermite."""
    t, w = np.polynomial.hermite_e.hermegauss(200)  # weight exp(-t^2/2)
    w = w / np.sqrt(2 * np.pi)
    loc = np.asarray(loc, np.float64)[..., None]
    scale = np.asarray(scale, np.float64)[..., None]
    u = loc + scale * t
    ldj = 2 * (np.log(2) - u - np.logaddexp(0, -2 * u))
    h = 0.5 + 0.5 * np.log(2 * np.pi) + np.log(scale[..., 0]) + (ldj * w).sum(-1)
    return h.sum(axis=tuple(range(-event_ndims, 0))) if event_ndims else h


CASES = []


def case(id, dist, params, x, event_ndims=0, other=None, seed=None, n=0, dtype="float32", pre_tanh=None):
    CASES.append(dict(id=id, dist=dist, params=params, x=x, event_ndims=event_ndims, other=other,
                      seed=seed, n=n, dtype=dtype, pre_tanh=pre_tanh))


rng = np.random.default_rng(5)
f = lambda *s: rng.normal(size=s).astype(np.float32)  # noqa: E731
pos = lambda *s: np.exp(0.5 * rng.normal(size=s)).astype(np.float32)  # noqa: E731

# Categorical
case("categorical_1d", "Categorical", {"logits": f(5)}, np.array([0, 3, 4, 7, -1], np.int32),
     other={"logits": f(5)}, seed=0, n=8)
case("categorical_batch", "Categorical", {"logits": 2 * f(3, 4)}, np.array([1, 0, 3], np.int32),
     other={"logits": f(3, 4)}, seed=1, n=6)
case("categorical_masked", "Categorical", {"logits": np.array([[0.5, -np.inf, 1.0, 0.0], [-np.inf, 2.0, -np.inf, 0.1]], np.float32)},
     np.array([2, 1], np.int32), other={"logits": f(2, 4)}, seed=2, n=5)
case("categorical_f64", "Categorical", {"logits": f(2, 3).astype(np.float64)}, np.array([2, 0], np.int32),
     other={"logits": f(2, 3).astype(np.float64)}, dtype="float64")
# Normal
case("normal_scalar", "Normal", {"loc": np.float32(0.3), "scale": np.float32(1.7)}, f(4),
     other={"loc": np.float32(-0.5), "scale": np.float32(0.6)}, seed=3, n=7)
case("normal_elementwise", "Normal", {"loc": f(2, 3), "scale": pos(2, 3)}, f(2, 3),
     other={"loc": f(2, 3), "scale": pos(2, 3)}, seed=4, n=3)
case("normal_diag", "Normal", {"loc": f(3, 4), "scale": pos(3, 4)}, f(3, 4), event_ndims=1,
     other={"loc": f(3, 4), "scale": pos(3, 4)}, seed=5, n=2)
case("normal_diag_bcast_scale", "Normal", {"loc": f(2, 3), "scale": pos(3)}, f(2, 3), event_ndims=1,
     other={"loc": f(3), "scale": pos(2, 3)}, seed=6, n=2)
case("normal_f64", "Normal", {"loc": f(3).astype(np.float64), "scale": pos(3).astype(np.float64)},
     f(3).astype(np.float64), event_ndims=1, other={"loc": f(3).astype(np.float64), "scale": pos(3).astype(np.float64)},
     dtype="float64")
# TanhNormal
u = f(3)
case("tanh_normal_elementwise", "TanhNormal", {"loc": f(3), "scale": pos(3)}, None, pre_tanh=u,
     other={"loc": f(3), "scale": pos(3)}, seed=7, n=4)
u = 1.5 * f(2, 3)
case("tanh_normal_diag", "TanhNormal", {"loc": f(2, 3), "scale": pos(2, 3)}, None, event_ndims=1, pre_tanh=u,
     other={"loc": f(2, 3), "scale": pos(2, 3)}, seed=8, n=3)
case("tanh_normal_wide", "TanhNormal", {"loc": np.array([2.0, -1.0], np.float32), "scale": np.array([1.5, 0.2], np.float32)},
     None, event_ndims=1, pre_tanh=np.array([[1.2, -0.9], [0.1, -1.1]], np.float32), seed=9, n=3)
# Bernoulli
case("bernoulli", "Bernoulli", {"logits": 2 * f(6)}, np.array([1, 0, 0, 1, 1, 0], np.int32),
     other={"logits": f(6)}, seed=10, n=5)
case("bernoulli_event", "Bernoulli", {"logits": f(2, 3)}, np.array([[1, 0, 1], [0, 0, 1]], np.int32), event_ndims=1,
     other={"logits": f(2, 3)}, seed=11, n=2)
# Deterministic
case("deterministic", "Deterministic", {"loc": np.array([0.5, -1.0, 2.0], np.float32)}, np.array([0.5, -1.0, 2.5], np.float32),
     other={"loc": np.array([0.5, 0.0, 2.0], np.float32)})
case("deterministic_event", "Deterministic", {"loc": np.array([[0.5, -1.0], [2.0, 3.0]], np.float32)},
     np.array([[0.5, -1.0], [2.0, 3.5]], np.float32), event_ndims=1,
     other={"loc": np.array([[0.5, -1.0], [2.0, 3.0]], np.float32)})


def run(c) -> dict:
    dt = jnp.float64 if c["dtype"] == "float64" else jnp.float32
    P = {k: jnp.asarray(v, dt) for k, v in c["params"].items()}
    e = c["event_ndims"]
    kind = c["dist"]
    d = make(kind, P, e)
    if kind == "TanhNormal":
        u = jnp.asarray(c["pre_tanh"], dt)
        x = jnp.tanh(u)
        lp = d.log_prob(x)
        # distrax inverts tanh with arctanh; also check against the log-det form from u directly.
        base = make("Normal", P, e)
        ldj = distrax.Tanh().forward_log_det_jacobian(u)
        lp_u = base.log_prob(u) - (ldj.sum(axis=tuple(range(-e, 0))) if e else ldj)
        assert np.allclose(lp, lp_u, rtol=1e-4, atol=1e-4), (lp, lp_u)
        lp = lp_u
        ent = tanh_entropy(P["loc"], P["scale"], e)
        mode = jnp.tanh(jnp.broadcast_to(P["loc"], jnp.broadcast_shapes(P["loc"].shape, P["scale"].shape)))
        g = jax.grad(lambda p: (make("Normal", p, e).log_prob(u) - (ldj.sum(axis=tuple(range(-e, 0))) if e else ldj)).sum())(P)
    else:
        x = jnp.asarray(c["x"])
        if kind in ("Normal", "Deterministic"):
            x = x.astype(dt)
        lp = d.log_prob(x)
        ent = d.entropy()
        mode = d.mode()
        g = jax.grad(lambda p: make(kind, p, e).log_prob(x).sum())(P) if kind != "Deterministic" else None
    out = {"id": c["id"], "dist": kind, "dtype": c["dtype"], "params": enc(P), "eventNdims": e,
           "x": enc(x), "logProb": enc(lp), "entropy": enc(np.asarray(ent, dt)), "mode": enc(mode)}
    if kind == "TanhNormal":
        out["preTanh"] = enc(u)
    if g is not None:
        out["gradLogProb"] = enc(g)
    if c["other"] is not None:
        Q = {k: jnp.asarray(v, dt) for k, v in c["other"].items()}
        if kind == "TanhNormal":  # KL is invariant under the tanh bijection
            kl = make("Normal", P, e).kl_divergence(make("Normal", Q, e))
        else:
            kl = d.kl_divergence(make(kind, Q, e))
        out["kl"] = {"other": enc(Q), "value": enc(kl)}
    if c["seed"] is not None and c["dtype"] == "float32":
        key = jax.random.PRNGKey(c["seed"])
        s = d.sample(seed=key, sample_shape=(c["n"],))
        out["sample"] = {"seed": c["seed"], "sampleShape": [c["n"]], "value": enc(s), "logProb": enc(d.log_prob(s))}
    return out


def main() -> None:
    cases = []
    for c in CASES:
        if c["dtype"] == "float64":
            with jax.enable_x64(True):
                cases.append(run(c))
        else:
            cases.append(run(c))
    write_fixture("distributions.json", {"meta": meta("tools/fixtures_distributions.py", distrax_version=distrax.__version__), "cases": cases})


if __name__ == "__main__":
    main()
