// The workflow base, after evorl's Workflow: a workflow owns the static parts of a training
// run (config, environment, agent, optimizer) and threads one state record through pure
// functions: `setup(key) -> state`, a jitted `step(state) -> [metrics, state]`, `evaluate`.
// The host loop `learn` is the same for every kind of workflow (on-policy, off-policy with a
// replay buffer, evolution strategies with a population): each only says what one iteration
// is and how many environment steps it takes.
import type { Value } from "../core/values.js";
import { Array as ConcreteArray } from "../core/values.js";
import { freezeRecord } from "../pytree/index.js";

/** Counters every workflow state carries (int32 scalars). */
export interface Counters {
  iterations: Value;
  envSteps: Value;
}

/** What every workflow state has; kinds of workflow add their own fields (agentState, envState, optState, replay buffer, population...). */
export interface WorkflowState {
  key: Value;
  counters: Counters;
}

/** Scalar arrays, one per named metric. */
export type Metrics = Record<string, Value>;
/** Metrics read back to the host. */
export type HostMetrics = Record<string, number>;

/** Where metrics go (JSONL, TensorBoard, the console...). `step` is the number of environment steps so far. */
export interface Logger {
  log(step: number, metrics: HostMetrics): void | Promise<void>;
}

export interface EvalResult {
  returnMean: number;
  returnStd: number;
  lengthMean: number;
  returns: number[];
}

export interface LearnOptions<S> {
  /** Iterations to run from the state's current iteration. */
  iterations?: number;
  /** Run whole iterations up to this many environment steps in total (counted from the start of training, so a resumed run ends where an uninterrupted one would). */
  totalSteps?: number;
  /** Evaluate every this many iterations (and after the last); 0: only after the last. Default: the config's evalEvery. */
  evalEvery?: number;
  /** Called after each iteration with its metrics (eval/* included on evaluation iterations) and the new state; return false to stop. */
  onIteration?: (metrics: HostMetrics, state: S) => void | boolean | Promise<void | boolean>;
  logger?: Logger;
}

export abstract class Workflow<S extends WorkflowState = WorkflowState, C extends Record<string, any> = Record<string, any>> {
  constructor(readonly config: C) {}

  /** A name for logs ("PPO"). */
  abstract get name(): string;
  /** Environment steps one iteration takes. */
  abstract get stepsPerIteration(): number;
  /** The iterations a full run takes (from the config's totalSteps). */
  abstract get numIterations(): number;
  /** The initial state for a seed (a PRNG key or an integer seed). */
  abstract setup(key: Value | number): S;
  /** One iteration, jitted; the state passed in is donated (use the returned one). */
  abstract step(state: S): [Metrics, S];
  /** Evaluates the current policy; the state is not changed. */
  abstract evaluate(state: S): Promise<EvalResult>;
  /** Default evaluation period (iterations) of `learn`. */
  protected get evalEvery(): number {
    return (this.config.evalEvery as number | undefined) ?? 0;
  }

  /** Runs iterations from `state` until the budget is spent; returns the final state. */
  async learn(state: S, opts: LearnOptions<S> = {}): Promise<S> {
    const start = await hostNumber(state.counters.iterations);
    const end =
      opts.iterations !== undefined
        ? start + opts.iterations
        : opts.totalSteps !== undefined
          ? Math.floor(opts.totalSteps / this.stepsPerIteration)
          : this.numIterations;
    const evalEvery = opts.evalEvery ?? this.evalEvery;
    for (let it = start; it < end; it++) {
      let metrics: Metrics;
      [metrics, state] = this.step(state);
      const host = await toHost(metrics);
      const iteration = it + 1;
      host.iteration = iteration;
      host.envSteps = iteration * this.stepsPerIteration;
      if (iteration === end || (evalEvery > 0 && iteration % evalEvery === 0)) {
        const ev = await this.evaluate(state);
        Object.assign(host, { "eval/returnMean": ev.returnMean, "eval/returnStd": ev.returnStd, "eval/lengthMean": ev.lengthMean });
      }
      await opts.logger?.log(host.envSteps, host);
      if ((await opts.onIteration?.(host, state)) === false) break;
    }
    return state;
  }
}

export async function hostNumber(v: Value): Promise<number> {
  if (!(v instanceof ConcreteArray)) throw new TypeError("workflow: expected a concrete array (is this being called inside a trace?)");
  return Number((await v.data())[0]);
}

/** Scalar metrics read back to JS numbers. */
export async function toHost(metrics: Metrics): Promise<HostMetrics> {
  const entries = Object.entries(metrics);
  const vals = await Promise.all(entries.map(([, v]) => hostNumber(v)));
  return Object.fromEntries(entries.map(([k], i) => [k, vals[i]!]));
}

/** A jitted step's output as a frozen record (nothing a jitted function saw is mutated later). */
export function frozen<T>(x: T): T {
  return freezeRecord(x);
}
