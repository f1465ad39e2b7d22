// Reading the signature of `@main` from StableHLO MLIR text, so that Executable.run can check
// its arguments (the PJRT C API of the plugins we target has no query for parameter shapes).
import type { DType } from "./dtype.js";

export interface TensorSpec {
  /** Static dimensions; null when a dimension is dynamic or the type is not a ranked tensor. */
  shape: number[] | null;
  /** null when the element type is not one xla-ts supports. */
  dtype: DType | null;
  /** The MLIR type as written, e.g. "tensor<4x4xf32>". */
  type: string;
  /** The argument is marked for donation (jax.buffer_donor / tf.aliasing_output). */
  donor: boolean;
}

export interface MainSignature {
  params: TensorSpec[];
  results: TensorSpec[];
}

const ELEMENT_DTYPES: Record<string, DType> = {
  f32: "float32",
  f64: "float64",
  f16: "float16",
  bf16: "bfloat16",
  i1: "bool",
  i8: "int8",
  i32: "int32",
  i64: "int64",
  ui8: "uint8",
  ui32: "uint32",
};

export function dtypeOfMlir(element: string): DType | null {
  return ELEMENT_DTYPES[element] ?? null;
}

const OPEN: Record<string, string> = { "(": ")", "<": ">", "{": "}", "[": "]" };

/** Index of the bracket closing the one at `start`, honouring nesting and strings; -1 if none. */
function closing(text: string, start: number): number {
  const stack: string[] = [];
  for (let i = start; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === "\\") i++;
      continue;
    }
    if (c === "-" && text[i + 1] === ">") {
      i++; // an arrow inside a nested function type is not a closing '>'
      continue;
    }
    if (OPEN[c]) stack.push(OPEN[c]);
    else if (c === stack[stack.length - 1]) {
      stack.pop();
      if (stack.length === 0) return i;
    }
  }
  return -1;
}

/** Splits at top-level commas (outside brackets and strings). */
function splitTop(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let cur = "";
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') {
      let j = i + 1;
      for (; j < text.length && text[j] !== '"'; j++) if (text[j] === "\\") j++;
      cur += text.slice(i, j + 1);
      i = j;
      continue;
    }
    if (c === "-" && text[i + 1] === ">") {
      cur += "->";
      i++;
      continue;
    }
    if (OPEN[c]) depth++;
    else if (c === ")" || c === ">" || c === "}" || c === "]") depth--;
    if (c === "," && depth === 0) {
      parts.push(cur);
      cur = "";
    } else cur += c;
  }
  if (cur.trim()) parts.push(cur);
  return parts;
}

/** Parses "tensor<...> {attrs}" (attrs optional). */
function parseTensor(text: string): TensorSpec {
  const t = text.trim();
  const unknown: TensorSpec = { shape: null, dtype: null, type: t, donor: false };
  if (!t.startsWith("tensor<")) return unknown;
  const end = closing(t, 6);
  if (end < 0) return unknown;
  const type = t.slice(0, end + 1);
  const attrs = t.slice(end + 1);
  const donor = /jax\.buffer_donor\s*=\s*true/.test(attrs) || /tf\.aliasing_output/.test(attrs);
  let body = splitTop(t.slice(7, end))[0]!.trim(); // drop a tensor encoding after a comma
  const shape: number[] = [];
  let dynamic = false;
  for (;;) {
    const m = /^(\d+|\?)x/.exec(body);
    if (!m) break;
    if (m[1] === "?") dynamic = true;
    else shape.push(Number(m[1]));
    body = body.slice(m[0].length);
  }
  if (body.startsWith("*")) return { ...unknown, type, donor }; // unranked
  return { shape: dynamic ? null : shape, dtype: dtypeOfMlir(body.trim()), type, donor };
}

/** The parameter and result types of `@main`, or undefined when the text has none. */
export function parseMainSignature(text: string): MainSignature | undefined {
  const m = /func\.func\s+(?:(?:public|private|nested)\s+)?@main\s*\(/.exec(text);
  if (!m) return undefined;
  const open = m.index + m[0].length - 1;
  const close = closing(text, open);
  if (close < 0) return undefined;
  const params: TensorSpec[] = [];
  for (const part of splitTop(text.slice(open + 1, close))) {
    const a = /^\s*%[\w.$-]+\s*:\s*([\s\S]*)$/.exec(part);
    if (!a) return undefined;
    params.push(parseTensor(a[1]!));
  }
  const results: TensorSpec[] = [];
  const rest = text.slice(close + 1);
  const arrow = /^\s*->\s*/.exec(rest);
  if (arrow) {
    const r = rest.slice(arrow[0].length);
    if (r.startsWith("(")) {
      const rc = closing(r, 0);
      if (rc > 0) for (const part of splitTop(r.slice(1, rc))) results.push(parseTensor(part));
    } else {
      const single = /^tensor<[^{]*?>(?=\s*(\{|attributes|$))/.exec(r);
      const end = r.startsWith("tensor<") ? closing(r, 6) : -1;
      if (end > 0) results.push(parseTensor(r.slice(0, end + 1)));
      else if (single) results.push(parseTensor(single[0]));
    }
  }
  return { params, results };
}

export function formatShape(shape: readonly number[] | null): string {
  return shape ? `[${shape.join(", ")}]` : "[dynamic]";
}
