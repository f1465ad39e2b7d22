"""DQN fixtures -> test/fixtures/dqn.json.

For random Q-values, actions, rewards and discounts (zeros where an episode terminated), rlax
computes the TD errors of Q-learning (rlax.q_learning: the target net's max) and of Double
Q-learning (rlax.double_q_learning: the target net evaluates the online net's argmax), and
optax the Huber loss of each. test/agents/dqn.test.ts feeds the same arrays to dqnLoss.

Run: /tmp/rlvenv/bin/python tools/fixtures_dqn.py   (pip install rlax jax)
"""
from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import optax
import rlax

from fixture_common import enc, meta, write_fixture


def case(seed: int, n: int, a: int):
    rng = np.random.default_rng(seed)
    q = rng.normal(size=(n, a)).astype(np.float32) * 3
    next_target = rng.normal(size=(n, a)).astype(np.float32) * 3
    next_online = rng.normal(size=(n, a)).astype(np.float32) * 3
    actions = rng.integers(0, a, size=n).astype(np.int32)
    rewards = rng.normal(size=n).astype(np.float32)
    terminated = rng.random(n) < 0.3
    discount = np.where(terminated, 0.0, 0.99).astype(np.float32)
    td_q = jax.vmap(rlax.q_learning)(q, actions, rewards, discount, next_target)
    td_dq = jax.vmap(rlax.double_q_learning)(q, actions, rewards, discount, next_target, next_online)
    return {
        "q": enc(q), "nextTarget": enc(next_target), "nextOnline": enc(next_online), "actions": enc(actions),
        "rewards": enc(rewards), "discount": enc(discount),
        "tdQ": enc(td_q), "tdDouble": enc(td_dq),
        "huberQ": enc(jnp.mean(optax.huber_loss(td_q))), "huberDouble": enc(jnp.mean(optax.huber_loss(td_dq))),
        "l2Q": enc(jnp.mean(rlax.l2_loss(td_q))),
    }


if __name__ == "__main__":
    write_fixture("dqn.json", {"meta": meta("tools/fixtures_dqn.py", rlax=rlax.__version__), "cases": [case(0, 16, 3), case(1, 32, 5)]})
