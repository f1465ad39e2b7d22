// Collective cases: each `fn` is one device's body over the axis "i"; the conformance runner
// pmaps it over the inputs' leading axis (the device count) on the ref backend's emulated
// devices and on the CPU plugin's devices, and compares. Kept out of allSamples(): the other
// suites call fn outside pmap, where a collective's axis is unbound.
import { lax } from "../../../src/lax/index.js";
import type { Value } from "../../../src/core/index.js";
import type { Sample } from "./types.js";

const cases = (n: number): Sample[] => [
  { prims: ["psum"], name: `psum f32 over ${n} devices`, inputs: [{ shape: [n, 2, 3], dtype: "float32" }], fn: (x: Value) => lax.psum(x, "i") },
  { prims: ["psum"], name: `psum int32 over ${n} devices`, inputs: [{ shape: [n, 5], dtype: "int32" }], fn: (x: Value) => lax.psum(x, "i") },
  { prims: ["psum"], name: `psum f64 over ${n} devices`, inputs: [{ shape: [n, 3], dtype: "float64" }], fn: (x: Value) => lax.pmean(x, "i") },
  { prims: ["psum"], name: `psum f16 over ${n} devices`, inputs: [{ shape: [n, 6], dtype: "float16" }], fn: (x: Value) => lax.psum(x, "i") },
  { prims: ["pmax"], name: `pmax bf16 over ${n} devices`, inputs: [{ shape: [n, 6], dtype: "bfloat16" }], fn: (x: Value) => lax.pmax(x, "i") },
  { prims: ["pmax"], name: `pmax f32 over ${n} devices`, inputs: [{ shape: [n, 4], dtype: "float32" }], fn: (x: Value) => lax.pmax(x, "i") },
  { prims: ["pmin"], name: `pmin int32 over ${n} devices`, inputs: [{ shape: [n, 4], dtype: "int32" }], fn: (x: Value) => lax.pmin(x, "i") },
  {
    prims: ["all_gather"],
    name: `all_gather axes 0, 1 and 2 over ${n} devices`,
    inputs: [{ shape: [n, 2, 3], dtype: "float32" }],
    fn: (x: Value) => [lax.allGather(x, "i", 0), lax.allGather(x, "i", 1), lax.allGather(x, "i", -1)],
  },
  { prims: ["axis_index"], name: `axis_index over ${n} devices`, inputs: [{ shape: [n], dtype: "float32" }], fn: (x: Value) => [lax.axisIndex("i"), x] },
];

export const collectiveSamples: Sample[] = [...cases(2), ...cases(4)];
