// Assembling a config from the command line: defaults < file < algo / --env < key=value.
import { describe, expect, it } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { assembleConfig, parseSweep } from "../../src/cli/config.js";
import { parseArgs, parseInts, UsageError } from "../../src/cli/args.js";
import { TRAIN_FLAGS } from "../../src/cli/train.js";

describe("parseArgs", () => {
  it("reads flags, key=value (as YAML) and positionals", () => {
    const p = parseArgs("train", ["ppo", "--env=CartPole-v1", "lr=3e-4", "hiddenSizes=[32, 32]", "useGae=false", "maxGradNorm=null", "--seeds", "0-2,5", "--no-video", "--quiet"], TRAIN_FLAGS, { assignments: true });
    expect(p.positionals).toEqual(["ppo"]);
    expect(p.flags).toEqual({ env: "CartPole-v1", seeds: [0, 1, 2, 5], video: false, quiet: true });
    expect(p.assignments).toEqual([
      ["lr", 3e-4],
      ["hiddenSizes", [32, 32]],
      ["useGae", false],
      ["maxGradNorm", null],
    ]);
  });

  it("rejects malformed input", () => {
    expect(() => parseArgs("train", ["-x"], TRAIN_FLAGS)).toThrow(UsageError);
    expect(() => parseArgs("train", ["--quiet=yes"], TRAIN_FLAGS)).toThrow(/takes no value/);
    expect(() => parseArgs("train", ["1x=2"], TRAIN_FLAGS, { assignments: true })).toThrow(/a config assignment is key=value/);
    expect(() => parseInts("--seeds", "3-1")).toThrow(/empty/);
    expect(() => parseInts("--seeds", "1,1")).toThrow(/repeated/);
  });
});

describe("assembleConfig", () => {
  it("layers defaults, the file, the positional and --env, then key=value in order", async () => {
    const f = path.join(mkdtempSync(path.join(tmpdir(), "xla-ts-cfg-")), "run.yaml");
    writeFileSync(f, "env: Acrobot-v1\nnumEnvs: 8\nlr: 1.0e-3\nenvOptions:\n  maxEpisodeSteps: 300\n");
    const { overrides, config } = await assembleConfig({
      file: f,
      algo: "ppo",
      env: "CartPole-v1",
      assignments: [
        ["lr", 5e-4],
        ["envOptions.maxEpisodeSteps", 200],
        ["lr", 7e-4],
      ],
    });
    expect(config).toMatchObject({ algo: "ppo", env: "CartPole-v1", numEnvs: 8, lr: 7e-4, envOptions: { maxEpisodeSteps: 200 }, numSteps: 128 });
    expect(overrides).toEqual({ env: "CartPole-v1", numEnvs: 8, lr: 7e-4, envOptions: { maxEpisodeSteps: 200 }, algo: "ppo" });
  });

  it("parses sweeps", () => {
    expect(parseSweep("lr=1e-4,3e-4")).toEqual({ key: "lr", values: [1e-4, 3e-4] });
    expect(() => parseSweep("lr=")).toThrow(/values must be numbers/);
    expect(() => parseSweep("numEnvs=1,2")).toThrow(/cannot be swept/);
  });
});
