"""Trajectories of gymnasium's classic-control environments -> test/fixtures/gymnasium.json.

For each environment and a few seeds: gymnasium.make(id) (so the registered TimeLimit
applies), reset(seed), then a fixed policy (random actions from a seeded numpy Generator, or
a simple controller chosen so that some episodes terminate and others run into the step
limit). Recorded per episode: the start state (env.unwrapped.state, float64 as gymnasium
keeps it; MountainCarContinuous keeps float32 after a step), the actions, and per step the
observation, reward, terminated, truncated and the state after the step. The TypeScript test
(test/envs/classic.test.ts) sets the same start state in its environment, replays the actions
and compares step by step, and also replays each step from the recorded state before it.

Run: python tools/fixtures_gymnasium.py   (gymnasium and numpy as pinned in requirements.txt;
pygame is not needed). Deterministic: re-running gives a byte-identical file.
"""
from __future__ import annotations

import platform
import warnings

import gymnasium as gym
import numpy as np

from fixture_common import _float, write_fixture

warnings.filterwarnings("ignore")


def cartpole_controller(o, rng):
    return int(o[2] + 0.3 * o[3] + 0.01 * o[0] + 0.05 * o[1] > 0)


# (env id, seed, policy name, policy(obs, rng) -> action)
EPISODES = [
    ("CartPole-v1", 0, "random", lambda o, rng: int(rng.integers(2))),
    ("CartPole-v1", 1, "random", lambda o, rng: int(rng.integers(2))),
    ("CartPole-v1", 42, "controller", cartpole_controller),
    # Torque along the elbow's velocity pumps energy in: terminates in 60-130 steps.
    ("Acrobot-v1", 0, "pump", lambda o, rng: 2 if o[5] > 0 else 0),
    ("Acrobot-v1", 1, "pump", lambda o, rng: 2 if o[5] > 0 else 0),
    ("Acrobot-v1", 42, "random", lambda o, rng: int(rng.integers(3))),
    ("MountainCar-v0", 0, "energy", lambda o, rng: 2 if o[1] >= 0 else 0),
    ("MountainCar-v0", 1, "energy", lambda o, rng: 2 if o[1] >= 0 else 0),
    ("MountainCar-v0", 42, "random", lambda o, rng: int(rng.integers(3))),
    # Out-of-range throttles check the clipping (and the reward's use of the raw action).
    ("MountainCarContinuous-v0", 0, "energy", lambda o, rng: np.array([1.3 if o[1] >= 0 else -0.8], np.float32)),
    ("MountainCarContinuous-v0", 1, "energy", lambda o, rng: np.array([1.3 if o[1] >= 0 else -0.8], np.float32)),
    ("MountainCarContinuous-v0", 42, "random", lambda o, rng: rng.uniform(-1.5, 1.5, 1).astype(np.float32)),
    ("Pendulum-v1", 0, "random", lambda o, rng: rng.uniform(-3, 3, 1).astype(np.float32)),
    ("Pendulum-v1", 1, "random", lambda o, rng: rng.uniform(-3, 3, 1).astype(np.float32)),
    ("Pendulum-v1", 42, "random", lambda o, rng: rng.uniform(-3, 3, 1).astype(np.float32)),
]


def floats(x):
    return [_float(v) for v in np.asarray(x, dtype=np.float64).reshape(-1)]


def state_of(env):
    # float64 values of the state as gymnasium holds it (a float32 state converts exactly).
    return floats(np.asarray(env.unwrapped.state, dtype=np.float64))


def action_json(a):
    return int(a) if isinstance(a, (int, np.integer)) else floats(a)


def episode(env_id, seed, policy_name, policy):
    env = gym.make(env_id)
    obs, _ = env.reset(seed=seed)
    rng = np.random.default_rng(seed + 1000)
    start = state_of(env)
    rec = {"env": env_id, "seed": seed, "policy": policy_name, "max_episode_steps": env.spec.max_episode_steps,
           "start_state": start, "start_obs": floats(obs), "start_state_dtype": str(np.asarray(env.unwrapped.state).dtype),
           "actions": [], "obs": [], "reward": [], "terminated": [], "truncated": [], "state": []}
    while True:
        a = policy(obs, rng)
        obs, r, term, trunc, _ = env.step(a)
        rec["actions"].append(action_json(a))
        rec["obs"].append(floats(obs))
        rec["reward"].append(_float(r))
        rec["terminated"].append(bool(term))
        rec["truncated"].append(bool(trunc))
        rec["state"].append(state_of(env))
        if term or trunc:
            break
    env.close()
    return rec


def main():
    episodes = [episode(*e) for e in EPISODES]
    meta = {
        "gymnasium_version": gym.__version__,
        "numpy_version": np.__version__,
        "python_version": platform.python_version(),
        "script": "tools/fixtures_gymnasium.py",
        "notes": (
            "states are float64 lists (gymnasium's env.unwrapped.state); obs float32 values printed exactly; "
            "actions are ints (Discrete) or float32 lists (Box); each step's 'state' is the state after it"
        ),
    }
    for e in episodes:
        print(f"{e['env']:26s} seed {e['seed']:3d} {e['policy']:10s} steps {len(e['actions']):4d} "
              f"terminated {e['terminated'][-1]} truncated {e['truncated'][-1]}")
    write_fixture("gymnasium.json", {"meta": meta, "episodes": episodes})


if __name__ == "__main__":
    main()
