// Rollouts: a scan of the agent acting in a vectorized, auto-resetting environment. The
// trajectory is a SampleBatch with leading axes [numSteps, numEnvs]; nextObs is the real next
// observation (AutoReset's info.finalObs at episode ends), which bootstrapping needs.
import type { Value } from "../core/values.js";
import { lax } from "../lax/index.js";
import { numpy as np } from "../numpy/index.js";
import { random } from "../random/index.js";
import type { Environment } from "../envs/types.js";
import type { Agent, AgentState, FullSampleBatch } from "../agents/types.js";

export interface RolloutCarry {
  envState: unknown;
  obs: Value;
}

/** Env info fields copied into the trajectory's extras (when the env reports them). */
const INFO_FIELDS = ["episodeReturn", "episodeLength", "returnedEpisode"] as const;

export function rollout<S extends AgentState>(
  env: Environment,
  agent: Agent<S>,
  agentState: S,
  start: RolloutCarry,
  key: Value,
  numSteps: number,
  envSteps?: Value,
): [FullSampleBatch, RolloutCarry] {
  const keys = random.split(key, numSteps);
  const [end, traj] = lax.scan(
    (c: RolloutCarry, k: Value): [RolloutCarry, FullSampleBatch] => {
      const ks = random.split(k);
      const [actions, extras] = agent.computeActions(agentState, { obs: c.obs }, ks.get(0), envSteps);
      const envAction = agent.toEnvAction ? agent.toEnvAction(actions) : actions;
      const r = env.step(ks.get(1), c.envState, envAction);
      const info: Record<string, Value> = {};
      for (const f of INFO_FIELDS) if (r.info[f] !== undefined) info[f] = r.info[f]!;
      const t: FullSampleBatch = {
        obs: c.obs,
        actions,
        rewards: np.astype(r.reward, "float32"),
        nextObs: r.info.finalObs ?? r.obs,
        terminated: r.terminated,
        truncated: r.truncated,
        extras: { ...extras, ...info },
      };
      return [{ envState: r.state, obs: r.obs }, t];
    },
    { envState: start.envState, obs: start.obs },
    keys,
  );
  return [traj, end];
}

/**
 * Means of the episodes that ended during a trajectory (from EpisodeStatistics' info):
 * episodeReturn / episodeLength are NaN when none ended; episodes counts them. With
 * `axisName` (inside a data-parallel step) sums and counts are over every device's
 * trajectory, so the means weigh each device by the episodes it finished.
 */
export function episodeMetrics(traj: FullSampleBatch, axisName?: string): Record<string, Value> {
  const ex = traj.extras;
  if (ex.returnedEpisode === undefined) return {};
  const total = (x: Value) => (axisName === undefined ? x : lax.psum(x, axisName));
  const done = np.astype(ex.returnedEpisode, "float32");
  const n = total(np.sum(done));
  const mean = (x: Value) => np.where(np.greater(n, 0), np.divide(total(np.sum(np.multiply(np.astype(x, "float32"), done))), np.maximum(n, 1)), NaN);
  return { episodeReturn: mean(ex.episodeReturn), episodeLength: mean(ex.episodeLength), episodes: n };
}
