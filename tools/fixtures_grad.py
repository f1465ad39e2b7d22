#!/usr/bin/env python3
"""Reference gradients for xla-ts autodiff and vmap (issue 4): JAX's grad / value_and_grad /
jvp / hessian / jacfwd / jacrev / vmap of composite functions at fixed inputs.

Writes test/fixtures/grad.json:

{
  "meta": {...},
  "programs": [
    {
      "name":        "mlp_softmax_xent",
      "description": what it computes, in words,
      "source":      the exact Python source: the function(s), then `run`, the transformation
                     applied (port both line by line),
      "runs": [ {"dtype": "float32" | "float64", "inputs": {name: array | tree of arrays},
                 "outputs": {name: array | tree of arrays}} ]
    }, ...
  ]
}

Arrays use the shared encoding (tools/fixture_common.py). "float64" runs are made inside
`jax.enable_x64(True)` from the same values as the float32 run, cast to float64 (integer inputs
stay int32). Every run calls `run` under jax.jit. Float32 results are XLA:CPU's (fused
multiply-adds, XLA's own transcendental approximations): compare with rtol ~1e-5; float64 with
rtol ~1e-10.

Run: python tools/fixtures_grad.py
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

SCRIPT = "tools/fixtures_grad.py"
rs = np.random.RandomState(4)


# ------------------------------------------------------------------ programs
# Each program is one or more plain functions and a `run_*` that applies the transformations;
# jnp calls are chosen to have one-to-one counterparts in xla-ts's numpy.

def mlp_loss(params, x, labels):
    # 2-layer MLP, softmax cross-entropy averaged over the batch; labels: int32[B]
    h = jnp.maximum(jnp.matmul(x, params["w1"]) + params["b1"], 0.0)
    logits = jnp.matmul(h, params["w2"]) + params["b2"]
    m = jnp.max(logits, axis=1, keepdims=True)
    logp = logits - m - jnp.log(jnp.sum(jnp.exp(logits - m), axis=1, keepdims=True))
    onehot = (jnp.expand_dims(labels, 1) == jnp.arange(logits.shape[1])).astype(logits.dtype)
    return -jnp.mean(jnp.sum(onehot * logp, axis=1))


def run_mlp(params, x, labels):
    loss, grads = jax.value_and_grad(mlp_loss)(params, x, labels)
    return {"loss": loss, "grads": grads}


def logsumexp(x):
    # stable log-sum-exp over the last axis; the shift is a constant for differentiation
    m = lax.stop_gradient(jnp.max(x, axis=-1, keepdims=True))
    return jnp.log(jnp.sum(jnp.exp(x - m), axis=-1)) + jnp.squeeze(m, -1)


def lse_loss(x, w):
    return jnp.sum(logsumexp(x) * w)


def run_lse(x, w):
    value, g = jax.value_and_grad(lse_loss)(x, w)
    return {"lse": logsumexp(x), "lse_jax": jax.nn.logsumexp(x, axis=-1), "value": value, "grad_x": g}


def discounted_return(rewards, dones, gamma, bootstrap):
    # G_t = r_t + gamma * (1 - done_t) * G_{t+1}, G_T = bootstrap, by a reverse scan
    def step(g_next, xs):
        r, d = xs
        g = r + gamma * (1.0 - d) * g_next
        return g, g

    _, returns = lax.scan(step, bootstrap, (rewards, dones), reverse=True)
    return returns


def return_loss(rewards, dones, gamma, bootstrap):
    return 0.5 * jnp.sum(discounted_return(rewards, dones, gamma, bootstrap) ** 2)


def run_return(rewards, dones, gamma, bootstrap):
    value, (g_rewards, g_gamma, g_bootstrap) = jax.value_and_grad(return_loss, argnums=(0, 2, 3))(
        rewards, dones, gamma, bootstrap)
    return {"returns": discounted_return(rewards, dones, gamma, bootstrap), "value": value,
            "grad_rewards": g_rewards, "grad_gamma": g_gamma, "grad_bootstrap": g_bootstrap}


def run_return_vmap(rewards, dones, gamma, bootstrap):
    # rewards, dones: [T, B] batched along axis 1; gamma shared; bootstrap: [B]
    g_rewards, g_gamma = jax.vmap(jax.grad(return_loss, argnums=(0, 2)), in_axes=(1, 1, None, 0),
                                  out_axes=(1, 0))(rewards, dones, gamma, bootstrap)
    return {"grad_rewards": g_rewards, "grad_gamma": g_gamma}


def piecewise(x):
    return lax.cond(x > 0, lambda x: x ** 3, lambda x: jnp.sin(x), x)


def run_piecewise(xs):
    return {"y": jax.vmap(piecewise)(xs), "dy": jax.vmap(jax.grad(piecewise))(xs),
            "d2y": jax.vmap(jax.grad(jax.grad(piecewise)))(xs)}


def hess_fn(x):
    return jnp.sum(jnp.sin(x) * x ** 2) + jnp.dot(x, x) ** 2


def run_hessian(x, v):
    return {"value": hess_fn(x), "grad": jax.grad(hess_fn)(x), "hessian": jax.hessian(hess_fn)(x),
            "hvp": jax.jvp(jax.grad(hess_fn), (x,), (v,))[1]}


def jac_fn(w, x):
    return jnp.tanh(jnp.matmul(w, x))


def run_jacobian(w, x):
    return {"y": jac_fn(w, x), "jacfwd_x": jax.jacfwd(jac_fn, argnums=1)(w, x),
            "jacrev_x": jax.jacrev(jac_fn, argnums=1)(w, x), "jacrev_w": jax.jacrev(jac_fn, argnums=0)(w, x)}


def jvp_fn(x, y):
    return {"a": jnp.sin(x) * y, "b": jnp.sum(jnp.exp(x / 4.0) * y)}


def run_jvp(x, y, tx, ty):
    out, tout = jax.jvp(jvp_fn, (x, y), (tx, ty))
    return {"out": out, "tangent": tout}


def newton_sqrt(a):
    # 8 Newton steps for sqrt(a) in a while loop (forward-mode only: JAX cannot reverse a while)
    def body(c):
        i, x = c
        return i + 1, 0.5 * (x + a / x)

    _, x = lax.while_loop(lambda c: c[0] < 8, body, (0, a))
    return x


def run_newton(a, ta):
    out, tout = jax.jvp(newton_sqrt, (a,), (ta,))
    return {"out": out, "tangent": tout}


def per_example_loss(w, b, x, y):
    # one example: x: [D], y: scalar
    pred = jnp.tanh(jnp.dot(x, w) + b)
    return 0.5 * (pred - y) ** 2


def run_per_example(w, b, xs, ys):
    gw, gb = jax.vmap(jax.grad(per_example_loss, argnums=(0, 1)), in_axes=(None, None, 0, 0))(w, b, xs, ys)
    return {"loss": jax.vmap(per_example_loss, in_axes=(None, None, 0, 0))(w, b, xs, ys),
            "grad_w": gw, "grad_b": gb}


def run_tanh(xs):
    d1 = jax.grad(jnp.tanh)
    d2 = jax.grad(d1)
    d3 = jax.grad(d2)
    return {"d1": jax.vmap(d1)(xs), "d2": jax.vmap(d2)(xs), "d3": jax.vmap(d3)(xs)}


def run_random_vmap(seed):
    keys = jax.random.split(jax.random.key(seed), 4)
    return {"keys": keys, "normal": jax.vmap(lambda k: jax.random.normal(k, (3,)))(keys),
            "uniform": jax.vmap(lambda k: jax.random.uniform(k, (2,)))(keys)}


# ------------------------------------------------------------------ recording
def source(*fs) -> str:
    return "\n\n\n".join(textwrap.dedent(inspect.getsource(f)).strip() for f in fs)


def cast(tree, dtype):
    return jax.tree_util.tree_map(
        lambda a: a.astype(dtype) if isinstance(a, (np.ndarray, np.generic)) and a.dtype.kind == "f" else a, tree)


def run(f, dtype, static=(), **inputs):
    inputs = cast(inputs, dtype)
    if dtype == np.float64:
        with jax.enable_x64(True):
            out = jax.jit(f, static_argnames=static)(**inputs)
            out = jax.tree_util.tree_map(np.asarray, out)
    else:
        out = jax.jit(f, static_argnames=static)(**inputs)
    return {"dtype": np.dtype(dtype).name, "inputs": enc(inputs), "outputs": enc(out)}


def both(f, **inputs):
    return [run(f, np.float32, **inputs), run(f, np.float64, **inputs)]


def f32(*shape, scale=1.0):
    return (rs.normal(size=shape) * scale).astype(np.float32)


def main():
    assert not jax.config.jax_enable_x64, "run with jax_enable_x64 off"
    progs = []

    D, H, C, B = 4, 16, 5, 8
    params = {"w1": f32(D, H, scale=0.5), "b1": f32(H, scale=0.1), "w2": f32(H, C, scale=0.5), "b2": f32(C, scale=0.1)}
    progs.append({
        "name": "mlp_softmax_xent",
        "description": "value_and_grad of a 2-layer relu MLP's mean softmax cross-entropy w.r.t. its params "
                       f"(w1 [{D},{H}], b1, w2 [{H},{C}], b2), batch {B}, {C} classes",
        "source": source(mlp_loss, run_mlp),
        "runs": both(run_mlp, params=params, x=f32(B, D), labels=rs.randint(0, C, size=B).astype(np.int32)),
    })

    x = f32(4, 6, scale=2.0)
    x[1] += 1000.0  # large logits: the shift keeps exp finite
    x[2, 3] = -np.inf  # exp(-inf) = 0: no NaN, zero gradient
    progs.append({
        "name": "logsumexp",
        "description": "value_and_grad of sum(logsumexp(x, -1) * w) w.r.t. x (rows of large values and a -inf entry); "
                       "lse_jax is jax.nn.logsumexp",
        "source": source(logsumexp, lse_loss, run_lse),
        "runs": both(run_lse, x=x, w=np.array([1.0, -0.5, 2.0, 0.25], np.float32)),
    })

    T, NB = 10, 3
    dones = np.zeros(T, np.float32)
    dones[[3, 7]] = 1.0
    progs.append({
        "name": "discounted_return",
        "description": "value_and_grad of 0.5 * sum(G ** 2), G the discounted returns of a reverse lax.scan, "
                       "w.r.t. rewards, gamma and bootstrap (argnums=(0, 2, 3))",
        "source": source(discounted_return, return_loss, run_return),
        "runs": both(run_return, rewards=f32(T), dones=dones, gamma=np.float32(0.9), bootstrap=np.float32(0.5)),
    })
    progs.append({
        "name": "discounted_return_vmap",
        "description": "vmap(grad(return_loss, argnums=(0, 2)), in_axes=(1, 1, None, 0), out_axes=(1, 0)) "
                       f"over rewards / dones [T={T}, B={NB}] and bootstrap [B]",
        "source": source(discounted_return, return_loss, run_return_vmap),
        "runs": both(run_return_vmap, rewards=f32(T, NB), dones=(rs.uniform(size=(T, NB)) < 0.2).astype(np.float32),
                     gamma=np.float32(0.95), bootstrap=f32(NB)),
    })

    progs.append({
        "name": "cond_piecewise",
        "description": "lax.cond(x > 0, x ** 3, sin(x)): vmap of the value, of grad and of grad of grad",
        "source": source(piecewise, run_piecewise),
        "runs": both(run_piecewise, xs=np.array([-2.0, -0.5, 0.0, 0.5, 1.5, 3.0], np.float32)),
    })

    progs.append({
        "name": "hessian",
        "description": "sum(sin(x) * x ** 2) + dot(x, x) ** 2: value, grad, jax.hessian, and the Hessian-vector "
                       "product jvp(grad(f), (x,), (v,))",
        "source": source(hess_fn, run_hessian),
        "runs": both(run_hessian, x=np.array([0.5, -1.0, 1.5, 0.25], np.float32), v=np.array([1.0, 0.5, -2.0, 0.0], np.float32)),
    })

    progs.append({
        "name": "jacobian",
        "description": "tanh(w @ x), w [2,3], x [3]: jacfwd and jacrev w.r.t. x ([2,3]) and jacrev w.r.t. w ([2,2,3])",
        "source": source(jac_fn, run_jacobian),
        "runs": both(run_jacobian, w=f32(2, 3, scale=0.7), x=f32(3)),
    })

    progs.append({
        "name": "jvp",
        "description": "jax.jvp of x, y -> {a: sin(x) * y, b: sum(exp(x / 4) * y)} with tangents (tx, ty)",
        "source": source(jvp_fn, run_jvp),
        "runs": both(run_jvp, x=f32(3), y=f32(3), tx=f32(3), ty=f32(3)),
    })

    progs.append({
        "name": "jvp_while",
        "description": "jax.jvp through lax.while_loop: 8 Newton steps for sqrt(a); the tangent tends to ta / (2 sqrt(a))",
        "source": source(newton_sqrt, run_newton),
        "runs": [r for a in (2.0, 9.0) for r in both(run_newton, a=np.float32(a), ta=np.float32(1.0))],
    })

    N, DX = 6, 3
    progs.append({
        "name": "per_example_grad",
        "description": "vmap(grad(per_example_loss, argnums=(0, 1)), in_axes=(None, None, 0, 0)): per-example "
                       f"gradients of 0.5 * (tanh(x . w + b) - y) ** 2 over {N} examples",
        "source": source(per_example_loss, run_per_example),
        "runs": both(run_per_example, w=f32(DX), b=np.float32(0.1), xs=f32(N, DX), ys=f32(N)),
    })

    progs.append({
        "name": "tanh_derivatives",
        "description": "vmap of grad(tanh), grad(grad(tanh)), grad(grad(grad(tanh)))",
        "source": source(run_tanh),
        "runs": both(run_tanh, xs=np.array([-2.0, -1.0, -0.3, 0.0, 0.5, 1.7], np.float32)),
    })

    progs.append({
        "name": "random_vmap",
        "description": "random.split(key(seed), 4), then vmap of random.normal(k, (3,)) and random.uniform(k, (2,)) "
                       "over the keys (keys are recorded as key data, uint32[4, 2])",
        "source": source(run_random_vmap),
        "runs": [run(run_random_vmap, np.float32, static=("seed",), seed=s) for s in (0, 42)],
    })

    obj = {
        "meta": meta(SCRIPT, notes="each run calls `run` under jax.jit; float64 runs under jax.enable_x64(True)"),
        "programs": progs,
    }
    write_fixture("grad.json", obj)


if __name__ == "__main__":
    main()
