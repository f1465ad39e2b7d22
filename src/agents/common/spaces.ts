// The spaces an agent is built for: what its constructor reads of them, and the check its
// `init` makes that it is given the same ones (a clear error instead of shape errors later).
import { Box, Discrete, type Space } from "../../envs/spaces.js";

export interface PolicySpaces {
  obsShape: readonly number[];
  /** Discrete actions (a Categorical over actionDim), else a 1-D Box of actionDim. */
  discrete: boolean;
  actionDim: number;
}

/** A Box observation space and Discrete or 1-D Box actions, as the policy agents take; `who` names the agent in errors. */
export function policySpaces(who: string, obsSpace: Space, actionSpace: Space): PolicySpaces {
  if (!(obsSpace instanceof Box)) throw new TypeError(`${who}: needs a Box observation space, got ${obsSpace}`);
  if (actionSpace instanceof Discrete) return { obsShape: obsSpace.shape, discrete: true, actionDim: actionSpace.n };
  if (actionSpace instanceof Box && actionSpace.shape.length === 1) return { obsShape: obsSpace.shape, discrete: false, actionDim: actionSpace.shape[0]! };
  throw new TypeError(`${who}: supports Discrete actions and 1-D Box actions, got ${actionSpace}`);
}

/** Throws unless `init` got the spaces the agent was built for. */
export function checkInitSpaces(who: string, built: { obs: Space; action: Space }, obsSpace: Space, actionSpace: Space): void {
  if (String(obsSpace) !== String(built.obs) || String(actionSpace) !== String(built.action))
    throw new TypeError(`${who}.init: this agent was built for ${built.obs} → ${built.action}, not ${obsSpace} → ${actionSpace}`);
}
