// The A2C agent (synchronous advantage actor-critic, Mnih et al. 2016, as Stable-Baselines3):
// the shared actor-critic policy; per rollout, advantages by GAE(λ) (λ = 1: n-step returns
// bootstrapped with V of the real next observation, terminations and truncations kept apart),
// then one gradient step on the whole [T, B] rollout.
import type { Value } from "../../core/values.js";
import { valueAndGrad } from "../../core/ad.js";
import { numpy as np } from "../../numpy/index.js";
import type { Space } from "../../envs/spaces.js";
import { optim, type GradientTransformation } from "../../optim/index.js";
import { ActorCriticAgent } from "../common/actor_critic_agent.js";
import { gae } from "../common/gae.js";
import { deviceOptimizer } from "../common/parallel.js";
import { annealedLr, onPolicyOptimizer } from "../common/optimizer.js";
import type { PolicyParams, PolicyState } from "../common/policy.js";
import type { DeviceAxis, FullSampleBatch, LossDict, OptStates, Trajectory, UpdateContext, UpdateResult } from "../types.js";
import { A2C_SCHEMA, A2C_SWEEPABLE, type A2COptions } from "./config.js";
import { a2cLoss } from "./loss.js";

export type A2CState = PolicyState;

export class A2CAgent extends ActorCriticAgent<A2COptions> {
  readonly name = "A2C";

  /** Options: A2C_SCHEMA's keys (others are ignored) and the loop's gamma, numEnvs, numSteps, totalSteps. */
  constructor(options: Partial<A2COptions> & Record<string, unknown>, obsSpace: Space, actionSpace: Space, traced: Record<string, Value> = {}) {
    super("A2C", A2C_SCHEMA, A2C_SWEEPABLE, options, obsSpace, actionSpace, traced);
    Object.freeze(this);
  }

  optimizers(): Record<string, GradientTransformation> {
    return { model: this.#optimizer() };
  }

  #optimizer(): GradientTransformation {
    return onPolicyOptimizer({ ...this.options, lr: this.h("lr"), maxGradNorm: this.traced.maxGradNorm ?? this.options.maxGradNorm, iterations: this.iterations, updatesPerIteration: 1 });
  }

  /** A2C's loss on a batch whose extras carry advantages and targets. */
  loss(state: A2CState, batch: FullSampleBatch, key: Value, devices?: DeviceAxis): LossDict {
    const [pi, values] = this.pi.dist(state, batch.obs);
    const terms = a2cLoss(
      { logProb: this.pi.logProb(pi, batch.actions), advantages: batch.extras.advantages!, values, targets: batch.extras.targets!, entropy: this.pi.entropy(pi, key) },
      { vfCoef: this.h("vfCoef"), entCoef: this.h("entCoef"), normalizeAdvantages: this.options.normalizeAdvantages, axisName: devices?.axisName },
    );
    return { ...terms };
  }

  /** Returns and advantages of a rollout: GAE(λ) with the rollout's values (λ = 1: n-step returns). */
  returns(state: A2CState, traj: Trajectory): { advantages: Value; targets: Value } {
    return gae({
      rewards: traj.rewards,
      values: traj.extras.value!,
      nextValues: this.values(state, traj.nextObs),
      terminated: traj.terminated,
      done: np.logicalOr(traj.terminated, traj.truncated),
      gamma: this.h("gamma"),
      lambda: this.h("gaeLambda"),
    });
  }

  update(state: A2CState, optStates: OptStates, traj: Trajectory, ctx: UpdateContext): UpdateResult<A2CState> {
    const { advantages, targets } = this.returns(state, traj);
    const batch: FullSampleBatch = { ...traj, extras: { ...traj.extras, advantages, targets } };
    const lossGrad = valueAndGrad(
      (params: PolicyParams) => {
        const terms = this.loss({ ...state, params }, batch, ctx.key, ctx.devices);
        return [terms.total, terms];
      },
      { hasAux: true },
    );
    const [[, terms], grads] = lossGrad(state.params) as [[Value, Record<string, Value>], PolicyParams];
    const [updates, optState] = deviceOptimizer(this.#optimizer(), ctx.devices).update(grads, optStates.model, state.params);
    const metrics: Record<string, Value> = { lr: annealedLr({ ...this.options, lr: this.h("lr"), iterations: this.iterations }, ctx.counters.iterations) };
    for (const [k, v] of Object.entries(terms)) metrics[`loss/${k}`] = v;
    return { agentState: { ...state, params: optim.applyUpdates(state.params, updates) as PolicyParams }, optStates: { model: optState }, metrics, updates: 1 };
  }
}
