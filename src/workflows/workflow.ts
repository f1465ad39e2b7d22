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
import { vmap } from "../core/batching.js";
import { pmap } from "../core/pmap.js";
import { backendName, xlaRuntime } from "../core/backend.js";
import { isFloatDtype } from "../core/aval.js";
import { lax } from "../lax/index.js";
import { numpy as np } from "../numpy/index.js";
import { random } from "../random/index.js";
import { freezeRecord } from "../pytree/index.js";
import type { Environment } from "../envs/types.js";
import { TimeLimit, vectorize } from "../envs/wrappers/index.js";
import type { Agent, AgentState, Counters, DeviceAxis, SampleBatch, UpdateContext } from "../agents/types.js";
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
  /** Devices the run is data-parallel over (COMMON_SCHEMA's default 1: one device, no pmap). */
  numDevices?: number;
}

/** Hyperparameters replaced by traced scalars (a swept value under vmap). */
export type Hyper = Readonly<Record<string, Value>>;

const EVAL_SALT = 0x5eed;

/** The pmap axis name of data-parallel workflows (numDevices > 1). */
export const DEVICE_AXIS = "devices";

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
    const nd = config.numDevices ?? 1;
    if (!Number.isInteger(nd) || nd < 1) throw new TypeError(`${this.constructor.name}: numDevices must be a positive integer, got ${nd}`);
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

  // --- data parallelism (numDevices > 1) ----------------------------------------------------
  // The state's per-device fields (`perDeviceFields`: environments, replay buffers) carry a
  // leading device axis [numDevices, ...]; everything else (key, counters, agent and optimizer
  // states) is one replicated copy, identical on every device. The step is a pmap of the
  // update: per-device randomness comes from deviceKey, learners average gradients over
  // `devices`, counters and metrics are combined with collectives so they are global.

  /** Devices the run is data-parallel over. */
  get numDevices(): number {
    return this.config.numDevices ?? 1;
  }
  /** The device axis learners see in their UpdateContext, or undefined on one device. */
  get devices(): DeviceAxis | undefined {
    return this.numDevices > 1 ? { axisName: DEVICE_AXIS, size: this.numDevices } : undefined;
  }
  /** State fields with a leading device axis (the family's per-device parts). */
  get perDeviceFields(): readonly string[] {
    return [];
  }

  /** A learner's context: with the device axis when the run is data-parallel. */
  updateContext(key: Value, counters: Counters): UpdateContext {
    return this.devices ? { key, counters, devices: this.devices } : { key, counters };
  }

  /** `global` split over the devices; an error names the option when it does not divide. */
  perDevice(global: number, option: string): number {
    const n = this.numDevices;
    if (global % n !== 0) throw new TypeError(`${this.constructor.name}: ${option} = ${global} must be divisible by numDevices = ${n} (each device takes ${option}/numDevices)`);
    return global / n;
  }
  /** A key of this device's own (folded with its index); the key itself on one device. Inside the step only. */
  deviceKey(key: Value): Value {
    return this.numDevices > 1 ? random.foldIn(key, lax.axisIndex(DEVICE_AXIS)) : key;
  }
  /** x summed over the devices (the identity on one device). Inside the step only. */
  sumDevices(x: Value): Value {
    return this.numDevices > 1 ? lax.psum(x, DEVICE_AXIS) : x;
  }
  /** Every device's x stacked on a new leading axis (x with a leading axis of 1 on one device). Inside the step only. */
  gatherDevices(x: Value): Value {
    return this.numDevices > 1 ? lax.allGather(x, DEVICE_AXIS) : np.expandDims(x, 0);
  }
  /**
   * Per-device parts of an initial state: `f` of one device's key, stacked [numDevices, ...]
   * with device d's key = foldIn(key, d) (as deviceKey inside the step); `f(key)` on one device.
   */
  initPerDevice<T>(key: Value, f: (k: Value) => T): T {
    if (this.numDevices === 1) return f(key);
    const ids = np.arange(this.numDevices, undefined, 1, "int32");
    return vmap((d: Value) => f(random.foldIn(key, d)))(ids) as T;
  }
  /**
   * The agent's running statistics moved by the batch of every device (observations gathered
   * over the axis, so the normalizer stays equal on every replica and equals one device's).
   */
  updateStatsGlobal(agent: Agent, agentState: AgentState, batch: SampleBatch, batchAxes: number): AgentState {
    if (!agent.updateStats) return agentState;
    if (this.numDevices === 1 || agentState.obsNorm === null) return agent.updateStats(agentState, batch, batchAxes);
    return agent.updateStats(agentState, { obs: this.gatherDevices(batch.obs) }, batchAxes + 1);
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
      const folded = (s: S): [Metrics, S] => {
        if (n === 1) return this.updateCounted(s);
        const [last, ms] = lax.scan((st: S, _: null): [S, Metrics] => {
          const [m, next] = this.updateCounted(st);
          return [next, m];
        }, s, null, { length: n });
        return [ms, last];
      };
      if (this.numDevices > 1) {
        this.checkDevices();
        // pmap runs at the top level and round-trips through the host (no donation across devices).
        const spec = Object.fromEntries(this.perDeviceFields.map((k) => [k, 0]));
        f = pmap(folded, { axisName: DEVICE_AXIS, inAxes: [spec], outAxes: [null, spec], devices: this.numDevices });
      } else f = jit(folded, { donate: [0], name: n === 1 ? name : `${name}×${n}` });
      this.#steps.set(n, f as (s: never) => unknown);
    }
    return f(state);
  }

  /** Throws unless the agent can train data-parallel and the runtime has numDevices devices (checked before the first data-parallel step). */
  checkDevices(): void {
    const n = this.numDevices;
    if (n === 1) return;
    const why = this.agent.dataParallelUnsupported;
    if (why !== undefined) throw new TypeError(`${this.agent.name}: numDevices > 1 is not supported: ${why}`);
    if (backendName() !== "xla") return;
    const have = xlaRuntime().devices.length;
    if (have < n)
      throw new RangeError(
        `${this.constructor.name}: numDevices = ${n} but the runtime has ${have} device${have === 1 ? "" : "s"} (the CPU plugin opens cpu_device_count devices, default 4: Runtime.open({ createOptions: { cpu_device_count: ${n} } }))`,
      );
  }

  /** `update` with the counters after it added to the metrics (what step, stepMany and trainMany report). Pure. */
  updateCounted(s: S): [Metrics, S] {
    const [m, next] = this.update(s);
    // Data-parallel: every float metric averaged over the devices (losses are per-shard means;
    // the families already combined episode statistics, so those are equal everywhere).
    const combined = this.numDevices > 1 ? Object.fromEntries(Object.entries(m).map(([k, v]) => [k, isFloatDtype(v.dtype) ? lax.pmean(v, DEVICE_AXIS) : v])) : m;
    return [{ ...combined, ...this.counterMetrics(next.counters) }, next];
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
