// conv_general_dilated: values worked out by hand, padding and layout helpers, and errors.
import { afterEach, describe, expect, it } from "vitest";
import { backendName, setBackend } from "../../src/core/index.js";
import { lax } from "../../src/lax/index.js";
import { arr, vals } from "../core/helpers.js";

const backends = process.env.XLA_TS_BACKEND === "ref" ? (["ref"] as const) : (["ref", "xla"] as const);
const initial = backendName();
afterEach(() => setBackend(initial));

describe("padtypeToPads and convDimensionNumbers (as lax.padtype_to_pads / conv_general_permutations)", () => {
  it("SAME puts the odd pad at the end, SAME_LOWER at the start", () => {
    expect(lax.padtypeToPads([7], [3], [2], "SAME")).toEqual([[1, 1]]);
    expect(lax.padtypeToPads([6], [3], [2], "SAME")).toEqual([[0, 1]]);
    expect(lax.padtypeToPads([6], [3], [2], "SAME_LOWER")).toEqual([[1, 0]]);
    expect(lax.padtypeToPads([5, 4], [4, 1], [1, 3], "SAME")).toEqual([[1, 2], [0, 0]]);
    expect(lax.padtypeToPads([5], [4], [1], "VALID")).toEqual([[0, 0]]);
  });
  it("layout strings map to (batch, feature, spatial...) with spatial dims ordered as in the kernel", () => {
    expect(lax.convDimensionNumbers(4, ["NHWC", "HWIO", "NHWC"])).toEqual({ lhs: [0, 3, 1, 2], rhs: [3, 2, 0, 1], out: [0, 3, 1, 2] });
    expect(lax.convDimensionNumbers(4)).toEqual({ lhs: [0, 1, 2, 3], rhs: [0, 1, 2, 3], out: [0, 1, 2, 3] });
    expect(lax.convDimensionNumbers(3, { lhs: "NWC", rhs: "OIW", out: "NCW" })).toEqual({ lhs: [0, 2, 1], rhs: [0, 1, 2], out: [0, 1, 2] });
  });
});

describe.each(backends)("values on %s", (backend) => {
  it("1-D cross-correlation: VALID, SAME, strides, dilation", () => {
    setBackend(backend);
    const x = arr([1, 2, 3, 4, 5], [1, 1, 5]);
    const w = arr([1, 0, -1], [1, 1, 3]);
    expect(vals(lax.conv(x, w, [1], "VALID"))).toEqual([-2, -2, -2]);
    expect(vals(lax.conv(x, w, [1], "SAME"))).toEqual([-2, -2, -2, -2, 4]);
    expect(vals(lax.conv(x, w, [2], "SAME"))).toEqual([-2, -2, 4]);
    expect(vals(lax.convWithPadding(x, arr([1, 1], [1, 1, 2]), [1], "VALID", null, [3]))).toEqual([5, 7]);
    // lhs dilation 2 turns [1,2,3,4,5] into [1,0,2,0,3,0,4,0,5]
    expect(vals(lax.convWithPadding(x, arr([1, 1], [1, 1, 2]), [1], [[0, 0]], [2]))).toEqual([1, 2, 2, 3, 3, 4, 4, 5]);
  });

  it("feature groups and NHWC layouts", () => {
    setBackend(backend);
    // two channels convolved separately (depthwise) by [1, 1] and [1, -1] kernels
    const x = arr([1, 10, 2, 20, 3, 30], [1, 3, 2]); // NWC
    const w = arr([1, 1, 1, -1], [2, 1, 2]); // WIO with O = 2 groups
    const y = lax.convGeneralDilated(x, w, [1], "VALID", null, null, ["NWC", "WIO", "NWC"], 2);
    expect(y.shape).toEqual([1, 2, 2]);
    expect(vals(y)).toEqual([3, -10, 5, -10]);
  });
});

describe("errors", () => {
  it("name the primitive and the shapes", () => {
    const x = arr(new Array(2 * 3 * 5 * 5).fill(1), [2, 3, 5, 5]);
    expect(() => lax.conv(x, arr(new Array(4 * 2 * 3 * 3).fill(1), [4, 2, 3, 3]), [1, 1], "VALID")).toThrow(
      /conv_general_dilated: lhs feature size \(3\) must equal rhs input-feature size \(2\) times featureGroupCount \(1\); lhs \[2, 3, 5, 5\], rhs \[4, 2, 3, 3\]/,
    );
    const w = arr(new Array(4 * 3 * 3 * 3).fill(1), [4, 3, 3, 3]);
    expect(() => lax.conv(x, w, [1], "VALID")).toThrow(/conv_general_dilated: windowStrides must have 2 entries/);
    expect(() => lax.conv(x, arr([1, 2], [2]), [1, 1], [[0, 0], [0, 0]])).toThrow(/conv_general_dilated: lhs and rhs must have equal rank >= 2/);
    expect(() => lax.convGeneralDilated(x, w, [1, 1], "VALID", null, null, null, 1, 3)).toThrow(/multiples of batchGroupCount \(3\)/);
    expect(() => lax.convGeneralDilated(x, w, [1, 1], "SAME", [2, 2])).toThrow(/string padding \("SAME"\) is not supported with lhsDilation/);
    expect(() => lax.convGeneralDilated(x, w, [1, 1], "VALID", null, null, ["NHWC", "HWIO", "NHWX"])).toThrow(/dimension spec "NHWX"/);
  });
});
