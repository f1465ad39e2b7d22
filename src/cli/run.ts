// The xla-ts command line as a function of argv (main.ts calls it; tests call it in-process).
import { demo, devices } from "./demo.js";
import { UsageError } from "./args.js";
import { processIo, type Io } from "./io.js";
import { trainCommand } from "./train.js";
import { evalCommand, renderCommand } from "./eval.js";

export const HELP = `xla-ts — reinforcement learning the JAX way, compiled by XLA through PJRT

usage: xla-ts <command> [options]

commands:
  train      train an agent: xla-ts train ppo --env CartPole-v1 [key=value ...] [--seeds 0,1,2]
  eval       evaluate a trained run: xla-ts eval runs/<name>
  render     record an episode of a trained run as a GIF: xla-ts render runs/<name>
  demo       compile and run a small program: devices, jit, grad, vmap, scan, random
  devices    list the PJRT plugin's devices
  help       this text

options:
  --help     help for a command (xla-ts train --help lists every config option)

environment:
  XLA_TS_PJRT_PLUGIN   path of a PJRT plugin (.so) to use instead of the installed CPU plugin
  XLA_TS_BACKEND       "xla" (default when a plugin is installed) or "ref" (the TypeScript interpreter)
  XLA_TS_COMPILATION_CACHE_DIR
                       where train/eval/render keep compiled programs (default ~/.cache/xla-ts/compile;
                       empty: off, as --no-compile-cache)
`;

type Command = { help?: string; run: (args: string[], io: Io) => Promise<number> };

const COMMANDS: Record<string, Command> = {
  train: { run: trainCommand },
  eval: { run: evalCommand },
  render: { run: renderCommand },
  demo: { help: "usage: xla-ts demo\n\nCompiles a few programs and prints what they compute and how fast.", run: async () => (await demo(), 0) },
  devices: { help: "usage: xla-ts devices\n\nLists the plugin, its PJRT API version and its devices.", run: async () => (await devices(), 0) },
};

/** Runs a command; returns the exit status (0 ok, 1 failure, 2 bad usage, 130 interrupted). */
export async function runCli(argv: readonly string[], io: Io = processIo): Promise<number> {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === "help" || cmd === "--help" || cmd === "-h") {
    if (cmd === "help" && rest[0] !== undefined && COMMANDS[rest[0]] !== undefined) return runCli([rest[0], "--help"], io);
    io.out(HELP);
    return 0;
  }
  const c = COMMANDS[cmd];
  if (c === undefined) {
    io.err(`xla-ts: unknown command "${cmd}" (commands: ${Object.keys(COMMANDS).join(", ")}; see xla-ts --help)`);
    return 2;
  }
  if (c.help && (rest.includes("--help") || rest.includes("-h"))) {
    io.out(c.help);
    return 0;
  }
  try {
    return await c.run(rest, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`xla-ts ${cmd}: ${e.message}\n(see xla-ts ${cmd} --help)`);
      return 2;
    }
    throw e;
  }
}
