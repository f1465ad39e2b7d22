// VJP and batching rules of the control-flow primitives (scan, while, cond). The rules build
// new sub-programs by tracing ordinary transformations of the bodies (linearizeJaxpr for the
// VJPs, batchJaxpr for vmap) and bind the same primitives again, so they nest: grad of grad,
// vmap of grad and jit of either all go through these rules again.
import { ShapedArray, isFloatDtype } from "../../core/aval.js";
import { defineRules } from "../../core/primitive.js";
import { bind, bind1, closeOver, evalJaxpr, traceFlat, type Traced } from "../../core/trace.js";
import { Jaxpr, Var } from "../../core/ir.js";
import { addAny, fullLike, linearizeJaxpr, zerosLike } from "../../core/ad.js";
import { batchJaxpr, broadcastAxis, moveaxis, type BDim } from "../../core/batching.js";
import type { Value } from "../../core/values.js";
import * as E from "../elementwise.js";
import { reduceOrP } from "../reduce.js";
import { broadcastInDimP } from "../shape.js";
import * as Sc from "./scan.js";
import { scanP, type ScanParams } from "./scan.js";
import * as W from "./while.js";
import { whileP, type WhileParams } from "./while.js";
import * as Co from "./cond.js";
import { condP, type CondParams } from "./cond.js";
import { intern } from "./common.js";

const isFloat = (a: { dtype: ShapedArray["dtype"] }) => isFloatDtype(a.dtype);
const floatIdx = (avals: readonly ShapedArray[]) => avals.flatMap((a, i) => (isFloat(a) ? [i] : []));
const batched = (a: ShapedArray, size: number) => new ShapedArray([size, ...a.shape], a.dtype, a.weakType);
/** A batched value with its batch axis at 0 (broadcast when unbatched). */
const toFront = (v: Value, d: BDim, size: number) => (d === null ? broadcastAxis(v, size, 0) : moveaxis(v, d, 0));

/** Closure-converts branch programs onto one shared list of leading captured operands. */
function closeBranches(traced: readonly Traced[]): { jaxprs: Jaxpr[]; consts: Value[] } {
  const consts: Value[] = [];
  const pos = new Set<Value>();
  for (const t of traced)
    for (const c of t.consts)
      if (!pos.has(c)) {
        pos.add(c);
        consts.push(c);
      }
  const jaxprs = traced.map(({ jaxpr, consts: own }) => {
    const mine = new Map(own.map((c, i) => [c, jaxpr.constvars[i]!]));
    const leading = consts.map((c) => mine.get(c) ?? new Var(c.aval));
    return intern(new Jaxpr([], [...leading, ...jaxpr.invars], jaxpr.eqns, jaxpr.outvars));
  });
  return { jaxprs, consts };
}

// --- scan -------------------------------------------------------------------------------------

/**
 * Reverse mode through scan in O(length) memory: a forward scan stacks the carry entering
 * every step, then a scan in the opposite direction recomputes each step's body at
 * (consts, carry_t, x_t) and pulls (ct_carry, ct_y_t) back through it, carrying the carry's
 * cotangent and summing the consts' cotangents; the xs' cotangents are its stacked ys.
 */
function scanVjp(cts: readonly Value[], ins: readonly Value[], _outs: readonly Value[], p: ScanParams): (Value | null)[] {
  const { jaxpr, numConsts: nc, numCarry: nk, length, reverse, unroll } = p;
  const consts = ins.slice(0, nc);
  const init = ins.slice(nc, nc + nk);
  const xs = ins.slice(nc + nk);
  const bodyIn = jaxpr.inAvals;
  const constAvals = bodyIn.slice(0, nc);
  const carryAvals = bodyIn.slice(nc, nc + nk);
  const xAvals = bodyIn.slice(nc + nk);
  const yAvals = jaxpr.outAvals.slice(nk);
  const fConsts = floatIdx(constAvals);
  const fCarry = floatIdx(carryAvals);
  const fXs = floatIdx(xAvals);
  const fYs = floatIdx(yAvals);
  const result: (Value | null)[] = ins.map(() => null);
  if (!fConsts.length && !fCarry.length && !fXs.length) return result;

  // 1. The carry history: ys of a scan whose body also returns the carry it was given.
  let history: Value[] = [];
  if (nk > 0) {
    const fwd = closeOver(
      traceFlat(
        (...a) => [...evalJaxpr(jaxpr, [], a).slice(0, nk), ...a.slice(nc, nc + nk)],
        bodyIn,
        "scan vjp forward",
      ),
    );
    const outs = bind(scanP, [...fwd.consts, ...consts, ...init, ...xs], {
      jaxpr: intern(fwd.jaxpr),
      numConsts: fwd.consts.length + nc,
      numCarry: nk,
      length,
      reverse,
      unroll,
    } satisfies ScanParams);
    history = outs.slice(nk);
  }

  // 2. The backward scan: carry (ct of float carries, ct sums of float consts); xs (x rows,
  //    carry history, ct of float ys); ys: the cts of the float xs.
  const nfk = fCarry.length;
  const nfc = fConsts.length;
  const bwdIn = [
    ...constAvals,
    ...fCarry.map((k) => carryAvals[k]!),
    ...fConsts.map((j) => constAvals[j]!),
    ...xAvals,
    ...carryAvals,
    ...fYs.map((k) => yAvals[k]!),
  ];
  const bwd = closeOver(
    traceFlat(
      (...a) => {
        let o = 0;
        const take = (n: number) => a.slice(o, (o += n));
        const cs = take(nc);
        const ctCarry = take(nfk);
        const acc = take(nfc);
        const xRow = take(xs.length);
        const carry = take(nk);
        const ctY = take(fYs.length);
        const lin = linearizeJaxpr(jaxpr, [], [...cs, ...carry, ...xRow]);
        const outCts: (Value | null)[] = jaxpr.outvars.map(() => null);
        fCarry.forEach((k, i) => (outCts[k] = ctCarry[i]!));
        fYs.forEach((k, i) => (outCts[nk + k] = ctY[i]!));
        const g = lin.backward(outCts);
        return [
          ...fCarry.map((k) => g[nc + k] ?? zerosLike(carryAvals[k]!)),
          ...fConsts.map((j, i) => addAny(acc[i]!, g[j] ?? null)!),
          ...fXs.map((k) => g[nc + nk + k] ?? zerosLike(xAvals[k]!)),
        ];
      },
      bwdIn,
      "scan vjp backward",
    ),
  );
  const outs = bind(
    scanP,
    [
      ...bwd.consts,
      ...consts,
      ...fCarry.map((k) => cts[k]!),
      ...fConsts.map((j) => zerosLike(constAvals[j]!)),
      ...xs,
      ...history,
      ...fYs.map((k) => cts[nk + k]!),
    ],
    { jaxpr: intern(bwd.jaxpr), numConsts: bwd.consts.length + nc, numCarry: nfk + nfc, length, reverse: !reverse, unroll } satisfies ScanParams,
  );
  fCarry.forEach((k, i) => (result[nc + k] = outs[i]!));
  fConsts.forEach((j, i) => (result[j] = outs[nfk + i]!));
  fXs.forEach((k, i) => (result[nc + nk + k] = outs[nfk + nfc + i]!));
  return result;
}

/**
 * vmap of scan: consts keep their batch axes, batched carries have it at 0, xs at 1 (axis 0
 * is scanned), so the body sees rows batched at 0. A carry that the body makes batched must
 * be batched from the start: iterate to a fixed point.
 */
function scanBatch(args: readonly Value[], dims: readonly BDim[], p: ScanParams): [Value[], BDim[]] {
  const { jaxpr, numConsts: nc, numCarry: nk } = p;
  const size = sizeOf(args, dims);
  const consts = args.slice(0, nc);
  const constDims = dims.slice(0, nc);
  const init = args.slice(nc, nc + nk);
  const initDims = dims.slice(nc, nc + nk);
  const xs = args.slice(nc + nk).map((x, i) => {
    const d = dims[nc + nk + i]!;
    return d === null ? x : moveaxis(x, d, 1);
  });
  const rowDims = dims.slice(nc + nk).map((d) => (d === null ? null : 0));
  const carryAvals = jaxpr.inAvals.slice(nc, nc + nk);
  const xAvals = jaxpr.inAvals.slice(nc + nk);

  let carryB = initDims.map((d) => d !== null);
  for (;;) {
    const body = batchBody(jaxpr, size, constDims, carryB, rowDims, [
      ...consts.map((c) => c.aval),
      ...carryAvals.map((a, k) => (carryB[k] ? batched(a, size) : a)),
      ...xAvals.map((a, i) => (rowDims[i] === null ? a : batched(a, size))),
    ]);
    const grown = carryB.map((b, k) => b || body.outDims[k] !== null);
    if (grown.some((b, k) => b !== carryB[k])) {
      carryB = grown;
      continue;
    }
    const { jaxpr: bj, consts: bc } = closeOver(body.traced);
    const initB = init.map((v, k) => (carryB[k] ? toFront(v, initDims[k]!, size) : v));
    const outs = bind(scanP, [...bc, ...consts, ...initB, ...xs], { ...p, jaxpr: intern(bj), numConsts: bc.length + nc } satisfies ScanParams);
    const ysB = body.outDims.slice(nk).map((d) => (d === null ? null : 1));
    return [outs, [...carryB.map((b) => (b ? 0 : null)), ...ysB]];
  }
}

/**
 * Traces `j` (inputs: consts, carry, rest) batched: carries marked in `carryB` come out batched
 * at 0, the other outputs at 0 when batched. `outDims` are the body's own output dims.
 */
function batchBody(j: Jaxpr, size: number, constDims: readonly BDim[], carryB: readonly boolean[], restDims: readonly BDim[], avals: ShapedArray[]) {
  const nk = carryB.length;
  let outDims: BDim[] = [];
  const traced = traceFlat(
    (...a) => {
      const r = batchJaxpr(j, [], a, [...constDims, ...carryB.map((b) => (b ? 0 : null)), ...restDims]);
      outDims = r.dims;
      return r.outs.map((v, k) => {
        const d = r.dims[k]!;
        if (k < nk && carryB[k]) return toFront(v, d, size);
        return d === null ? v : moveaxis(v, d, 0);
      });
    },
    avals,
    "vmap of a loop body",
  );
  return { traced, outDims };
}

function sizeOf(args: readonly Value[], dims: readonly BDim[]): number {
  const k = dims.findIndex((d) => d !== null);
  return args[k]!.shape[dims[k]!]!;
}

// --- while ------------------------------------------------------------------------------------

/**
 * vmap of while. With an unbatched predicate: a while of the batched body. With a batched
 * predicate every carry is batched, the loop runs while any lane's predicate holds, and the
 * body keeps the lanes whose predicate is false unchanged (a select).
 */
function whileBatch(args: readonly Value[], dims: readonly BDim[], p: WhileParams): [Value[], BDim[]] {
  const { condJaxpr, bodyJaxpr, condNConsts: ncc, bodyNConsts: nbc } = p;
  const size = sizeOf(args, dims);
  const cc = args.slice(0, ncc);
  const ccDims = dims.slice(0, ncc);
  const bc = args.slice(ncc, ncc + nbc);
  const bcDims = dims.slice(ncc, ncc + nbc);
  const init = args.slice(ncc + nbc);
  const initDims = dims.slice(ncc + nbc);
  const carryAvals = bodyJaxpr.inAvals.slice(nbc);
  const carryAvalsB = (cb: boolean[]) => carryAvals.map((a, k) => (cb[k] ? batched(a, size) : a));
  const carryDims = (cb: boolean[]) => cb.map((b) => (b ? 0 : null));
  const predOf = (cs: Value[], carry: Value[], cb: boolean[]) => {
    const r = batchJaxpr(condJaxpr, [], [...cs, ...carry], [...ccDims, ...carryDims(cb)]);
    return { pred: r.outs[0]!, dim: r.dims[0]! };
  };

  let carryB = initDims.map((d) => d !== null);
  let predBatched = false;
  for (;;) {
    const body = batchBody(bodyJaxpr, size, bcDims, carryB, [], [...bc.map((c) => c.aval), ...carryAvalsB(carryB)]);
    const grown = carryB.map((b, k) => b || body.outDims[k] !== null);
    if (grown.some((b, k) => b !== carryB[k])) {
      carryB = grown;
      continue;
    }
    let probeDim: BDim = null;
    traceFlat((...a) => {
      probeDim = predOf(a.slice(0, ncc), a.slice(ncc), carryB).dim;
      return [];
    }, [...cc.map((c) => c.aval), ...carryAvalsB(carryB)]);
    predBatched = probeDim !== null;
    if (predBatched && !carryB.every((b) => b)) {
      carryB = carryB.map(() => true);
      continue;
    }
    break;
  }
  const initB = init.map((v, k) => (carryB[k] ? toFront(v, initDims[k]!, size) : v));
  const cAvals = [...cc.map((c) => c.aval), ...carryAvalsB(carryB)];

  let outs: Value[];
  if (!predBatched) {
    const cond = closeOver(traceFlat((...a) => [predOf(a.slice(0, ncc), a.slice(ncc), carryB).pred], cAvals, "vmap of a while cond"));
    const body = closeOver(batchBody(bodyJaxpr, size, bcDims, carryB, [], [...bc.map((c) => c.aval), ...carryAvalsB(carryB)]).traced);
    outs = bind(whileP, [...cond.consts, ...cc, ...body.consts, ...bc, ...initB], {
      condJaxpr: intern(cond.jaxpr),
      bodyJaxpr: intern(body.jaxpr),
      condNConsts: cond.consts.length + ncc,
      bodyNConsts: body.consts.length + nbc,
    } satisfies WhileParams);
  } else {
    const lanes = (cs: Value[], carry: Value[]) => {
      const { pred, dim } = predOf(cs, carry, carryB);
      return moveaxis(pred, dim!, 0);
    };
    const cond = closeOver(
      traceFlat((...a) => [bind1(reduceOrP, [lanes(a.slice(0, ncc), a.slice(ncc))], { axes: [0] })], cAvals, "vmap of a while cond"),
    );
    // The body takes the cond's consts too, to recompute each lane's predicate.
    const body = closeOver(
      traceFlat(
        (...a) => {
          const carry = a.slice(ncc + nbc);
          const pred = lanes(a.slice(0, ncc), carry);
          const r = batchJaxpr(bodyJaxpr, [], a.slice(ncc), [...bcDims, ...carryDims(carryB)]);
          return r.outs.map((v, k) => {
            const nv = toFront(v, r.dims[k]!, size);
            const pk = bind1(broadcastInDimP, [pred], { shape: [...nv.shape], broadcastDimensions: [0] });
            return bind1(E.select, [pk, nv, carry[k]!]);
          });
        },
        [...cc.map((c) => c.aval), ...bc.map((c) => c.aval), ...carryAvalsB(carryB)],
        "vmap of a while body",
      ),
    );
    outs = bind(whileP, [...cond.consts, ...cc, ...body.consts, ...cc, ...bc, ...initB], {
      condJaxpr: intern(cond.jaxpr),
      bodyJaxpr: intern(body.jaxpr),
      condNConsts: cond.consts.length + ncc,
      bodyNConsts: body.consts.length + ncc + nbc,
    } satisfies WhileParams);
  }
  return [outs, carryDims(carryB)];
}

// --- cond -------------------------------------------------------------------------------------

/** Reverse mode through cond: a cond, on the same index, of each branch's VJP. */
function condVjp(cts: readonly Value[], ins: readonly Value[], _outs: readonly Value[], { branches }: CondParams): (Value | null)[] {
  const [index, ...ops] = ins;
  const opAvals = ops.map((o) => o.aval);
  const fOps = floatIdx(opAvals);
  const fOuts = floatIdx(branches[0]!.outAvals);
  const result: (Value | null)[] = ins.map(() => null);
  if (!fOps.length || !fOuts.length) return result;
  const traced = branches.map((b) =>
    traceFlat(
      (...a) => {
        const lin = linearizeJaxpr(b, [], a.slice(0, ops.length));
        const outCts: (Value | null)[] = b.outvars.map(() => null);
        fOuts.forEach((k, i) => (outCts[k] = a[ops.length + i]!));
        const g = lin.backward(outCts);
        return fOps.map((k) => g[k] ?? zerosLike(opAvals[k]!));
      },
      [...opAvals, ...fOuts.map((k) => cts[k]!.aval)],
      "cond vjp branch",
    ),
  );
  const { jaxprs, consts } = closeBranches(traced);
  const outs = bind(condP, [index!, ...consts, ...ops, ...fOuts.map((k) => cts[k]!)], { branches: jaxprs } satisfies CondParams);
  fOps.forEach((k, i) => (result[1 + k] = outs[i]!));
  return result;
}

/**
 * vmap of cond. A batched index becomes a select over every branch's (batched) outputs; an
 * unbatched one keeps a cond of the batched branches, an output batched at 0 in every branch
 * when it is batched in any.
 */
function condBatch(args: readonly Value[], dims: readonly BDim[], { branches }: CondParams): [Value[], BDim[]] {
  const size = sizeOf(args, dims);
  const [index, ...ops] = args;
  const [indexDim, ...opDims] = dims;
  const nOut = branches[0]!.outvars.length;
  if (indexDim !== null && indexDim !== undefined) {
    const idx = moveaxis(index!, indexDim, 0);
    const results = branches.map((b) => {
      const r = batchJaxpr(b, [], ops, opDims);
      return r.outs.map((v, k) => toFront(v, r.dims[k]!, size));
    });
    // Branch b wins where idx >= b (b >= 1): the clamped index picks the same branch.
    let out = results[0]!;
    for (let b = 1; b < branches.length; b++) {
      const pick = bind1(E.ge, [idx, fullLike(idx.aval.withWeak(false), b)]);
      out = out.map((v, k) => {
        const pk = bind1(broadcastInDimP, [pick], { shape: [...v.shape], broadcastDimensions: [0] });
        return bind1(E.select, [pk, results[b]![k]!, v]);
      });
    }
    return [out, out.map(() => 0)];
  }
  const avals = ops.map((o) => o.aval);
  const traceBranch = (b: Jaxpr, force: readonly boolean[] | null) => {
    let outDims: BDim[] = [];
    const traced = traceFlat(
      (...a) => {
        const r = batchJaxpr(b, [], a, opDims);
        outDims = r.dims;
        return r.outs.map((v, k) => (force?.[k] ? toFront(v, r.dims[k]!, size) : v));
      },
      avals,
      "vmap of a cond branch",
    );
    return { traced, outDims };
  };
  const probes = branches.map((b) => traceBranch(b, null));
  const force = [...Array(nOut).keys()].map((k) => probes.some((pr) => pr.outDims[k] !== null));
  const { jaxprs, consts } = closeBranches(branches.map((b) => traceBranch(b, force).traced));
  const outs = bind(condP, [index!, ...consts, ...ops], { branches: jaxprs } satisfies CondParams);
  return [outs, force.map((f) => (f ? 0 : null))];
}

defineRules(Sc, { scanP: { vjp: scanVjp, batch: scanBatch } });
defineRules(W, {
  whileP: {
    notDifferentiable: "reverse-mode through lax.whileLoop is not defined: use lax.scan or lax.forLoop with a static trip count",
    batch: whileBatch,
  },
});
defineRules(Co, { condP: { vjp: condVjp, batch: condBatch } });
