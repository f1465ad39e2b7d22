// Plugin discovery and the dtype table (no plugin needed).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DTYPES, dtypeOfTypedArray, findPlugin, hasRuntime, isDType, packageRoot, typedArrayFor, type DType } from "../../src/xla/index.js";

describe("plugin discovery", () => {
  const saved = process.env.XLA_TS_PJRT_PLUGIN;
  afterEach(() => {
    if (saved === undefined) delete process.env.XLA_TS_PJRT_PLUGIN;
    else process.env.XLA_TS_PJRT_PLUGIN = saved;
  });

  it("finds the package root from the module's location", () => {
    const root = packageRoot();
    expect(JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")).name).toBe("xla-ts");
  });

  it("prefers XLA_TS_PJRT_PLUGIN", () => {
    const tmp = path.join(os.tmpdir(), `fake-plugin-${process.pid}.so`);
    fs.writeFileSync(tmp, "");
    try {
      process.env.XLA_TS_PJRT_PLUGIN = tmp;
      expect(findPlugin()).toEqual({ ok: true, path: tmp, source: "env" });
    } finally {
      fs.rmSync(tmp);
    }
  });

  it("says how to get a plugin when XLA_TS_PJRT_PLUGIN points nowhere", () => {
    process.env.XLA_TS_PJRT_PLUGIN = "/no/such/plugin.so";
    const r = findPlugin();
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.reason).toContain("XLA_TS_PJRT_PLUGIN=/no/such/plugin.so does not exist");
      expect(r.reason).toContain("npm install");
    }
    expect(hasRuntime()).toBe(false);
  });

  it("an explicit path wins and is checked", () => {
    expect(findPlugin("/no/such.so")).toMatchObject({ ok: false });
  });

  it("uses the install record otherwise", () => {
    delete process.env.XLA_TS_PJRT_PLUGIN;
    const rec = path.join(packageRoot(), ".pjrt", "installed.json");
    const r = findPlugin();
    if (fs.existsSync(rec)) expect(r).toMatchObject({ ok: true, source: "installed" });
    else expect(r).toMatchObject({ ok: false });
  });
});

describe("dtype table", () => {
  it("matches sizes, MLIR names and host arrays", () => {
    const rows = Object.values(DTYPES).map((d) => [d.name, d.bytes, d.mlir, d.kind, d.array.name]);
    expect(rows).toEqual([
      ["float32", 4, "f32", "float", "Float32Array"],
      ["float64", 8, "f64", "float", "Float64Array"],
      ["float16", 2, "f16", "float", "Uint16Array"],
      ["bfloat16", 2, "bf16", "float", "Uint16Array"],
      ["int8", 1, "i8", "int", "Int8Array"],
      ["int32", 4, "i32", "int", "Int32Array"],
      ["int64", 8, "i64", "int", "BigInt64Array"],
      ["uint8", 1, "ui8", "uint", "Uint8Array"],
      ["uint32", 4, "ui32", "uint", "Uint32Array"],
      ["bool", 1, "i1", "bool", "Uint8Array"],
    ]);
    for (const d of Object.keys(DTYPES) as DType[]) {
      const a = typedArrayFor(d, 3);
      expect(a.length).toBe(3);
      expect(a.BYTES_PER_ELEMENT).toBe(DTYPES[d].bytes);
      expect(isDType(d)).toBe(true);
    }
    expect(isDType("float128")).toBe(false);
  });

  it("maps typed arrays to dtypes", () => {
    expect(dtypeOfTypedArray(new Float32Array(1))).toBe("float32");
    expect(dtypeOfTypedArray(new Float64Array(1))).toBe("float64");
    expect(dtypeOfTypedArray(new Int32Array(1))).toBe("int32");
    expect(dtypeOfTypedArray(new Uint32Array(1))).toBe("uint32");
    expect(dtypeOfTypedArray(new Uint8Array(1))).toBe("uint8");
    expect(dtypeOfTypedArray(new Int8Array(1))).toBe("int8");
    expect(dtypeOfTypedArray(new BigInt64Array(1))).toBe("int64");
  });
});
