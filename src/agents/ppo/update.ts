// PPO's learner (PureJaxRL / CleanRL): advantages by GAE over the rollout — bootstrapping
// with V of the real next observation, cutting traces at episode ends — then epochs × shuffled
// minibatches of clipped-surrogate gradient steps, as nested scans. The learning rate anneals
// linearly to zero over the run's iterations (held within an iteration).
import type { Value } from "../../core/values.js";
import { valueAndGrad } from "../../core/ad.js";
import { lax } from "../../lax/index.js";
import { numpy as np } from "../../numpy/index.js";
import { random } from "../../random/index.js";
import { map } from "../../pytree/index.js";
import { optim, type GradientTransformation } from "../../optim/index.js";
import { gae } from "../common/gae.js";
import { deviceOptimizer } from "../common/parallel.js";
import type { FullSampleBatch, OptStates, Trajectory, UpdateContext, UpdateResult } from "../types.js";
import type { PPOAgent, PPOParams, PPOState } from "./agent.js";

export interface PPOLoop {
  gamma: number;
  numEnvs: number;
  numSteps: number;
  totalSteps: number;
}

type Metrics = Record<string, Value>;

/** Iterations of the whole run (the annealing horizon). */
export function ppoIterations(agent: PPOAgent): number {
  return Math.max(1, Math.floor(agent.loop.totalSteps / (agent.loop.numEnvs * agent.loop.numSteps)));
}

/** The learning rate after `iterations` iterations (PureJaxRL's schedule: constant within an iteration, 0 at the end, held at 0 past it). */
export function ppoLearningRate(agent: PPOAgent, iterations: Value | number): Value {
  const lr = agent.h("lr");
  if (!agent.learner.annealLr) return np.astype(np.asArray(lr), "float32");
  const frac = np.subtract(1, np.divide(np.astype(np.asArray(iterations), "float32"), ppoIterations(agent)));
  return np.multiply(lr, np.maximum(frac, 0));
}

/** Adam (after global-norm clipping) with the annealed learning rate; the count is in gradient steps. */
export function ppoOptimizer(agent: PPOAgent): GradientTransformation {
  const l = agent.learner;
  const perIter = l.epochs * l.numMinibatches;
  const schedule = (count: Value | number) => ppoLearningRate(agent, np.floorDivide(np.asArray(count), perIter));
  const adam = optim.adam({ learningRate: l.annealLr ? schedule : agent.h("lr"), eps: l.adamEps });
  const clip = agent.traced.maxGradNorm ?? l.maxGradNorm;
  return clip === null ? adam : optim.chain(optim.clipByGlobalNorm(clip), adam);
}

export function ppoUpdate(agent: PPOAgent, state: PPOState, optStates: OptStates, traj: Trajectory, ctx: UpdateContext): UpdateResult<PPOState> {
  const l = agent.learner;
  // Extensions keep per-sample normalizers and their own optimizers, not synchronized across devices.
  if (ctx.devices && agent.dataParallelUnsupported !== undefined) throw new TypeError(`PPO: numDevices > 1 is not supported: ${agent.dataParallelUnsupported}`);
  const optimizer = deviceOptimizer(ppoOptimizer(agent), ctx.devices);
  const scale = agent.h("rewardScale");
  const rewards = typeof scale === "number" && scale === 1 ? traj.rewards : np.multiply(traj.rewards, scale);
  const metrics: Metrics = {};
  // Extensions' intrinsic rewards (RND, SND), computed before learning, feed a second critic.
  let ext = state.extra?.ext ?? {};
  let rewardsInt: Value | null = null;
  for (const e of agent.extensions) {
    if (!e.intrinsicRewards) continue;
    const r = e.intrinsicRewards(ext[e.name], traj, ctx);
    ext = { ...ext, [e.name]: r.state };
    rewardsInt = rewardsInt ? np.add(rewardsInt, r.rewards) : r.rewards;
    Object.assign(metrics, r.metrics);
  }
  const { advantages, targets, extras, advantagesInt } = ppoAdvantages(agent, state, traj, rewards, rewardsInt);
  if (advantagesInt) metrics["intrinsic/advantageStd"] = np.std(advantagesInt);
  const [T, B] = traj.rewards.shape as [number, number];
  const n = T * B;
  const M = l.numMinibatches;
  if (n % M !== 0) throw new TypeError(`PPO: numMinibatches = ${M} must divide numEnvs × numSteps = ${B} × ${T} = ${n}`);
  const flat = (x: Value) => np.reshape(x, [n, ...x.shape.slice(2)]);
  const batch = map(flat, {
    obs: traj.obs,
    actions: traj.actions,
    rewards,
    nextObs: traj.nextObs,
    terminated: traj.terminated,
    truncated: traj.truncated,
    extras: { ...extras, advantages, targets },
  }) as FullSampleBatch;

  type Carry = { params: PPOParams; optState: unknown; key: Value };
  const lossGrad = valueAndGrad(
    (params: PPOParams, mb: FullSampleBatch, k: Value) => {
      const terms = agent.loss({ ...state, params }, mb, k, ctx.devices);
      return [terms.total, terms];
    },
    { hasAux: true },
  );
  const minibatchStep = (cr: Carry, mb: FullSampleBatch): [Carry, Metrics] => {
    const kk = random.split(cr.key);
    const [[, terms], grads] = lossGrad(cr.params, mb, kk.get(1)) as [[Value, Metrics], PPOParams];
    const [updates, optState] = optimizer.update(grads, cr.optState, cr.params);
    return [{ params: optim.applyUpdates(cr.params, updates), optState, key: kk.get(0) }, terms];
  };
  const epoch = (cr: Carry, _: null): [Carry, Metrics] => {
    const kk = random.split(cr.key, 3);
    const perm = random.permutation(kk.get(1), n);
    const mbs = map((x: Value) => np.reshape(np.take(x, perm, 0), [M, n / M, ...x.shape.slice(1)]), batch) as FullSampleBatch;
    const [out, terms] = lax.scan(minibatchStep, { ...cr, key: kk.get(2) }, mbs);
    return [{ ...out, key: kk.get(0) }, terms];
  };
  const [learned, terms] = lax.scan(epoch, { params: state.params, optState: optStates.model, key: ctx.key }, null, { length: l.epochs });
  metrics.lr = ppoLearningRate(agent, ctx.counters.iterations);
  for (const [k, v] of Object.entries(terms)) metrics[k.includes("/") ? k : `loss/${k}`] = np.mean(v);
  // Extensions' own learning (RND's predictor, SND's target), each with its own optimizer.
  agent.extensions.forEach((e, i) => {
    if (!e.learn) return;
    const r = e.learn(ext[e.name], traj, { key: random.foldIn(ctx.key, 0x657874 + i), counters: ctx.counters });
    ext = { ...ext, [e.name]: r.state };
    Object.assign(metrics, r.metrics);
  });
  const extra = state.extra ? { ...state.extra, ext } : null;
  return { agentState: { ...state, params: learned.params, extra }, optStates: { model: learned.optState }, metrics, updates: l.epochs * M };
}

export interface PPOAdvantages {
  /** What the policy loss uses: extAdvCoef · A_ext + intAdvCoef · A_int with two critics. */
  advantages: Value;
  /** The extrinsic critic's targets. */
  targets: Value;
  /** Rollout extras for the loss (logProb, value; with two critics valueInt and targetsInt). */
  extras: Record<string, Value>;
  /** The intrinsic advantages alone (two critics), else null. */
  advantagesInt: Value | null;
}

/**
 * Advantages and targets of a rollout: one GAE of the (scaled) rewards; with two critics and
 * intrinsic rewards, also a non-episodic GAE of the intrinsic rewards with γ_int, combined
 * with the advantage weights.
 */
export function ppoAdvantages(agent: PPOAgent, state: PPOState, traj: Trajectory, rewards: Value, rewardsInt: Value | null): PPOAdvantages {
  const lambda = agent.learner.useGae ? agent.h("gaeLambda") : 1;
  const extras: Record<string, Value> = { logProb: traj.extras.logProb!, value: traj.extras.value! };
  const done = np.logicalOr(traj.terminated, traj.truncated);
  if (!agent.twoCritic || !rewardsInt) {
    const g = gae({ rewards, values: traj.extras.value!, nextValues: agent.values(state, traj.nextObs), terminated: traj.terminated, done, gamma: agent.h("gamma"), lambda });
    return { ...g, extras, advantagesInt: null };
  }
  const tc = agent.twoCritic;
  const next = agent.allValues(state, traj.nextObs);
  const e = gae({ rewards, values: traj.extras.value!, nextValues: np.get(next, "...", 0), terminated: traj.terminated, done, gamma: agent.h("gamma"), lambda });
  // The intrinsic return is non-episodic: no termination, no cut at episode ends.
  const i = twoCriticGae(rewardsInt, traj.extras.valueInt!, np.get(next, "...", 1), np.zerosLike(traj.terminated), tc.gammaInt, lambda);
  return {
    advantages: np.add(np.multiply(tc.extAdvCoef, e.advantages), np.multiply(tc.intAdvCoef, i.advantages)),
    targets: e.targets,
    extras: { ...extras, valueInt: traj.extras.valueInt!, targetsInt: i.targets },
    advantagesInt: i.advantages,
  };
}

/**
 * GAE of a stream that never ends (the intrinsic return): `never` zeros for terminated and
 * done, so the trace runs across episode boundaries.
 */
export function twoCriticGae(rewards: Value, values: Value, nextValues: Value, never: Value, gamma: number, lambda: number | Value): { advantages: Value; targets: Value } {
  return gae({ rewards, values, nextValues, terminated: never, done: never, gamma, lambda });
}
