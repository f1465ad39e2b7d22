// The evaluator: N episodes at once (a vector of N copies of the environment, without
// auto-reset), greedy actions, until every episode has ended or maxSteps have passed. A
// while loop, so a policy that fails fast is evaluated fast; it traces, jits and vmaps.
import type { Value } from "../core/values.js";
import { lax } from "../lax/index.js";
import { numpy as np } from "../numpy/index.js";
import { random } from "../random/index.js";
import type { Environment } from "../envs/types.js";
import type { Agent, AgentState } from "../agents/types.js";

export interface EpisodeResults {
  /** Undiscounted return of each episode, [N]. */
  returns: Value;
  /** Steps of each episode, [N] (maxSteps for one that did not end). */
  lengths: Value;
}

/** `env` must be vectorized (N copies); its reset and step take one key. */
export function evaluateEpisodes<S extends AgentState>(env: Environment, agent: Agent<S>, agentState: S, key: Value, maxSteps: number): EpisodeResults {
  const [kReset, kLoop] = [random.foldIn(key, 0), random.foldIn(key, 1)];
  const r0 = env.reset(kReset);
  const n = r0.obs.shape[0]!;
  type C = { t: Value; key: Value; envState: unknown; obs: Value; done: Value; ret: Value; len: Value };
  const init: C = {
    t: np.array(0, "int32"),
    key: kLoop,
    envState: r0.state,
    obs: r0.obs,
    done: np.zeros([n], "bool"),
    ret: np.zeros([n], "float32"),
    len: np.zeros([n], "int32"),
  };
  const out = lax.whileLoop(
    (c: C) => np.logicalAnd(np.less(c.t, maxSteps), np.logicalNot(np.all(c.done))),
    (c: C): C => {
      const ks = random.split(c.key, 3);
      const [a] = agent.evaluateActions(agentState, { obs: c.obs }, ks.get(1));
      const r = env.step(ks.get(2), c.envState, agent.toEnvAction ? agent.toEnvAction(a) : a);
      const live = np.logicalNot(c.done);
      return {
        t: np.add(c.t, 1),
        key: ks.get(0),
        envState: r.state,
        obs: r.obs,
        done: np.logicalOr(c.done, np.logicalOr(r.terminated, r.truncated)),
        ret: np.add(c.ret, np.where(live, np.astype(r.reward, "float32"), 0)),
        len: np.add(c.len, np.astype(live, "int32")),
      };
    },
    init,
  );
  return { returns: out.ret, lengths: out.len };
}
