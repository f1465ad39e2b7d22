#!/usr/bin/env python3
"""Reference values for xla-ts `nn` (layers, encoders, activations, initializers).

Writes test/fixtures/nn.json:

{
  "meta": {...},
  "layers": [ {"id", "kind": "dense" | "conv" | "max_pool" | "layer_norm" | "embedding",
               "config": {...layer options, camelCase as in xla-ts...},
               "params": {name: array}, "x": array, "y": array} ],
  "encoders": [ {"id", "kind": "nature_cnn" | "impala_cnn" | "mlp", "config", "params": tree, "x", "y"} ],
  "activations": [ {"id", "fn", "kwargs", "x", "y"} ],
  "initializers": [ {"id", "call", "seed", "shape": [...], "y": array} ]
}

Layers are computed with jax.lax / jax.numpy directly, the way flax.linen computes them
(Dense: x @ kernel + bias; Conv: lax.conv_general_dilated NHWC/HWIO/NHWC + bias; max_pool:
lax.reduce_window(max, -inf) with lax.padtype_to_pads; LayerNorm: flax's fast variance
mean(x^2) - mean(x)^2 clamped at 0, then (x - mean) * rsqrt(var + eps) * scale + bias).
The encoders are written out below in the same way (CleanRL's Nature-DQN and IMPALA nets).
Initializer cases call jax.nn.initializers with key = jax.random.key(seed): xla-ts's PRNG is
bit-exact with JAX's, so the same key must give the same values.
Params and inputs are float32 from numpy's default_rng; everything runs under jax.jit.

Run: python tools/fixtures_nn.py
"""
from __future__ import annotations

import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
from jax import lax  # noqa: E402

from fixture_common import enc, meta, write_fixture  # noqa: E402

SCRIPT = "tools/fixtures_nn.py"
rng = np.random.default_rng(0)
DN = ("NHWC", "HWIO", "NHWC")


def randn(*shape, scale=1.0):
    return (scale * rng.standard_normal(shape)).astype(np.float32)


def dense(p, x):
    y = jnp.dot(x, p["kernel"])
    return y + p["bias"] if "bias" in p else y


def conv(p, x, strides, padding, dilation=(1, 1)):
    lead = x.shape[:-3]
    x4 = x.reshape((-1,) + x.shape[-3:])
    y = lax.conv_general_dilated(x4, p["kernel"], strides, padding, rhs_dilation=dilation, dimension_numbers=DN)
    if "bias" in p:
        y = y + p["bias"]
    return y.reshape(lead + y.shape[1:])


def max_pool(x, window, strides, padding):
    dims = (1,) * (x.ndim - 3) + tuple(window) + (1,)
    st = (1,) * (x.ndim - 3) + tuple(strides) + (1,)
    if isinstance(padding, str):
        padding = tuple(lax.padtype_to_pads(x.shape, dims, st, padding))
    return lax.reduce_window(x, -jnp.inf, lax.max, dims, st, padding)


def layer_norm(p, x, eps=1e-6):
    mean = jnp.mean(x, -1, keepdims=True)
    mean2 = jnp.mean(jnp.square(x), -1, keepdims=True)
    var = jnp.maximum(0.0, mean2 - jnp.square(mean))
    mul = lax.rsqrt(var + eps)
    if "scale" in p:
        mul = mul * p["scale"]
    y = (x - mean) * mul
    return y + p["bias"] if "bias" in p else y


def conv_params(kh, kw, cin, cout, bias=True):
    fan_in = kh * kw * cin
    p = {"kernel": randn(kh, kw, cin, cout, scale=1.0 / np.sqrt(fan_in))}
    if bias:
        p["bias"] = randn(cout, scale=0.1)
    return p


def dense_params(nin, nout, bias=True):
    p = {"kernel": randn(nin, nout, scale=1.0 / np.sqrt(nin))}
    if bias:
        p["bias"] = randn(nout, scale=0.1)
    return p


def layers():
    out = []

    def add(cid, kind, config, params, x, fn):
        y = jax.jit(fn)(params, x)
        out.append({"id": cid, "kind": kind, "config": config, "params": enc(params), "x": enc(x), "y": enc(y)})

    add("dense/2d", "dense", {"features": 4}, dense_params(3, 4), randn(5, 3), dense)
    add("dense/3d_nobias", "dense", {"features": 6, "useBias": False}, dense_params(4, 6, bias=False), randn(2, 3, 4), dense)
    add("dense/1d", "dense", {"features": 2}, dense_params(5, 2), randn(5), dense)
    conv_cases = [
        ("conv/3x3_s1_same", dict(features=4, kernelSize=3, strides=1, padding="SAME"), (2, 9, 9, 3)),
        ("conv/3x3_s2_same", dict(features=5, kernelSize=3, strides=2, padding="SAME"), (2, 9, 8, 3)),
        ("conv/8x8_s4_valid", dict(features=4, kernelSize=8, strides=4, padding="VALID"), (2, 20, 20, 2)),
        ("conv/4x4_s2_valid", dict(features=3, kernelSize=4, strides=2, padding="VALID"), (1, 11, 11, 3)),
        ("conv/2x3_s12_same", dict(features=2, kernelSize=[2, 3], strides=[1, 2], padding="SAME"), (2, 6, 7, 2)),
        ("conv/3x3_dil2_same", dict(features=3, kernelSize=3, dilation=2, padding="SAME"), (1, 8, 8, 2)),
        ("conv/explicit_pad", dict(features=2, kernelSize=3, strides=1, padding=[[1, 0], [2, 1]]), (2, 5, 5, 1)),
        ("conv/unbatched", dict(features=3, kernelSize=3, padding="SAME"), (6, 6, 2)),
        ("conv/two_batch_axes", dict(features=2, kernelSize=2, padding="VALID"), (2, 3, 5, 5, 2)),
        ("conv/nobias", dict(features=2, kernelSize=3, padding="VALID", useBias=False), (1, 5, 5, 2)),
    ]
    for cid, cfg, xs in conv_cases:
        ks = cfg["kernelSize"]
        kh, kw = (ks, ks) if isinstance(ks, int) else ks
        st = cfg.get("strides", 1)
        st = (st, st) if isinstance(st, int) else tuple(st)
        dil = cfg.get("dilation", 1)
        dil = (dil, dil)
        pad = cfg["padding"]
        pad = pad if isinstance(pad, str) else [tuple(p) for p in pad]
        params = conv_params(kh, kw, xs[-1], cfg["features"], bias=cfg.get("useBias", True))
        add(cid, "conv", cfg, params, randn(*xs), lambda p, x, st=st, pad=pad, dil=dil: conv(p, x, st, pad, dil))
    for cid, (win, st, pad), xs in [
        ("max_pool/3x3_s2_same", ((3, 3), (2, 2), "SAME"), (2, 9, 9, 3)),
        ("max_pool/3x3_s2_same_even", ((3, 3), (2, 2), "SAME"), (1, 8, 8, 2)),
        ("max_pool/2x2_valid", ((2, 2), (2, 2), "VALID"), (2, 7, 6, 2)),
        ("max_pool/unbatched", ((3, 3), (1, 1), "SAME"), (5, 5, 2)),
    ]:
        out.append({"id": cid, "kind": "max_pool", "config": {"window": list(win), "strides": list(st), "padding": pad}, "params": {},
                    "x": enc(x := randn(*xs)), "y": enc(jax.jit(lambda x: max_pool(x, win, st, pad))(x))})
    add("layer_norm/default", "layer_norm", {}, {"scale": randn(6, scale=0.5) + 1, "bias": randn(6, scale=0.1)}, randn(4, 6, scale=3.0) + 2, layer_norm)
    add("layer_norm/no_scale_eps", "layer_norm", {"useScale": False, "epsilon": 1e-3}, {"bias": randn(5)}, randn(2, 3, 5), lambda p, x: layer_norm(p, x, 1e-3))
    emb = {"embedding": randn(7, 3)}
    idx = np.array([[0, 3, 6], [2, 2, 1]], dtype=np.int32)
    out.append({"id": "embedding", "kind": "embedding", "config": {"numEmbeddings": 7, "features": 3}, "params": enc(emb), "x": enc(idx),
                "y": enc(jax.jit(lambda p, i: jnp.take(p["embedding"], i, axis=0))(emb, idx))})
    return out


def nature_cnn(p, x):
    x = x.astype(jnp.float32) / 255.0 if x.dtype == jnp.uint8 else x
    x = jax.nn.relu(conv(p["conv1"], x, (4, 4), "VALID"))
    x = jax.nn.relu(conv(p["conv2"], x, (2, 2), "VALID"))
    x = jax.nn.relu(conv(p["conv3"], x, (1, 1), "VALID"))
    x = x.reshape(x.shape[:-3] + (-1,))
    return jax.nn.relu(dense(p["dense"], x))


def impala_cnn(p, x):
    x = x.astype(jnp.float32) / 255.0 if x.dtype == jnp.uint8 else x
    for s in p["stacks"]:
        x = conv(s["conv"], x, (1, 1), "SAME")
        x = max_pool(x, (3, 3), (2, 2), "SAME")
        for b in s["blocks"]:
            y = conv(b["conv1"], jax.nn.relu(x), (1, 1), "SAME")
            y = conv(b["conv2"], jax.nn.relu(y), (1, 1), "SAME")
            x = x + y
    x = jax.nn.relu(x)
    x = x.reshape(x.shape[:-3] + (-1,))
    return jax.nn.relu(dense(p["dense"], x))


def mlp(p, x):
    for i, lp in enumerate(p):
        x = dense(lp, x)
        x = jnp.tanh(x) if i < len(p) - 1 else x
    return x


def encoders():
    out = []
    # Nature CNN (narrowed to channels 8, 16, 16 to keep the file small) on 44x44x2 pixels:
    # 44 -> 10 -> 4 -> 2, flatten 64, dense 16.
    p = {"conv1": conv_params(8, 8, 2, 8), "conv2": conv_params(4, 4, 8, 16), "conv3": conv_params(3, 3, 16, 16), "dense": dense_params(64, 16)}
    x = rng.integers(0, 256, (2, 44, 44, 2), dtype=np.uint8)
    out.append({"id": "nature_cnn/uint8", "kind": "nature_cnn", "config": {"channels": [8, 16, 16], "features": 16}, "params": enc(p), "x": enc(x), "y": enc(jax.jit(nature_cnn)(p, x))})
    # IMPALA CNN on 12x12x3: 12 -> 6 -> 3 -> 2, channels [4, 8, 8], flatten 32, dense 10.
    chans, cin = [4, 8, 8], 3
    stacks = []
    for c in chans:
        stacks.append({"conv": conv_params(3, 3, cin, c), "blocks": [{"conv1": conv_params(3, 3, c, c), "conv2": conv_params(3, 3, c, c)} for _ in range(2)]})
        cin = c
    p = {"stacks": stacks, "dense": dense_params(2 * 2 * 8, 10)}
    x = randn(2, 12, 12, 3)
    out.append({"id": "impala_cnn/float", "kind": "impala_cnn", "config": {"channels": chans, "features": 10}, "params": enc(p), "x": enc(x), "y": enc(jax.jit(impala_cnn)(p, x))})
    p = [dense_params(4, 8), dense_params(8, 8), dense_params(8, 3)]
    x = randn(5, 4)
    out.append({"id": "mlp/tanh", "kind": "mlp", "config": {"hiddenSizes": [8, 8], "outputSize": 3, "activation": "tanh"}, "params": enc(p), "x": enc(x), "y": enc(jax.jit(mlp)(p, x))})
    return out


def activations():
    x = np.array([-30.0, -5.0, -2.5, -1.0, -0.3, -1e-3, 0.0, 1e-3, 0.3, 1.0, 2.5, 5.0, 30.0], dtype=np.float32)
    cases = [
        ("relu", "relu", {}, jax.nn.relu),
        ("elu", "elu", {}, jax.nn.elu),
        ("elu/alpha0.5", "elu", {"alpha": 0.5}, lambda v: jax.nn.elu(v, alpha=0.5)),
        ("leaky_relu", "leakyRelu", {}, jax.nn.leaky_relu),
        ("leaky_relu/0.2", "leakyRelu", {"negativeSlope": 0.2}, lambda v: jax.nn.leaky_relu(v, 0.2)),
        ("tanh", "tanh", {}, jnp.tanh),
        ("sigmoid", "sigmoid", {}, jax.nn.sigmoid),
        ("gelu/tanh", "gelu", {"approximate": True}, lambda v: jax.nn.gelu(v, approximate=True)),
        ("gelu/exact", "gelu", {"approximate": False}, lambda v: jax.nn.gelu(v, approximate=False)),
        ("silu", "silu", {}, jax.nn.silu),
        ("softplus", "softplus", {}, jax.nn.softplus),
    ]
    return [{"id": cid, "fn": fn, "kwargs": kw, "x": enc(x), "y": enc(jax.jit(f)(x))} for cid, fn, kw, f in cases]


def initializers():
    I = jax.nn.initializers
    cases = [
        ("lecun_normal", "lecun_normal()", I.lecun_normal(), 0, (64, 32)),
        ("lecun_uniform", "lecun_uniform()", I.lecun_uniform(), 1, (16, 8)),
        ("he_normal", "he_normal()", I.he_normal(), 2, (32, 16)),
        ("he_uniform", "he_uniform()", I.he_uniform(), 3, (3, 3, 4, 8)),
        ("glorot_normal", "glorot_normal()", I.glorot_normal(), 4, (10, 20)),
        ("glorot_uniform", "glorot_uniform()", I.glorot_uniform(), 5, (5, 5, 2, 3)),
        ("variance_scaling/fan_out_normal", "variance_scaling(0.5, 'fan_out', 'normal')", I.variance_scaling(0.5, "fan_out", "normal"), 6, (12, 7)),
        ("variance_scaling/embed", "variance_scaling(1.0, 'fan_in', 'normal', out_axis=0)", I.variance_scaling(1.0, "fan_in", "normal", out_axis=0), 7, (9, 4)),
        ("uniform", "uniform(0.05)", I.uniform(0.05), 8, (4, 6)),
        ("normal", "normal(0.1)", I.normal(0.1), 9, (4, 6)),
        ("truncated_normal", "truncated_normal(0.3)", I.truncated_normal(0.3), 10, (50,)),
        ("constant", "constant(0.7)", I.constant(0.7), 0, (2, 3)),
        ("orthogonal/sqrt2_tall", "orthogonal(sqrt(2))", I.orthogonal(np.sqrt(2)), 11, (16, 8)),
        ("orthogonal/wide", "orthogonal(1.0)", I.orthogonal(1.0), 12, (6, 10)),
        ("orthogonal/square_0.01", "orthogonal(0.01)", I.orthogonal(0.01), 13, (12, 12)),
        ("orthogonal/conv", "orthogonal(sqrt(2))", I.orthogonal(np.sqrt(2)), 14, (3, 3, 4, 8)),
        ("orthogonal/column_axis0", "orthogonal(1.0, column_axis=0)", I.orthogonal(1.0, column_axis=0), 15, (5, 3, 4)),
    ]
    return [{"id": cid, "call": call, "seed": seed, "shape": list(shape), "y": enc(jax.jit(lambda k, f=f, s=shape: f(k, s, jnp.float32))(jax.random.key(seed)))}
            for cid, call, f, seed, shape in cases]


def main():
    assert not jax.config.jax_enable_x64
    obj = {
        "meta": meta(SCRIPT, notes="layers computed with lax / jnp as flax.linen does; initializers with key = jax.random.key(seed)"),
        "layers": layers(),
        "encoders": encoders(),
        "activations": activations(),
        "initializers": initializers(),
    }
    write_fixture("nn.json", obj)


if __name__ == "__main__":
    main()
