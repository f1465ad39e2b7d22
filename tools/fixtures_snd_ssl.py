"""Fixture for SND's self-supervised losses (src/agents/extensions/ssl.ts), in JAX.

VICReg is transcribed from the reference implementation (facebookresearch/vicreg, main_vicreg.py:
invariance = F.mse_loss(x, y); std = sqrt(var(unbiased) + 1e-4), std_loss = mean(relu(1 - std_x))/2
+ mean(relu(1 - std_y))/2; cov = (x^T x)/(N - 1) of the centred x, cov_loss = sum(offdiag(cov)^2)/E
for x and y), InfoNCE as the cross-entropy of logits = za zb^T / tau with the diagonal as positives
(optax.softmax_cross_entropy_with_integer_labels), and SND-V's contrastive MSE.

Run: python tools/fixtures_snd_ssl.py > test/fixtures/snd_ssl.json   (needs jax and optax or plain jax)
"""
import json

import jax
import jax.numpy as jnp
import numpy as np

jax.config.update("jax_enable_x64", True)


def vicreg(x, y, w_inv=25.0, w_var=25.0, w_cov=1.0):
    n, e = x.shape
    inv = jnp.mean((x - y) ** 2)
    xc = x - x.mean(axis=0)
    yc = y - y.mean(axis=0)
    std_x = jnp.sqrt(xc.var(axis=0, ddof=1) + 0.0001)
    std_y = jnp.sqrt(yc.var(axis=0, ddof=1) + 0.0001)
    var = jnp.mean(jax.nn.relu(1 - std_x)) / 2 + jnp.mean(jax.nn.relu(1 - std_y)) / 2
    cov_x = (xc.T @ xc) / (n - 1)
    cov_y = (yc.T @ yc) / (n - 1)
    off = 1 - jnp.eye(e)
    cov = jnp.sum((cov_x * off) ** 2) / e + jnp.sum((cov_y * off) ** 2) / e
    return dict(total=float(w_inv * inv + w_var * var + w_cov * cov), invariance=float(inv), variance=float(var), covariance=float(cov))


def info_nce(x, y, tau):
    logits = x @ y.T / tau
    labels = jnp.arange(x.shape[0])
    logp = jax.nn.log_softmax(logits, axis=-1)
    return float(-jnp.mean(logp[labels, labels]))


def contrastive_mse(x, y, labels):
    d = jnp.mean((x - y) ** 2, axis=-1)
    return float(jnp.mean((labels - d) ** 2))


rng = np.random.default_rng(15)
cases = []
for n, e, scale in [(6, 4, 1.0), (8, 3, 0.2), (5, 6, 2.0)]:
    x = rng.normal(size=(n, e)) * scale
    y = x + rng.normal(size=(n, e)) * 0.3 * scale
    labels = (rng.random(n) < 0.5).astype(np.float64)
    cases.append(dict(
        za=x.tolist(), zb=y.tolist(), labels=labels.tolist(),
        vicreg=vicreg(jnp.array(x), jnp.array(y)),
        infoNce=info_nce(jnp.array(x), jnp.array(y), 1.0),
        infoNceTau05=info_nce(jnp.array(x), jnp.array(y), 0.5),
        contrastiveMse=contrastive_mse(jnp.array(x), jnp.array(y), jnp.array(labels)),
    ))
print(json.dumps(dict(source=f"jax {jax.__version__}, tools/fixtures_snd_ssl.py", cases=cases), indent=1))
