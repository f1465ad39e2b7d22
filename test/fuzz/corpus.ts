// The crash-fuzz corpus: bad inputs to the public API and to the runtime wrapper, each with
// the error it must give. test/fuzz/crash.test.ts runs every case in a child process
// (test/fuzz/child.ts) and fails on any abnormal exit (abort, segfault, V8 fatal error).
//
// A case returns (or resolves) normally when the input is valid after all, or throws; `expect`
// is a pattern the error message must match: it names the operation and the argument.
import fc from "fast-check";
import { Worker } from "node:worker_threads";
import { Array as ConcreteArray, jit, lax, numpy as np, random, xla, type Value } from "../../src/index.js";
import { loadAddon } from "../../src/xla/native.js";
import { binary, matmul, mainModule } from "../xla/programs.js";

export interface FuzzCase {
  id: string;
  /** The error message must match (undefined: the call must succeed). */
  expect?: RegExp;
  /** Succeeding is fine too (generated inputs that happen to be valid). */
  mayPass?: boolean;
  /** Runs alone in its own child process, which must exit with this code. */
  isolated?: { exitCode: number };
  run: () => unknown;
}

const rt = () => xla.defaultRuntime();
/** The concrete array an eager call returns (np.* is typed as Value, which tracers share). */
const A = (v: Value) => v as ConcreteArray;
/** A jitted function called with whatever arguments (wrong counts included). */
const loose = (f: unknown) => f as (...args: unknown[]) => unknown;
const junkMlir = (dims: string) => binary("add", `tensor<${dims}xf32>`);

/**
 * A chain of big matmuls still running when the case returns (for exit/teardown cases). At
 * 768 and up the plugin's oneDNN kernels run, whose static objects the old teardown raced
 * with (a segfault in 1 of 3 to 8 of 10 exits, depending on the work in flight).
 */
function busy(n = 768, k = 4): Value {
  const f = jit((x: Value) => np.tanh(np.matmul(x, x)));
  let x: Value = np.ones([n, n]);
  for (let i = 0; i < k; i++) x = f(x);
  return x;
}

const fixed: FuzzCase[] = [
  // --- shapes that overflow int64 / exceed 2**53 (used to abort in the plugin) ---
  { id: "np.zeros([2**31, 2**31])", expect: /full: shape \[2\*\*31, 2\*\*31\] has about 2\*\*62 elements/, run: () => np.zeros([2 ** 31, 2 ** 31]) },
  { id: "np.ones([2**62])", expect: /full: shape \[2\*\*62\]: dimension 0 is 2\*\*62/, run: () => np.ones([2 ** 62]) },
  { id: "jit(np.ones([2**62]))", expect: /full: shape \[2\*\*62\]/, run: () => jit(() => np.ones([2 ** 62]))() },
  { id: "lax.iota(int32, 2**62)", expect: /iota: shape \[2\*\*62\]/, run: () => lax.iota("int32", 2 ** 62) },
  { id: "lax.broadcastInDim([2**62])", expect: /broadcast_in_dim: shape \[2\*\*62\]/, run: () => lax.broadcastInDim(np.array(1), [2 ** 62], []) },
  { id: "np.zeros([2**53, 0])", expect: /full: shape \[2\*\*53, 0\]: dimension 0 is 2\*\*53/, run: () => np.zeros([2 ** 53, 0]) },
  { id: "String(np.zeros([2**52, 0]))", run: () => String(np.zeros([2 ** 52, 0])) },
  { id: "np.zeros([2**52, 0]).tolistSync()", expect: /tolist: shape .* nested JS arrays/, run: () => A(np.zeros([2 ** 52, 0])).tolistSync() },
  { id: "np.reshape to [2**40, 2**40]", expect: /reshape: cannot reshape an array of shape \[2\]/, run: () => np.reshape(np.ones([2]), [2 ** 40, 2 ** 40]) },
  { id: "np.zeros([-1])", expect: /full: shape \[-1\] must hold non-negative integers/, run: () => np.zeros([-1]) },
  { id: "np.zeros([1.5])", expect: /full: shape \[1.5\]/, run: () => np.zeros([1.5]) },
  { id: "np.zeros([NaN])", expect: /full: shape \[null\]/, run: () => np.zeros([NaN]) },
  { id: "np.zeros(null)", expect: /full: shape must be a number or an array/, run: () => np.zeros(null as never) },
  { id: "np.zeros('abc')", expect: /full: shape must be a number or an array/, run: () => np.zeros("abc" as never) },
  { id: "np.broadcastTo huge", expect: /broadcast/i, run: () => np.broadcastTo(np.ones([3]), [2 ** 40, 2 ** 40, 3]) },
  { id: "np.tile huge", expect: /shape|tile|ShapeError/i, run: () => np.tile(np.ones([2 ** 20]), [2 ** 20, 2 ** 20]) },
  { id: "np.sum of [2**52, 0] over axis 1 (out of memory)", expect: /RESOURCE_EXHAUSTED|Out of memory/, run: () => A(np.sum(np.zeros([2 ** 52, 0]), 1)).dataSync() },

  // --- the runtime wrapper: malformed MLIR and compile options ---
  { id: "compileSync(garbage)", expect: /PJRT_Client_Compile|parse|MLIR/i, run: () => rt().compileSync("this is not MLIR") },
  { id: "compileSync('')", expect: /compile|program|MLIR/i, run: () => rt().compileSync("") },
  { id: "compileSync(tensor<2**62>)", expect: /overflow in static extent product|compile/i, run: () => rt().compileSync(junkMlir("4611686018427387904")) },
  { id: "compileSync(tensor<2**31 x 2**31>)", expect: /overflow|compile/i, run: () => rt().compileSync(junkMlir("2147483648x2147483648")) },
  { id: "compile(tensor<2**62>) async", expect: /overflow|compile/i, run: () => rt().compile(junkMlir("4611686018427387904")) },
  { id: "compileSync(type mismatch)", expect: /PJRT_Client_Compile|type|compile/i, run: () => rt().compileSync(mainModule("m", ["tensor<2xf32>"], ["tensor<3xf32>"], `    "func.return"(%arg0) : (tensor<2xf32>) -> ()`)) },
  { id: "loadExecutable(garbage)", expect: /PJRT_Executable_DeserializeAndLoad/, run: () => rt().loadExecutable(new Uint8Array(257).map((_, i) => (i * 131) & 0xff)) },
  { id: "loadExecutable(truncated)", expect: /PJRT_Executable_DeserializeAndLoad/, run: () => { const b = rt().compileSync(matmul(2, 2, 2)).serialize(); return rt().loadExecutable(b.subarray(0, b.length >> 1)); } },
  { id: "loadExecutable(empty)", expect: /empty/, run: () => rt().loadExecutable(new Uint8Array(0)) },
  { id: "native loadExecutable(string)", expect: /loadExecutable.*Uint8Array/, run: () => rt().client("fuzz").loadExecutableSync("abc" as never, {}) },
  { id: "native loadExecutable async(garbage)", expect: /PJRT_Executable_DeserializeAndLoad/, run: () => rt().client("fuzz").loadExecutable(new Uint8Array([8, 1, 18, 3, 1, 2, 3]), {}) },
  { id: "compileSync(truncated module)", expect: /PJRT_Client_Compile|parse|compile/i, run: () => rt().compileSync(matmul(2, 2, 2).slice(0, 80)) },
  {
    id: "addon compileSync replicas×partitions past 2**32",
    expect: /numReplicas × numPartitions = \d+ exceeds 2\^20|must be a positive integer/,
    run: () => {
      const client = new (loadAddon().PjrtClient)(rt().pluginPath, {});
      try {
        return client.compileSync(binary("add", "tensor<4xf32>"), { numReplicas: 65537, numPartitions: 65537, portable: false, deviceAssignment: new Array<number>(131073).fill(0) });
      } finally {
        client.dispose();
      }
    },
  },
  {
    id: "addon compileSync replicas 2**20 × partitions 2**20",
    expect: /exceeds 2\^20/,
    run: () => {
      const client = new (loadAddon().PjrtClient)(rt().pluginPath, {});
      try {
        return client.compileSync(binary("add", "tensor<4xf32>"), { numReplicas: 2 ** 20, numPartitions: 2 ** 20, portable: false });
      } finally {
        client.dispose();
      }
    },
  },

  // --- wrong arguments to executables and buffers ---
  {
    id: "Executable.run with too few arguments",
    expect: /run|argument/i,
    run: () => rt().compileSync(binary("add", "tensor<4xf32>")).run([rt().fromHost(new Float32Array(4), [4])]),
  },
  {
    id: "Executable.run with a wrong shape",
    expect: /shape|f32\[4\]|float32\[3\]/i,
    run: () => {
      const x = rt().fromHost(new Float32Array(3), [3]);
      return rt().compileSync(binary("add", "tensor<4xf32>")).run([x, x]);
    },
  },
  {
    id: "Executable.run with a wrong dtype",
    expect: /dtype|int32|float32|type/i,
    run: () => {
      const x = rt().fromHost(new Int32Array(4), [4]);
      return rt().compileSync(binary("add", "tensor<4xf32>")).run([x, x]);
    },
  },
  {
    id: "Executable.run with a disposed buffer",
    expect: /disposed/,
    run: () => {
      const x = rt().fromHost(new Float32Array(4), [4]);
      x.dispose();
      return rt().compileSync(binary("add", "tensor<4xf32>")).run([x, x]);
    },
  },
  {
    id: "Executable.run of a disposed executable",
    expect: /disposed/,
    run: () => {
      const exe = rt().compileSync(binary("add", "tensor<4xf32>"));
      exe.dispose();
      const x = rt().fromHost(new Float32Array(4), [4]);
      return exe.run([x, x]);
    },
  },
  {
    id: "Executable.run with a buffer of another runtime",
    expect: /different runtime|another runtime/i,
    run: () => {
      const other = xla.Runtime.open();
      const x = other.fromHost(new Float32Array(4), [4]);
      return rt().compileSync(binary("add", "tensor<4xf32>")).run([x, x]);
    },
  },
  {
    id: "Executable.run with junk arguments",
    expect: /run|DeviceBuffer|array/i,
    run: () => rt().compileSync(binary("add", "tensor<4xf32>")).run([{} as never, 3 as never]),
  },
  { id: "fromHost length mismatch", expect: /fromHost: shape \[5\] has 5 elements/, run: () => rt().fromHost(new Float32Array(4), [5]) },
  { id: "fromHost negative shape", expect: /fromHost: shape must be an array of non-negative integers/, run: () => rt().fromHost(new Float32Array(4), [-4]) },
  { id: "fromHost huge shape", expect: /fromHost: shape \[\d+, \d+\] has/, run: () => rt().fromHost(new Float32Array(4), [2 ** 40, 2 ** 40]) },
  { id: "fromHost DataView", expect: /fromHost: data must be a typed array/, run: () => rt().fromHost(new DataView(new ArrayBuffer(4)) as never, [1]) },
  { id: "fromHost SharedArrayBuffer", run: () => rt().fromHost(new Float32Array(new SharedArrayBuffer(16)), [4]).toHostSync() },
  {
    id: "toHost into a SharedArrayBuffer",
    run: () => rt().fromHost(new Float32Array([1, 2, 3, 4]), [4]).toHost(new Float32Array(new SharedArrayBuffer(16))),
  },
  { id: "toHostSync into a wrong-size array", expect: /toHostSync|destination|bytes|elements/i, run: () => rt().fromHost(new Float32Array(4), [4]).toHostSync(new Float32Array(3)) },
  {
    id: "toHost(into) then detach into.buffer",
    expect: /toHost: the destination typed array was detached/,
    run: async () => {
      const x = busy(512, 12);
      const into = new Float32Array(512 * 512);
      const p = A(x).deviceBuffer(() => {
        throw new Error("unreachable");
      }).toHost(into);
      structuredClone(into.buffer, { transfer: [into.buffer] });
      const junk: Float32Array[] = [];
      for (let i = 0; i < 8; i++) junk.push(new Float32Array(512 * 512).fill(i));
      await p;
      return junk.length;
    },
  },

  // --- arrays: disposed, donated, wrong shapes and dtypes, wrong argument counts ---
  { id: "use of a disposed Array", expect: /disposed and cannot be used/, run: () => { const a = A(np.ones([2])); a.dispose(); return np.add(a, a); } },
  {
    id: "use of a donated Array",
    expect: /donated/,
    run: () => {
      const f = jit((x: Value) => np.add(x, 1), { donate: [0] });
      const a = np.ones([4]);
      f(a);
      return A(np.add(a, a)).dataSync();
    },
  },
  { id: "np.add with incompatible shapes", expect: /add.*\[2\].*\[3\]|broadcast/i, run: () => np.add(np.ones([2]), np.ones([3])) },
  { id: "np.matmul with mismatched inner dims", expect: /matmul|dot/i, run: () => np.matmul(np.ones([2, 3]), np.ones([4, 2])) },
  { id: "lax.add with mixed dtypes", expect: /add/i, run: () => lax.add(np.ones([2], "float32"), np.ones([2], "int32")) },
  { id: "np.reshape to a wrong size", expect: /reshape/, run: () => np.reshape(np.ones([6]), [4]) },
  { id: "np.transpose with a bad permutation", expect: /transpose/, run: () => np.transpose(np.ones([2, 3]), [0, 0]) },
  { id: "np.sum over an out-of-range axis", expect: /sum|axis/, run: () => np.sum(np.ones([2]), 3) },
  { id: "lax.gather without dimension numbers", expect: /lax.gather: dimensionNumbers must be an object/, run: () => lax.gather(np.ones([3]), np.array([0], "int32"), undefined as never, [1]) },
  { id: "jit called with a missing argument", expect: /jit\(add2\): called with 1 argument but the function declares 2/, run: () => loose(jit(function add2(x: Value, y: Value) { return np.add(x, y); }))(np.ones([2])) },
  { id: "jit with a static argument containing itself", expect: /static argument contains itself/, run: () => { const o: Record<string, unknown> = {}; o.self = o; return loose(jit((x: Value) => x, { static: [1] }))(np.ones([2]), o); } },
  { id: ".dataSync() inside jit", expect: /dataSync: cannot read the value of a traced array \(f32\[2\]\) inside jit/, run: () => jit((x: Value) => ((x as unknown as ConcreteArray).dataSync(), x))(np.ones([2])) },
  { id: "np.max of an empty array", expect: /max: zero-size array to reduction operation max which has no identity/, run: () => np.max(np.zeros([0])) },
  { id: "np.min over an empty axis", expect: /min: zero-size array/, run: () => np.min(np.zeros([0, 3]), 0) },
  { id: "np.max of an empty array with initial", run: () => A(np.max(np.zeros([0]), { initial: 1 })).dataSync() },
  { id: "random.key(2n**64n)", expect: /random.key: seed 18446744073709551616 does not fit in 64 bits/, run: () => random.key(2n ** 64n) },
  { id: "random.key(-(2n**63n) - 1n)", expect: /does not fit in 64 bits/, run: () => random.key(-(2n ** 63n) - 1n) },
  { id: "random.key(2**60)", expect: /random.key: seed .* pass it as a bigint/, run: () => random.key(2 ** 60) },
  { id: "random.key(1.5)", expect: /random.key: seed must be an integer/, run: () => random.key(1.5) },
  { id: "random.normal with a bad shape", expect: /shape|normal/i, run: () => random.normal(random.key(0), [-2]) },
  { id: "np.array of ragged data", expect: /array|ragged|shape/i, run: () => np.array([[1, 2], [3]] as never) },
];

// --- the process ending while computations run (each alone in its own process) ---
const isolated: FuzzCase[] = [
  { id: "process.exit(0) during execution", isolated: { exitCode: 0 }, run: () => (busy(), setTimeout(() => process.exit(0), 2)) },
  {
    id: "uncaught exception during execution",
    isolated: { exitCode: 1 },
    run: () => {
      busy();
      setTimeout(() => {
        throw new Error("deliberate uncaught exception");
      }, 2);
    },
  },
  { id: "process.exit(0) during an async read", isolated: { exitCode: 0 }, run: () => (void A(busy()).data(), process.exit(0)) },
  { id: "process.exit(3) right after a compile started", isolated: { exitCode: 3 }, run: () => (void rt().compile(matmul(64, 64, 64)), process.exit(3)) },
  { id: "event loop ends with computations pending", isolated: { exitCode: 0 }, run: () => void busy() },
  {
    id: "worker.terminate() during execution",
    isolated: { exitCode: 0 },
    run: () => runWorker("terminate"),
  },
  {
    id: "process.exit() inside a worker during execution",
    isolated: { exitCode: 0 },
    run: () => runWorker("exit"),
  },
];

/**
 * A worker (plain JS on the raw addon: no TypeScript loader in workers) that starts big
 * matmuls and is terminated (or exits) while they run.
 */
function runWorker(how: "terminate" | "exit"): Promise<void> {
  const code = `
    const { parentPort, workerData } = require("node:worker_threads");
    const addon = require(workerData.addon);
    const client = new addon.PjrtClient(workerData.plugin, {});
    const exe = client.compileSync(workerData.mlir, {});
    const n = 512, x = client.bufferFromHost(new Float32Array(n * n).fill(1), [n, n], 11, 0);
    let y = x;
    for (let i = 0; i < 16; i++) [y] = exe.run([y, x], 1, 0);
    void y.toHost(new Float32Array(n * n));
    if (workerData.how === "exit") process.exit(0);
    parentPort.postMessage("running");
  `;
  const w = new Worker(code, { eval: true, workerData: { addon: xla.addonPath(), plugin: rt().pluginPath, mlir: matmul(512, 512, 512), how } });
  return new Promise((resolve, reject) => {
    w.on("message", () => void w.terminate());
    w.on("error", reject);
    w.on("exit", () => resolve());
  });
}

// --- generated: random shapes and dtypes thrown at shape-taking functions ---
const dims = fc.oneof(
  fc.integer({ min: 0, max: 4 }),
  // No 2**31 or 2**32 alone: [2**32, 3] is valid and asks for 48 GB, which a machine that
  // overcommits memory grants and then kills the process for (not a crash of ours).
  fc.constantFrom(-1, -0, 0.5, NaN, Infinity, 2 ** 53, 2 ** 62, 2 ** 63, 1e300),
);
const shapes = fc.array(dims, { maxLength: 4 });
const dtypes = fc.constantFrom("float32", "int32", "bool", "uint8", "float64", "complex64", "", undefined);
const makers: [string, (s: number[], d: unknown) => unknown][] = [
  ["zeros", (s, d) => np.zeros(s, d as never)],
  ["ones", (s, d) => np.ones(s, d as never)],
  ["full", (s, d) => np.full(s, 1, d as never)],
  ["iota", (s, d) => lax.iota((d ?? "int32") as never, s[0] as number)],
  ["broadcastTo", (s) => np.broadcastTo(np.ones([1]), s)],
  ["reshape", (s) => np.reshape(np.ones([4]), s)],
  ["random.uniform", (s, d) => random.uniform(random.key(0), s, d as never)],
  ["jit zeros", (s, d) => jit(() => np.zeros(s, d as never))()],
];

function generated(n: number): FuzzCase[] {
  const samples = fc.sample(fc.tuple(fc.integer({ min: 0, max: makers.length - 1 }), shapes, dtypes), { numRuns: n, seed: 11 });
  return samples.map(([m, s, d], k) => {
    const [name, make] = makers[m]!;
    return {
      id: `gen-${k} ${name}(${JSON.stringify(s)}, ${String(d)})`,
      // Valid inputs succeed; invalid ones must say which function and what is wrong with it.
      expect: /shape|dtype|size|dimension|reshape|broadcast|iota|element|integer|uniform|must be|out of memory|RESOURCE_EXHAUSTED/i,
      mayPass: true,
      run: () => {
        const r = make(s as number[], d) as Value;
        return r.shape;
      },
    };
  });
}

export const CASES: FuzzCase[] = [...fixed, ...isolated, ...generated(120)];
