// Learning curves: a vega-lite spec (return vs environment steps, training and evaluation, with
// the evaluation's ± std band; below it one small panel per loss term), compiled by vega-lite,
// rendered to SVG by vega's headless renderer, and rasterized to PNG by resvg.
// vega and vega-lite are loaded on first use (about 0.3 s of imports that a run needs only at
// its end, where they overlap the video's recording).
import type * as vl from "vega-lite";
import { Resvg } from "@resvg/resvg-js";
import * as nodePath from "node:path";
import { writeFileAtomic } from "./atomic.js";
import type { MetricsRow } from "../logging/jsonl.js";

/** One run's metrics rows, with a name for the legend (e.g. "seed 1"; "" for a single run). */
export interface Series {
  name: string;
  rows: readonly MetricsRow[];
}

export interface PlotOptions {
  title?: string;
  /** Iterations in the training return's moving average (default 10). */
  smooth?: number;
}

const FONT = "DejaVu Sans, Helvetica, Arial, sans-serif";
const fin = (x: unknown): x is number => typeof x === "number" && Number.isFinite(x);
const stepOf = (r: MetricsRow) => (fin(r.envSteps) ? r.envSteps : r.step);

/** The vega-lite spec of the learning curves. */
export function learningCurveSpec(series: readonly Series[], opts: PlotOptions = {}): vl.TopLevelSpec {
  const label = (s: Series, what: string) => (s.name ? `${s.name} ${what}` : what);
  const returns: Record<string, unknown>[] = [];
  const evals: Record<string, unknown>[] = [];
  const losses: Record<string, unknown>[] = [];
  for (const s of series) {
    for (const r of s.rows) {
      const steps = stepOf(r);
      if (fin(r.episodeReturn)) returns.push({ steps, value: r.episodeReturn, series: label(s, "train") });
      const ev = r["eval/returnMean"];
      if (fin(ev)) {
        const sd = fin(r["eval/returnStd"]) ? r["eval/returnStd"] : 0;
        evals.push({ steps, value: ev, lo: ev - sd, hi: ev + sd, series: label(s, "eval") });
      }
      for (const [k, v] of Object.entries(r)) if (k.startsWith("loss/") && fin(v)) losses.push({ steps, value: v, term: k.slice(5), run: s.name || "run" });
      // Extensions' metrics (intrinsic rewards and their normalizers) get panels too.
      for (const [k, v] of Object.entries(r)) if (/^(rnd|snd|intrinsic)\//.test(k) && fin(v)) losses.push({ steps, value: v, term: k, run: s.name || "run" });
    }
  }
  const x = { field: "steps", type: "quantitative", title: "environment steps", axis: { format: "~s" } } as const;
  const color = { field: "series", type: "nominal", title: null, legend: { orient: "bottom" } } as const;
  const k = Math.max(1, opts.smooth ?? 10);
  const returnPanel = {
    width: 600,
    height: 300,
    title: "episode return",
    layer: [
      ...(returns.length
        ? [
            { data: { values: returns }, mark: { type: "line", opacity: 0.25, strokeWidth: 1 }, encoding: { x, y: { field: "value", type: "quantitative", title: "return" }, color } },
            {
              data: { values: returns },
              transform: [{ window: [{ op: "mean", field: "value", as: "smoothed" }], frame: [-(k - 1), 0], groupby: ["series"], sort: [{ field: "steps" }] }],
              mark: { type: "line", strokeWidth: 2 },
              encoding: { x, y: { field: "smoothed", type: "quantitative", title: "return" }, color },
            },
          ]
        : []),
      ...(evals.length
        ? [
            { data: { values: evals }, mark: { type: "area", opacity: 0.15 }, encoding: { x, y: { field: "lo", type: "quantitative", title: "return" }, y2: { field: "hi" }, color } },
            { data: { values: evals }, mark: { type: "line", point: { filled: true, size: 30 }, strokeWidth: 2 }, encoding: { x, y: { field: "value", type: "quantitative", title: "return" }, color } },
          ]
        : []),
    ],
  };
  if (!returnPanel.layer.length) returnPanel.layer.push({ data: { values: [{ steps: 0, value: 0 }] }, mark: { type: "point", opacity: 0 }, encoding: { x, y: { field: "value", type: "quantitative", title: "return" } } } as never);
  const multi = series.length > 1;
  const lossPanel = {
    data: { values: losses },
    facet: { field: "term", type: "nominal", title: null, header: { labelFontSize: 12, labelFont: FONT } },
    columns: 3,
    spec: {
      width: 180,
      height: 110,
      mark: { type: "line", strokeWidth: 1.5 },
      encoding: {
        x: { ...x, title: null },
        y: { field: "value", type: "quantitative", title: null, scale: { zero: false } },
        ...(multi ? { color: { field: "run", type: "nominal", title: null, legend: { orient: "bottom" } } } : {}),
      },
    },
    resolve: { scale: { y: "independent" } },
  };
  // vega-lite's spec type is a deep union that this literal, built from parts, does not check against.
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    title: opts.title ?? "learning curves",
    background: "white",
    padding: 12,
    config: { font: FONT, view: { stroke: "#ddd" }, title: { fontSize: 15 }, axis: { labelFontSize: 11, titleFontSize: 12 } },
    vconcat: losses.length ? [returnPanel, lossPanel] : [returnPanel],
    resolve: { scale: { color: "independent" } },
  } as unknown as vl.TopLevelSpec;
}

/** A vega-lite spec rendered to an SVG document (headless; no canvas, no network). */
export async function renderSvg(spec: vl.TopLevelSpec): Promise<string> {
  const [vega, vegaLite] = await Promise.all([import("vega"), import("vega-lite")]);
  const compiled = vegaLite.compile(spec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** An SVG document rasterized to PNG bytes at `scale` times its size. */
export function svgToPng(svg: string, scale = 2): Uint8Array {
  const r = new Resvg(svg, {
    fitTo: { mode: "zoom", value: scale },
    background: "white",
    font: { loadSystemFonts: true, defaultFontFamily: "DejaVu Sans", sansSerifFamily: "DejaVu Sans" },
  });
  return new Uint8Array(r.render().asPng());
}

/** Writes `<dir>/learning_curves.svg` and `.png` (atomically); returns their paths. */
export async function writeLearningCurves(dir: string, series: readonly Series[], opts: PlotOptions = {}): Promise<{ svg: string; png: string }> {
  const svg = await renderSvg(learningCurveSpec(series, opts));
  const paths = { svg: nodePath.join(dir, "learning_curves.svg"), png: nodePath.join(dir, "learning_curves.png") };
  await writeFileAtomic(paths.svg, svg);
  await writeFileAtomic(paths.png, svgToPng(svg));
  return paths;
}
