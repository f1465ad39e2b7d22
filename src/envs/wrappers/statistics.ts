// EpisodeStatistics: returns and lengths of finished episodes, carried in the state (as
// PureJaxRL's LogWrapper). Per step, info holds
//   episodeReturn / episodeLength: the finished episode's totals on the step that ends it, else 0;
//   returnedEpisode: whether this step ended an episode;
//   returnedEpisodeReturns / returnedEpisodeLengths: the totals of the last finished episode
//     (held until the next one ends; 0 before any has);
//   timestep: steps taken since reset, across episodes.
// Put it outside AutoReset (EpisodeStatistics(AutoReset(env))) so its state outlives episodes.
import type { Value } from "../../core/values.js";
import { numpy as np } from "../../numpy/index.js";
import type { Environment, ResetResult, StepResult } from "../types.js";
import { Wrapper, doneOf, type Wrapped } from "./base.js";

export type EpisodeStatisticsState<S> = Wrapped<
  S,
  {
    episodeReturn: Value;
    episodeLength: Value;
    returnedEpisodeReturn: Value;
    returnedEpisodeLength: Value;
    timestep: Value;
  }
>;

export class EpisodeStatistics<S = unknown, P = unknown> extends Wrapper<EpisodeStatisticsState<S>, P, S> {
  constructor(env: Environment<S, P>) {
    super(env);
  }
  reset(key: Value, params?: P): ResetResult<EpisodeStatisticsState<S>> {
    const r = this.env.reset(key, params);
    const shape = this.numEnvs === undefined ? [] : [this.numEnvs];
    const f = () => np.zeros(shape, "float32");
    const i = () => np.zeros(shape, "int32");
    return {
      obs: r.obs,
      state: { inner: r.state, episodeReturn: f(), episodeLength: i(), returnedEpisodeReturn: f(), returnedEpisodeLength: i(), timestep: i() },
    };
  }
  step(key: Value, state: EpisodeStatisticsState<S>, action: Value, params?: P): StepResult<EpisodeStatisticsState<S>> {
    const r = this.env.step(key, state.inner, action, params);
    const done = doneOf(r);
    const ret = state.episodeReturn.add(r.reward.astype("float32"));
    const len = state.episodeLength.add(1);
    const next: EpisodeStatisticsState<S> = {
      inner: r.state,
      episodeReturn: np.where(done, 0, ret),
      episodeLength: np.where(done, 0, len),
      returnedEpisodeReturn: np.where(done, ret, state.returnedEpisodeReturn),
      returnedEpisodeLength: np.where(done, len, state.returnedEpisodeLength),
      timestep: state.timestep.add(1),
    };
    return {
      ...r,
      state: next,
      info: {
        ...r.info,
        episodeReturn: np.where(done, ret, 0),
        episodeLength: np.where(done, len, 0),
        returnedEpisode: done,
        returnedEpisodeReturns: next.returnedEpisodeReturn,
        returnedEpisodeLengths: next.returnedEpisodeLength,
        timestep: next.timestep,
      },
    };
  }
}
