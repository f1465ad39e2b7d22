// The workflow base, after evorl's Workflow: a workflow owns the static parts of a training
// run (config, environment, agent, optimizers) and threads one state record through pure
// functions: `init(key) -> state`, `update(state) -> [metrics, state]`, `evaluatePure`.
// The base jits them (setup; a donated step that may fold several iterations into one call,
// as evorl's fold iterations), evaluates, and runs the host loop `learn` the same way for
// every family: on-policy rollouts, off-policy replay, evolution strategies' populations.
// Counters (env steps, episodes, updates) are counted in the traced state, never derived.
import type { Value } from "../core/values.js";
import { Array as ConcreteArray } from "../core/values.js";
import { jit } from "../core/jit.js";
import { lax } from "../lax/index.js";
import { numpy as np } from "../numpy/index.js";
import { random } from "../random/index.js";
import { freezeRecord } from "../pytree/index.js";
import type { Environment } from "../envs/types.js";
import { TimeLimit, vectorize } from "../envs/wrappers/index.js";
import type { Agent, AgentState, Counters } from "../agents/types.js";
import { evaluateEpisodes, type EpisodeResults } from "./evaluator.js";

export type { Counters } from "../agents/types.js";

/** What every workflow state has; families add their own fields (envState, optStates, replay buffer, population...). */
export interface WorkflowState {
  key: Value;
  counters: Counters;
  /** What evaluation and checkpoints of the policy read (ES: the mean parameters). */
  agentState: AgentState;
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
  /** Run whole iterations until this many environment steps in total (counted in the state, so a resumed run ends where an uninterrupted one would). */
  totalSteps?: number;
  /** Evaluate every this many iterations (and after the last); 0: only after the last. Default: the config's evalEvery. */
  evalEvery?: number;
  /** Iterations folded into one jitted call (default: the config's foldIterations, else 1). */
  fold?: number;
  /** Folded calls never cross a multiple of this (so checkpoints land where asked). */
  syncEvery?: number;
  /**
   * Called after each call of the jitted step with the last iteration's metrics (eval/* on
   * evaluation iterations) and the new state; return false to stop.
   */
  onIteration?: (metrics: HostMetrics, state: S) => void | boolean | Promise<void | boolean>;
  /** Gets every iteration's metrics, folded ones included. */
  logger?: Logger;
}

/** The options every workflow's config has. */
export interface BaseConfig {
  algo: string;
  env: string;
  envOptions: Record<string, unknown>;
  seed: number;
  totalSteps: number;
  evalEpisodes: number;
  evalEvery: number;
  evalMaxSteps: number | null;
  foldIterations: number;
}

/** Hyperparameters replaced by traced scalars (a swept value under vmap). */
export type Hyper = Readonly<Record<string, Value>>;

const EVAL_SALT = 0x5eed;

export abstract class Workflow<S extends WorkflowState = WorkflowState, C extends BaseConfig = BaseConfig> {
  /** evalEpisodes copies of the base environment, for the evaluator. */
  readonly evalEnv: Environment;
  readonly evalMaxSteps: number;
  readonly #setup: (k: Value) => S;
  // Jitted steps by fold count; typed loosely so Workflow<S> stays covariant in S.
  readonly #steps = new Map<number, (s: never) => unknown>();
  readonly #evaluate: (a: AgentState, k: Value) => EpisodeResults;

  constructor(
    readonly config: C,
    /** The environment as made (one copy, no training wrappers). */
    readonly baseEnv: Environment,
    /** Swept hyperparameters (traced scalars), empty outside trainMany's sweeps. */
    readonly hyper: Hyper = {},
  ) {
    this.evalEnv = vectorize(baseEnv, config.evalEpisodes);
    this.evalMaxSteps = config.evalMaxSteps ?? stepLimit(baseEnv) ?? 1000;
    this.#setup = jit((k: Value) => this.init(k), { name: `${this.constructor.name}.setup` });
    this.#evaluate = jit((a: AgentState, k: Value) => this.evaluatePure(a, k), { name: `${this.constructor.name}.evaluate` });
  }

  /** The agent whose policy is evaluated and rendered. */
  abstract get agent(): Agent;
  /** A name for logs ("PPO"). */
  get name(): string {
    return this.agent.name;
  }
  /** The iterations a full run takes (from the config's totalSteps). */
  abstract get numIterations(): number;
  /** Environment steps one iteration takes (nominal: for progress estimates; the state counts the real ones). */
  abstract get stepsPerIteration(): number;
  /** The initial state (pure: jitted by setup, vmapped by trainMany). */
  abstract init(key: Value): S;
  /** One iteration (pure: jitted by step, scanned and vmapped by trainMany). */
  abstract update(state: S): [Metrics, S];
  /** The same workflow with some hyperparameters replaced by (traced) scalars. */
  abstract withHyper(hyper: Hyper): Workflow<S, C>;

  /** A hyperparameter's value: the swept (traced) one if any, else the config's. */
  h(name: keyof C & string): number | Value {
    return this.hyper[name] ?? (this.config[name] as number);
  }

  /** Evaluation episodes' returns and lengths (pure). */
  evaluatePure(agentState: AgentState, key: Value): EpisodeResults {
    return evaluateEpisodes(this.evalEnv, this.agent, agentState, key, this.evalMaxSteps);
  }

  /** The evaluation key of a state: derived, not consumed, so evaluating never changes training. */
  evalKey(state: S): Value {
    return random.foldIn(random.foldIn(state.key, EVAL_SALT), state.counters.iterations);
  }

  /** Counters after an iteration, as metrics (read back by learn: env steps are counted, not derived). */
  protected counterMetrics(c: Counters): Metrics {
    return { envSteps: c.envSteps, episodes: c.episodes, updates: c.updates };
  }

  // --- host API -------------------------------------------------------------------------

  /** The initial state for a seed (a PRNG key or an integer seed). */
  setup(key: Value | number = this.config.seed): S {
    return freezeRecord(this.#setup(typeof key === "number" ? random.key(key) : key));
  }

  /** One iteration, jitted; the state passed in is donated (use the returned one). */
  step(state: S): [Metrics, S] {
    const [m, s] = this.#run(1, state);
    return [m, freezeRecord(s)];
  }

  /** `n` iterations in one jitted call (a scan); metrics come back stacked, [n]. */
  stepMany(state: S, n: number): [Metrics, S] {
    const [m, s] = this.#run(n, state);
    return [m, freezeRecord(s)];
  }

  #run(n: number, state: S): [Metrics, S] {
    let f = this.#steps.get(n) as ((s: S) => [Metrics, S]) | undefined;
    if (!f) {
      const name = `${this.constructor.name}.step`;
      f =
        n === 1
          ? jit((s: S) => this.updateCounted(s), { donate: [0], name })
          : jit(
              (s: S) => {
                const [last, ms] = lax.scan((st: S, _: null): [S, Metrics] => {
                  const [m, next] = this.updateCounted(st);
                  return [next, m];
                }, s, null, { length: n });
                return [ms, last] as [Metrics, S];
              },
              { donate: [0], name: `${name}×${n}` },
            );
      this.#steps.set(n, f as (s: never) => unknown);
    }
    return f(state);
  }

  /** `update` with the counters after it added to the metrics (what step, stepMany and trainMany report). Pure. */
  updateCounted(s: S): [Metrics, S] {
    const [m, next] = this.update(s);
    return [{ ...m, ...this.counterMetrics(next.counters) }, next];
  }

  /** Evaluates the current policy; the state is not changed. */
  async evaluate(state: S): Promise<EvalResult> {
    const { returns, lengths } = this.#evaluate(state.agentState, this.evalKey(state));
    const r = [...(await (returns as ConcreteArray).data())].map(Number);
    const l = [...(await (lengths as ConcreteArray).data())].map(Number);
    const mean = r.reduce((a, b) => a + b, 0) / r.length;
    const std = Math.sqrt(r.reduce((a, b) => a + (b - mean) ** 2, 0) / r.length);
    return { returnMean: mean, returnStd: std, lengthMean: l.reduce((a, b) => a + b, 0) / l.length, returns: r };
  }

  /** Runs iterations from `state` until the budget is spent; returns the final state. */
  async learn(state: S, opts: LearnOptions<S> = {}): Promise<S> {
    let it = await hostNumber(state.counters.iterations);
    const end = opts.iterations !== undefined ? it + opts.iterations : this.numIterations;
    const evalEvery = opts.evalEvery ?? this.config.evalEvery ?? 0;
    const fold = Math.max(1, opts.fold ?? this.config.foldIterations ?? 1);
    const sync = [evalEvery, opts.syncEvery ?? 0].filter((x) => x > 0);
    while (it < end) {
      // The next fold: up to `fold` iterations, stopping at evaluation / sync boundaries.
      let n = Math.min(fold, end - it);
      for (const p of sync) n = Math.min(n, p - (it % p));
      let metrics: Metrics;
      [metrics, state] = n === 1 ? this.step(state) : this.stepMany(state, n);
      const rows = await toHostRows(metrics, n);
      let host: HostMetrics = rows[rows.length - 1]!;
      for (let j = 0; j < n; j++) {
        const row = rows[j]!;
        row.iteration = it + j + 1;
        if (j === n - 1) host = row;
        else await opts.logger?.log(row.envSteps!, row);
      }
      it += n;
      const last = it === end || (opts.totalSteps !== undefined && host.envSteps! >= opts.totalSteps);
      if (last || (evalEvery > 0 && it % evalEvery === 0)) {
        const ev = await this.evaluate(state);
        Object.assign(host, { "eval/returnMean": ev.returnMean, "eval/returnStd": ev.returnStd, "eval/lengthMean": ev.lengthMean });
      }
      await opts.logger?.log(host.envSteps!, host);
      if ((await opts.onIteration?.(host, state)) === false || last) break;
    }
    return state;
  }
}

/** The step limit of a TimeLimit-wrapped environment (outermost first), if any. */
export function stepLimit(env: Environment): number | undefined {
  let e: unknown = env;
  while (e) {
    if (e instanceof TimeLimit) return e.maxSteps;
    e = (e as { env?: unknown }).env;
  }
  return undefined;
}

export async function hostNumber(v: Value): Promise<number> {
  if (!(v instanceof ConcreteArray)) throw new TypeError("workflow: expected a concrete array (is this being called inside a trace?)");
  return Number((await v.data())[0]);
}

/** Scalar metrics read back to JS numbers. */
export async function toHost(metrics: Metrics): Promise<HostMetrics> {
  return (await toHostRows(metrics, 1))[0]!;
}

/** Metrics stacked over `n` iterations ([n] each, or scalars when n = 1) read back as n rows. */
export async function toHostRows(metrics: Metrics, n: number): Promise<HostMetrics[]> {
  const entries = Object.entries(metrics);
  const vals = await Promise.all(
    entries.map(async ([k, v]) => {
      if (!(v instanceof ConcreteArray)) throw new TypeError(`workflow: metric ${k} is not a concrete array (is this being called inside a trace?)`);
      return [...(await v.data())].map(Number);
    }),
  );
  return Array.from({ length: n }, (_, j) => Object.fromEntries(entries.map(([k], i) => [k, vals[i]![j]!])));
}

/** A jitted step's output as a frozen record (nothing a jitted function saw is mutated later). */
export function frozen<T>(x: T): T {
  return freezeRecord(x);
}

/** Fresh int32 zero counters. */
export function zeroCounters(): Counters {
  const z = () => np.zeros([], "int32");
  return { iterations: z(), envSteps: z(), episodes: z(), updates: z() };
}

/** Counters advanced by one iteration of `envSteps` steps, `episodes` ended and `updates` updates. */
export function advanceCounters(c: Counters, d: { envSteps: number | Value; episodes: number | Value; updates: number | Value }): Counters {
  const i32 = (x: number | Value) => (typeof x === "number" ? x : np.astype(x, "int32"));
  return {
    iterations: np.add(c.iterations, 1),
    envSteps: np.add(c.envSteps, i32(d.envSteps)),
    episodes: np.add(c.episodes, i32(d.episodes)),
    updates: np.add(c.updates, i32(d.updates)),
  };
}
