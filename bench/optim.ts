// Optimizer benchmark: one jitted Adam step of a 3-layer, 256-wide MLP (params, grads and
// optimizer state donated), and a whole train step (forward, backward, Adam), beside optax
// on the same machine.
//
//   node --import tsx bench/optim.ts [--no-jax] [--quick]
//
// Prints a table and writes bench/results/optim.json. The JAX side is tools/bench_optim_jax.py
// (needs optax: installed with pip on first use, as bench/common.ts does for jax).
import { spawnSync } from "node:child_process";
import { Array, jit, numpy as np, random, tree, valueAndGrad, type Value } from "../src/index.js";
import { xlaRuntime } from "../src/core/index.js";
import { nn } from "../src/nn/index.js";
import { optim } from "../src/optim/index.js";
import { median, runJaxScript, table, writeResults } from "./common.js";

const argv = process.argv.slice(2);
const NO_JAX = argv.includes("--no-jax");
const QUICK = argv.includes("--quick");
const [INNER, SAMPLES] = QUICK ? [20, 5] : [100, 15];
const WIDTH = 256;
const BATCH = 64;

/** µs per call: `samples` samples of `inner` back-to-back calls threading a carry, the last output blocked on (as the JAX script). */
async function timeCarry<C>(step: (c: C) => C, carry: C, ready: (c: C) => Value): Promise<number> {
  for (let i = 0; i < 20; i++) carry = step(carry);
  await (ready(carry) as Array).blockUntilReady();
  const samples: number[] = [];
  for (let s = 0; s < SAMPLES; s++) {
    const t0 = performance.now();
    for (let i = 0; i < INNER; i++) carry = step(carry);
    await (ready(carry) as Array).blockUntilReady();
    samples.push(((performance.now() - t0) / INNER) * 1000);
  }
  return median(samples);
}

function ensureOptax(): string | undefined {
  if (spawnSync("python3", ["-c", "import optax"]).status === 0) return undefined;
  console.error("bench: optax is not installed; installing it (python3 -m pip install optax==0.2.8) ...");
  const r = spawnSync("python3", ["-m", "pip", "install", "-q", "optax==0.2.8"], { stdio: ["ignore", "inherit", "inherit"] });
  return r.status === 0 ? undefined : "pip install optax failed";
}

async function main() {
  xlaRuntime();
  const mlp = nn.MLP({ hiddenSizes: [WIDTH, WIDTH], outputSize: WIDTH });
  const tx = optim.adam({ learningRate: 1e-3 });
  const fresh = () => mlp.init(random.key(0), [WIDTH]);
  const params = fresh();
  const nParams = nn.paramCount(params);

  // Adam step: grads given; params, state and grads donated (grads handed back for the next call).
  type P = nn.MLPParams;
  const adamStep = jit(
    (p: P, s: unknown, g: P) => {
      const [u, s2] = tx.update(g, s, p);
      return [optim.applyUpdates(p, u), s2, g];
    },
    { donate: [0, 1, 2] },
  );
  const gradsFor = (ps: P) => ps.map((l) => ({ kernel: np.add(np.multiply(l.kernel, 0.01), 0.001), bias: np.add(l.bias!, 0.001) }));
  const grads = gradsFor(params);
  const adamUs = await timeCarry((c: unknown[]) => adamStep(c[0] as P, c[1], c[2] as P) as unknown[], [params, tx.init(params), grads], (c) => (c[0] as P)[0]!.kernel);

  // The same call with a trivial program (every leaf + 0): the per-call floor, no math.
  const floor = jit((p: P, s: unknown, g: P) => tree.map((v: Value) => np.add(v, 0), [p, s, g]), { donate: [0, 1, 2] });
  const p1 = fresh();
  const floorUs = await timeCarry((c: unknown[]) => floor(c[0] as P, c[1], c[2] as P) as unknown[], [p1, tx.init(p1), gradsFor(p1)], (c) => (c[0] as P)[0]!.kernel);

  // Whole train step: MSE of a relu MLP on a [64, 256] batch, value_and_grad, Adam; params and state donated.
  const x = random.normal(random.key(1), [BATCH, WIDTH]);
  const y = random.normal(random.key(2), [BATCH, WIDTH]);
  const trainStep = jit(
    (p: P, s: unknown, xb: Value, yb: Value) => {
      const [loss, g] = valueAndGrad((q: P) => np.mean(np.square(np.subtract(mlp.apply(q, xb), yb))))(p);
      const [u, s2] = tx.update(g, s, p);
      return [optim.applyUpdates(p, u), s2, loss];
    },
    { donate: [0, 1] },
  );
  const p2 = fresh();
  const trainUs = await timeCarry((c: unknown[]) => (trainStep(c[0] as P, c[1], x, y) as unknown[]).slice(0, 2), [p2, tx.init(p2)], (c) => (c[0] as P)[0]!.kernel);

  const missing = NO_JAX ? "--no-jax" : ensureOptax();
  const jax = missing ? { error: missing } : runJaxScript("bench_optim_jax.py", QUICK ? ["--quick"] : []);
  const j = "error" in jax ? undefined : (jax as any);
  if ("error" in jax) console.error(`bench: no JAX figures (${jax.error})`);
  const md = table([
    [`Adam step, 3×${WIDTH} MLP (${nParams.toLocaleString("en")} params), donated (µs)`, adamUs, j?.adam_step_us.median, "lower"],
    [`train step: fwd + bwd + Adam, batch ${BATCH} (µs)`, trainUs, j?.train_step_us.median, "lower"],
    [`call floor: same 25 donated leaves, trivial program (µs)`, floorUs, j?.call_floor_us.median, "lower"],
  ]);
  console.log(md);
  writeResults("optim", { params: nParams, adam_step_us: adamUs, train_step_us: trainUs, call_floor_us: floorUs, jax: j ?? jax, table: md });
}

await main();
