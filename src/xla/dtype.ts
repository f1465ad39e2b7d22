// The dtype table shared by every layer: sizes, MLIR element types, host typed arrays.
export type DType = "float32" | "float64" | "float16" | "bfloat16" | "int8" | "int32" | "int64" | "uint8" | "uint32" | "bool";

export type TypedArray = Float32Array | Float64Array | Uint16Array | Int8Array | Int32Array | BigInt64Array | Uint8Array | Uint32Array;

export type TypedArrayConstructor =
  | Float32ArrayConstructor
  | Float64ArrayConstructor
  | Uint16ArrayConstructor
  | Int8ArrayConstructor
  | Int32ArrayConstructor
  | BigInt64ArrayConstructor
  | Uint8ArrayConstructor
  | Uint32ArrayConstructor;

export interface DTypeInfo {
  name: DType;
  bytes: number;
  /** MLIR element type in StableHLO text. */
  mlir: string;
  kind: "float" | "int" | "uint" | "bool";
  /** Host representation; f16 / bf16 travel as raw bits in a Uint16Array, bool as Uint8Array. */
  array: TypedArrayConstructor;
}

export const DTYPES: Record<DType, DTypeInfo> = {
  float32: { name: "float32", bytes: 4, mlir: "f32", kind: "float", array: Float32Array },
  float64: { name: "float64", bytes: 8, mlir: "f64", kind: "float", array: Float64Array },
  float16: { name: "float16", bytes: 2, mlir: "f16", kind: "float", array: Uint16Array },
  bfloat16: { name: "bfloat16", bytes: 2, mlir: "bf16", kind: "float", array: Uint16Array },
  int8: { name: "int8", bytes: 1, mlir: "i8", kind: "int", array: Int8Array },
  int32: { name: "int32", bytes: 4, mlir: "i32", kind: "int", array: Int32Array },
  int64: { name: "int64", bytes: 8, mlir: "i64", kind: "int", array: BigInt64Array },
  uint8: { name: "uint8", bytes: 1, mlir: "ui8", kind: "uint", array: Uint8Array },
  uint32: { name: "uint32", bytes: 4, mlir: "ui32", kind: "uint", array: Uint32Array },
  bool: { name: "bool", bytes: 1, mlir: "i1", kind: "bool", array: Uint8Array },
};

export function isDType(x: unknown): x is DType {
  return typeof x === "string" && Object.prototype.hasOwnProperty.call(DTYPES, x);
}

export function typedArrayFor(dtype: DType, n: number): TypedArray {
  return new DTYPES[dtype].array(n) as TypedArray;
}

/** The dtype a typed array holds by default (Uint16Array is ambiguous: say f16/bf16 explicitly). */
export function dtypeOfTypedArray(a: TypedArray): DType {
  if (a instanceof Float32Array) return "float32";
  if (a instanceof Float64Array) return "float64";
  if (a instanceof Int32Array) return "int32";
  if (a instanceof Uint32Array) return "uint32";
  if (a instanceof Uint8Array) return "uint8";
  if (a instanceof Int8Array) return "int8";
  if (a instanceof BigInt64Array) return "int64";
  if (a instanceof Uint16Array) return "float16";
  throw new TypeError(`unsupported typed array ${(a as object).constructor?.name}`);
}
