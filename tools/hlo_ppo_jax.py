"""Compiles (does not run) tools/bench_ppo_jax.py's single-seed PPO program, so that
XLA_FLAGS="--xla_dump_to=DIR --xla_dump_hlo_as_text" dumps its optimized HLO. See
docs/performance.md (PPO side by side) and tools/hlo_counts.py."""
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
import jax  # noqa: E402
import bench_ppo_jax as b  # noqa: E402

train, _ = b.make_train(b.CFG["total_steps"])
jax.jit(train).lower(jax.random.PRNGKey(0)).compile()
print("compiled")
