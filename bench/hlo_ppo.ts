// Compiles (does not run) the single-seed PPO CartPole program of bench/ppo.ts, so that
// XLA_FLAGS="--xla_dump_to=DIR --xla_dump_hlo_as_text" dumps its optimized HLO (beside
// tools/hlo_ppo_jax.py's; counted by tools/hlo_counts.py). See docs/performance.md.
import { jit, random, type Value } from "../src/index.js";
import { compileJaxpr } from "../src/core/backend.js";
import type { OnPolicyWorkflow } from "../src/workflows/on_policy.js";
import { buildWorkflow } from "../src/algorithms/registry.js";
import { trainFunction } from "../src/workflows/train_many.js";

const wf = buildWorkflow({ totalSteps: 500_000 }) as OnPolicyWorkflow;
const one = trainFunction(wf, 0);
const f = jit((k: Value) => one(k), { name: "ppo1" });
compileJaxpr((f as any).lower(random.key(0)).jaxpr);
console.log("compiled");
