// injectHyperparams: moves an optimizer's numeric hyperparameters into its state as arrays,
// evaluating schedules at the step count, so the current learning rate is readable
// (state.hyperparams.learningRate) and settable between jitted steps without retracing.
import { Value } from "../core/values.js";
import { numpy as np } from "../numpy/index.js";
import { highestFloatDtype, isSchedule, safeIncrement, zeroCount, type GradientTransformation, type Schedule } from "./base.js";

export interface InjectHyperparamsState<S = unknown> {
  count: Value;
  /** Each numeric or scheduled hyperparameter as a scalar array: the value used by the last update. */
  hyperparams: Record<string, Value>;
  /** Each schedule's own step count. */
  hyperparamsStates: Record<string, { count: Value }>;
  innerState: S;
}

export interface InjectOptions {
  /** Option names kept as given (not made arrays), e.g. ones that must stay JS numbers. */
  staticArgs?: readonly string[];
  /** dtype of the injected arrays (default: the params' highest float dtype). */
  hyperparamDtype?: "float32" | "float64";
}

/**
 * Wraps an optimizer factory taking an options record (adam, sgd, ... or your own): numbers and
 * scalar arrays become state arrays, schedules are evaluated at the step count, everything else
 * (booleans, masks, dtypes, staticArgs) is passed through. As optax.inject_hyperparams, the
 * factory's numeric defaults are injected too when it lists them in a `defaults` property (the
 * built-in optimizers do), so `1 − b2` is computed in float32 exactly as optax does.
 */
export function injectHyperparams<O extends object>(factory: ((opts: O) => GradientTransformation) & { defaults?: Readonly<Record<string, unknown>> }, injectOpts: InjectOptions = {}) {
  const statics = new Set(injectOpts.staticArgs ?? []);
  return (hparams: O): GradientTransformation<InjectHyperparamsState> => {
    const numeric: Record<string, number | Value> = {};
    const scheds: Record<string, Schedule> = {};
    const other: Record<string, unknown> = {};
    for (const [k, v] of Object.entries({ ...factory.defaults, ...hparams })) {
      if (v === undefined) continue;
      if (statics.has(k) || typeof v === "boolean") other[k] = v;
      else if (isSchedule(v)) scheds[k] = v;
      else if (typeof v === "number" || (v instanceof Value && v.ndim === 0)) numeric[k] = v;
      else other[k] = v;
    }
    const dtypeOf = (params: unknown) => injectOpts.hyperparamDtype ?? highestFloatDtype(params);
    const asFloat = (v: number | Value, dtype: string) =>
      typeof v === "number" ? np.array(v, dtype as "float32") : /float/.test(v.dtype) && v.weakType ? np.astype(v, dtype as "float32") : v;
    const inner = (hp: Record<string, Value>) => factory({ ...other, ...hp } as O);
    return {
      init(params) {
        const dt = dtypeOf(params);
        const hp: Record<string, Value> = {};
        for (const [k, v] of Object.entries(numeric)) hp[k] = asFloat(v, dt);
        const hs: Record<string, { count: Value }> = {};
        for (const [k, f] of Object.entries(scheds)) {
          hs[k] = { count: zeroCount() };
          hp[k] = asFloat(f(hs[k].count), dt);
        }
        return { count: zeroCount(), hyperparams: hp, hyperparamsStates: hs, innerState: inner(hp).init(params) };
      },
      update(updates, state, params) {
        const dt = dtypeOf(params ?? updates);
        const hp: Record<string, Value> = { ...state.hyperparams };
        const hs: Record<string, { count: Value }> = {};
        for (const [k, f] of Object.entries(scheds)) {
          const c = state.hyperparamsStates[k]!.count;
          hp[k] = asFloat(f(c), dt);
          hs[k] = { count: safeIncrement(c) };
        }
        const [u, innerState] = inner(hp).update(updates, state.innerState, params);
        return [u, { count: safeIncrement(state.count), hyperparams: hp, hyperparamsStates: hs, innerState }];
      },
    };
  };
}
