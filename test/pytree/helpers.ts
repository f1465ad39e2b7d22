import { registerPytreeNode } from "../../src/pytree/index.js";

/** A registered class with two children and a static label. */
export class Point {
  constructor(
    readonly x: unknown,
    readonly y: unknown,
    readonly label: string = "",
  ) {}
}
registerPytreeNode(Point, {
  flatten: (p) => [[p.x, p.y], p.label] as const,
  unflatten: (label, [x, y]) => new Point(x, y, label as string),
  childKeys: ["x", "y"],
});

/** A registered class whose auxiliary data is plain data (compared by value). */
export class Shaped {
  constructor(
    readonly data: unknown,
    readonly shape: number[],
  ) {}
}
registerPytreeNode(Shaped, {
  flatten: (s) => [[s.data], { shape: s.shape }] as const,
  unflatten: (aux, [data]) => new Shaped(data, [...(aux as { shape: number[] }).shape]),
});

/** An unregistered class: its instances are leaves (like the core's Array / Tracer). */
export class Opaque {
  constructor(readonly v: number) {}
}
