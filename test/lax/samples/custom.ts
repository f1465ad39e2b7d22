// custom_vjp_call: the gradient checks verify the user's bwd against finite differences.
import { customVjp, type Value } from "../../../src/core/index.js";
import { numpy as np } from "../../../src/numpy/index.js";
import type { Sample } from "./types.js";

// softplus with a hand-written, overflow-free derivative (sigmoid).
const softplus = customVjp(
  (x: Value) => np.logaddexp(x, np.zerosLike(x)),
  (x: Value) => [np.logaddexp(x, np.zerosLike(x)), x],
  (x: Value, ct: Value) => [np.multiply(ct, np.sigmoid(x))],
);

// Two arguments and two outputs; bwd written by hand.
const prodSum = customVjp(
  (a: Value, b: Value) => [np.multiply(a, b), np.add(a, b)],
  (a: Value, b: Value) => [[np.multiply(a, b), np.add(a, b)], [a, b]],
  ([a, b]: [Value, Value], ct: Value[]) => [np.add(np.multiply(ct[0]!, b), ct[1]!), np.add(np.multiply(ct[0]!, a), ct[1]!)],
);

export const samples: Sample[] = [
  { prims: ["custom_vjp_call"], name: "customVjp softplus", inputs: [{ shape: [2, 3], dtype: "float32" }], fn: (x) => softplus(x) as Value },
  {
    prims: ["custom_vjp_call"],
    name: "customVjp two arguments, two outputs",
    inputs: [{ shape: [4], dtype: "float32" }, { shape: [4], dtype: "float32" }],
    fn: (a, b) => prodSum(a!, b!) as Value[],
  },
];
