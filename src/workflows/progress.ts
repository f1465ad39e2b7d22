// The host loop's progress display: environment steps, steps/s, the recent training return,
// the last evaluation and an ETA. On a terminal one status line is redrawn in place and each
// evaluation leaves a permanent line; elsewhere (CI logs, pipes) a line is printed every few
// seconds and at each evaluation. Steps/s is measured from the end of the first iteration, so
// compilation does not distort it.
import type { HostMetrics } from "./workflow.js";

export interface ProgressStream {
  write(s: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface ProgressOptions {
  /** The run's total environment steps. */
  totalSteps: number;
  /** Steps already done when this display starts (a resumed run). */
  startSteps?: number;
  /** Printed with the first line, e.g. "PPO CartPole-v1". */
  label?: string;
  /** Default: process.stderr. */
  out?: ProgressStream;
  /** Seconds between lines when the stream is not a terminal (default 10). */
  interval?: number;
  /** Episodes averaged into "recent return" (default 100, as SB3's ep_rew_mean). */
  window?: number;
  /** A clock in seconds (tests). */
  now?: () => number;
}

/** "45s", "2:05", "1:02:03". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "?";
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  const [h, m, r] = [Math.floor(s / 3600), Math.floor((s % 3600) / 60), s % 60];
  const mm = h > 0 ? String(m).padStart(2, "0") : String(m);
  return `${h > 0 ? `${h}:` : ""}${mm}:${String(r).padStart(2, "0")}`;
}

/** "950", "12.8k", "1.25M". */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return "?";
  const a = Math.abs(n);
  if (a >= 1e6) return `${(n / 1e6).toFixed(a >= 1e7 ? 1 : 2)}M`;
  if (a >= 1e4) return `${(n / 1e3).toFixed(a >= 1e5 ? 0 : 1)}k`;
  return String(Math.round(n));
}

const num = (x: unknown): number | undefined => (typeof x === "number" && Number.isFinite(x) ? x : undefined);

export class Progress {
  readonly #o: Required<Omit<ProgressOptions, "label" | "startSteps">> & { label: string; startSteps: number };
  #steps: number;
  #iteration = 0;
  #t0: number;
  #first?: { t: number; steps: number };
  #lastPrint = -Infinity;
  #episodes: { ret: number; n: number }[] = [];
  #eval?: { mean: number; std?: number; steps: number };
  #live = false;

  constructor(opts: ProgressOptions) {
    const now = opts.now ?? (() => performance.now() / 1000);
    this.#o = {
      totalSteps: opts.totalSteps,
      startSteps: opts.startSteps ?? 0,
      label: opts.label ?? "",
      out: opts.out ?? process.stderr,
      interval: opts.interval ?? 10,
      window: opts.window ?? 100,
      now,
    };
    this.#steps = this.#o.startSteps;
    this.#t0 = now();
  }

  get tty(): boolean {
    return !!this.#o.out.isTTY;
  }

  /** Says that the first iteration compiles (it takes a while). */
  start(note = "compiling the training step (the first iteration includes compilation)…"): void {
    this.#println(`${this.#o.label ? this.#o.label + ": " : ""}${note}`);
  }

  /** Mean return of the last `window` training episodes, or undefined before any ended. */
  get recentReturn(): number | undefined {
    let [sum, n] = [0, 0];
    for (const e of this.#episodes) [sum, n] = [sum + e.ret * e.n, n + e.n];
    return n > 0 ? sum / n : undefined;
  }

  /** Environment steps per second since the first iteration ended (undefined until the second). */
  get stepsPerSecond(): number | undefined {
    if (!this.#first) return undefined;
    const dt = this.#o.now() - this.#first.t;
    const ds = this.#steps - this.#first.steps;
    return dt > 0 && ds > 0 ? ds / dt : undefined;
  }

  get eta(): number | undefined {
    const r = this.stepsPerSecond;
    return r ? Math.max(0, this.#o.totalSteps - this.#steps) / r : undefined;
  }

  /** Records one iteration's metrics (as `learn` hands them to onIteration) and redraws. */
  update(m: HostMetrics): void {
    const now = this.#o.now();
    this.#steps = num(m.envSteps) ?? this.#steps;
    this.#iteration = num(m.iteration) ?? this.#iteration + 1;
    if (!this.#first) {
      this.#first = { t: now, steps: this.#steps };
      this.#println(`first iteration done in ${formatDuration(now - this.#t0)} (compilation included)`);
      this.#lastPrint = now;
    }
    const ret = num(m.episodeReturn);
    const n = num(m.episodes) ?? (ret !== undefined ? 1 : 0);
    if (ret !== undefined && n > 0) {
      this.#episodes.push({ ret, n });
      let total = this.#episodes.reduce((a, e) => a + e.n, 0);
      while (this.#episodes.length > 1 && total - this.#episodes[0]!.n >= this.#o.window) total -= this.#episodes.shift()!.n;
    }
    const ev = num(m["eval/returnMean"]);
    if (ev !== undefined) {
      this.#eval = { mean: ev, std: num(m["eval/returnStd"]), steps: this.#steps };
      const rr = this.recentReturn;
      const r = this.stepsPerSecond;
      const tail = [rr !== undefined ? `train return ${rr.toFixed(1)}` : "", r ? `${formatCount(r)} steps/s` : "", this.eta !== undefined ? `ETA ${formatDuration(this.eta)}` : ""];
      this.#println(
        `eval @ ${this.#steps.toLocaleString("en-US")} steps (iteration ${this.#iteration}): return ${ev.toFixed(1)}${this.#eval.std !== undefined ? ` ± ${this.#eval.std.toFixed(1)}` : ""}` +
          tail.filter(Boolean).map((t) => ` | ${t}`).join(""),
      );
      this.#lastPrint = now;
      return;
    }
    if (this.tty) this.#redraw();
    else if (now - this.#lastPrint >= this.#o.interval) {
      this.#println(this.line());
      this.#lastPrint = now;
    }
  }

  /** The status line. */
  line(): string {
    const { totalSteps } = this.#o;
    const pct = totalSteps > 0 ? ` (${Math.floor((100 * this.#steps) / totalSteps)}%)` : "";
    const parts = [`${this.#steps.toLocaleString("en-US")}/${totalSteps.toLocaleString("en-US")} steps${pct}`];
    const r = this.stepsPerSecond;
    parts.push(r ? `${formatCount(r)} steps/s` : "… steps/s");
    const rr = this.recentReturn;
    parts.push(`return ${rr !== undefined ? rr.toFixed(1) : "–"}`);
    if (this.#eval) parts.push(`eval ${this.#eval.mean.toFixed(1)}`);
    parts.push(`ETA ${this.eta !== undefined ? formatDuration(this.eta) : "?"}`);
    return parts.join(" | ");
  }

  /** Ends the display with a summary line. */
  finish(extra = ""): void {
    const dt = this.#o.now() - this.#t0;
    const r = this.stepsPerSecond;
    this.#println(
      `done: ${this.#steps.toLocaleString("en-US")} steps in ${formatDuration(dt)}${r ? ` (${formatCount(r)} steps/s after compilation)` : ""}${extra ? "; " + extra : ""}`,
    );
  }

  #redraw(): void {
    const cols = this.#o.out.columns ?? 120;
    let s = this.line();
    if (s.length > cols - 1) s = s.slice(0, cols - 2) + "…";
    this.#o.out.write(`\r\x1b[K${s}`);
    this.#live = true;
  }

  #println(s: string): void {
    if (this.#live) this.#o.out.write("\r\x1b[K");
    this.#o.out.write(s + "\n");
    if (this.#live && this.tty) this.#redraw();
  }
}
