// Drawing with array ops. A shape is a boolean mask over a grid of pixel centres, painted into
// a uint8 [H, W, 3] canvas with np.where, so a frame is a traced function of the state: it
// jits, vmaps and runs on the ref backend like any other array code. Coordinates may be JS
// numbers or traced scalars (or arrays that broadcast against [H, W]).
import { numpy as np, type ArrayLike } from "../numpy/index.js";
import { lax } from "../lax/index.js";
import { Value } from "../core/values.js";

export type Color = readonly [number, number, number];
/** A coordinate or length: a JS number or a (traced) array, in pixels. */
export type Coord = number | Value;
export type Point = readonly [Coord, Coord];

export const WHITE: Color = [255, 255, 255];
export const BLACK: Color = [0, 0, 0];

/**
 * The pixel centres of an H x W image: `x` grows to the right (column + 0.5), `y` grows down
 * (row + 0.5), or up from the bottom edge with `yUp` (as pygame-style code draws before its
 * final vertical flip). Both are float32 [H, W].
 */
export interface Grid {
  readonly height: number;
  readonly width: number;
  readonly x: Value;
  readonly y: Value;
}

export function grid(height: number, width: number, opts: { yUp?: boolean } = {}): Grid {
  checkSize("grid", height, width);
  const x = lax.broadcastedIota("float32", [height, width], 1).add(0.5);
  const rows = lax.broadcastedIota("float32", [height, width], 0);
  const y = opts.yUp ? np.subtract(height - 0.5, rows) : rows.add(0.5);
  return { height, width, x, y };
}

/** A uint8 [H, W, 3] image filled with `color`. */
export function canvas(height: number, width: number, color: Color = WHITE): Value {
  checkSize("canvas", height, width);
  return np.broadcastTo(colorArray(color), [height, width, 3]);
}

/** Pixels with x0 <= x < x1 and y0 <= y < y1 (corners in either order). */
export function rect(g: Grid, x0: Coord, y0: Coord, x1: Coord, y1: Coord): Value {
  const [xa, xb] = [np.minimum(f32(x0), f32(x1)), np.maximum(f32(x0), f32(x1))];
  const [ya, yb] = [np.minimum(f32(y0), f32(y1)), np.maximum(f32(y0), f32(y1))];
  return and(g.x.ge(xa), g.x.lt(xb), g.y.ge(ya), g.y.lt(yb));
}

/** Pixels within distance r of (cx, cy). */
export function circle(g: Grid, cx: Coord, cy: Coord, r: Coord): Value {
  const dx = g.x.sub(f32(cx));
  const dy = g.y.sub(f32(cy));
  return dx.square().add(dy.square()).le(np.square(f32(r)));
}

/** Pixels with inner <= distance from (cx, cy) <= outer. */
export function ring(g: Grid, cx: Coord, cy: Coord, inner: Coord, outer: Coord): Value {
  const d2 = g.x.sub(f32(cx)).square().add(g.y.sub(f32(cy)).square());
  return np.logicalAnd(d2.ge(np.square(f32(inner))), d2.le(np.square(f32(outer))));
}

/**
 * A thick line segment from (x0, y0) to (x1, y1): pixels within width / 2 of the segment
 * (round caps). A width under one pixel still draws a one-pixel-wide line.
 */
export function line(g: Grid, x0: Coord, y0: Coord, x1: Coord, y1: Coord, width: Coord = 1): Value {
  const [ax, ay, bx, by] = [f32(x0), f32(y0), f32(x1), f32(y1)];
  const dx = np.subtract(bx, ax);
  const dy = np.subtract(by, ay);
  const len2 = np.maximum(np.add(np.square(dx), np.square(dy)), 1e-12);
  const px = g.x.sub(ax);
  const py = g.y.sub(ay);
  const t = np.clip(px.mul(dx).add(py.mul(dy)).div(len2), 0, 1);
  const ex = px.sub(t.mul(dx));
  const ey = py.sub(t.mul(dy));
  const half = np.maximum(np.multiply(f32(width), 0.5), 0.5);
  return ex.square().add(ey.square()).le(np.square(half));
}

/** A polyline through `points` (each segment a `line`). */
export function polyline(g: Grid, points: readonly Point[], width: Coord = 1): Value {
  if (points.length < 2) throw new TypeError(`render.polyline: needs at least 2 points, got ${points.length}`);
  let m = line(g, points[0]![0], points[0]![1], points[1]![0], points[1]![1], width);
  for (let i = 2; i < points.length; i++) m = np.logicalOr(m, line(g, points[i - 1]![0], points[i - 1]![1], points[i]![0], points[i]![1], width));
  return m;
}

/**
 * The inside of a simple polygon (even-odd rule, so convex, concave and self-touching
 * outlines all work): a pixel is inside when a ray to its right crosses an odd number of edges.
 */
export function polygon(g: Grid, points: readonly Point[]): Value {
  if (points.length < 3) throw new TypeError(`render.polygon: needs at least 3 points, got ${points.length}`);
  let inside: Value | undefined;
  points.forEach((p, i) => {
    const q = points[(i + 1) % points.length]!;
    const [xi, yi, xj, yj] = [f32(p[0]), f32(p[1]), f32(q[0]), f32(q[1])];
    const straddles = np.notEqual(g.y.lt(yi), g.y.lt(yj));
    // Where the edge crosses this row; horizontal edges never straddle, so their 0/0 is unused.
    const dy = np.subtract(yj, yi);
    const safe = np.where(np.equal(dy, 0), 1, dy);
    const xCross = g.y.sub(yi).mul(np.subtract(xj, xi)).div(safe).add(xi);
    const crosses = np.logicalAnd(straddles, g.x.lt(xCross));
    inside = inside ? np.logicalXor(inside, crosses) : crosses;
  });
  return inside!;
}

/** Rotates the point (x, y) by `angle` radians about the origin (counter-clockwise for y up). */
export function rotate(p: Point, angle: Coord): [Value, Value] {
  const c = np.cos(f32(angle));
  const s = np.sin(f32(angle));
  const [x, y] = [f32(p[0]), f32(p[1])];
  return [np.subtract(np.multiply(x, c), np.multiply(y, s)), np.add(np.multiply(x, s), np.multiply(y, c))];
}

/** Each point rotated by `angle` about the origin, then moved by (dx, dy). */
export function transform(points: readonly Point[], angle: Coord, dx: Coord, dy: Coord): [Value, Value][] {
  return points.map((p) => {
    const [x, y] = rotate(p, angle);
    return [x.add(f32(dx)), y.add(f32(dy))];
  });
}

/**
 * The box with local corners (l, b)-(r, t), rotated by `angle` about the local origin and
 * moved to (x, y): the usual way to draw a pole, link or car body.
 */
export function box(g: Grid, l: number, r: number, b: number, t: number, angle: Coord, x: Coord, y: Coord): Value {
  return polygon(g, transform([[l, b], [l, t], [r, t], [r, b]], angle, x, y));
}

/** `img` with `color` where `mask` is true. `color` is an RGB triple or a uint8 [3] array. */
export function paint(img: Value, mask: Value, color: Color | Value): Value {
  if (img.ndim !== 3 || img.shape[2] !== 3 || img.dtype !== "uint8")
    throw new TypeError(`render.paint: the image must be uint8 [H, W, 3], got ${img.aval}`);
  const c = color instanceof Value ? color.astype("uint8") : colorArray(color);
  return np.where(np.expandDims(mask, -1), c, img);
}

/** Nearest-neighbour upscaling of the two leading axes by an integer factor (or [fy, fx]). */
export function upscale(img: Value, factor: number | readonly [number, number]): Value {
  const [fy, fx] = typeof factor === "number" ? [factor, factor] : factor;
  for (const f of [fy, fx]) if (!Number.isInteger(f) || f < 1) throw new TypeError(`render.upscale: factors must be positive integers, got ${fy}, ${fx}`);
  return np.repeat(np.repeat(img, fy, 0), fx, 1);
}

/** Maps an integer image [..., H, W] of palette indices to uint8 colours [..., H, W, 3]. */
export function colorize(indices: Value, palette: readonly Color[]): Value {
  if (!palette.length) throw new TypeError("render.colorize: the palette is empty");
  const table = np.array(palette.map((c) => [...c]), "uint8");
  return np.take(table, np.clip(indices.astype("int32"), 0, palette.length - 1), 0);
}

/** Luma (ITU-R 601, as PIL's "L" mode) of a uint8 [..., 3] image, as uint8 [...]. */
export function grayscale(img: Value): Value {
  const w = np.array([0.299, 0.587, 0.114], "float32");
  return np.clip(np.round(np.sum(img.astype("float32").mul(w), -1)), 0, 255).astype("uint8");
}

/** A fixed colour as a uint8 [3] array. */
export function colorArray(color: Color): Value {
  if (color.length !== 3 || color.some((c) => !Number.isInteger(c) || c < 0 || c > 255))
    throw new TypeError(`render: a colour is three integers in 0..255, got [${color.join(", ")}]`);
  return np.array([...color], "uint8");
}

function f32(c: Coord | ArrayLike): Value | number {
  if (typeof c === "number") return c;
  if (c instanceof Value) return c.dtype === "float32" ? c : c.astype("float32");
  return np.array(c, "float32");
}

function and(...ms: Value[]): Value {
  return ms.reduce((a, b) => np.logicalAnd(a, b));
}

function checkSize(what: string, h: number, w: number): void {
  if (!Number.isInteger(h) || !Number.isInteger(w) || h < 1 || w < 1)
    throw new TypeError(`render.${what}: height and width must be positive integers, got ${h} x ${w}`);
}
