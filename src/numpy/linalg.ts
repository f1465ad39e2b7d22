// Products: matmul (batched, broadcasting), dot, vdot, inner, outer, tensordot and einsum,
// all lowered to one lax.dotGeneral per contraction (plus transposes / reductions).
import { Value } from "../core/values.js";
import { lax } from "../lax/index.js";
import { asArray, type ArrayLike } from "./creation.js";
import { broadcastShapes, broadcastTo, promote } from "./broadcast.js";
import { constLike, multiply } from "./math.js";

const fmt = (s: readonly number[]) => `[${s.join(", ")}]`;
const range = (a: number, b: number) => Array.from({ length: Math.max(0, b - a) }, (_, i) => a + i);

function noBoolProduct(fn: string, a: Value): void {
  if (a.dtype === "bool") throw new TypeError(`${fn}: bool operands are not supported; convert them (astype) first`);
}

/** Matrix product with numpy's rules: 1-D operands are vectors, leading axes broadcast as batches. */
export function matmul(x: ArrayLike, y: ArrayLike): Value {
  const [a, b] = promote([x, y]);
  noBoolProduct("matmul", a!);
  if (a!.ndim === 0 || b!.ndim === 0) throw new TypeError(`matmul: operands must have rank >= 1, got shapes ${fmt(a!.shape)} and ${fmt(b!.shape)} (use multiply for scalars)`);
  const a2 = a!.ndim === 1 ? lax.reshape(a!, [1, a!.shape[0]!]) : a!;
  const b2 = b!.ndim === 1 ? lax.reshape(b!, [b!.shape[0]!, 1]) : b!;
  const k = a2.shape[a2.ndim - 1]!;
  if (k !== b2.shape[b2.ndim - 2])
    throw new TypeError(`matmul: contraction dimensions differ: shapes ${fmt(a!.shape)} and ${fmt(b!.shape)} (${k} vs ${b2.shape[b2.ndim - 2]})`);
  let r: Value;
  if (b2.ndim === 2) {
    // [..., n, k] @ [k, m]: contract directly, no batch broadcast needed.
    r = lax.dotGeneral(a2, b2, { contracting: [[a2.ndim - 1], [0]], batch: [[], []] });
  } else {
    const batch = broadcastShapes("matmul", a2.shape.slice(0, -2), b2.shape.slice(0, -2));
    const ab = broadcastTo(a2, [...batch, ...a2.shape.slice(-2)], "matmul");
    const bb = broadcastTo(b2, [...batch, ...b2.shape.slice(-2)], "matmul");
    const nb = batch.length;
    r = lax.dotGeneral(ab, bb, { contracting: [[nb + 1], [nb]], batch: [range(0, nb), range(0, nb)] });
  }
  // Drop the axes added for 1-D operands.
  const shape = [...r.shape];
  if (b!.ndim === 1) shape.splice(shape.length - 1, 1);
  if (a!.ndim === 1) shape.splice(shape.length - (b!.ndim === 1 ? 1 : 2), 1);
  return lax.reshape(r, shape);
}

/** numpy.dot: scalars multiply; otherwise contracts x's last axis with y's second-to-last (or only) axis. */
export function dot(x: ArrayLike, y: ArrayLike): Value {
  const [a, b] = promote([x, y]);
  if (a!.ndim === 0 || b!.ndim === 0) return multiply(a!, b!);
  noBoolProduct("dot", a!);
  const ca = a!.ndim - 1;
  const cb = b!.ndim === 1 ? 0 : b!.ndim - 2;
  if (a!.shape[ca] !== b!.shape[cb])
    throw new TypeError(`dot: shapes ${fmt(a!.shape)} and ${fmt(b!.shape)} are not aligned (axis ${ca} has ${a!.shape[ca]}, axis ${cb} has ${b!.shape[cb]})`);
  return lax.dotGeneral(a!, b!, { contracting: [[ca], [cb]], batch: [[], []] });
}

/** Dot product of the flattened operands. */
export function vdot(x: ArrayLike, y: ArrayLike): Value {
  const a = asArray(x);
  const b = asArray(y);
  return dot(lax.reshape(a, [a.size]), lax.reshape(b, [b.size]));
}

/** Contracts the last axes of both operands. */
export function inner(x: ArrayLike, y: ArrayLike): Value {
  const [a, b] = promote([x, y]);
  if (a!.ndim === 0 || b!.ndim === 0) return multiply(a!, b!);
  noBoolProduct("inner", a!);
  if (a!.shape[a!.ndim - 1] !== b!.shape[b!.ndim - 1])
    throw new TypeError(`inner: the last axes of shapes ${fmt(a!.shape)} and ${fmt(b!.shape)} differ`);
  return lax.dotGeneral(a!, b!, { contracting: [[a!.ndim - 1], [b!.ndim - 1]], batch: [[], []] });
}

/** Outer product of the flattened operands: [x.size, y.size]. */
export function outer(x: ArrayLike, y: ArrayLike): Value {
  const a = asArray(x);
  const b = asArray(y);
  return multiply(lax.reshape(a, [a.size, 1]), lax.reshape(b, [1, b.size]));
}

/** numpy.tensordot: `axes` = N (last N of x with first N of y) or [xAxes, yAxes]. */
export function tensordot(x: ArrayLike, y: ArrayLike, axes: number | [readonly number[] | number, readonly number[] | number] = 2): Value {
  const [a, b] = promote([x, y]);
  noBoolProduct("tensordot", a!);
  let ax: number[];
  let bx: number[];
  if (typeof axes === "number") {
    ax = range(a!.ndim - axes, a!.ndim);
    bx = range(0, axes);
  } else {
    ax = (typeof axes[0] === "number" ? [axes[0]] : [...axes[0]]).map((d) => (d < 0 ? d + a!.ndim : d));
    bx = (typeof axes[1] === "number" ? [axes[1]] : [...axes[1]]).map((d) => (d < 0 ? d + b!.ndim : d));
  }
  if (ax.length !== bx.length || ax.some((d, i) => a!.shape[d] !== b!.shape[bx[i]!]))
    throw new TypeError(`tensordot: axes ${JSON.stringify(ax)} of ${fmt(a!.shape)} and ${JSON.stringify(bx)} of ${fmt(b!.shape)} do not match`);
  return lax.dotGeneral(a!, b!, { contracting: [ax, bx], batch: [[], []] });
}

// --- einsum -------------------------------------------------------------------------------

interface Term {
  v: Value;
  labels: string[];
}

function parseEinsum(spec: string, ops: Value[]): { inputs: string[][]; output: string[] } {
  const s = spec.replace(/\s+/g, "");
  const [lhs, rhs] = s.split("->") as [string, string | undefined];
  const parts = lhs.split(",");
  if (parts.length !== ops.length) throw new TypeError(`einsum: "${spec}" names ${parts.length} operand(s) but ${ops.length} were given`);
  let maxEll = 0;
  const inputs = parts.map((p, k) => {
    const nd = ops[k]!.ndim;
    const [pre, post] = p.includes("...") ? (p.split("...") as [string, string]) : [p, undefined];
    for (const c of pre + (post ?? "")) if (!/[a-zA-Z]/.test(c)) throw new TypeError(`einsum: bad subscript character "${c}" in "${spec}"`);
    const letters = pre.length + (post?.length ?? 0);
    if (post === undefined) {
      if (letters !== nd) throw new TypeError(`einsum: operand ${k} has rank ${nd} but subscripts "${p}" name ${letters} axes`);
      return [...pre];
    }
    const ne = nd - letters;
    if (ne < 0) throw new TypeError(`einsum: operand ${k} has rank ${nd}, fewer than the ${letters} axes "${p}" names`);
    maxEll = Math.max(maxEll, ne);
    return [...pre, ...ellLabels(ne), ...post];
  });
  // Ellipsis axes align from the right: an operand with fewer uses the last labels.
  function ellLabels(n: number): string[] {
    return range(0, n).map((i) => `…${n - i}`);
  }
  const ell = range(0, maxEll).map((i) => `…${maxEll - i}`);
  let output: string[];
  if (rhs === undefined) {
    const counts = new Map<string, number>();
    for (const l of inputs.flat()) if (!l.startsWith("…")) counts.set(l, (counts.get(l) ?? 0) + 1);
    output = [...ell, ...[...counts.keys()].filter((l) => counts.get(l) === 1).sort()];
  } else {
    const [pre, post] = rhs.includes("...") ? (rhs.split("...") as [string, string]) : [rhs, undefined];
    output = post === undefined ? [...pre] : [...pre, ...ell, ...post];
    if (post === undefined && maxEll > 0) throw new TypeError(`einsum: "${spec}" uses "..." in an input but not in the output`);
  }
  const all = new Set(inputs.flat());
  for (const l of output) if (!all.has(l)) throw new TypeError(`einsum: output subscript "${l}" does not appear in any input of "${spec}"`);
  if (new Set(output).size !== output.length) throw new TypeError(`einsum: output subscripts of "${spec}" repeat a label`);
  return { inputs, output };
}

/** Takes the diagonal for a label repeated within one operand (as in "ii->i"). */
function diagonal(t: Term): Term {
  for (let i = 0; i < t.labels.length; i++) {
    const j = t.labels.indexOf(t.labels[i]!, i + 1);
    if (j < 0) continue;
    if (t.v.shape[i] !== t.v.shape[j]) throw new TypeError(`einsum: label "${t.labels[i]}" is repeated over axes of different sizes (${t.v.shape[i]} vs ${t.v.shape[j]})`);
    const shape = t.v.shape;
    const mask = lax.eq(lax.broadcastedIota("int32", shape, i), lax.broadcastedIota("int32", shape, j));
    const zero = constLike(t.v, 0);
    const v = lax.reduceSum(lax.select(mask, t.v, zero), [j]);
    return diagonal({ v, labels: t.labels.filter((_, k) => k !== j) });
  }
  return t;
}

function sumOut(t: Term, keep: Set<string>): Term {
  const axes = t.labels.map((l, i) => (keep.has(l) ? -1 : i)).filter((i) => i >= 0);
  if (!axes.length) return t;
  return { v: lax.reduceSum(t.v, axes), labels: t.labels.filter((l) => keep.has(l)) };
}

function contract(a: Term, b: Term, keep: Set<string>): Term {
  const shared = a.labels.filter((l) => b.labels.includes(l));
  const batch = shared.filter((l) => keep.has(l));
  const con = shared.filter((l) => !keep.has(l));
  for (const l of shared)
    if (a.v.shape[a.labels.indexOf(l)] !== b.v.shape[b.labels.indexOf(l)])
      throw new TypeError(`einsum: label "${l}" has size ${a.v.shape[a.labels.indexOf(l)]} in one operand and ${b.v.shape[b.labels.indexOf(l)]} in another`);
  const idx = (t: Term, ls: string[]) => ls.map((l) => t.labels.indexOf(l));
  const v = lax.dotGeneral(a.v, b.v, { contracting: [idx(a, con), idx(b, con)], batch: [idx(a, batch), idx(b, batch)] });
  const freeA = a.labels.filter((l) => !shared.includes(l));
  const freeB = b.labels.filter((l) => !shared.includes(l));
  return { v, labels: [...batch, ...freeA, ...freeB] };
}

/**
 * Einstein summation, e.g. einsum("bij,bjk->bik", a, b), "ii->i", "i,j->ij", "...ij,jk".
 * Operands are contracted left to right, each pair by one dotGeneral.
 */
export function einsum(subscripts: string, ...operands: ArrayLike[]): Value {
  if (!operands.length) throw new TypeError("einsum: needs at least one operand");
  let ops = promote(operands);
  const { inputs, output } = parseEinsum(subscripts, ops);
  // Label sizes; size-1 ellipsis axes broadcast.
  const size = new Map<string, number>();
  inputs.forEach((ls, k) =>
    ls.forEach((l, i) => {
      const d = ops[k]!.shape[i]!;
      const s = size.get(l);
      if (s === undefined || s === 1) size.set(l, d);
      else if (d !== s && d !== 1) throw new TypeError(`einsum: label "${l.startsWith("…") ? "..." : l}" has size ${s} in one operand and ${d} in operand ${k}`);
    }),
  );
  ops = ops.map((v, k) => {
    const target = inputs[k]!.map((l) => size.get(l)!);
    return target.every((d, i) => d === v.shape[i]) ? v : lax.broadcastInDim(v, target, range(0, v.ndim));
  });
  let terms: Term[] = ops.map((v, k) => diagonal({ v, labels: inputs[k]! }));
  const needed = (from: number): Set<string> => new Set([...output, ...terms.slice(from).flatMap((t) => t.labels)]);
  // Sum out labels only one operand has and the output lacks.
  terms = terms.map((t, k) => sumOut(t, new Set([...output, ...terms.filter((_, j) => j !== k).flatMap((u) => u.labels)])));
  let acc = terms[0]!;
  for (let k = 1; k < terms.length; k++) {
    const keep = needed(k + 1);
    acc = contract(acc, terms[k]!, keep);
    acc = sumOut(acc, keep);
  }
  acc = sumOut(acc, new Set(output));
  return lax.transpose(
    acc.v,
    output.map((l) => acc.labels.indexOf(l)),
  );
}
