#!/usr/bin/env node
// The xla-ts command line. For now: `demo` (the README's `npm start`) and `devices`.
import { demo, devices } from "./demo.js";

const HELP = `xla-ts — reinforcement learning the JAX way, compiled by XLA through PJRT

usage: xla-ts <command> [options]

commands:
  demo       compile and run a small program: devices, jit, grad, vmap, scan, random
  devices    list the PJRT plugin's devices
  help       this text

options:
  --help     help for a command

environment:
  XLA_TS_PJRT_PLUGIN   path of a PJRT plugin (.so) to use instead of the installed CPU plugin
  XLA_TS_BACKEND       "xla" (default when a plugin is installed) or "ref" (the TypeScript interpreter)
`;

const COMMANDS: Record<string, { help: string; run: (args: string[]) => Promise<void> }> = {
  demo: { help: "xla-ts demo: compiles a few programs and prints what they compute and how fast.", run: demo },
  devices: { help: "xla-ts devices: lists the plugin, its PJRT API version and its devices.", run: devices },
};

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === "help" || cmd === "--help" || cmd === "-h") {
    process.stdout.write(HELP);
    return 0;
  }
  const c = COMMANDS[cmd];
  if (!c) {
    process.stderr.write(`xla-ts: unknown command "${cmd}" (commands: ${Object.keys(COMMANDS).join(", ")}; see xla-ts --help)\n`);
    return 2;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    process.stdout.write(c.help + "\n");
    return 0;
  }
  await c.run(rest);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`xla-ts: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  },
);
