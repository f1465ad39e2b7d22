#!/usr/bin/env python3
"""Reference trajectories of gymnax's MinAtar Breakout (Breakout-MinAtar) for xla-ts's
src/envs/minatar/breakout.ts.

Writes test/fixtures/minatar_breakout.json:

{
  "meta": {...},
  "episodes": [
    {
      "seed": reset key seed,
      "init": the initial state (fields below): the reset state, some with most bricks removed,
      "actions": [a_0, a_1, ...]              (0 no-op, 1 left, 2 right: the minimal action set),
      "steps": [ {"state": {...}, "reward": r, "terminated": b, "truncated": b, "obs": [flat indices of the ones in
                  the float32 [10, 10, 4] observation]} ]
    }, ...
  ]
}

A state is {ball_y, ball_x, ball_dir, pos, strike, last_y, last_x, time, terminal,
bricks: [flat indices of the bricks in the 10x10 map]}. Steps call gymnax's `step_env`
(no auto-reset) and stop at the first termination (the ball passed the paddle) or truncation
(gymnax's `is_truncated`: time >= max_steps_in_episode = 1000). The policy mixes tracking the ball (so episodes
last and clear whole walls) with random moves, drawn by numpy from a fixed seed; the test
replays the recorded actions from the same initial state.

Run: python tools/fixtures_minatar_breakout.py   (needs `pip install gymnax`)
"""
from __future__ import annotations

import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import gymnax  # noqa: E402

from fixture_common import meta, write_fixture  # noqa: E402


def enc_state(s) -> dict:
    return {
        "ball_y": int(s.ball_y),
        "ball_x": int(s.ball_x),
        "ball_dir": int(s.ball_dir),
        "pos": int(s.pos),
        "strike": bool(s.strike),
        "last_y": int(s.last_y),
        "last_x": int(s.last_x),
        "time": int(s.time),
        "terminal": bool(s.terminal),
        "bricks": [int(i) for i in np.flatnonzero(np.asarray(s.brick_map))],
    }


def landing_x(s) -> int:
    """Where the ball will cross the paddle row if it keeps going (side walls reflect)."""
    x, y, d = int(s.ball_x), int(s.ball_y), int(s.ball_dir)
    if d in (0, 1):  # going up: follow it
        return x
    vx = 1 if d == 2 else -1
    for _ in range(9 - y):
        x += vx
        if x < 0 or x > 9:
            x = min(max(x, 0), 9)
            vx = -vx
    return x


def main() -> None:
    env, params = gymnax.make("Breakout-MinAtar")
    step = jax.jit(env.step_env)
    reset = jax.jit(env.reset_env)
    rng = np.random.RandomState(2024)
    episodes = []
    # (seed, probability of a random action, step cap, bricks left or None): mostly-tracking
    # runs last; the last two start with a few bricks, so the wall is cleared and refilled.
    runs = [
        (0, 1.0, 400, None),
        (1, 0.5, 400, None),
        (2, 0.2, 400, None),
        (3, 0.0, 1200, None),
        (4, 0.02, 1200, None),
        (5, 0.3, 400, None),
        (6, 0.1, 500, [(3, 0), (2, 9), (1, 5)]),
        (7, 0.02, 600, [(2, 4), (3, 5), (1, 8)]),
    ]
    for seed, p_random, cap, bricks in runs:
        key = jax.random.PRNGKey(seed)
        _, state = reset(key, params)
        if bricks is not None:
            state = state.replace(brick_map=jnp.zeros((10, 10)).at[tuple(np.array(bricks).T)].set(1))
        init = enc_state(state)
        actions, steps = [], []
        for t in range(cap):
            if rng.rand() < p_random:
                a = int(rng.randint(3))
            else:
                dx = landing_x(state) - int(state.pos)
                a = 0 if dx == 0 else (1 if dx < 0 else 2)
            obs, state, reward, terminated, _ = step(jax.random.PRNGKey(t), state, a, params)
            truncated = bool(env.is_truncated(state, params))
            actions.append(a)
            steps.append(
                {
                    "state": enc_state(state),
                    "reward": float(reward),
                    "terminated": bool(terminated),
                    "truncated": truncated,
                    "obs": [int(i) for i in np.flatnonzero(np.asarray(obs))],
                }
            )
            if bool(terminated) or truncated:
                break
        episodes.append({"seed": seed, "init": init, "actions": actions, "steps": steps})
        print(f"seed {seed}: {len(steps)} steps, reward {sum(s['reward'] for s in steps)}", file=sys.stderr)
    write_fixture(
        "minatar_breakout.json",
        {"meta": meta("tools/fixtures_minatar_breakout.py", gymnax_env="Breakout-MinAtar", gymnax_params=str(params)), "episodes": episodes},
    )


if __name__ == "__main__":
    main()
