// Run directories a user can always recover: exclusive creation, final statuses, the newest
// intact checkpoint, multi-seed resume targets.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { numpy as np } from "../../src/index.js";
import { saveCheckpoint } from "../../src/io/index.js";
import { RunDir, describeExisting, newRunDir, resumeTargets } from "../../src/workflows/outputs/run_dir.js";

const tmp = () => mkdtempSync(path.join(tmpdir(), "xla-ts-rundir-"));

describe("run directories", () => {
  it("two runs started with one name: exactly one gets the directory", async () => {
    const runs = tmp();
    const r = await Promise.allSettled([newRunDir(runs, "same"), newRunDir(runs, "same"), newRunDir(runs, "same")]);
    expect(r.filter((x) => x.status === "fulfilled")).toHaveLength(1);
    for (const x of r.filter((x): x is PromiseRejectedResult => x.status === "rejected"))
      expect((x.reason as Error).message).toMatch(/the run directory .*same already exists; it is not a run \(no config.yaml/);
    // Default names get a suffix instead, still exclusively.
    const u = await Promise.all([newRunDir(runs, "auto", { unique: true }), newRunDir(runs, "auto", { unique: true })]);
    expect(new Set(u.map((d) => path.basename(d.path)))).toEqual(new Set(["auto", "auto-2"]));
  });

  it("explains what an existing directory is and what to do", () => {
    const d = new RunDir(tmp());
    expect(describeExisting(d)).toMatch(/not a run \(no config.yaml.*\); remove it \(rm -r .*\) or pick another --name/);
    writeFileSync(d.config, "algo: ppo\n");
    expect(describeExisting(d)).toMatch(/continue it with --resume .*, or remove it/);
  });

  it("markStatus writes a final status into run.json, keeping what is there", async () => {
    const d = new RunDir(tmp());
    await d.writeRunInfo({ name: "x", status: "running", seeds: [0] });
    d.markStatus("interrupted", { note: "n" });
    const info = JSON.parse(readFileSync(d.runInfo, "utf8"));
    expect(info).toMatchObject({ name: "x", seeds: [0], status: "interrupted", note: "n" });
    expect(typeof info.finishedAt).toBe("string");
  });

  it("the newest intact checkpoint: a corrupt newest one is skipped with a warning; a pruned one is picked again", async () => {
    const d = new RunDir(tmp());
    mkdirSync(d.checkpoints);
    for (const s of [100, 200, 300]) await saveCheckpoint(d.checkpointPath(s), { w: np.array([s], "float32") });
    const newest = d.checkpointPath(300);
    const bytes = readFileSync(newest);
    bytes[bytes.length - 2]! ^= 4;
    writeFileSync(newest, bytes);
    const warnings: string[] = [];
    const c = await d.latestIntactCheckpoint((m) => warnings.push(m));
    expect(c?.envSteps).toBe(200);
    expect(warnings.join("\n")).toMatch(/skipping the corrupt checkpoint .*step_000000300.safetensors: tensor "w" \(F32\[1\]\) fails its checksum/);
    expect(warnings.join("\n")).toMatch(/using the newest intact checkpoint, .*step_000000200/);
    // The loader finds its file pruned once (as by a running training), and picks again.
    let calls = 0;
    const r = await d.withLatestCheckpoint(async (p) => {
      if (calls++ === 0) {
        rmSync(p);
        throw new Error(`ENOENT: ${p}`);
      }
      return p;
    }, () => undefined);
    expect(r?.value).toBe(d.checkpointPath(100));
  });

  it("--resume of a multi-seed top folder targets every seed", async () => {
    const top = new RunDir(tmp());
    writeFileSync(top.config, "algo: ppo\n");
    for (const s of ["seed_0", "seed_1"]) {
      mkdirSync(top.sub(s).path);
      writeFileSync(top.sub(s).config, "algo: ppo\n");
    }
    expect((await resumeTargets(top.path)).map((d) => path.basename(d.path))).toEqual(["seed_0", "seed_1"]);
    const single = new RunDir(tmp());
    expect(await resumeTargets(single.path)).toEqual([single]);
  });
});
