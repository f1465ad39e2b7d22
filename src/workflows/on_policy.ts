// OnPolicyWorkflow (evorl's OnPolicyWorkflow + PureJaxRL's loop): one iteration is one
// jitted program — a rollout scan over numSteps of the vectorized, auto-resetting env, then
// the agent's own update on the whole trajectory (PPO's epochs × minibatches, A2C's step,
// IMPALA's V-trace) — with the state donated, so it updates in place.
import type { Value } from "../core/values.js";
import { numpy as np } from "../numpy/index.js";
import { random } from "../random/index.js";
import type { Environment } from "../envs/types.js";
import { AutoReset, EpisodeStatistics, NormalizeReward, vectorize } from "../envs/wrappers/index.js";
import type { AgentState, OnPolicyAgent, OptStates } from "../agents/types.js";
import type { GradientTransformation } from "../optim/index.js";
import type { OnPolicyLoopConfig } from "./config.js";
import { episodeMetrics, rollout } from "./rollout.js";
import { Workflow, advanceCounters, zeroCounters, type BaseConfig, type Hyper, type Metrics, type WorkflowState } from "./workflow.js";

export interface OnPolicyState extends WorkflowState {
  /** The vectorized training environment's state. */
  envState: unknown;
  /** The observations the next rollout starts from, [numEnvs, ...]. */
  obs: Value;
  /** One state per named optimizer of the agent. */
  optStates: OptStates;
}

export type OnPolicyConfig = BaseConfig & OnPolicyLoopConfig;

/** Makes the agent of a run; `hyper` holds swept hyperparameters as traced scalars. */
export type OnPolicyAgentFactory<C> = (config: C, env: Environment, hyper: Hyper) => OnPolicyAgent;

export class OnPolicyWorkflow<C extends OnPolicyConfig = OnPolicyConfig> extends Workflow<OnPolicyState, C> {
  /** numEnvs copies, auto-resetting, with episode statistics (and reward normalization if asked). */
  readonly env: Environment;
  readonly #agent: OnPolicyAgent;

  constructor(
    config: C,
    baseEnv: Environment,
    readonly makeAgent: OnPolicyAgentFactory<C>,
    hyper: Hyper = {},
  ) {
    super(config, baseEnv, hyper);
    // Data-parallel: each device steps numEnvs / numDevices copies of its own.
    let env: Environment = vectorize(new EpisodeStatistics(new AutoReset(baseEnv)), this.perDevice(config.numEnvs, "numEnvs"));
    if (config.normalizeReward) env = new NormalizeReward(env, { gamma: config.gamma });
    this.env = env;
    this.#agent = makeAgent(config, baseEnv, hyper);
  }

  get agent(): OnPolicyAgent {
    return this.#agent;
  }
  get stepsPerIteration(): number {
    return this.config.numEnvs * this.config.numSteps;
  }
  get numIterations(): number {
    return Math.floor(this.config.totalSteps / this.stepsPerIteration);
  }

  override get perDeviceFields(): readonly string[] {
    return ["envState", "obs"];
  }

  withHyper(hyper: Hyper): OnPolicyWorkflow<C> {
    return new OnPolicyWorkflow(this.config, this.baseEnv, this.makeAgent, { ...this.hyper, ...hyper });
  }

  init(key: Value): OnPolicyState {
    const ks = random.split(key, 3);
    const agentState = this.agent.init(ks.get(1), this.baseEnv.observationSpace(), this.baseEnv.actionSpace());
    const r = this.initPerDevice(ks.get(2), (k) => this.env.reset(k));
    return {
      key: ks.get(0),
      counters: zeroCounters(),
      agentState,
      envState: r.state,
      obs: r.obs,
      optStates: initOptStates(this.agent, agentState),
    };
  }

  update(state: OnPolicyState): [Metrics, OnPolicyState] {
    const ks = random.split(state.key, 3);
    // Rollouts (and the learner's minibatch shuffles) draw from per-device keys; the state's key stays replicated.
    const [traj, end] = rollout(this.env, this.agent, state.agentState, { envState: state.envState, obs: state.obs }, this.deviceKey(ks.get(1)), this.config.numSteps, state.counters.envSteps);
    const u = this.agent.update(state.agentState, state.optStates, traj, this.updateContext(this.deviceKey(ks.get(2)), state.counters));
    // Statistics (e.g. the observation normalizer) move after learning, so the rollout and the
    // loss of one iteration saw the same normalization.
    const agentState = this.updateStatsGlobal(this.agent, u.agentState, traj, 2);
    const ep = episodeMetrics(traj, this.devices?.axisName);
    const metrics: Metrics = { ...u.metrics, ...ep };
    const next: OnPolicyState = {
      key: ks.get(0),
      counters: advanceCounters(state.counters, { envSteps: this.stepsPerIteration, episodes: ep.episodes ?? this.sumDevices(np.sum(np.logicalOr(traj.terminated, traj.truncated))), updates: u.updates }),
      agentState,
      envState: end.envState,
      obs: end.obs,
      optStates: u.optStates,
    };
    return [metrics, next];
  }
}

/** Fresh states of every optimizer of a learner, each over the params it updates. */
export function initOptStates(agent: { optimizers(): Record<string, GradientTransformation> }, agentState: AgentState): OptStates {
  const opts = agent.optimizers();
  const params = agentState.params as Record<string, unknown>;
  return Object.fromEntries(Object.entries(opts).map(([k, o]) => [k, o.init(optimizedParams(params, k, Object.keys(opts).length))]));
}

/**
 * The params an optimizer named `name` updates: an agent with one optimizer updates all its
 * params; with several, each optimizer owns the params field of its name ({actor, critic}).
 */
export function optimizedParams(params: Record<string, unknown>, name: string, count: number): unknown {
  if (count === 1) return params;
  if (!(name in params)) throw new TypeError(`workflow: the agent has an optimizer "${name}" but its params have no field "${name}" (fields: ${Object.keys(params).join(", ")})`);
  return params[name];
}
