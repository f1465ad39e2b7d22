// OnPolicyWorkflow (evorl's OnPolicyWorkflow + PureJaxRL's PPO loop): one iteration is one
// jitted program — a rollout scan over numSteps of the vectorized, auto-resetting env, GAE
// with the real final observations bootstrapped, then epochs × shuffled minibatches of
// gradient steps in nested scans — with the state donated, so it updates in place.
import type { Value } from "../core/values.js";
import type { Array as ConcreteArray } from "../core/values.js";
import { jit } from "../core/jit.js";
import { valueAndGrad } from "../core/ad.js";
import { lax } from "../lax/index.js";
import { numpy as np } from "../numpy/index.js";
import { random } from "../random/index.js";
import { map } from "../pytree/index.js";
import { optim, type GradientTransformation } from "../optim/index.js";
import type { Environment } from "../envs/types.js";
import { envs } from "../envs/index.js";
import { AutoReset, EpisodeStatistics, NormalizeReward, TimeLimit, vectorize } from "../envs/wrappers/index.js";
import type { AgentState, FullSampleBatch } from "../agents/types.js";
import type { OnPolicyAgent } from "../agents/ppo/agent.js";
import { gae } from "../agents/common/gae.js";
import { ON_POLICY_ALGORITHMS, resolveOnPolicyConfig, type PPOConfig } from "./config.js";
import { episodeMetrics, rollout } from "./rollout.js";
import { evaluateEpisodes } from "./evaluator.js";
import { Workflow, frozen, type EvalResult, type Metrics, type WorkflowState } from "./workflow.js";

export interface OnPolicyState extends WorkflowState {
  agentState: AgentState;
  /** The vectorized training environment's state. */
  envState: unknown;
  /** The observations the next rollout starts from, [numEnvs, ...]. */
  obs: Value;
  optState: unknown;
}

export interface BuildOptions {
  /** Train on this (single, unvectorized) environment instead of envs.make(config.env, config.envOptions). */
  env?: Environment;
}

/** Hyperparameters that may be traced scalars (swept by trainMany). */
export const SWEEPABLE = ["lr", "gamma", "gaeLambda", "clipEps", "valueClipEps", "vfCoef", "entCoef", "maxGradNorm", "rewardScale"] as const;
export type Sweepable = (typeof SWEEPABLE)[number];
type Num = number | Value;

const EVAL_SALT = 0x5eed;

export class OnPolicyWorkflow extends Workflow<OnPolicyState, PPOConfig> {
  /** The environment as made (one copy, no training wrappers). */
  readonly baseEnv: Environment;
  /** numEnvs copies, auto-resetting, with episode statistics (and reward normalization if asked). */
  readonly env: Environment;
  /** evalEpisodes copies of the base environment, for the evaluator. */
  readonly evalEnv: Environment;
  readonly evalMaxSteps: number;
  readonly agent: OnPolicyAgent;
  readonly optimizer: GradientTransformation;
  readonly hyper: Readonly<Partial<Record<Sweepable, Value>>>;
  readonly #step: (s: OnPolicyState) => [Metrics, OnPolicyState];
  readonly #setup: (k: Value) => OnPolicyState;
  readonly #evaluate: (a: AgentState, k: Value) => { returns: Value; lengths: Value };

  /** A workflow from config overrides (checked against the algorithm's schema first). */
  static build(config: Partial<PPOConfig> & Record<string, unknown> = {}, opts: BuildOptions = {}): OnPolicyWorkflow {
    const c = resolveOnPolicyConfig<PPOConfig>(config);
    return new OnPolicyWorkflow(c, opts.env ?? envs.make(c.env, c.envOptions));
  }

  constructor(config: PPOConfig, baseEnv: Environment, hyper: Partial<Record<Sweepable, Value>> = {}) {
    super(config);
    this.baseEnv = baseEnv;
    this.hyper = hyper;
    let env: Environment = vectorize(new EpisodeStatistics(new AutoReset(baseEnv)), config.numEnvs);
    if (config.normalizeReward) env = new NormalizeReward(env, { gamma: config.gamma });
    this.env = env;
    this.evalEnv = vectorize(baseEnv, config.evalEpisodes);
    this.evalMaxSteps = config.evalMaxSteps ?? stepLimit(baseEnv) ?? 1000;
    const traced: Record<string, Value> = {};
    for (const k of ["clipEps", "valueClipEps", "vfCoef", "entCoef"] as const) if (hyper[k] !== undefined) traced[k] = hyper[k];
    this.agent = makeAgent(config, traced, baseEnv);
    this.optimizer = this.makeOptimizer();
    this.#setup = jit((k: Value) => this.init(k), { name: "OnPolicyWorkflow.setup" });
    this.#step = jit((s: OnPolicyState) => this.update(s), { donate: [0], name: "OnPolicyWorkflow.step" });
    this.#evaluate = jit((a: AgentState, k: Value) => evaluateEpisodes(this.evalEnv, this.agent, a, k, this.evalMaxSteps), {
      name: "OnPolicyWorkflow.evaluate",
    });
  }

  get name(): string {
    return this.agent.name;
  }
  get stepsPerIteration(): number {
    return this.config.numEnvs * this.config.numSteps;
  }
  get numIterations(): number {
    return Math.floor(this.config.totalSteps / this.stepsPerIteration);
  }
  /** A hyperparameter's value: the swept (traced) one if any, else the config's. */
  h(name: Sweepable): Num {
    return this.hyper[name] ?? (this.config[name] as number);
  }

  /** The same workflow with some hyperparameters replaced by (traced) scalars. */
  withHyper(hyper: Partial<Record<Sweepable, Value>>): OnPolicyWorkflow {
    return new OnPolicyWorkflow(this.config, this.baseEnv, { ...this.hyper, ...hyper });
  }

  /**
   * The learning rate after `iterations` iterations (PureJaxRL's schedule: constant within an
   * iteration, reaching 0 at numIterations; held at 0 if a run goes on past its budget).
   */
  lrAt(iterations: Value | number): Value {
    const lr = this.h("lr");
    if (!this.config.annealLr) return np.astype(np.asArray(lr), "float32");
    const frac = np.subtract(1, np.divide(np.astype(np.asArray(iterations), "float32"), this.numIterations));
    return np.multiply(lr, np.maximum(frac, 0));
  }

  protected makeOptimizer(): GradientTransformation {
    const c = this.config;
    const perIter = c.epochs * c.numMinibatches;
    const schedule = (count: Value | number) => this.lrAt(np.floorDivide(np.asArray(count), perIter));
    const adam = optim.adam({ learningRate: c.annealLr ? schedule : this.h("lr"), eps: c.adamEps });
    const clip = this.hyper.maxGradNorm ?? c.maxGradNorm;
    return clip === null ? adam : optim.chain(optim.clipByGlobalNorm(clip), adam);
  }

  // --- pure, traceable pieces ---------------------------------------------------------

  /** The initial state (pure: jitted by setup, vmapped by trainMany). */
  init(key: Value): OnPolicyState {
    const ks = random.split(key, 3);
    const [kState, kAgent, kEnv] = [ks.get(0), ks.get(1), ks.get(2)];
    const agentState = this.agent.init(kAgent, this.baseEnv.observationSpace(), this.baseEnv.actionSpace());
    const r = this.env.reset(kEnv);
    const zero = () => np.zeros([], "int32");
    return {
      key: kState,
      counters: { iterations: zero(), envSteps: zero() },
      agentState,
      envState: r.state,
      obs: r.obs,
      optState: this.optimizer.init(agentState.params),
    };
  }

  /** One iteration (pure: jitted by step, scanned and vmapped by trainMany). */
  update(state: OnPolicyState): [Metrics, OnPolicyState] {
    const c = this.config;
    const ks = random.split(state.key, 3);
    const [key, kRoll, kLearn] = [ks.get(0), ks.get(1), ks.get(2)];
    let agentState = state.agentState;
    const [traj, end] = rollout(this.env, this.agent, agentState, { envState: state.envState, obs: state.obs }, kRoll, c.numSteps);

    // Advantages: bootstrap with V of the real next observation; cut traces at episode ends.
    const scale = this.h("rewardScale");
    const rewards = typeof scale === "number" && scale === 1 ? traj.rewards : np.multiply(traj.rewards, scale);
    const nextValues = this.agent.values(agentState, traj.nextObs);
    const { advantages, targets } = gae({
      rewards,
      values: traj.extras.value,
      nextValues,
      terminated: traj.terminated,
      done: np.logicalOr(traj.terminated, traj.truncated),
      gamma: this.h("gamma"),
      lambda: c.useGae ? this.h("gaeLambda") : 1,
    });
    const n = this.stepsPerIteration;
    const flat = (x: Value) => np.reshape(x, [n, ...x.shape.slice(2)]);
    const batch = map(flat, {
      obs: traj.obs,
      actions: traj.actions,
      rewards,
      nextObs: traj.nextObs,
      terminated: traj.terminated,
      truncated: traj.truncated,
      extras: { logProb: traj.extras.logProb, value: traj.extras.value, advantages, targets },
    }) as FullSampleBatch;

    // Epochs × shuffled minibatches of gradient steps.
    const M = c.numMinibatches;
    type Carry = { params: unknown; optState: unknown; key: Value };
    const lossGrad = valueAndGrad(
      (params: unknown, mb: FullSampleBatch, k: Value) => {
        const l = this.agent.loss({ ...agentState, params }, mb, k);
        return [l.total, l];
      },
      { hasAux: true },
    );
    const minibatchStep = (cr: Carry, mb: FullSampleBatch): [Carry, Metrics] => {
      const kk = random.split(cr.key);
      const [[, terms], grads] = lossGrad(cr.params, mb, kk.get(1)) as [[Value, Metrics], unknown];
      const [updates, optState] = this.optimizer.update(grads, cr.optState, cr.params);
      return [{ params: optim.applyUpdates(cr.params, updates), optState, key: kk.get(0) }, terms];
    };
    const epoch = (cr: Carry, _: null): [Carry, Metrics] => {
      const kk = random.split(cr.key, 3);
      const perm = random.permutation(kk.get(1), n);
      const mbs = map((x: Value) => np.reshape(np.take(x, perm, 0), [M, n / M, ...x.shape.slice(1)]), batch) as FullSampleBatch;
      const [out, terms] = lax.scan(minibatchStep, { ...cr, key: kk.get(2) }, mbs);
      return [{ ...out, key: kk.get(0) }, terms];
    };
    const [learned, terms] = lax.scan(epoch, { params: agentState.params, optState: state.optState, key: kLearn }, null, { length: c.epochs });
    agentState = { ...agentState, params: learned.params };
    // Statistics (e.g. the observation normalizer) move after learning, so the rollout and the
    // loss of one iteration saw the same normalization.
    if (this.agent.updateStats) agentState = this.agent.updateStats(agentState, traj, 2);

    const metrics: Metrics = { lr: this.lrAt(state.counters.iterations), ...episodeMetrics(traj) };
    for (const [k, v] of Object.entries(terms)) metrics[`loss/${k}`] = np.mean(v);
    const next: OnPolicyState = {
      key,
      counters: { iterations: np.add(state.counters.iterations, 1), envSteps: np.add(state.counters.envSteps, n) },
      agentState,
      envState: end.envState,
      obs: end.obs,
      optState: learned.optState,
    };
    return [metrics, next];
  }

  /** Evaluation episodes' returns and lengths (pure). */
  evaluatePure(agentState: AgentState, key: Value): { returns: Value; lengths: Value } {
    return evaluateEpisodes(this.evalEnv, this.agent, agentState, key, this.evalMaxSteps);
  }

  /** The evaluation key of a state: derived, not consumed, so evaluating never changes training. */
  evalKey(state: OnPolicyState): Value {
    return random.foldIn(random.foldIn(state.key, EVAL_SALT), state.counters.iterations);
  }

  // --- host API -------------------------------------------------------------------------

  setup(key: Value | number = this.config.seed): OnPolicyState {
    return frozen(this.#setup(typeof key === "number" ? random.key(key) : key));
  }

  step(state: OnPolicyState): [Metrics, OnPolicyState] {
    const [m, s] = this.#step(state);
    return [m, frozen(s)];
  }

  async evaluate(state: OnPolicyState): Promise<EvalResult> {
    const { returns, lengths } = this.#evaluate(state.agentState, this.evalKey(state));
    const r = [...(await (returns as ConcreteArray).data())].map(Number);
    const l = [...(await (lengths as ConcreteArray).data())].map(Number);
    const mean = r.reduce((a, b) => a + b, 0) / r.length;
    const std = Math.sqrt(r.reduce((a, b) => a + (b - mean) ** 2, 0) / r.length);
    return { returnMean: mean, returnStd: std, lengthMean: l.reduce((a, b) => a + b, 0) / l.length, returns: r };
  }
}

/** The step limit of a TimeLimit-wrapped environment (outermost first), if any. */
function stepLimit(env: Environment): number | undefined {
  let e: any = env;
  while (e) {
    if (e instanceof TimeLimit) return e.maxSteps;
    e = e.env;
  }
  return undefined;
}

// Swept hyperparameters are traced scalars, which the options schema (numbers) would reject:
// build the agent from the checked config, then put them in.
function makeAgent(config: PPOConfig, traced: Record<string, Value>, env: Environment): OnPolicyAgent {
  const agent = ON_POLICY_ALGORITHMS[config.algo]!.makeAgent(config, env.observationSpace(), env.actionSpace());
  if (!Object.keys(traced).length) return agent;
  const a = agent as OnPolicyAgent & { withOptions?: (o: Record<string, Value>) => OnPolicyAgent };
  if (!a.withOptions) throw new TypeError(`${agent.name}: cannot sweep ${Object.keys(traced).join(", ")} (the agent has no withOptions)`);
  return a.withOptions(traced);
}
