// Host environments: simulators written as plain TypeScript objects (not traced, any code
// at all), run as a vector of N copies whose observations, rewards and flags come back as
// batched arrays, so the same workflows that train on traced environments can train on them.
// Episodes auto-reset in the same step (gymnasium's "same-step" mode, as the AutoReset
// wrapper): the returned obs is the new episode's first, info.finalObs the finished one's last.
import { Array as ConcreteArray, Value } from "../../core/values.js";
import { ShapedArray } from "../../core/aval.js";
import { fromNumbers } from "../../core/host.js";
import { numpy as np, type ArrayLike as NpArrayLike } from "../../numpy/index.js";
import type { TypedArray } from "../../xla/dtype.js";
import type { Space } from "../spaces.js";

export type HostObs = readonly number[] | TypedArray;

export interface HostStep {
  obs: HostObs;
  reward: number;
  terminated: boolean;
  truncated: boolean;
  info?: Record<string, unknown>;
}

/** A simulator on the host: any object with these methods (actions are numbers or number lists). */
export interface HostEnv<A = number | number[]> {
  reset(seed?: number): HostObs;
  step(action: A): HostStep;
  observationSpace?: Space;
  actionSpace?: Space;
  close?(): void;
}

export interface HostVecStep {
  /** float32 [n, ...obsShape]: after an episode ends, the next episode's first observation. */
  obs: Value;
  reward: Value;
  terminated: Value;
  truncated: Value;
  info: {
    /** The observation the step produced, before any reset (equal to obs where not done). */
    finalObs: Value;
    done: Value;
    /** Return and length of the episode that ended on this step (0 where none did). */
    episodeReturn: Value;
    episodeLength: Value;
  };
}

export interface HostVecEnvOptions {
  /** Shape of one observation (default: [length of the first observation]). */
  obsShape?: readonly number[];
  /** Shape of one action (default: [] for a number per copy). */
  actionShape?: readonly number[];
}

export class HostVecEnv<A = number | number[]> {
  readonly envs: HostEnv<A>[];
  obsShape: readonly number[] | undefined;
  readonly actionShape: readonly number[];
  private returns: Float64Array;
  private lengths: Int32Array;
  private started = false;

  constructor(
    factory: (index: number) => HostEnv<A>,
    readonly numEnvs: number,
    opts: HostVecEnvOptions = {},
  ) {
    if (!Number.isInteger(numEnvs) || numEnvs < 1) throw new TypeError(`HostVecEnv: n must be a positive integer, got ${numEnvs}`);
    this.envs = Array.from({ length: numEnvs }, (_, i) => factory(i));
    this.obsShape = opts.obsShape;
    this.actionShape = opts.actionShape ?? [];
    this.returns = new Float64Array(numEnvs);
    this.lengths = new Int32Array(numEnvs);
  }

  get observationSpace(): Space | undefined {
    return this.envs[0]!.observationSpace;
  }
  get actionSpace(): Space | undefined {
    return this.envs[0]!.actionSpace;
  }

  /** Resets every copy (copy i with seed + i when a seed is given) and returns obs [n, ...]. */
  reset(seed?: number): Value {
    const rows = this.envs.map((e, i) => e.reset(seed === undefined ? undefined : seed + i));
    this.returns.fill(0);
    this.lengths.fill(0);
    this.started = true;
    return this.batch(rows.map((r, i) => this.checkObs(r, i, "reset")));
  }

  /** Steps every copy with its action (an array [n, ...actionShape] or nested JS numbers). */
  step(actions: Value | NpArrayLike): HostVecStep {
    const a = actions instanceof Value ? actions : np.asArray(actions);
    return this.stepWith(a instanceof ConcreteArray ? a.dataSync() : notConcrete(), a);
  }

  /** step, reading the actions from the device without blocking the event loop. */
  async stepAsync(actions: Value): Promise<HostVecStep> {
    if (!(actions instanceof ConcreteArray)) notConcrete();
    return this.stepWith(await (actions as ConcreteArray).data(), actions);
  }

  close(): void {
    for (const e of this.envs) e.close?.();
  }

  private stepWith(data: TypedArray, a: Value): HostVecStep {
    if (!this.started) throw new Error("HostVecEnv.step: call reset() first");
    const n = this.numEnvs;
    const per = this.actionShape.reduce((x, d) => x * d, 1);
    const want = [n, ...this.actionShape];
    if (a.shape.length !== want.length || a.shape.some((d, i) => d !== want[i]))
      throw new TypeError(`HostVecEnv.step: actions must have shape [${want.join(", ")}], got [${a.shape.join(", ")}] (set actionShape for vector actions)`);
    const finals: HostObs[] = [];
    const nexts: HostObs[] = [];
    const reward = new Float32Array(n);
    const term = new Uint8Array(n);
    const trunc = new Uint8Array(n);
    const epRet = new Float32Array(n);
    const epLen = new Int32Array(n);
    this.envs.forEach((env, i) => {
      const act = (this.actionShape.length === 0 ? Number(data[i]) : Array.from(data.subarray(i * per, (i + 1) * per) as ArrayLike<number>, Number)) as A;
      const r = env.step(act);
      if (typeof r.reward !== "number" || typeof r.terminated !== "boolean" || typeof r.truncated !== "boolean")
        throw new TypeError(`HostVecEnv.step: env ${i} returned ${JSON.stringify({ reward: r.reward, terminated: r.terminated, truncated: r.truncated })}; expected a number and two booleans`);
      const obs = this.checkObs(r.obs, i, "step");
      reward[i] = r.reward;
      term[i] = r.terminated ? 1 : 0;
      trunc[i] = r.truncated ? 1 : 0;
      this.returns[i]! += r.reward;
      this.lengths[i]! += 1;
      finals.push(obs);
      if (r.terminated || r.truncated) {
        epRet[i] = this.returns[i]!;
        epLen[i] = this.lengths[i]!;
        this.returns[i] = 0;
        this.lengths[i] = 0;
        nexts.push(this.checkObs(env.reset(), i, "reset"));
      } else nexts.push(obs);
    });
    const done = term.map((t, i) => t | trunc[i]!);
    return {
      obs: this.batch(nexts),
      reward: arr(reward, [n], "float32"),
      terminated: arr(term, [n], "bool"),
      truncated: arr(trunc, [n], "bool"),
      info: { finalObs: this.batch(finals), done: arr(done, [n], "bool"), episodeReturn: arr(epRet, [n], "float32"), episodeLength: arr(epLen, [n], "int32") },
    };
  }

  private checkObs(o: HostObs, i: number, what: string): HostObs {
    if ((o as HostObs | null | undefined) == null || typeof (o as { length?: unknown }).length !== "number") throw new TypeError(`HostVecEnv: env ${i}'s ${what}() returned ${typeof o}, not an array of numbers`);
    this.obsShape ??= [o.length];
    const size = this.obsShape.reduce((x, d) => x * d, 1);
    if (o.length !== size) throw new TypeError(`HostVecEnv: env ${i}'s ${what}() returned ${o.length} numbers; observations have shape [${this.obsShape.join(", ")}]`);
    return o;
  }

  private batch(rows: HostObs[]): Value {
    const size = rows[0]!.length;
    const buf = new Float32Array(rows.length * size);
    rows.forEach((r, i) => buf.set(r as ArrayLike<number>, i * size));
    return arr(buf, [rows.length, ...this.obsShape!], "float32");
  }
}

function arr(data: TypedArray, shape: number[], dtype: "float32" | "int32" | "bool"): Value {
  const host = dtype === "bool" ? fromNumbers(Array.from(data as Uint8Array), shape, "bool").data : data;
  return new ConcreteArray(new ShapedArray(shape, dtype), { host });
}

function notConcrete(): never {
  throw new TypeError("HostVecEnv.step: actions must be concrete arrays (host environments cannot run inside jit; call step outside the traced function)");
}
