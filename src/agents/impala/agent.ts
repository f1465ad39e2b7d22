// The IMPALA agent, as evorl's synchronous IMPALA: the shared actor-critic policy (separate or
// shared torsos) acts as the behaviour policy μ for a rollout; the learner then takes
// epochs × minibatches gradient steps on it, each minibatch a set of whole trajectories
// [T, b] (shuffled across environments, never across time, since V-trace runs along time).
// From the second step on the learner's π has moved away from μ, and V-trace's clipped
// importance weights correct for that lag.
import type { Value } from "../../core/values.js";
import { valueAndGrad } from "../../core/ad.js";
import { lax } from "../../lax/index.js";
import { numpy as np } from "../../numpy/index.js";
import { random } from "../../random/index.js";
import { map } from "../../pytree/index.js";
import type { Space } from "../../envs/spaces.js";
import { optim, type GradientTransformation } from "../../optim/index.js";
import { ActorCriticAgent } from "../common/actor_critic_agent.js";
import { annealedLr, onPolicyOptimizer } from "../common/optimizer.js";
import type { PolicyParams, PolicyState } from "../common/policy.js";
import { deviceOptimizer, perDevice } from "../common/parallel.js";
import type { FullSampleBatch, LossDict, OptStates, Trajectory, UpdateContext, UpdateResult } from "../types.js";
import { IMPALA_SCHEMA, IMPALA_SWEEPABLE, type IMPALAOptions } from "./config.js";
import { impalaLoss } from "./loss.js";

export type IMPALAState = PolicyState;

type Metrics = Record<string, Value>;

export class IMPALAAgent extends ActorCriticAgent<IMPALAOptions> {
  readonly name = "IMPALA";

  /** Options: IMPALA_SCHEMA's keys (others are ignored) and the loop's gamma, numEnvs, numSteps, totalSteps. */
  constructor(options: Partial<IMPALAOptions> & Record<string, unknown>, obsSpace: Space, actionSpace: Space, traced: Record<string, Value> = {}) {
    super("IMPALA", IMPALA_SCHEMA, IMPALA_SWEEPABLE, options, obsSpace, actionSpace, traced);
    if (this.options.minibatchSize > this.loop.numEnvs)
      throw new TypeError(`IMPALA: minibatchSize = ${this.options.minibatchSize} trajectories is more than numEnvs = ${this.loop.numEnvs}`);
    Object.freeze(this);
  }

  /** Minibatches per epoch: numEnvs / minibatchSize, rounded down (leftover trajectories are skipped that epoch, as evorl). */
  get numMinibatches(): number {
    return Math.floor(this.loop.numEnvs / this.options.minibatchSize);
  }

  optimizers(): Record<string, GradientTransformation> {
    return { model: this.#optimizer() };
  }

  #optimizer(): GradientTransformation {
    const o = this.options;
    return onPolicyOptimizer({ ...o, lr: this.h("lr"), maxGradNorm: this.traced.maxGradNorm ?? o.maxGradNorm, iterations: this.iterations, updatesPerIteration: o.epochs * this.numMinibatches });
  }

  /** IMPALA's loss on trajectories [T, b] (extras.logProb: the behaviour policy's). */
  loss(state: IMPALAState, traj: FullSampleBatch, key: Value): LossDict {
    const [pi, values] = this.pi.dist(state, traj.obs);
    const h = (k: string) => this.h(k);
    const clip = (k: "clipRho" | "clipC" | "clipPgRho") => (this.traced[k] ?? this.options[k]) as number | Value | null;
    const terms = impalaLoss(
      {
        logProb: this.pi.logProb(pi, traj.actions),
        behaviourLogProb: traj.extras.logProb!,
        values,
        nextValues: this.values(state, traj.nextObs),
        rewards: traj.rewards,
        terminated: traj.terminated,
        truncated: traj.truncated,
        entropy: this.pi.entropy(pi, key),
      },
      { gamma: h("gamma"), vtraceLambda: h("vtraceLambda"), clipRho: clip("clipRho"), clipC: clip("clipC"), clipPgRho: clip("clipPgRho"), advMode: this.options.advMode, vfCoef: h("vfCoef"), entCoef: h("entCoef") },
    );
    return { ...terms };
  }

  update(state: IMPALAState, optStates: OptStates, traj: Trajectory, ctx: UpdateContext): UpdateResult<IMPALAState> {
    const o = this.options;
    const optimizer = deviceOptimizer(this.#optimizer(), ctx.devices);
    const [T, B] = traj.rewards.shape as [number, number];
    const M = this.numMinibatches;
    // Data-parallel: each device takes its share of every minibatch's trajectories (numEnvs/N of its own).
    const b = perDevice(o.minibatchSize, ctx.devices, "IMPALA: minibatchSize");
    const data = { obs: traj.obs, actions: traj.actions, rewards: traj.rewards, nextObs: traj.nextObs, terminated: traj.terminated, truncated: traj.truncated, extras: { logProb: traj.extras.logProb! } };

    type Carry = { params: PolicyParams; optState: unknown; key: Value };
    const lossGrad = valueAndGrad(
      (params: PolicyParams, mb: FullSampleBatch, k: Value) => {
        const terms = this.loss({ ...state, params }, mb, k);
        return [terms.total, terms];
      },
      { hasAux: true },
    );
    const minibatchStep = (cr: Carry, mb: FullSampleBatch): [Carry, Metrics] => {
      const kk = random.split(cr.key);
      const [[, terms], grads] = lossGrad(cr.params, mb, kk.get(1)) as [[Value, Metrics], PolicyParams];
      const [updates, optState] = optimizer.update(grads, cr.optState, cr.params);
      return [{ params: optim.applyUpdates(cr.params, updates) as PolicyParams, optState, key: kk.get(0) }, terms];
    };
    const epoch = (cr: Carry, _: null): [Carry, Metrics] => {
      const kk = random.split(cr.key, 3);
      // [T, B, ...] → [M, T, b, ...]: environments permuted, whole trajectories kept.
      const perm = np.get(random.permutation(kk.get(1), B), np.s(0, M * b));
      const mbs = map((x: Value) => np.moveaxis(np.reshape(np.take(x, perm, 1), [T, M, b, ...x.shape.slice(2)]), 1, 0), data) as FullSampleBatch;
      const [out, terms] = lax.scan(minibatchStep, { ...cr, key: kk.get(2) }, mbs);
      return [{ ...out, key: kk.get(0) }, terms];
    };
    const [learned, terms] = lax.scan(epoch, { params: state.params, optState: optStates.model, key: ctx.key }, null, { length: o.epochs });
    const metrics: Metrics = { lr: annealedLr({ ...o, lr: this.h("lr"), iterations: this.iterations }, ctx.counters.iterations) };
    for (const [k, v] of Object.entries(terms)) metrics[`loss/${k}`] = np.mean(v);
    return { agentState: { ...state, params: learned.params }, optStates: { model: learned.optState }, metrics, updates: o.epochs * M };
  }
}
