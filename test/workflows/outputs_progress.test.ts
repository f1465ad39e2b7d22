// The progress display: steps, steps/s (compilation excluded), recent return, evaluation, ETA.
import { describe, expect, it } from "vitest";
import { Progress, formatCount, formatDuration } from "../../src/workflows/progress.js";

function harness(isTTY: boolean) {
  let t = 0;
  const written: string[] = [];
  const out = { isTTY, columns: 200, write: (s: string) => void written.push(s) };
  const p = new Progress({ totalSteps: 10_000, label: "PPO CartPole-v1", out, interval: 5, window: 4, now: () => t });
  return { p, written, tick: (dt: number) => (t += dt) };
}

describe("Progress", () => {
  it("formats durations and counts", () => {
    expect([formatDuration(45), formatDuration(125), formatDuration(3723), formatDuration(NaN)]).toEqual(["45s", "2:05", "1:02:03", "?"]);
    expect([formatCount(950), formatCount(12_800), formatCount(250_000), formatCount(1_250_000)]).toEqual(["950", "12.8k", "250k", "1.25M"]);
  });

  it("measures steps/s from the end of the first iteration and estimates the ETA", () => {
    const { p, tick } = harness(false);
    tick(20); // compilation
    p.update({ iteration: 1, envSteps: 1000, episodeReturn: 10, episodes: 2 });
    expect(p.stepsPerSecond).toBeUndefined();
    tick(1);
    p.update({ iteration: 2, envSteps: 2000, episodeReturn: 20, episodes: 2 });
    expect(p.stepsPerSecond).toBe(1000);
    expect(p.eta).toBe(8);
    expect(p.line()).toBe("2,000/10,000 steps (20%) | 1000 steps/s | return 15.0 | ETA 8s");
  });

  it("averages the return over the last `window` episodes, skipping iterations without any", () => {
    const { p, tick } = harness(false);
    p.update({ iteration: 1, envSteps: 100, episodeReturn: 10, episodes: 2 });
    tick(1);
    p.update({ iteration: 2, envSteps: 200, episodeReturn: NaN, episodes: 0 });
    expect(p.recentReturn).toBe(10);
    p.update({ iteration: 3, envSteps: 300, episodeReturn: 40, episodes: 2 });
    expect(p.recentReturn).toBe(25);
    p.update({ iteration: 4, envSteps: 400, episodeReturn: 100, episodes: 2 }); // the first 2 episodes fall out
    expect(p.recentReturn).toBe(70);
  });

  it("prints evaluations as lines, and status lines every `interval` seconds off a terminal", () => {
    const { p, written, tick } = harness(false);
    p.start();
    tick(10);
    p.update({ iteration: 1, envSteps: 1000 });
    tick(1);
    p.update({ iteration: 2, envSteps: 2000 }); // within the interval: quiet
    tick(5);
    p.update({ iteration: 3, envSteps: 3000, "eval/returnMean": 123.45, "eval/returnStd": 6.7 });
    tick(5);
    p.update({ iteration: 4, envSteps: 4000 });
    p.finish("evaluation return 123.5");
    expect(written.every((s) => s.endsWith("\n") && !s.includes("\r"))).toBe(true);
    const text = written.join("");
    expect(text).toMatch(/compiling/);
    expect(text).toMatch(/first iteration done in 10s/);
    expect(text).toMatch(/eval @ 3,000 steps \(iteration 3\): return 123\.5 ± 6\.7 \| 333 steps\/s \| ETA 21s/);
    expect(text).toMatch(/4,000\/10,000 steps \(40%\) \| 273 steps\/s \| return – \| eval 123\.5 \| ETA 22s/);
    expect(text).toMatch(/done: 4,000 steps in 21s .*evaluation return 123\.5/);
    expect(written.filter((s) => s.includes("steps/s |")).length).toBe(2);
  });

  it("redraws one line in place on a terminal", () => {
    const { p, written, tick } = harness(true);
    p.update({ iteration: 1, envSteps: 1000 });
    tick(1);
    p.update({ iteration: 2, envSteps: 2000 });
    expect(written.at(-1)).toMatch(/^\r\x1b\[K.*2,000\/10,000 steps/);
    p.update({ iteration: 3, envSteps: 3000, "eval/returnMean": 5 });
    const i = written.findIndex((s) => s.startsWith("eval @"));
    expect(written[i - 1]).toBe("\r\x1b[K"); // the status line is cleared before the permanent line
    expect(written.at(-1)).toMatch(/^\r\x1b\[K.*3,000\/10,000/); // and redrawn after it
  });
});
