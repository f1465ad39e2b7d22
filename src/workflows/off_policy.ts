// OffPolicyWorkflow (evorl's OffPolicyWorkflow, SB3's / rlib's loop): act in a vectorized,
// auto-resetting env (uniformly random actions during the warm-up), store every transition in
// the device replay buffer, and after `learningStarts` steps run `gradientSteps` updates of
// the agent every `trainFreq` vector steps, each on a batch sampled from the buffer. One
// workflow iteration folds `stepsPerIteration` env steps into one jitted, donated program
// (scans of update phases), so a 100k-step DQN run is ~100 host calls, not 100k.
import type { Value } from "../core/values.js";
import { vmap } from "../core/batching.js";
import { lax } from "../lax/index.js";
import { numpy as np } from "../numpy/index.js";
import { random } from "../random/index.js";
import { map } from "../pytree/index.js";
import type { Environment } from "../envs/types.js";
import { AutoReset, EpisodeStatistics, vectorize } from "../envs/wrappers/index.js";
import type { AgentState, OffPolicyAgent, OptStates } from "../agents/types.js";
import type { OffPolicyLoopConfig } from "./config.js";
import { initOptStates } from "./on_policy.js";
import { replayAdd, replayInit, replayRows, replaySample, type ReplayBuffer, type Transition } from "./replay.js";
import { Workflow, zeroCounters, type BaseConfig, type Hyper, type Metrics, type WorkflowState } from "./workflow.js";

export interface OffPolicyState extends WorkflowState {
  envState: unknown;
  /** The observations the next step acts on, [numEnvs, ...]. */
  obs: Value;
  optStates: OptStates;
  buffer: ReplayBuffer;
}

export type OffPolicyConfig = BaseConfig & OffPolicyLoopConfig;

export type OffPolicyAgentFactory<C> = (config: C, env: Environment, hyper: Hyper) => OffPolicyAgent;

type Carry = { s: OffPolicyState; ret: Value; len: Value; done: Value };

export class OffPolicyWorkflow<C extends OffPolicyConfig = OffPolicyConfig> extends Workflow<OffPolicyState, C> {
  readonly env: Environment;
  readonly #agent: OffPolicyAgent;

  constructor(
    config: C,
    baseEnv: Environment,
    readonly makeAgent: OffPolicyAgentFactory<C>,
    hyper: Hyper = {},
  ) {
    super(config, baseEnv, hyper);
    // Data-parallel: each device acts in numEnvs/N envs, keeps a replay buffer of bufferSize/N
    // transitions and learns on batches of batchSize/N (gradients averaged: a global batch).
    this.envsPerDevice = this.perDevice(config.numEnvs, "numEnvs");
    this.batchPerDevice = this.perDevice(config.batchSize, "batchSize");
    this.bufferPerDevice = this.perDevice(config.bufferSize, "bufferSize");
    this.env = vectorize(new EpisodeStatistics(new AutoReset(baseEnv)), this.envsPerDevice);
    this.#agent = makeAgent(config, baseEnv, hyper);
  }

  readonly envsPerDevice: number;
  readonly batchPerDevice: number;
  readonly bufferPerDevice: number;

  override get perDeviceFields(): readonly string[] {
    return ["envState", "obs", "buffer"];
  }

  get agent(): OffPolicyAgent {
    return this.#agent;
  }
  /** Env steps of one update phase: trainFreq vector steps. */
  get stepsPerPhase(): number {
    return this.config.numEnvs * this.config.trainFreq;
  }
  /** Update phases per iteration. */
  get phasesPerIteration(): number {
    return Math.max(1, Math.round(this.config.stepsPerIteration / this.stepsPerPhase));
  }
  get stepsPerIteration(): number {
    return this.phasesPerIteration * this.stepsPerPhase;
  }
  get numIterations(): number {
    return Math.max(1, Math.round(this.config.totalSteps / this.stepsPerIteration));
  }
  get randomSteps(): number {
    return this.config.randomSteps ?? this.config.learningStarts;
  }

  withHyper(hyper: Hyper): OffPolicyWorkflow<C> {
    return new OffPolicyWorkflow(this.config, this.baseEnv, this.makeAgent, { ...this.hyper, ...hyper });
  }

  init(key: Value): OffPolicyState {
    const ks = random.split(key, 3);
    const agentState = this.agent.init(ks.get(1), this.baseEnv.observationSpace(), this.baseEnv.actionSpace());
    const n = this.envsPerDevice;
    const action = this.baseEnv.actionSpace().sample(random.key(0)) as Value;
    const perDevice = this.initPerDevice(ks.get(2), (k) => {
      const r = this.env.reset(k);
      const example: Transition = {
        obs: r.obs,
        actions: np.zeros([n, ...action.shape], action.dtype),
        rewards: np.zeros([n], "float32"),
        nextObs: r.obs,
        terminated: np.zeros([n], "bool"),
        truncated: np.zeros([n], "bool"),
      };
      return { envState: r.state, obs: r.obs, buffer: replayInit(example, replayRows(this.bufferPerDevice, n)) };
    });
    return {
      key: ks.get(0),
      counters: zeroCounters(),
      agentState,
      ...perDevice,
      optStates: initOptStates(this.agent, agentState),
    };
  }

  /** Actions for the current observations: uniformly random during the warm-up, else the agent's exploring ones. */
  act(state: OffPolicyState, key: Value): Value {
    const [ka, kr] = [random.foldIn(key, 0), random.foldIn(key, 1)];
    const [a] = this.agent.computeActions(state.agentState, { obs: state.obs }, ka, state.counters.envSteps);
    if (this.randomSteps <= 0) return a;
    const space = this.baseEnv.actionSpace();
    const rand = vmap((k: Value) => space.sample(k) as Value)(random.split(kr, this.envsPerDevice));
    const warm = np.less(state.counters.envSteps, this.randomSteps);
    return np.where(warm, np.astype(rand, a.dtype), a);
  }

  /** One vector step: act, step every env copy, store the transitions, update statistics. */
  envStep(c: Carry, key: Value): Carry {
    const s = c.s;
    const [ka, ke] = [random.foldIn(key, 0), random.foldIn(key, 1)];
    const actions = this.act(s, ka);
    const r = this.env.step(ke, s.envState, this.agent.toEnvAction ? this.agent.toEnvAction(actions) : actions);
    const nextObs = r.info.finalObs ?? r.obs;
    const buffer = replayAdd(s.buffer, { obs: s.obs, actions, rewards: np.astype(r.reward, "float32"), nextObs, terminated: r.terminated, truncated: r.truncated });
    const agentState = this.updateStatsGlobal(this.agent, s.agentState, { obs: s.obs }, 1);
    const ended = np.logicalOr(r.terminated, r.truncated);
    const returned = r.info.returnedEpisode !== undefined ? np.astype(r.info.returnedEpisode, "float32") : np.astype(ended, "float32");
    // envSteps is global (every device's envs), so warm-up, learningStarts and ε schedules are
    // those of one device; episodes counts this device's and is summed over devices after the iteration.
    const n = this.config.numEnvs;
    return {
      s: {
        ...s,
        agentState,
        envState: r.state,
        obs: r.obs,
        buffer,
        counters: { ...s.counters, envSteps: np.add(s.counters.envSteps, n), episodes: np.add(s.counters.episodes, np.astype(np.sum(ended), "int32")) },
      },
      ret: r.info.episodeReturn !== undefined ? np.add(c.ret, np.sum(np.multiply(np.astype(r.info.episodeReturn, "float32"), returned))) : c.ret,
      len: r.info.episodeLength !== undefined ? np.add(c.len, np.sum(np.multiply(np.astype(r.info.episodeLength, "float32"), returned))) : c.len,
      done: np.add(c.done, np.sum(returned)),
    };
  }

  /** `gradientSteps` updates on fresh batches from the buffer. */
  learnPhase(s: OffPolicyState, key: Value): [OffPolicyState, Metrics] {
    const c = this.config;
    type L = { agentState: AgentState; optStates: OptStates; updates: Value; key: Value };
    const one = (l: L, _: null): [L, Metrics] => {
      const ks = random.split(l.key, 3);
      const batch = replaySample(s.buffer, ks.get(1), this.batchPerDevice, { gamma: this.h("gamma"), nStep: c.nStep });
      const counters = { ...s.counters, updates: l.updates };
      const u = this.agent.update(l.agentState, l.optStates, batch, this.updateContext(ks.get(2), counters));
      return [{ agentState: u.agentState, optStates: u.optStates, updates: np.add(l.updates, np.astype(np.asArray(u.updates), "int32")), key: ks.get(0) }, u.metrics];
    };
    const [out, ms] = lax.scan(one, { agentState: s.agentState, optStates: s.optStates, updates: s.counters.updates, key }, null, { length: c.gradientSteps });
    const metrics = map((m: Value) => np.mean(np.astype(m, "float32")), ms) as Metrics;
    return [{ ...s, agentState: out.agentState, optStates: out.optStates, counters: { ...s.counters, updates: out.updates } }, metrics];
  }

  update(state: OffPolicyState): [Metrics, OffPolicyState] {
    const c = this.config;
    const ks = random.split(state.key, 2);
    // Acting, env steps and replay sampling draw from per-device keys; the state's key stays replicated.
    const loopKey = this.deviceKey(ks.get(1));
    const zero = np.zeros([], "float32");
    // The metrics a learning phase reports, from an abstract trace (dead code, removed): the
    // skipped branch of the learning-starts cond must return the same structure.
    const names = Object.keys(this.learnPhase(state, loopKey)[1]);
    type P = { c: Carry; sums: Metrics; learned: Value; key: Value };
    const phase = (p: P, _: null): [P, null] => {
      const kk = random.split(p.key, 3);
      const [cEnd] = lax.scan((cc: Carry, k: Value): [Carry, null] => [this.envStep(cc, k), null], p.c, random.split(kk.get(1), c.trainFreq));
      const ready = np.greaterEqual(cEnd.s.counters.envSteps, Math.max(c.learningStarts, c.batchSize > 0 ? 1 : 0));
      const [s2, m] = lax.cond(
        ready,
        (st: OffPolicyState, k: Value) => this.learnPhase(st, k),
        (st: OffPolicyState, _k: Value) => [st, Object.fromEntries(names.map((n) => [n, zero]))] as [OffPolicyState, Metrics],
        cEnd.s,
        kk.get(2),
      );
      const sums = Object.fromEntries(names.map((n) => [n, np.add(p.sums[n]!, m[n]!)]));
      return [{ c: { ...cEnd, s: s2 }, sums, learned: np.add(p.learned, np.astype(ready, "float32")), key: kk.get(0) }, null];
    };
    const start: P = {
      c: { s: state, ret: zero, len: zero, done: zero },
      sums: Object.fromEntries(names.map((n) => [n, zero])),
      learned: zero,
      key: loopKey,
    };
    const [end] = lax.scan(phase, start, null, { length: this.phasesPerIteration });
    const s = end.c.s;
    const metrics: Metrics = {};
    const nan = np.array(NaN, "float32");
    // Episode statistics over every device's episodes (each device weighted by the episodes it ended).
    const done = this.sumDevices(end.c.done);
    const perEpisode = (x: Value) => np.where(np.greater(done, 0), np.divide(this.sumDevices(x), np.maximum(done, 1)), nan);
    metrics.episodeReturn = perEpisode(end.c.ret);
    metrics.episodeLength = perEpisode(end.c.len);
    for (const n of names) metrics[n] = np.where(np.greater(end.learned, 0), np.divide(end.sums[n]!, np.maximum(end.learned, 1)), nan);
    const episodes = np.add(state.counters.episodes, this.sumDevices(np.subtract(s.counters.episodes, state.counters.episodes)));
    const next: OffPolicyState = { ...s, key: ks.get(0), counters: { ...s.counters, episodes, iterations: np.add(state.counters.iterations, 1) } };
    return [metrics, next];
  }
}

