"""V-trace fixtures -> test/fixtures/vtrace.json.

rlax (DeepMind's reference) computes V-trace targets and IMPALA's policy-gradient advantages
for random rollouts [T, B] with random importance ratios, rewards, values, discounts, and
episode ends of both kinds. test/agents/vtrace.test.ts feeds the same arrays to
src/agents/common/vtrace.ts.

rlax works on one sequence with one discount per step, used both to bootstrap and to cut the
trace. xla-ts keeps gymnasium's two episode ends apart (a terminated step bootstraps nothing,
a truncated one bootstraps V of its real final observation; either ends the trace), so each
column is split into episode segments at its ends and rlax runs on every segment with
discount_t = gamma * (1 - terminated_t) and v_t = V(s'_t); within a segment both agree, and
nothing flows across a segment's end.

Modes: "acme" is rlax.vtrace_td_error_and_advantage's advantage; "official" (the IMPALA
paper's, rllib's) bootstraps q with v_{t+1} itself, computed here from rlax.vtrace's targets.
rlax fixes c-bar at 1; a c-bar below 1 is passed to rlax as the per-step lambda
lambda * min(c_bar, rho) / min(1, rho), which gives the same trace coefficients (for those
cases only the targets and the official advantage are compared).

Run: python tools/fixtures_vtrace.py   (rlax 0.1.9, jax 0.10.2, CPU, x64 off)
"""
from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import rlax

from fixture_common import enc, meta, write_fixture

assert not jax.config.jax_enable_x64


def segments(done):
    """[start, stop) index pairs of the episode segments of one column."""
    out, start = [], 0
    for t, d in enumerate(done):
        if d:
            out.append((start, t + 1))
            start = t + 1
    if start < len(done):
        out.append((start, len(done)))
    return out


def reference(c):
    T, B = c["rewards"].shape
    vs = np.zeros((T, B), np.float32)
    pg = {m: np.zeros((T, B), np.float32) for m in ("official", "acme")}
    clip_rho = np.inf if c["clipRho"] is None else c["clipRho"]
    clip_pg = np.inf if c["clipPgRho"] is None else c["clipPgRho"]
    clip_c = 1.0 if c["clipC"] is None else c["clipC"]
    assert clip_c <= 1.0
    done = np.logical_or(c["terminated"], c["truncated"])
    for b in range(B):
        for s, e in segments(done[:, b]):
            sl = slice(s, e)
            v_tm1 = jnp.asarray(c["values"][sl, b])
            v_t = jnp.asarray(c["nextValues"][sl, b])
            r_t = jnp.asarray(c["rewards"][sl, b])
            disc = jnp.asarray(c["gamma"] * (1.0 - c["terminated"][sl, b].astype(np.float32)))
            rho = jnp.asarray(c["rhos"][sl, b])
            lam = c["lambda"] * jnp.minimum(clip_c, rho) / jnp.minimum(1.0, rho)
            errors = rlax.vtrace(v_tm1, v_t, r_t, disc, rho, lam, clip_rho)
            target = np.asarray(errors + v_tm1)
            vs[sl, b] = target
            q_off = r_t + disc * jnp.concatenate([target[1:], v_t[-1:]])
            pg["official"][sl, b] = np.asarray(jnp.minimum(clip_pg, rho) * (q_off - v_tm1))
            if clip_c == 1.0:
                out = rlax.vtrace_td_error_and_advantage(v_tm1, v_t, r_t, disc, rho, c["lambda"], clip_rho, clip_pg)
                np.testing.assert_allclose(np.asarray(out.errors + v_tm1), target, rtol=1e-6, atol=1e-6)
                pg["acme"][sl, b] = np.asarray(out.pg_advantage)
    return vs, pg


def make_case(rng, T, B, gamma, lam, clip_rho, clip_c, clip_pg, p_end, spread):
    ends = rng.random((T, B)) < p_end
    kind = rng.random((T, B)) < 0.5
    c = {
        "values": rng.normal(0, 2, (T, B)).astype(np.float32),
        "nextValues": rng.normal(0, 2, (T, B)).astype(np.float32),
        "rewards": rng.normal(0.5, 1, (T, B)).astype(np.float32),
        "rhos": np.exp(rng.normal(0, spread, (T, B))).astype(np.float32),
        "terminated": ends & kind,
        "truncated": ends & ~kind,
        "gamma": gamma,
        "lambda": lam,
        "clipRho": clip_rho,
        "clipC": clip_c,
        "clipPgRho": clip_pg,
    }
    vs, pg = reference(c)
    out = {k: (enc(v) if isinstance(v, np.ndarray) else v) for k, v in c.items()}
    out["vs"] = enc(vs)
    out["pgOfficial"] = enc(pg["official"])
    if (clip_c if clip_c is not None else 1.0) == 1.0:
        out["pgAcme"] = enc(pg["acme"])
    return out


def main():
    rng = np.random.default_rng(14)
    cases = [
        make_case(rng, 12, 3, 0.99, 1.0, 1.0, 1.0, 1.0, 0.15, 0.5),
        make_case(rng, 16, 4, 0.9, 0.95, 1.0, 1.0, 1.0, 0.2, 0.8),
        make_case(rng, 10, 2, 0.97, 0.8, 2.0, 1.0, 1.5, 0.25, 1.0),
        make_case(rng, 20, 5, 0.99, 1.0, None, 1.0, None, 0.1, 0.6),
        make_case(rng, 8, 3, 0.95, 0.9, 1.0, 0.7, 1.0, 0.2, 0.7),
        make_case(rng, 1, 4, 0.99, 1.0, 1.0, 1.0, 1.0, 0.5, 0.5),
        make_case(rng, 9, 1, 0.99, 0.5, 0.8, 0.5, 0.6, 0.0, 0.9),
    ]
    write_fixture("vtrace.json", {"meta": meta("tools/fixtures_vtrace.py", rlax_version=rlax.__version__ if hasattr(rlax, "__version__") else "0.1.9"), "cases": cases})


if __name__ == "__main__":
    main()
