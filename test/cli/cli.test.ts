// The command line: bad input is rejected cleanly (exit status 2, one message naming the key
// and what it allows, nothing built or written), and a real (small) training run produces a
// well-formed run directory that eval, render and --resume work on.
import { describe, expect, it, beforeAll } from "vitest";
import { spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";
import { runCli } from "../../src/cli/run.js";
import { backendName } from "../../src/core/index.js";
import type { Io } from "../../src/cli/io.js";
import { gifInfo, pngInfo, readWithTensorboard, tensorboardPython } from "./helpers.js";

const ROOT = path.resolve(__dirname, "../..");
const tmp = () => mkdtempSync(path.join(tmpdir(), "xla-ts-cli-"));

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let [out, err] = ["", ""];
  const io: Io = { out: (s) => void (out += s + "\n"), err: (s) => void (err += s + "\n"), progress: { write: () => true } };
  const code = await runCli(args, io);
  return { code, out, err };
}

/** The real binary (through tsx, so the test needs no build); async, so vitest's worker stays responsive. */
function spawnCli(args: string[], timeout = 280_000): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "src/cli/main.ts"), ...args], { cwd: ROOT, env: { ...process.env, FORCE_COLOR: "0" } });
    let [out, err] = ["", ""];
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeout);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, out, err });
    });
  });
}

describe("the CLI rejects bad input cleanly", () => {
  const runs = tmp();
  const bad: [string[], RegExp][] = [
    [["train"], /which algorithm\? .*algorithms: ppo/],
    [["train", "nosuchalgo", "--env", "CartPole-v1"], /unknown algorithm "nosuchalgo" \(algorithms: ppo, /],
    [["train", "ppo", "--env", "NoSuchEnv-v0"], /env = "NoSuchEnv-v0" is not allowed: .*one of .*CartPole-v1/],
    [["train", "ppo", "--env", "CartPole-v1", "lrr=0.1"], /unknown key "lrr" \(did you mean "lr"\?\)/],
    [["train", "ppo", "--env", "CartPole-v1", "lr=fast"], /lr = "fast" is not allowed: lr must be a number > 0/],
    [["train", "ppo", "--env", "CartPole-v1", "clipEps=0"], /clipEps = 0 is not allowed: clipEps must be a number > 0/],
    [["train", "ppo", "--env", "CartPole-v1", "activation=sigmoid"], /activation = "sigmoid" is not allowed: activation must be one of "tanh", "relu"/],
    [["train", "ppo", "--env", "CartPole-v1", "useGae=maybe"], /useGae = "maybe" is not allowed: useGae must be true or false/],
    [["train", "ppo", "--env", "CartPole-v1", "hiddenSizes=[64,-1]"], /hiddenSizes = \[64,-1\] is not allowed: hiddenSizes must be a list of positive integers/],
    [["train", "ppo", "--env", "CartPole-v1", "numMinibatches=3"], /numMinibatches = 3 must divide numEnvs × numSteps/],
    [["train", "ppo", "--env", "CartPole-v1", "lr.x=1"], /lr.x=…: lr is not a record/],
    [["train", "ppo", "--env", "CartPole-v1", "--bogus"], /unknown option --bogus for `xla-ts train` \(options: --env, --config/],
    [["train", "ppo", "--env"], /--env needs a value/],
    [["train", "ppo", "--env", "CartPole-v1", "--seeds", "0,x"], /--seeds 0,x: expected non-negative integers/],
    [["train", "ppo", "--env", "CartPole-v1", "--sweep", "epochs=1,2"], /epochs cannot be swept for ppo; sweepable keys: lr, gamma/],
    [["train", "ppo", "--env", "CartPole-v1", "--sweep", "gamma=0.9,1.5"], /--sweep gamma=1.5: .*gamma must be a number >= 0 and <= 1/],
    [["train", "ppo", "--env", "CartPole-v1", "--checkpoint-every", "soon"], /--checkpoint-every must be an integer, got "soon"/],
    [["train", "ppo", "--env", "CartPole-v1", "--config", "/no/such/file.yaml"], /cannot read the config file \/no\/such\/file.yaml/],
    [["train", "ppo", "extra", "--env", "CartPole-v1"], /unexpected argument "extra"/],
    [["train", "--resume", "/no/such/run"], /--resume \/no\/such\/run: no such directory/],
    [["train", "--resume", tmp()], /not a run directory \(no config.yaml\): it is not a run .* remove it \(rm -r/],
    [["train", "ppo", "--env", "CartPole-v1", "envOptions.foo=1"], /envOptions \{"foo":1\}: CartPole-v1: unknown option "foo"/],
    [["train", "ppo", "--env", "CartPole-v1", "envOptions.maxEpisodeSteps=abc"], /envOptions \{"maxEpisodeSteps":"abc"\}: TimeLimit: maxSteps must be a positive integer/],
    [["eval"], /which run\?/],
    [["eval", "/no/such/run"], /no such run directory/],
    [["eval", tmp()], /is not a run directory \(it has no config.yaml/],
    [["render", "/no/such/run", "--fps", "0"], /--fps must be a positive integer|no such run directory/],
    [["eval", "a", "b"], /unexpected argument "b"/],
  ];
  for (const [args, msg] of bad) {
    it(`xla-ts ${args.join(" ")}`, async () => {
      const r = await cli([...args, ...(args[0] === "train" && !args.includes("--resume") ? ["--runs-dir", runs] : [])]);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(msg);
      expect(r.err).toMatch(new RegExp(`see xla-ts ${args[0]} --help`));
      expect(r.out).toBe("");
      expect(readdirSync(runs)).toEqual([]); // nothing was created
    });
  }

  it("checks config files, naming the file and the key", async () => {
    const dir = tmp();
    const f = path.join(dir, "run.yaml");
    writeFileSync(f, "numEnvs: 8\ngamma: 1.5\n");
    let r = await cli(["train", "ppo", "--config", f, "--runs-dir", runs]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`${f}: config: gamma = 1.5 is not allowed: gamma must be a number >= 0 and <= 1`);
    writeFileSync(f, "numEnvs: [8\n");
    r = await cli(["train", "ppo", "--config", f, "--runs-dir", runs]);
    expect(r.err).toMatch(/is not valid YAML/);
    writeFileSync(f, "- 1\n- 2\n");
    r = await cli(["train", "ppo", "--config", f, "--runs-dir", runs]);
    expect(r.err).toMatch(/must hold a mapping of option: value, got a list/);
    writeFileSync(f, "algo: ppo\nenv: Nope-v9\n");
    r = await cli(["train", "ppo", "--config", f, "--runs-dir", runs]);
    expect(r.err).toMatch(/env = "Nope-v9" is not allowed/);
  });

  it("refuses to overwrite an existing run directory", async () => {
    const other = tmp();
    mkdirSync(path.join(other, "taken"));
    const r = await cli(["train", "ppo", "--env", "CartPole-v1", "--runs-dir", other, "--name", "taken"]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/taken already exists; it is not a run \(no config.yaml: a run killed while starting, or another folder\); remove it/);
  });

  it("has --help everywhere", async () => {
    for (const args of [["--help"], ["help"], ["train", "--help"], ["eval", "--help"], ["render", "-h"], ["demo", "--help"], ["devices", "--help"], ["help", "train"]]) {
      const r = await cli(args);
      expect(r.code, args.join(" ")).toBe(0);
      expect(r.out).toMatch(/usage: xla-ts/);
    }
    const t = await cli(["train", "--help"]);
    for (const k of ["clipEps", "gaeLambda", "numMinibatches", "hiddenSizes", "--seeds", "--resume", "--checkpoint-every"]) expect(t.out).toContain(k);
    expect(t.out).toMatch(/activation\s+"tanh"\s+.*one of "tanh", "relu"/);
  });

  it("unknown commands exit 2", async () => {
    const r = await cli(["trian"]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/unknown command "trian" \(commands: train, eval, render/);
  });

  it("the installed binary exits 2 with the message on stderr", async () => {
    const r = await spawnCli(["train", "ppo", "--env", "CartPole-v1", "gamma=2", "--runs-dir", runs], 60_000);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^xla-ts train: config: gamma = 2 is not allowed: gamma must be a number >= 0 and <= 1/);
    expect(r.out).toBe("");
  });
});

// A real training run (about 20 s of compilation); the ref interpreter would take minutes.
describe.skipIf(backendName() !== "xla")("a training run's outputs", () => {
  const runs = tmp();
  const dir = path.join(runs, "tiny");
  const config = ["numEnvs=4", "numSteps=32", "totalSteps=1024", "epochs=2", "numMinibatches=2", "hiddenSizes=[16,16]", "evalEpisodes=3", "evalEvery=2", "evalMaxSteps=60"];
  let train: Awaited<ReturnType<typeof spawnCli>>;
  beforeAll(async () => {
    train = await spawnCli(["train", "ppo", "--env", "CartPole-v1", ...config, "--runs-dir", runs, "--name", "tiny", "--checkpoint-every", "2", "--keep-checkpoints", "0", "--fps", "20"]);
  }, 300_000);

  it("trains, and prints where everything is", () => {
    expect(train.err).not.toMatch(/Error|at .*\.ts:\d+/);
    expect(train.code).toBe(0);
    expect(train.err).toMatch(/first iteration done/);
    expect(train.err).toMatch(/eval @ 256 steps \(iteration 2\): return/);
    expect(train.out).toContain(path.join(dir, "plots", "learning_curves.png"));
    expect(train.out).toContain(path.join(dir, "videos", "eval_episode.gif"));
  });

  it("writes the resolved config and run.json", () => {
    const c = parseYaml(readFileSync(path.join(dir, "config.yaml"), "utf8"));
    expect(c).toMatchObject({ algo: "ppo", env: "CartPole-v1", numEnvs: 4, numSteps: 32, totalSteps: 1024, hiddenSizes: [16, 16], evalEvery: 2, clipEps: 0.2, seed: 0 });
    const info = JSON.parse(readFileSync(path.join(dir, "run.json"), "utf8"));
    expect(info).toMatchObject({ status: "finished", iterations: 8, envSteps: 1024, video: "videos/eval_episode.gif", plots: "plots/learning_curves.png" });
    expect(typeof info.finalEval.returnMean).toBe("number");
  });

  it("writes metrics.jsonl, one parsable line per iteration", () => {
    const lines = readFileSync(path.join(dir, "metrics.jsonl"), "utf8").trim().split("\n");
    const rows = lines.map((l) => JSON.parse(l));
    expect(rows.map((r) => r.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8].map((i) => i * 128));
    expect(rows.map((r) => r.iteration)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    for (const r of rows) for (const k of ["loss/total", "loss/policyLoss", "loss/valueLoss", "loss/entropy", "lr"]) expect(typeof r[k], k).toBe("number");
    expect(rows.filter((r) => "eval/returnMean" in r).map((r) => r.iteration)).toEqual([2, 4, 6, 8]);
  });

  const py = tensorboardPython();
  it.skipIf(!py)("writes TensorBoard scalars that tensorboard reads", () => {
    const tb = readWithTensorboard(py!, dir);
    expect(tb["eval/returnMean"]!.map(([s]) => s)).toEqual([256, 512, 768, 1024]);
    expect(tb["loss/total"]!.length).toBe(8);
    expect(tb["train/lr"]!.length).toBe(8);
    expect(Object.keys(tb)).not.toContain("train/iteration");
    expect(tb._tensors).toContain("config");
  });

  it("writes checkpoints every 2 iterations", () => {
    expect(readdirSync(path.join(dir, "checkpoints")).sort()).toEqual(["step_000000256.safetensors", "step_000000512.safetensors", "step_000000768.safetensors", "step_000001024.safetensors"]);
  });

  it("writes learning-curve plots (PNG and SVG) and a GIF of an evaluation episode", () => {
    const svg = readFileSync(path.join(dir, "plots", "learning_curves.svg"), "utf8");
    expect(svg).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).toContain("episode return");
    expect(pngInfo(path.join(dir, "plots", "learning_curves.png")).bytes).toBeGreaterThan(20_000);
    const gif = gifInfo(path.join(dir, "videos", "eval_episode.gif"));
    expect(gif).toMatchObject({ width: 600, height: 400 });
    expect(gif.frames).toBeGreaterThan(5);
    expect(gif.frames).toBeLessThanOrEqual(61);
  });

  it("xla-ts eval reproduces the final evaluation", async () => {
    const r = await spawnCli(["eval", dir, "--json"]);
    expect(r.code).toBe(0);
    const ev = JSON.parse(r.out);
    const info = JSON.parse(readFileSync(path.join(dir, "run.json"), "utf8"));
    expect(ev.episodes).toBe(3);
    expect(ev.returnMean).toBeCloseTo(info.finalEval.returnMean, 4);
    expect(ev.checkpoint).toMatch(/step_000001024\.safetensors$/);
  }, 300_000);

  it("xla-ts render writes a GIF", async () => {
    const out = path.join(tmp(), "ep.gif");
    const r = await spawnCli(["render", dir, "--out", out, "--max-steps", "20", "--every", "2"]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/ep\.gif: \d+ frames, episode return/);
    const g = gifInfo(out);
    expect(g.frames).toBeGreaterThan(1);
    expect(g.frames).toBeLessThanOrEqual(11);
  }, 300_000);

  it("--resume from a middle checkpoint continues identically", async () => {
    const copy = path.join(runs, "tiny-resumed");
    cpSync(dir, copy, { recursive: true });
    for (const s of ["768", "1024"]) rmSync(path.join(copy, "checkpoints", `step_00000${s.padStart(4, "0")}.safetensors`));
    rmSync(path.join(copy, "videos"), { recursive: true });
    const r = await spawnCli(["train", "--resume", copy, "--no-video", "--no-plots", "--quiet"]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/resuming .* \(iteration 4, 512 steps\)/);
    const final = (d: string) => readFileSync(path.join(d, "checkpoints", "step_000001024.safetensors"));
    expect(final(copy).equals(final(dir))).toBe(true); // the same parameters, optimizer state, keys and counters, byte for byte
    const rows = (d: string) => readFileSync(path.join(d, "metrics.jsonl"), "utf8").trim().split("\n").map((l) => ({ ...JSON.parse(l), wallTime: 0 }));
    expect(rows(copy)).toEqual(rows(dir));
    expect(existsSync(path.join(copy, "videos", "eval_episode.gif"))).toBe(false);
  }, 300_000);
});
