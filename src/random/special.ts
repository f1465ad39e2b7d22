// erf, erf_inv and nextafter written with lax ops, following the polynomial decompositions
// StableHLO's CHLO legalization emits for chlo.erf / chlo.erf_inv (what XLA runs for JAX's
// lax.erf / lax.erf_inv), so samplers built on them agree with JAX to float rounding.
// f16 / bf16 compute in f32, as XLA does.
import type { Value } from "../core/values.js";
import type { DType } from "../xla/dtype.js";
import { L, full } from "./util.js";

type Op = (x: Value) => Value;

function withF32(x: Value, f32: Op, f64: Op): Value {
  if (x.dtype === "float64") return f64(x);
  if (x.dtype === "float32") return f32(x);
  if (x.dtype === "float16" || x.dtype === "bfloat16") return L.convertElementType(f32(L.convertElementType(x, "float32")), x.dtype);
  throw new TypeError(`erf/erfInv: expects a floating-point array, got ${x.aval}`);
}

const like = (x: Value, v: number) => full(v, x.shape, x.dtype);

/** Horner evaluation, coefficients from the highest degree down: ((c0 x + c1) x + c2)... */
function poly(x: Value, cs: readonly number[]): Value {
  let p = like(x, cs[0]!);
  for (let i = 1; i < cs.length; i++) p = L.add(L.mul(p, x), like(x, cs[i]!));
  return p;
}

// --- erf_inv (M. Giles, "Approximating the erfinv function") -------------------------------

const ERFINV32_SMALL = [2.81022636e-8, 3.43273939e-7, -3.5233877e-6, -4.39150654e-6, 0.00021858087, -0.00125372503, -0.00417768164, 0.246640727, 1.50140941];
const ERFINV32_LARGE = [-0.000200214257, 0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773, -0.0076224613, 0.00943887047, 1.00167406, 2.83297682];

function erfInv32(x: Value): Value {
  const w0 = L.neg(L.log1p(L.mul(x, L.neg(x))));
  const lt = L.lt(w0, like(x, 5));
  const coef = (i: number) => L.select(lt, like(x, ERFINV32_SMALL[i]!), like(x, ERFINV32_LARGE[i]!));
  const w = L.select(lt, L.sub(w0, like(x, 2.5)), L.sub(L.sqrt(w0), like(x, 3)));
  let p = coef(0);
  for (let i = 1; i < 9; i++) p = L.add(coef(i), L.mul(p, w));
  return edges(x, L.mul(p, x));
}

const ERFINV64_A = [
  -3.6444120640178196996e-21, -1.685059138182016589e-19, 1.2858480715256400167e-18, 1.115787767802518096e-17, -1.333171662854620906e-16,
  2.0972767875968561637e-17, 6.6376381343583238325e-15, -4.0545662729752068639e-14, -8.1519341976054721522e-14, 2.6335093153082322977e-12,
  -1.2975133253453532498e-11, -5.4154120542946279317e-11, 1.051212273321532285e-9, -4.1126339803469836976e-9, -2.9070369957882005086e-8,
  4.2347877827932403518e-7, -1.3654692000834678645e-6, -1.3882523362786468719e-5, 0.0001867342080340571352, -0.00074070253416626697512,
  -0.0060336708714301490533, 0.24015818242558961693, 1.6536545626831027356,
];
const ERFINV64_B = [
  2.2137376921775787049e-9, 9.0756561938885390979e-8, -2.7517406297064545428e-7, 1.8239629214389227755e-8, 1.5027403968909827627e-6,
  -4.013867526981545969e-6, 2.9234449089955446044e-6, 1.2475304481671778723e-5, -4.7318229009055733981e-5, 6.8284851459573175448e-5,
  2.4031110387097893999e-5, -0.0003550375203628474796, 0.00095328937973738049703, -0.0016882755560235047313, 0.0024914420961078508066,
  -0.0037512085075692412107, 0.005370914553590063617, 1.0052589676941592334, 3.0838856104922207635,
];
const ERFINV64_C = [
  -2.7109920616438573243e-11, -2.5556418169965252055e-10, 1.5076572693500548083e-9, -3.7894654401267369937e-9, 7.6157012080783393804e-9,
  -1.4960026627149240478e-8, 2.9147953450901080826e-8, -6.7711997758452339498e-8, 2.2900482228026654717e-7, -9.9298272942317002539e-7,
  4.5260625972231537039e-6, -1.9681778105531670567e-5, 7.5995277030017761139e-5, -0.00021503011930044477347, -0.00013871931833623122026,
  1.0103004648645343977, 4.8499064014085844221,
];

function erfInv64(x: Value): Value {
  const w0 = L.neg(L.log1p(L.mul(x, L.neg(x))));
  const lt625 = L.lt(w0, like(x, 6.25));
  const lt16 = L.lt(w0, like(x, 16));
  const coef = (i: number) => {
    let c = like(x, ERFINV64_A[i]!);
    if (i < 19) c = L.select(lt625, c, like(x, ERFINV64_B[i]!));
    if (i < 17) c = L.select(lt16, c, like(x, ERFINV64_C[i]!));
    return c;
  };
  const w = L.select(lt625, L.sub(w0, like(x, 3.125)), L.sub(L.sqrt(w0), L.select(lt16, like(x, 3.25), like(x, 5))));
  let p = coef(0);
  for (let i = 1; i < 17; i++) p = L.add(coef(i), L.mul(p, w));
  for (let i = 17; i < 19; i++) p = L.select(lt16, L.add(coef(i), L.mul(p, w)), p);
  for (let i = 19; i < 23; i++) p = L.select(lt625, L.add(coef(i), L.mul(p, w)), p);
  return edges(x, L.mul(p, x));
}

/** erf_inv(±1) = ±inf (the polynomial is indeterminate there). */
function edges(x: Value, r: Value): Value {
  return L.select(L.eq(L.abs(x), like(x, 1)), L.mul(x, like(x, Infinity)), r);
}

export function erfInv(x: Value): Value {
  return withF32(x, erfInv32, erfInv64);
}

// --- erf -------------------------------------------------------------------------------------

const ERF32_ALPHA = [-2.72614225801306e-10, 2.77068142495902e-8, -2.10102402082508e-6, -5.69250639462346e-5, -7.34990630326855e-4, -2.95459980854025e-3, -1.60960333262415e-2];
const ERF32_BETA = [-1.45660718464996e-5, -2.13374055278905e-4, -1.68282697438203e-3, -7.37332916720468e-3, -1.42647390514189e-2];

/** Eigen's f32 erf: x * alpha(x^2) / beta(x^2) on x clamped to [-4, 4], clamped to [-1, 1]. */
function erf32(x0: Value): Value {
  const x = L.clamp(like(x0, -4), x0, like(x0, 4));
  const x2 = L.mul(x, x);
  const e = L.div(L.mul(x, poly(x2, ERF32_ALPHA)), poly(x2, ERF32_BETA));
  return L.clamp(like(x, -1), e, like(x, 1));
}

// Cephes' f64 erf / erfc.
const ERF64_T = [9.60497373987051638749e0, 9.00260197203842689217e1, 2.23200534594684319226e3, 7.00332514112805075473e3, 5.55923013010394962768e4];
const ERF64_U = [1, 3.35617141647503099647e1, 5.21357949780152679795e2, 4.59432382970980127987e3, 2.26290000613890934246e4, 4.92673942608635921086e4];
const ERFC64_P = [
  2.46196981473530512524e-10, 5.64189564831068821977e-1, 7.46321056442269912687e0, 4.86371970985681366614e1, 1.96520832956077098242e2,
  5.26445194995477358631e2, 9.34528527171957607540e2, 1.02755188689515710272e3, 5.57535335369399327526e2,
];
const ERFC64_Q = [
  1, 1.32281951154744992508e1, 8.67072140885989742329e1, 3.54937778887819891062e2, 9.75708501743205489753e2, 1.82390916687909736289e3,
  2.24633760818710981792e3, 1.65666309194161350182e3, 5.57535340817727675546e2,
];
const ERFC64_R = [5.64189583547755073984e-1, 1.27536670759978104416e0, 5.01905042251180477414e0, 6.16021097993053585195e0, 7.40974269950448939160e0, 2.97886665372100240670e0];
const ERFC64_S = [1, 2.26052863220117276590e0, 9.39603524938001434673e0, 1.20489539808096656605e1, 1.70814450747565897222e1, 9.60896809063285878198e0, 3.36907645100081516050e0];
const MAXLOG = 7.09782712893383996843e2;

function erf64(x: Value): Value {
  const x2 = L.mul(x, x);
  const small = L.div(L.mul(x, poly(x2, ERF64_T)), poly(x2, ERF64_U));
  // erfc for |x| >= 1
  const z = L.neg(x2);
  const ez = L.exp(z);
  const ax = L.abs(x);
  const e18 = L.div(L.mul(ez, poly(ax, ERFC64_P)), poly(ax, ERFC64_Q));
  const e8 = L.div(L.mul(ez, poly(ax, ERFC64_R)), poly(ax, ERFC64_S));
  let erfc = L.select(L.lt(ax, like(x, 8)), e18, e8);
  erfc = L.select(L.lt(z, like(x, -MAXLOG)), like(x, 0), erfc);
  erfc = L.select(L.lt(x, like(x, 0)), L.sub(like(x, 2), erfc), erfc);
  return L.select(L.lt(ax, like(x, 1)), small, L.sub(like(x, 1), erfc));
}

export function erf(x: Value): Value {
  return withF32(x, erf32, erf64);
}

// --- nextafter -------------------------------------------------------------------------------

const INT_OF: Partial<Record<DType, DType>> = { float32: "int32", float64: "int64" };

/** The next representable float after x in the direction of y (lax.nextafter), for f32 / f64. */
export function nextafter(x: Value, y: Value): Value {
  const it = INT_OF[x.dtype];
  if (!it) throw new TypeError(`nextafter: expects float32 or float64, got ${x.aval}`);
  const xi = L.bitcastConvertType(x, it);
  const one = full(1, x.shape, it);
  const isZero = L.eq(x, like(x, 0));
  // From ±0 the step is the smallest subnormal with y's sign.
  const yi = L.bitcastConvertType(y, it);
  const signMask = it === "int32" ? full(-(2 ** 31), x.shape, it) : full(-(2n ** 63n), x.shape, it);
  const fromZero = L.bitwiseOr(L.bitwiseAnd(yi, signMask), one);
  // Away from zero the magnitude grows when x and (y - x) share a sign.
  const grow = L.eq(L.lt(x, like(x, 0)), L.lt(y, x));
  const stepped = L.select(grow, L.add(xi, one), L.sub(xi, one));
  let r = L.bitcastConvertType(L.select(isZero, fromZero, stepped), x.dtype);
  r = L.select(L.eq(x, y), y, r);
  const nan = L.bitwiseOr(L.ne(x, x), L.ne(y, y));
  return L.select(nan, like(x, NaN), r);
}
