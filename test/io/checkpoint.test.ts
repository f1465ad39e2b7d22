// Checkpoints: round trips of nested trees with every dtype, `like` checks naming the leaf
// that differs, atomic writes under failure, and files exchanged with Python's safetensors.
import { execFile, spawnSync } from "node:child_process";
import { promisify } from "node:util";
import { appendFileSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Array as ConcreteArray, ShapedArray, jit, numpy as np, type Value } from "../../src/index.js";
import { fromNumbers, toNumbers } from "../../src/core/host.js";
import type { DType } from "../../src/xla/dtype.js";
import { Normal } from "../../src/distributions/index.js";
import { checkCheckpoint, loadCheckpoint, newestIntactCheckpoint, readCheckpointInfo, saveCheckpoint } from "../../src/io/index.js";
import { _testHooks } from "../../src/io/checkpoint.js";

const dir = mkdtempSync(join(tmpdir(), "xla-ts-ckpt-"));
const file = (name: string) => join(dir, name);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function arr(values: number[], shape: number[], dtype: DType): ConcreteArray {
  const h = fromNumbers(values, shape, dtype);
  return new ConcreteArray(h.aval, { host: h.data });
}
const i64 = (vs: bigint[]) => new ConcreteArray(new ShapedArray([vs.length], "int64"), { host: BigInt64Array.from(vs) });

/** Every leaf as [path, dtype, shape, values as strings] (exact; NaN and -0 kept apart). */
function dump(tree: unknown): unknown {
  if (tree instanceof ConcreteArray) {
    const d = tree.dataSync();
    const vals = tree.dtype === "int64" ? Array.from(d as BigInt64Array, String) : Array.from(toNumbers({ aval: tree.aval, data: d }), (v) => (Object.is(v, -0) ? "-0" : String(v)));
    return { dtype: tree.dtype, shape: tree.shape, vals };
  }
  if (Array.isArray(tree)) return tree.map(dump);
  if (tree instanceof Normal) return { Normal: { loc: dump(tree.loc), scale: dump(tree.scale), eventNdims: tree.eventNdims } };
  if (tree !== null && typeof tree === "object") return Object.fromEntries(Object.entries(tree).map(([k, v]) => [k, dump(v)]));
  return tree;
}

function sampleTree() {
  return {
    params: {
      actor: [
        { kernel: arr([0.5, -1.5, 2, 3, 4, 5], [2, 3], "float32"), bias: arr([0, 1, -0], [3], "float32") },
        { kernel: arr([Math.PI, -1e300, 1e-300, NaN], [2, 2], "float64") },
      ],
      critic: { w16: arr([0.5, -1.25, 65504, 1e-4], [4], "float16"), wbf: arr([1, -3.140625, 1e38, Infinity], [4], "bfloat16") },
    },
    opt: { count: arr([7], [], "int32"), big: i64([2n ** 40n + 3n, -(2n ** 62n)]), small: arr([-128, 127, 0], [3], "int8") },
    buffers: { bytes: arr([0, 255, 7, 128], [2, 2], "uint8"), u32: arr([0, 4294967295, 12345], [3], "uint32"), mask: arr([1, 0, 1], [3], "bool"), empty: np.zeros([0, 3]) },
    policy: new Normal(arr([0.1, 0.2], [2], "float32"), arr([1, 2], [2], "float32"), { eventNdims: 1 }),
    step: 1234,
    lr: -0,
    name: "ppo",
    done: false,
    nothing: null,
    gone: undefined,
  };
}

describe("checkpoints", () => {
  it("round-trips a nested tree with every dtype, with and without `like`", async () => {
    const tree = sampleTree();
    await saveCheckpoint(file("all.safetensors"), tree, { metadata: { env: "CartPole-v1", seed: 3, config: { lr: 3e-4 } } });
    // Without like the registered Normal cannot be rebuilt: the error names it and the path.
    await expect(loadCheckpoint(file("all.safetensors"))).rejects.toThrow(/at "policy": .*registered class Normal.*pass one/);
    const back = await loadCheckpoint(file("all.safetensors"), tree);
    expect(dump(back)).toEqual(dump(tree));
    expect((back as ReturnType<typeof sampleTree>).policy).toBeInstanceOf(Normal);
    // A tree of plain containers comes back without `like`.
    const { policy: _p, ...plain } = tree;
    await saveCheckpoint(file("plain.safetensors"), plain);
    const back2 = await loadCheckpoint(file("plain.safetensors"));
    expect(dump(back2)).toEqual(dump(plain));
    expect(Object.keys(back2 as object).sort()).toEqual(Object.keys(plain).sort());
  });

  it("records tensor names, dtypes, the treedef and user metadata in the header", async () => {
    const info = await readCheckpointInfo(file("all.safetensors"));
    expect(info.metadata).toEqual({ env: "CartPole-v1", seed: 3, config: { lr: 3e-4 } });
    const names = info.tensors.map((t) => t.name);
    expect(names).toContain("params.actor.0.kernel");
    expect(names).toContain("policy.loc");
    expect(info.tensors.find((t) => t.name === "params.critic.wbf")).toEqual({ name: "params.critic.wbf", dtype: "bfloat16", shape: [4] });
    expect(info.treedef).toMatch(/^\{buffers: \{/);
    expect(info.raw.format).toBe("xla-ts");
    expect(JSON.parse(info.raw["xla_ts.dtypes"]!)["opt.big"]).toBe("int64");
    // The header is padded so the data starts 8-byte aligned.
    const n = Number(readFileSync(file("all.safetensors")).readBigUInt64LE(0));
    expect(n % 8).toBe(0);
  });

  it("a single array, and JS numbers as leaves", async () => {
    await saveCheckpoint(file("one.safetensors"), arr([1, 2], [2], "float32"));
    expect(dump(await loadCheckpoint(file("one.safetensors")))).toEqual(dump(arr([1, 2], [2], "float32")));
    await saveCheckpoint(file("nums.safetensors"), { a: 1.5, b: [NaN, -Infinity] });
    const nums = (await loadCheckpoint(file("nums.safetensors"))) as { a: number; b: number[] };
    expect(nums).toEqual({ a: 1.5, b: [NaN, -Infinity] });
    // With like, numbers come from the file.
    expect(await loadCheckpoint(file("nums.safetensors"), { a: 0, b: [0, 0] })).toEqual({ a: 1.5, b: [NaN, -Infinity] });
  });

  it("loading into a `like` that differs names the leaf", async () => {
    const tree = sampleTree();
    const p = file("all.safetensors");
    const withKernel = (k: Value) => ({ ...tree, params: { ...tree.params, actor: [{ ...tree.params.actor[0]!, kernel: k }, tree.params.actor[1]!] } });
    await expect(loadCheckpoint(p, withKernel(np.zeros([3, 3])))).rejects.toThrow(
      /loadCheckpoint\(.*\): leaf "params\.actor\.0\.kernel" differs: the file has float32\[2, 3\], `like` has float32\[3, 3\]/,
    );
    await expect(loadCheckpoint(p, withKernel(np.zeros([2, 3], "float64")))).rejects.toThrow(/leaf "params\.actor\.0\.kernel" differs: the file has float32\[2, 3\], `like` has float64\[2, 3\]/);
    // ShapedArrays work as templates.
    const shaped = await loadCheckpoint(p, withKernel(new ShapedArray([2, 3], "float32") as unknown as Value));
    expect(dump(shaped)).toEqual(dump(tree));
    await expect(loadCheckpoint(p, { ...tree, params: { ...tree.params, actor: [tree.params.actor[0]!] } })).rejects.toThrow(
      /structure differs from `like` at "params\.actor": the file has a list of 2, `like` has a list of 1/,
    );
    await expect(loadCheckpoint(p, { ...tree, name: "sac" })).rejects.toThrow(/at "name": the file has the static value "ppo", `like` has the static value "sac"/);
    await expect(loadCheckpoint(p, { ...tree, policy: new Normal(np.zeros([2]), np.ones([2])) })).rejects.toThrow(/at "policy": the file has Normal\[1\]\(…\), `like` has Normal\[0\]\(…\)/);
    // A file from elsewhere (no structure): missing and extra tensors are named.
    const foreign = file("foreign.safetensors");
    writeSafetensors(foreign, { "a.w": [1, 2], "a.b": [3] });
    await expect(loadCheckpoint(foreign, { a: { w: np.zeros([2]) } })).rejects.toThrow(/the file has tensor "a\.b" that `like` lacks/);
    await expect(loadCheckpoint(foreign, { a: { w: np.zeros([2]), b: np.zeros([1]), c: np.zeros([1]) } })).rejects.toThrow(/leaf "a\.c" \(float32\[1\] in `like`\) is not in the file/);
    expect(dump(await loadCheckpoint(foreign))).toEqual({ a: { w: dump(arr([1, 2], [2], "float32")), b: dump(arr([3], [1], "float32")) } });
  });

  it("refuses what it cannot store, and corrupt files", async () => {
    await expect(saveCheckpoint(file("x.safetensors"), { a: { b: np.ones([1]) }, "a.b": np.ones([1]) })).rejects.toThrow(/two leaves have the tensor name "a\.b"/);
    await expect(saveCheckpoint(file("x.safetensors"), { t: new Float32Array(2) })).rejects.toThrow(/leaf "t" is Float32Array; checkpoints hold arrays and JS numbers/);
    let pending: Promise<void> | undefined;
    jit((x: Value) => {
      pending = saveCheckpoint(file("x.safetensors"), { x });
      return x;
    })(np.ones([2]));
    await expect(pending).rejects.toThrow(/leaf "x" is a traced value/);
    writeFileSync(file("junk.safetensors"), "not a checkpoint at all");
    await expect(loadCheckpoint(file("junk.safetensors"))).rejects.toThrow(/header length .* runs past the end of the file|not a safetensors file/);
    const good = readFileSync(file("all.safetensors"));
    writeFileSync(file("cut.safetensors"), good.subarray(0, good.length - 10));
    await expect(loadCheckpoint(file("cut.safetensors"))).rejects.toThrow(/run past the end of the data .*: truncated file/);
    await expect(loadCheckpoint(file("missing.safetensors"))).rejects.toThrow(/cannot read the file \(ENOENT/);
  });

  it("writes atomically: a failure midway leaves the old file intact and no temporary file", async () => {
    const p = file("atomic.safetensors");
    await saveCheckpoint(p, { w: arr([1, 2, 3], [3], "float32") });
    const before = readFileSync(p);
    const listing = readdirSync(dir).sort();
    // A leaf whose data cannot be read (read before anything is written: the header holds
    // every tensor's checksum).
    class FailingArray extends ConcreteArray {
      override async data(): Promise<never> {
        throw new Error("device lost");
      }
    }
    const bad = new FailingArray(new ShapedArray([1000], "float32"), { host: new Float32Array(1000) });
    let written = 0;
    _testHooks.afterWrite = (n) => (written = n);
    try {
      await expect(saveCheckpoint(p, { a: arr([9], [1], "float32"), z: bad })).rejects.toThrow(/saveCheckpoint\(.*\): device lost; the previous file \(if any\) is unchanged/);
      expect(readFileSync(p).equals(before)).toBe(true);
      expect(readdirSync(dir).sort()).toEqual(listing);
      // A crash inside the write loop (simulated by the hook throwing) behaves the same.
      written = 0;
      _testHooks.afterWrite = (n) => {
        written = n;
        if (n > 8) throw new Error("simulated crash");
      };
      await expect(saveCheckpoint(p, { w: arr([4, 5, 6], [3], "float32") })).rejects.toThrow(/simulated crash/);
      expect(written).toBeGreaterThan(8); // the temporary file really was half written
      expect(readFileSync(p).equals(before)).toBe(true);
      expect(readdirSync(dir).sort()).toEqual(listing);
    } finally {
      _testHooks.afterWrite = undefined;
    }
    await saveCheckpoint(p, { w: arr([4, 5, 6], [3], "float32") });
    expect(dump(await loadCheckpoint(p))).toEqual({ w: dump(arr([4, 5, 6], [3], "float32")) });
  });
});

/** A minimal safetensors file of float32 tensors, written by hand (no xla-ts metadata). */
function writeSafetensors(path: string, tensors: Record<string, number[]>): void {
  const header: Record<string, unknown> = {};
  let off = 0;
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(tensors)) {
    header[k] = { dtype: "F32", shape: [v.length], data_offsets: [off, off + 4 * v.length] };
    off += 4 * v.length;
    parts.push(Buffer.from(Float32Array.from(v).buffer));
  }
  const json = Buffer.from(JSON.stringify(header));
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(json.length));
  writeFileSync(path, Buffer.concat([len, json, ...parts]));
}

// ---- Python's safetensors ------------------------------------------------------------------

const PY_CANDIDATES = [process.env.XLA_TS_PYTHON, "/tmp/fixvenv/bin/python", "python3"].filter((x): x is string => !!x);
const python = PY_CANDIDATES.find((py) => spawnSync(py, ["-c", "import safetensors.flax, jax"], { stdio: "ignore" }).status === 0);
const script = new URL("../../tools/check_safetensors.py", import.meta.url).pathname;
if (!python) console.warn(`test/io: skipping the Python safetensors checks: no python among ${PY_CANDIDATES.join(", ")} imports safetensors and jax (pip install -r tools/requirements.txt, or set XLA_TS_PYTHON)`);

interface PyDump {
  metadata: Record<string, string>;
  tensors: Record<string, { dtype: string; shape: number[]; data: (number | string | boolean)[] }>;
}
/** Runs the script without blocking the worker (importing jax takes seconds). */
async function py(cmd: "read" | "write", path: string): Promise<PyDump> {
  try {
    const { stdout } = await promisify(execFile)(python!, [script, cmd, path], { encoding: "utf8", maxBuffer: 1 << 26 });
    return JSON.parse(stdout) as PyDump;
  } catch (e) {
    throw new Error(`check_safetensors.py ${cmd} failed: ${(e as { stderr?: string }).stderr ?? e}`);
  }
}
const ST: Record<string, DType> = { F32: "float32", F64: "float64", F16: "float16", BF16: "bfloat16", I8: "int8", I32: "int32", I64: "int64", U8: "uint8", U32: "uint32", BOOL: "bool" };
/** Python's values in dump()'s string form. */
function pyVals(t: PyDump["tensors"][string]): string[] {
  return t.data.map((v) => (typeof v === "boolean" ? (v ? "1" : "0") : v === "nan" ? "NaN" : v === "inf" ? "Infinity" : v === "-inf" ? "-Infinity" : Object.is(v, -0) ? "-0" : String(v)));
}

describe.skipIf(!python)("checkpoints and Python's safetensors", () => {
  it("a file written here is read by Python with the same names, dtypes, shapes and values", async () => {
    const tree = sampleTree();
    const p = file("to_python.safetensors");
    await saveCheckpoint(p, tree, { metadata: { run: "x" } });
    const got = await py("read", p);
    expect(JSON.parse(got.metadata["xla_ts.metadata"]!)).toEqual({ run: "x" });
    const info = await readCheckpointInfo(p);
    expect(Object.keys(got.tensors).sort()).toEqual(info.tensors.map((t) => t.name).sort());
    const [leaves] = (await import("../../src/pytree/index.js")).flattenWithPath(tree);
    for (const [path, leaf] of leaves) {
      if (!(leaf instanceof ConcreteArray)) continue;
      const name = path.join(".");
      const t = got.tensors[name]!;
      expect(ST[t.dtype], name).toBe(leaf.dtype);
      expect(t.shape, name).toEqual(leaf.shape);
      expect(pyVals(t), name).toEqual((dump(leaf) as { vals: string[] }).vals);
    }
  });

  it("a file written by Python loads here with the same values (nested records and lists)", async () => {
    const p = file("from_python.safetensors");
    const want = await py("write", p);
    const tree = (await loadCheckpoint(p)) as any;
    expect(Object.keys(tree).sort()).toEqual(["params", "stats"]);
    expect(Array.isArray(tree.params.actor)).toBe(true);
    for (const [name, t] of Object.entries(want.tensors)) {
      const leaf = name.split(".").reduce((o: any, k) => o[k], tree) as ConcreteArray;
      expect(leaf.dtype, name).toBe(ST[t.dtype]);
      expect(leaf.shape, name).toEqual(t.shape);
      expect((dump(leaf) as { vals: string[] }).vals, name).toEqual(pyVals(t));
    }
    const info = await readCheckpointInfo(p);
    expect(info.raw.source).toBe("tools/check_safetensors.py");
    expect(info.treedef).toBeUndefined();
    // Into a like tree (shapes and dtypes checked).
    const like = JSON.parse(JSON.stringify(tree, (_k, v) => (v instanceof ConcreteArray ? { __aval: [v.shape, v.dtype] } : v)), (_k, v) =>
      v && v.__aval ? new ShapedArray(v.__aval[0], v.__aval[1]) : v,
    );
    expect(dump(await loadCheckpoint(p, like))).toEqual(dump(tree));
  });
});

describe("checkpoint integrity", () => {
  const dir2 = mkdtempSync(join(tmpdir(), "xla-ts-ckpt-integrity-"));
  const f = (n: string) => join(dir2, n);

  it("every single-bit flip anywhere in the file is detected on load, naming what is corrupt", async () => {
    const p = f("flip.safetensors");
    await saveCheckpoint(p, { w: arr([1, 2, 3, 4], [2, 2], "float32"), b: arr([7], [1], "int32") }, { metadata: { step: 10 } });
    const good = readFileSync(p);
    expect(dump(await loadCheckpoint(p))).toEqual({ w: dump(arr([1, 2, 3, 4], [2, 2], "float32")), b: dump(arr([7], [1], "int32")) });
    const headerEnd = 8 + Number(good.readBigUInt64LE(0));
    let detected = 0;
    let namedTensor = 0;
    for (let i = 0; i < good.length; i++) {
      const bad = Buffer.from(good);
      bad[i]! ^= 1 << (i % 8);
      writeFileSync(f("bad.safetensors"), bad);
      const err = await loadCheckpoint(f("bad.safetensors")).then(
        () => undefined,
        (e: Error) => e.message,
      );
      if (err !== undefined) detected++;
      if (i >= headerEnd && /tensor "(w|b)" \((F32|I32)\[[\d, ]+\]\) fails its checksum/.test(err ?? "")) namedTensor++;
    }
    expect(detected).toBe(good.length);
    expect(namedTensor).toBe(good.length - headerEnd); // every flip in the data names its tensor
  });

  it("trailing bytes after the last tensor are an error", async () => {
    const p = f("junk.safetensors");
    await saveCheckpoint(p, { w: arr([1, 2], [2], "float32") });
    appendFileSync(p, Buffer.from("junk"));
    await expect(loadCheckpoint(p)).rejects.toThrow(/4 trailing bytes after the last tensor/);
    await expect(readCheckpointInfo(p)).rejects.toThrow(/trailing bytes/);
  });

  it("files without checksums (Python, older xla-ts) still load", async () => {
    const p = f("plain.safetensors");
    writeSafetensors(p, { a: [1, 2] });
    expect(dump(await loadCheckpoint(p))).toEqual({ a: dump(arr([1, 2], [2], "float32")) });
  });

  it("newestIntactCheckpoint skips a corrupt newest checkpoint and says why", async () => {
    const paths = [1, 2, 3].map((k) => f(`step_${k}.safetensors`));
    for (const [k, p] of paths.entries()) await saveCheckpoint(p, { w: arr([k], [1], "float32") });
    const bad = readFileSync(paths[2]!);
    bad[bad.length - 1]! ^= 0x10;
    writeFileSync(paths[2]!, bad);
    const r = await newestIntactCheckpoint(paths.map((path) => ({ path })));
    expect(r.found?.path).toBe(paths[1]);
    expect(r.skipped).toEqual([{ path: paths[2], reason: expect.stringMatching(/tensor "w" \(F32\[1\]\) fails its checksum/) }]);
    expect(await checkCheckpoint(paths[0]!)).toBeUndefined();
    // A candidate that no longer exists (pruned meanwhile) is passed over silently.
    const r2 = await newestIntactCheckpoint([{ path: paths[0]! }, { path: f("gone.safetensors") }]);
    expect(r2).toEqual({ found: { path: paths[0] }, skipped: [] });
  });
});
