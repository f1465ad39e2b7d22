"""Fixture for UNREAL's auxiliary-task targets (src/agents/extensions/unreal.ts), from rlax.

- rlax.pixel_control_rewards(observations [T+1, H, W, C], cell_size) -> [T, H/c, W/c];
- rlax.discounted_returns(r_t, discount_t, v_t) with a bootstrap value (the n-step Q targets
  of pixel control use max_a Q_aux of the last frame as v_t, per cell).

Run: python tools/fixtures_unreal.py > test/fixtures/unreal.json   (needs rlax)
"""
import json

import jax
import jax.numpy as jnp
import numpy as np
import rlax

rng = np.random.default_rng(15)
cases = []
for t, h, w, c, cell in [(3, 8, 8, 1, 4), (4, 6, 9, 3, 3), (2, 4, 4, 2, 2)]:
    obs = rng.random((t + 1, h, w, c)).astype(np.float32)
    pc = rlax.pixel_control_rewards(jnp.array(obs), cell)
    cases.append(dict(kind="pixelControlRewards", frames=obs.tolist(), cellSize=cell, rewards=np.asarray(pc).tolist()))
for t in [5, 7]:
    r = rng.normal(size=t).astype(np.float32)
    d = (0.9 * (rng.random(t) > 0.2)).astype(np.float32)
    v = float(rng.normal())
    g = rlax.discounted_returns(jnp.array(r), jnp.array(d), jnp.full((t,), v, jnp.float32))
    cases.append(dict(kind="discountedReturns", rewards=r.tolist(), discounts=d.tolist(), bootstrap=v, returns=np.asarray(g).tolist()))
print(json.dumps(dict(source=f"rlax {rlax.__version__ if hasattr(rlax, '__version__') else '0.1.9'}, jax {jax.__version__}, tools/fixtures_unreal.py", cases=cases)))
