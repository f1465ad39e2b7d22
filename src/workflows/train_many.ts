// trainMany: whole training runs — setup, every iteration, periodic evaluations — as ONE
// program, vmapped over seeds (and optionally over the values of one swept hyperparameter),
// as PureJaxRL does with jax.vmap(make_train(config)). Nothing returns to the host until all
// runs have finished.
import type { Value } from "../core/values.js";
import type { Array as ConcreteArray } from "../core/values.js";
import { jit } from "../core/jit.js";
import { vmap } from "../core/batching.js";
import { lax } from "../lax/index.js";
import { numpy as np } from "../numpy/index.js";
import { random } from "../random/index.js";
import type { Metrics, Workflow, WorkflowState } from "./workflow.js";

export interface TrainManyOptions {
  /** Sweep one hyperparameter over these values (an outer vmap axis); the key must be one the algorithm lets be traced. */
  sweep?: { key: string; values: readonly number[] };
  /** Evaluate every this many iterations (and at the end); 0: only at the end. Default: the config's evalEvery. */
  evalEvery?: number;
}

export interface TrainManyResult<S extends WorkflowState = WorkflowState> {
  seeds: number[];
  sweep?: { key: string; values: number[] };
  /** Per-iteration metrics: metrics[name][run][iteration], runs ordered sweep-major then seed. */
  metrics: Record<string, number[][]>;
  /** The iterations after which evaluations ran. */
  evalIterations: number[];
  /** Mean evaluation return: evalReturns[run][evaluation]. */
  evalReturns: number[][];
  /** The last evaluation's mean return per run. */
  finalReturns: number[];
  /** The final states, batched over [sweep values?, seeds]. */
  states: S;
  /** Wall time (s) of the call, compilation included. */
  seconds: number;
}

type Out<S> = { state: S; metrics: Metrics; evals: Value };

/** The iterations (1-based) after which a run evaluates: every evalEvery, and the last. */
export function evalIterations(numIterations: number, evalEvery: number): number[] {
  const out: number[] = [];
  if (evalEvery > 0) for (let i = evalEvery; i < numIterations; i += evalEvery) out.push(i);
  out.push(numIterations);
  return out;
}

/**
 * The pure function of one run: (key, swept value?) → final state, per-iteration metrics and
 * the mean evaluation return after each iteration (NaN where none ran). One scan over the
 * iterations; evaluation is a cond on the (unbatched) iteration index, so under vmap it stays
 * a real branch and the program holds one copy of the update and one of the evaluator.
 */
export function trainFunction<S extends WorkflowState>(wf: Workflow<S>, evalEvery: number, sweepKey?: string): (key: Value, hv?: Value) => Out<S> {
  const K = wf.numIterations;
  const at = new Set(evalIterations(K, evalEvery));
  const evalMask = np.array(Array.from({ length: K }, (_, i) => (at.has(i + 1) ? 1 : 0)), "bool");
  return (key: Value, hv?: Value): Out<S> => {
    const w = sweepKey && hv !== undefined ? wf.withHyper({ [sweepKey]: hv }) : wf;
    const [state, [metrics, evals]] = lax.scan(
      (st: S, doEval: Value): [S, [Metrics, Value]] => {
        const [m, next] = w.updateCounted(st);
        const ev = lax.cond(
          doEval,
          (s: S) => np.mean(w.evaluatePure(s.agentState, w.evalKey(s)).returns),
          () => np.array(NaN, "float32"),
          next,
        );
        return [next, [m, ev]];
      },
      w.init(key),
      evalMask,
    );
    return { state, metrics, evals };
  };
}

/**
 * Trains one run of `wf` per seed (× sweep value) in one compiled program; see
 * TrainManyResult. (The registry's `trainMany(config, seeds)` builds the workflow first.)
 */
export async function trainWorkflowMany<S extends WorkflowState>(wf: Workflow<S>, seeds: readonly number[], opts: TrainManyOptions = {}): Promise<TrainManyResult<S>> {
  const t0 = performance.now();
  if (!seeds.length || seeds.some((s) => !Number.isInteger(s) || s < 0)) throw new TypeError(`trainMany: seeds must be non-negative integers, got [${seeds.join(", ")}]`);
  // The whole run is one jitted program; pmap runs only at the top level, so it cannot sit inside it.
  if (wf.numDevices > 1)
    throw new TypeError(`trainMany: numDevices = ${wf.numDevices} is not supported with several seeds or a sweep (trainMany vmaps whole runs in one jitted program, and pmap must be called at the top level); train each seed on its own, or use numDevices = 1`);
  const sweep = opts.sweep;
  if (sweep && (!sweep.values.length || sweep.values.some((v) => typeof v !== "number" || !Number.isFinite(v))))
    throw new TypeError(`trainMany: sweep.values must be a non-empty list of finite numbers`);
  const evalEvery = opts.evalEvery ?? wf.config.evalEvery;
  const one = trainFunction(wf, evalEvery, sweep?.key);
  const keys = np.stack(seeds.map((s) => random.key(s)));
  const out: Out<S> = sweep
    ? jit((ks: Value, hv: Value) => vmap((h: Value) => vmap((k: Value) => one(k, h))(ks))(hv), { name: "trainMany" })(keys, np.array(sweep.values as number[], "float32"))
    : jit((ks: Value) => vmap((k: Value) => one(k))(ks), { name: "trainMany" })(keys);

  const runs = (sweep ? sweep.values.length : 1) * seeds.length;
  const rows = async (v: Value): Promise<number[][]> => {
    const d = [...(await (v as ConcreteArray).data())].map(Number);
    const per = d.length / runs;
    return Array.from({ length: runs }, (_, r) => d.slice(r * per, (r + 1) * per));
  };
  const metrics: Record<string, number[][]> = {};
  for (const [k, v] of Object.entries(out.metrics)) metrics[k] = await rows(v);
  const iters = evalIterations(wf.numIterations, evalEvery);
  const evalReturns = (await rows(out.evals)).map((r) => iters.map((i) => r[i - 1]!));
  return {
    seeds: [...seeds],
    sweep: sweep ? { key: sweep.key, values: [...sweep.values] } : undefined,
    metrics,
    evalIterations: iters,
    evalReturns,
    finalReturns: evalReturns.map((r) => r[r.length - 1]!),
    states: out.state,
    seconds: (performance.now() - t0) / 1000,
  };
}
