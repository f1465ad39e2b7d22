#!/usr/bin/env python3
"""Reference programs for xla-ts control flow (lax.scan / while_loop / fori_loop /
cond / switch), jax_enable_x64 OFF.

Writes test/fixtures/control.json:

{
  "meta": {...},
  "programs": [
    {
      "name":        "discounted_return",
      "description": what it computes, in words,
      "source":      the exact Python source of the program (port it line by line),
      "runs": [ {"inputs": {name: array | python scalar}, "outputs": {name: array | list}} ]
    }, ...
  ]
}

Arrays use the shared encoding (tools/fixture_common.py); python scalars are
{"scalar": v, "pytype": ...}. Every program is run under jax.jit. Outputs of a pytree
are flattened into named entries (see each program's source for the names).
Float programs may differ from a non-XLA reference by an ulp or two: XLA:CPU fuses
a*b+c into FMA; compare floats with rtol ~1e-6.

Run: python tools/fixtures_control.py
"""
from __future__ import annotations

import inspect
import os
import sys
import textwrap

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
from jax import lax  # noqa: E402

from fixture_common import enc, meta, write_fixture  # noqa: E402

SCRIPT = "tools/fixtures_control.py"
rs = np.random.RandomState(0)


# ------------------------------------------------------------------ programs
def discounted_return(rewards, dones, gamma, bootstrap):
    # rewards, dones: f32[T] (or f32[T, B]); dones are 0.0 / 1.0; bootstrap: value of G_T
    def step(g_next, xs):
        r, d = xs
        g = r + gamma * (1.0 - d) * g_next
        return g, g

    g0, returns = lax.scan(step, bootstrap, (rewards, dones), reverse=True)
    return {"returns": returns, "g0": g0}


def cumsum_scan(init, xs):
    def step(c, x):
        return c + x, c * x  # new carry uses x; y uses the OLD carry

    final, ys = lax.scan(step, init, xs)
    return {"final": final, "ys": ys}


def while_sum(n):
    # n: int32 scalar
    def cond(state):
        i, s = state
        return i < n

    def body(state):
        i, s = state
        return i + 1, s + i * i

    i, s = lax.while_loop(cond, body, (jnp.int32(0), jnp.int32(0)))
    return {"i": i, "s": s}


def fori_loop_prog(x0):
    # x0: f32 scalar; i is int32, x * 1.1 + i promotes to float32
    out = lax.fori_loop(0, 10, lambda i, x: x * 1.1 + i, x0)
    return {"x": out}


def cond_piecewise(x):
    # x: f32 scalar
    y = lax.cond(x > 0, lambda x: x ** 2, lambda x: -x * 3, x)
    return {"y": y}


def switch_prog(i, x):
    # i: int32 scalar (out of range indices are clamped to [0, 2]); x: f32 scalar
    branches = [lambda x: x + 1.0, lambda x: x * 2.0, lambda x: -x]
    return {"y": lax.switch(i, branches, x)}


def scan_multiple(carry, xs):
    # carry = {"a": f32[2], "b": i32[]}; xs: f32[T, 2]
    def step(c, x):
        a = c["a"] * 0.5 + x
        b = c["b"] + 1
        return {"a": a, "b": b}, (jnp.sum(a), a * b)

    final, (ys_sum, ys_scaled) = lax.scan(step, carry, xs)
    return {"final_a": final["a"], "final_b": final["b"], "ys_sum": ys_sum, "ys_scaled": ys_scaled}


def scan_no_xs(x0):
    # lax.scan with xs=None and an explicit length; ys are the carries before each step
    def step(c, _):
        return c * 2.0 + 1.0, c

    final, ys = lax.scan(step, x0, None, length=5)
    return {"final": final, "ys": ys}


def while_newton_sqrt(a):
    # Newton iteration for sqrt(a) until |x*x - a| < 1e-6 * a or 50 iterations
    def cond(state):
        k, x = state
        return jnp.logical_and(k < 50, jnp.abs(x * x - a) >= 1e-6 * a)

    def body(state):
        k, x = state
        return k + 1, 0.5 * (x + a / x)

    k, x = lax.while_loop(cond, body, (jnp.int32(0), a))
    return {"iterations": k, "x": x}


def vmap_cond(xs):
    # cond under vmap (becomes a select): f32[N] -> f32[N]
    return {"y": jax.vmap(lambda x: lax.cond(x > 0, lambda x: x ** 2, lambda x: -x * 3, x))(xs)}


def grad_discounted_return(rewards, dones, gamma):
    # gradient of sum(returns) w.r.t. rewards, through a reverse scan
    def loss(r):
        return jnp.sum(discounted_return(r, dones, gamma, jnp.float32(0.0))["returns"])

    value, g = jax.value_and_grad(loss)(rewards)
    return {"value": value, "grad_rewards": g}


def scan_cond_nested(xs):
    # a scan whose body branches with lax.cond: running sum that resets on negatives
    def step(c, x):
        c = lax.cond(x < 0, lambda c: jnp.zeros_like(c), lambda c: c + x, c)
        return c, c

    final, ys = lax.scan(step, jnp.float32(0.0), xs)
    return {"final": final, "ys": ys}


# ------------------------------------------------------------------ recording
def source(f) -> str:
    return textwrap.dedent(inspect.getsource(f)).strip()


def run(f, static=(), **inputs):
    out = jax.jit(f, static_argnames=static)(**inputs)
    return {"inputs": {k: enc(v) for k, v in inputs.items()},
            "outputs": {k: enc(v) for k, v in out.items()}}


def main():
    assert not jax.config.jax_enable_x64, "run with jax_enable_x64 off"
    progs = []

    T = 12
    rewards = (rs.randint(-8, 17, size=T) / 8).astype(np.float32)
    dones = np.zeros(T, np.float32)
    dones[[3, 8]] = 1.0
    rewards_b = (rs.randint(-8, 17, size=(T, 3)) / 8).astype(np.float32)
    dones_b = (rs.uniform(size=(T, 3)) < 0.2).astype(np.float32)
    progs.append({
        "name": "discounted_return",
        "description": "G_t = r_t + gamma * (1 - done_t) * G_{t+1}, G_T = bootstrap, "
                       "via lax.scan(reverse=True); returns all G_t and G_0",
        "source": source(discounted_return),
        "runs": [
            run(discounted_return, rewards=rewards, dones=dones, gamma=np.float32(0.99),
                bootstrap=np.float32(0.0)),
            run(discounted_return, rewards=rewards, dones=dones, gamma=np.float32(0.99),
                bootstrap=np.float32(1.5)),
            run(discounted_return, rewards=rewards_b, dones=dones_b, gamma=np.float32(0.9),
                bootstrap=np.zeros(3, np.float32)),
        ],
    })
    xs8 = (rs.randint(-16, 17, size=8) / 8).astype(np.float32)
    progs.append({
        "name": "cumsum_scan",
        "description": "scan with carry c over xs: (c, x) -> (c + x, c * x); returns final carry and ys",
        "source": source(cumsum_scan),
        "runs": [run(cumsum_scan, init=np.float32(0.0), xs=xs8),
                 run(cumsum_scan, init=np.float32(1.0), xs=xs8)],
    })
    progs.append({
        "name": "while_sum",
        "description": "i = 0, s = 0; while i < n: s += i * i; i += 1 (int32)",
        "source": source(while_sum),
        "runs": [run(while_sum, n=np.int32(n)) for n in (0, 1, 10, 100)],
    })
    progs.append({
        "name": "fori_loop",
        "description": "lax.fori_loop(0, 10, lambda i, x: x * 1.1 + i, x0)",
        "source": source(fori_loop_prog),
        "runs": [run(fori_loop_prog, x0=np.float32(1.0)), run(fori_loop_prog, x0=np.float32(-3.0))],
    })
    progs.append({
        "name": "cond_piecewise",
        "description": "lax.cond(x > 0, lambda x: x ** 2, lambda x: -x * 3, x)",
        "source": source(cond_piecewise),
        "runs": [run(cond_piecewise, x=np.float32(v)) for v in (-2.0, -0.5, 0.0, 0.5, 3.0)],
    })
    progs.append({
        "name": "switch",
        "description": "lax.switch(i, [x + 1, x * 2, -x], x); i is clamped into [0, 2]",
        "source": source(switch_prog),
        "runs": [run(switch_prog, i=np.int32(i), x=np.float32(5.0)) for i in (-1, 0, 1, 2, 3)],
    })
    progs.append({
        "name": "scan_multiple",
        "description": "scan with a dict carry {a: f32[2], b: i32} and two ys outputs",
        "source": source(scan_multiple),
        "runs": [run(scan_multiple,
                     carry={"a": np.array([1.0, -2.0], np.float32), "b": np.int32(0)},
                     xs=(rs.randint(-16, 17, size=(5, 2)) / 8).astype(np.float32))],
    })
    progs.append({
        "name": "scan_no_xs",
        "description": "lax.scan(step, x0, None, length=5) with step c -> (2c + 1, c)",
        "source": source(scan_no_xs),
        "runs": [run(scan_no_xs, x0=np.float32(0.5))],
    })
    progs.append({
        "name": "while_newton_sqrt",
        "description": "while_loop with a float convergence test and an iteration counter",
        "source": source(while_newton_sqrt),
        "runs": [run(while_newton_sqrt, a=np.float32(v)) for v in (2.0, 9.0, 1e-4)],
    })
    progs.append({
        "name": "vmap_cond",
        "description": "jax.vmap of cond_piecewise over a vector",
        "source": source(vmap_cond),
        "runs": [run(vmap_cond, xs=np.array([-2.0, -0.5, 0.0, 0.5, 3.0], np.float32))],
    })
    progs.append({
        "name": "grad_discounted_return",
        "description": "value_and_grad of sum(discounted_return(r, dones, gamma, 0).returns) w.r.t. r",
        "source": source(grad_discounted_return),
        "runs": [run(grad_discounted_return, rewards=rewards, dones=dones, gamma=np.float32(0.99))],
    })
    progs.append({
        "name": "scan_cond_nested",
        "description": "scan whose body uses lax.cond: running sum reset to 0 at negative inputs",
        "source": source(scan_cond_nested),
        "runs": [run(scan_cond_nested, xs=np.array([1.0, 2.0, -1.0, 3.0, 0.5, -2.0, 4.0], np.float32))],
    })

    obj = {
        "meta": meta(SCRIPT, notes="each program is run under jax.jit; inputs and outputs recorded exactly"),
        "programs": progs,
    }
    write_fixture("control.json", obj)


if __name__ == "__main__":
    main()
