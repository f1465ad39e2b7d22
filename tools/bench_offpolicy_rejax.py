"""rejax's SAC / TD3 (Pendulum-v1, 10k steps) and DQN (CartPole-v1, 100k steps): the reference
figures for bench/offpolicy.ts.

rejax 0.1.3 (vectorizable RL in pure JAX; it needs gymnax < 1.0) lives in its own virtual
environment under the repository's .cache/ (created and filled by pip on the first run, then
reused). Configs: rejax's published gymnax ones (configs/gymnax/pendulum.yaml, cartpole.yaml)
with one change for timing: a single evaluation at the end (eval_freq = total_timesteps),
as xla-ts's side does, instead of one every 100 steps.

It times jit(algo.train) for one seed and jit(vmap(algo.train)) for N seeds: wall time
including compilation (lower + compile + run until the results are on the host), and the mean
greedy return of rejax's final evaluation. Prints one JSON object on stdout.

    python3 tools/bench_offpolicy_rejax.py --algo sac|td3|dqn [--seeds 16]
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VENV = os.path.join(ROOT, ".cache", "rejax-venv")
PY = os.path.join(VENV, "bin", "python")

CONFIGS = {
    "sac": dict(env="Pendulum-v1", agent_kwargs=dict(activation="swish"), num_envs=1, buffer_size=10_000, fill_buffer=256, batch_size=256,
                learning_rate=0.01, num_epochs=1, total_timesteps=10_000, gamma=0.99, polyak=0.98, target_entropy_ratio=None,
                normalize_observations=True),
    "td3": dict(env="Pendulum-v1", actor_kwargs=dict(activation="swish"), critic_kwargs=dict(activation="swish"), num_envs=1,
                buffer_size=10_000, fill_buffer=1000, batch_size=100, learning_rate=0.001, num_epochs=1, total_timesteps=10_000, gamma=0.99,
                polyak=0.95, max_grad_norm=100, exploration_noise=0.3, target_noise=0.2, target_noise_clip=0.5, policy_delay=2,
                normalize_observations=True),
    "dqn": dict(env="CartPole-v1", agent="DuelingQNetwork", agent_kwargs=dict(activation="swish"), num_envs=10, buffer_size=50_000, fill_buffer=5_000, batch_size=100,
                learning_rate=0.001, num_epochs=5, max_grad_norm=10, total_timesteps=100_000, gamma=0.99, eps_start=1, eps_end=0.05,
                exploration_fraction=0.5, target_update_freq=1, polyak=0.98, ddqn=True, normalize_observations=False),
}


def ensure_venv() -> None:
    """Re-executes this script in the rejax venv, creating it first if needed."""
    if os.path.realpath(sys.prefix) == os.path.realpath(VENV):
        return
    if not os.path.exists(PY):
        print("bench: creating the rejax venv (.cache/rejax-venv) ...", file=sys.stderr)
        subprocess.check_call([sys.executable, "-m", "venv", VENV])
    if subprocess.call([PY, "-c", "import rejax, gymnax"], stderr=subprocess.DEVNULL) != 0:
        subprocess.check_call([PY, "-m", "pip", "install", "-q", "rejax==0.1.3", "gymnax<1.0"], stdout=sys.stderr)
    os.execv(PY, [PY, *sys.argv])


def run(algo_name: str, seeds: int) -> dict:
    import jax
    import jax.numpy as jnp
    from rejax import get_algo

    cfg = dict(CONFIGS[algo_name])
    cfg["eval_freq"] = cfg["total_timesteps"]
    out = {}
    for label, n in (("single", 1), ("many", seeds)):
        t0 = time.perf_counter()
        algo = get_algo(algo_name).create(**cfg)
        train = jax.jit(algo.train) if n == 1 else jax.jit(jax.vmap(algo.train))
        key = jax.random.PRNGKey(0) if n == 1 else jax.random.split(jax.random.PRNGKey(0), n)
        compiled = train.lower(key).compile()
        t1 = time.perf_counter()
        _, (lengths, returns) = compiled(key)
        returns = jax.block_until_ready(returns)
        t2 = time.perf_counter()
        # returns: [evals, episodes] (one seed) or [seeds, evals, episodes]; the last evaluation.
        final = jnp.mean(returns[..., -1, :], axis=-1).reshape(-1)
        out[label] = dict(compile_s=t1 - t0, run_s=t2 - t1, wall_s=t2 - t0, eval_return=float(jnp.mean(final)), eval_returns=[float(x) for x in final])
    return dict(algo=algo_name, config=CONFIGS[algo_name], seeds=seeds, jax=jax.__version__, **out)


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--algo", choices=sorted(CONFIGS), required=True)
    p.add_argument("--seeds", type=int, default=16)
    a = p.parse_args()
    ensure_venv()
    print(json.dumps(run(a.algo, a.seeds)))
