#!/usr/bin/env node
// Install step of xla-ts (run by `npm install` / `npm ci` through package.json's "install").
//
//   1. the PJRT CPU plugin: `python3 -m pip download --no-deps xla-cpu-pjrt -d .pjrt/wheels`
//      (skipped when a wheel is already there, so a second run is offline and instant), then
//      the plugin .so and include/pjrt_c_api.h are unpacked under .pjrt/;
//   2. the native addon build/Release/xla_ts.node, compiled by node-gyp against that header and
//      the running Node's own headers (no header download);
//   3. a load check of the plugin through the addon; if xla-cpu-pjrt does not load, the
//      `cyxla-pjrt-cpu` wheel is tried instead; .pjrt/installed.json records what is used;
//   4. `tsc -p tsconfig.build.json` (dist/) when src/index.ts exists.
//
// Flags: --addon-only (step 2 and 3 only, with whatever .pjrt/ holds), --quiet.
// Environment: XLA_TS_PJRT_PLUGIN (a plugin to use instead of the wheel's; the header still
// comes from the wheel), XLA_TS_PJRT_INCLUDE (a folder holding pjrt_c_api.h),
// XLA_TS_SKIP_WHEEL=1 (never call pip).

import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import zlib from "node:zlib";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const PJRT = path.join(ROOT, ".pjrt");
const WHEELS = path.join(PJRT, "wheels");
const INCLUDE = path.join(PJRT, "include");
const HEADER = path.join(INCLUDE, "pjrt_c_api.h");
const INSTALLED = path.join(PJRT, "installed.json");
const ADDON = path.join(ROOT, "build", "Release", "xla_ts.node");

const argv = new Set(process.argv.slice(2));
const ADDON_ONLY = argv.has("--addon-only");
const QUIET = argv.has("--quiet");

/** Candidate wheels, in order of preference. `module` is where the plugin sits inside. */
const WHEEL_CANDIDATES = [
  { dist: "xla-cpu-pjrt", file: /^xla_cpu_pjrt-.*\.whl$/ },
  { dist: "cyxla-pjrt-cpu", file: /^cyxla_pjrt_cpu-.*\.whl$/ },
];

const log = (msg) => {
  if (!QUIET) console.log(`xla-ts: ${msg}`);
};
const warn = (msg) => console.warn(`xla-ts: ${msg}`);

// ---------------------------------------------------------------------------------------------
// Minimal zip reader (central directory, stored/deflated entries, zip64 sizes): enough for a
// wheel, with no npm dependency and no need for python to unpack.

function readZipEntries(file) {
  const fd = fs.openSync(file, "r");
  try {
    const size = fs.fstatSync(fd).size;
    const tailLen = Math.min(size, 65536 + 22);
    const tail = Buffer.alloc(tailLen);
    fs.readSync(fd, tail, 0, tailLen, size - tailLen);
    let eocd = -1;
    for (let i = tailLen - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === 0x06054b50) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) throw new Error(`${file} is not a zip file (no end of central directory)`);
    let count = tail.readUInt16LE(eocd + 10);
    let cdSize = tail.readUInt32LE(eocd + 12);
    let cdOffset = tail.readUInt32LE(eocd + 16);
    if (cdOffset === 0xffffffff || count === 0xffff) {
      // zip64 end of central directory locator sits right before the EOCD record.
      const loc = eocd - 20;
      if (loc >= 0 && tail.readUInt32LE(loc) === 0x07064b50) {
        const z64Off = Number(tail.readBigUInt64LE(loc + 8));
        const z64 = Buffer.alloc(56);
        fs.readSync(fd, z64, 0, 56, z64Off);
        count = Number(z64.readBigUInt64LE(32));
        cdSize = Number(z64.readBigUInt64LE(40));
        cdOffset = Number(z64.readBigUInt64LE(48));
      }
    }
    const cd = Buffer.alloc(cdSize);
    fs.readSync(fd, cd, 0, cdSize, cdOffset);
    const entries = [];
    let p = 0;
    for (let n = 0; n < count; n++) {
      if (cd.readUInt32LE(p) !== 0x02014b50) throw new Error(`${file}: bad central directory`);
      const method = cd.readUInt16LE(p + 10);
      let compSize = cd.readUInt32LE(p + 20);
      let uncompSize = cd.readUInt32LE(p + 24);
      const nameLen = cd.readUInt16LE(p + 28);
      const extraLen = cd.readUInt16LE(p + 30);
      const commentLen = cd.readUInt16LE(p + 32);
      let localOffset = cd.readUInt32LE(p + 42);
      const name = cd.toString("utf8", p + 46, p + 46 + nameLen);
      let e = p + 46 + nameLen;
      const extraEnd = e + extraLen;
      while (e + 4 <= extraEnd) {
        const id = cd.readUInt16LE(e);
        const len = cd.readUInt16LE(e + 2);
        if (id === 0x0001) {
          let q = e + 4;
          if (uncompSize === 0xffffffff) (uncompSize = Number(cd.readBigUInt64LE(q))), (q += 8);
          if (compSize === 0xffffffff) (compSize = Number(cd.readBigUInt64LE(q))), (q += 8);
          if (localOffset === 0xffffffff) (localOffset = Number(cd.readBigUInt64LE(q))), (q += 8);
        }
        e += 4 + len;
      }
      entries.push({ name, method, compSize, uncompSize, localOffset });
      p = extraEnd + commentLen;
    }
    return entries;
  } finally {
    fs.closeSync(fd);
  }
}

function extractZipEntry(file, entry, dest) {
  const fd = fs.openSync(file, "r");
  try {
    const hdr = Buffer.alloc(30);
    fs.readSync(fd, hdr, 0, 30, entry.localOffset);
    if (hdr.readUInt32LE(0) !== 0x04034b50) throw new Error(`${file}: bad local header for ${entry.name}`);
    const dataStart = entry.localOffset + 30 + hdr.readUInt16LE(26) + hdr.readUInt16LE(28);
    const comp = Buffer.alloc(entry.compSize);
    fs.readSync(fd, comp, 0, entry.compSize, dataStart);
    let data;
    if (entry.method === 0) data = comp;
    else if (entry.method === 8) data = zlib.inflateRawSync(comp);
    else throw new Error(`${file}: ${entry.name} uses unsupported compression method ${entry.method}`);
    if (data.length !== entry.uncompSize) throw new Error(`${file}: ${entry.name} has the wrong size after unpacking`);
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    const tmp = `${dest}.tmp-${process.pid}`;
    fs.writeFileSync(tmp, data, { mode: 0o755 });
    fs.renameSync(tmp, dest);
  } finally {
    fs.closeSync(fd);
  }
}

// ---------------------------------------------------------------------------------------------

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: "utf8", ...opts });
  return { ok: r.status === 0 && !r.error, status: r.status, stdout: r.stdout ?? "", stderr: r.stderr ?? "", error: r.error };
}

function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8"));
  } catch {
    return undefined;
  }
}

function headerVersion(header) {
  const text = fs.readFileSync(header, "utf8");
  const major = /#define\s+PJRT_API_MAJOR\s+(\d+)/.exec(text);
  const minor = /#define\s+PJRT_API_MINOR\s+(\d+)/.exec(text);
  if (!major || !minor) throw new Error(`${header} does not define PJRT_API_MAJOR/PJRT_API_MINOR`);
  return { major: Number(major[1]), minor: Number(minor[1]) };
}

function findWheel(candidate) {
  if (!fs.existsSync(WHEELS)) return undefined;
  const names = fs.readdirSync(WHEELS).filter((f) => candidate.file.test(f)).sort();
  return names.length ? path.join(WHEELS, names[names.length - 1]) : undefined;
}

/** The wheel of `candidate`, from .pjrt/wheels or downloaded with pip. */
function fetchWheel(candidate) {
  const have = findWheel(candidate);
  if (have) return { ok: true, wheel: have, source: "cache" };
  if (process.env.XLA_TS_SKIP_WHEEL === "1") return { ok: false, reason: "XLA_TS_SKIP_WHEEL=1 is set" };
  fs.mkdirSync(WHEELS, { recursive: true });
  log(`downloading the ${candidate.dist} wheel (python3 -m pip download --no-deps ${candidate.dist}) ...`);
  const r = run("python3", ["-m", "pip", "download", "--no-deps", "--disable-pip-version-check", "-q", candidate.dist, "-d", WHEELS]);
  if (!r.ok) {
    const why = r.error ? String(r.error.message) : (r.stderr.trim().split("\n").filter(Boolean).pop() ?? `exit ${r.status}`);
    return { ok: false, reason: `pip download ${candidate.dist} failed: ${why}` };
  }
  const got = findWheel(candidate);
  if (!got) return { ok: false, reason: `pip download ${candidate.dist} produced no matching wheel in ${WHEELS}` };
  return { ok: true, wheel: got, source: "pip" };
}

/**
 * Unpacks the plugin .so of a wheel into .pjrt/lib/ and, when `withHeader` (or when none is
 * there yet), its pjrt_c_api.h into .pjrt/include/. Skips what is already unpacked.
 */
function unpackWheel(wheel, withHeader) {
  const entries = readZipEntries(wheel);
  const sos = entries.filter((e) => /\.so(\.\d+)*$/.test(e.name) && !e.name.includes(".dist-info/"));
  // The plugin is the largest shared object (helper libraries are small or absent).
  sos.sort((x, y) => y.uncompSize - x.uncompSize);
  const so = sos[0];
  if (!so) throw new Error(`${path.basename(wheel)} holds no shared library`);
  const pluginPath = path.join(PJRT, "lib", path.basename(so.name));
  if (!fs.existsSync(pluginPath) || fs.statSync(pluginPath).size !== so.uncompSize) {
    log(`unpacking ${so.name} (${(so.uncompSize / 2 ** 20).toFixed(0)} MiB) ...`);
    extractZipEntry(wheel, so, pluginPath);
  }
  const hdr = entries.find((e) => e.name.endsWith("/pjrt_c_api.h") || e.name === "pjrt_c_api.h");
  if (hdr && (withHeader || !fs.existsSync(HEADER))) {
    const tmp = path.join(PJRT, `pjrt_c_api.h.${process.pid}`);
    extractZipEntry(wheel, hdr, tmp);
    const next = fs.readFileSync(tmp);
    if (!fs.existsSync(HEADER) || !fs.readFileSync(HEADER).equals(next)) {
      fs.mkdirSync(INCLUDE, { recursive: true });
      fs.renameSync(tmp, HEADER);
      fs.chmodSync(HEADER, 0o644);
    } else fs.rmSync(tmp);
  }
  return { pluginPath };
}

// ---------------------------------------------------------------------------------------------

/**
 * Builds the addon with node-gyp: `rebuild` (configure + build) the first time or when Node,
 * the header or binding.gyp changed, else `build` (make: recompiles only changed sources).
 */
function buildAddon(includeDir) {
  const nodeGyp = path.join(ROOT, "node_modules", "node-gyp", "bin", "node-gyp.js");
  if (!fs.existsSync(nodeGyp)) return { ok: false, reason: `node-gyp is not installed (${nodeGyp})` };
  const nodedir = path.dirname(path.dirname(process.execPath));
  const header = path.join(includeDir, "pjrt_c_api.h");
  const stampFile = path.join(ROOT, "build", "xla_ts.stamp.json");
  const stamp = JSON.stringify({
    node: process.version,
    execPath: process.execPath,
    header: fs.readFileSync(header, "utf8").length + ":" + fs.statSync(header).mtimeMs,
    includeDir,
    gyp: fs.readFileSync(path.join(ROOT, "binding.gyp"), "utf8"),
  });
  const configured = fs.existsSync(path.join(ROOT, "build", "Makefile")) && readText(stampFile) === stamp;
  const args = [nodeGyp, configured ? "build" : "rebuild", "-j", "2"];
  if (fs.existsSync(path.join(nodedir, "include", "node", "node_api.h"))) args.push(`--nodedir=${nodedir}`);
  else log(`no Node headers under ${nodedir}/include/node; node-gyp will fetch them`);
  log(`${configured ? "updating" : "building"} the native addon (node-gyp ${args[1]}, header ${path.relative(ROOT, header) || header}) ...`);
  const t0 = Date.now();
  const r = run(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, XLA_TS_PJRT_INCLUDE: includeDir },
    maxBuffer: 64 * 2 ** 20,
  });
  if (!r.ok) {
    fs.rmSync(stampFile, { force: true });
    const out = (r.stdout + "\n" + r.stderr).trim().split("\n");
    return { ok: false, reason: `node-gyp failed:\n${out.slice(-40).join("\n")}` };
  }
  fs.writeFileSync(stampFile, stamp);
  log(`addon ready in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${path.relative(ROOT, ADDON)}`);
  return { ok: true };
}

function readText(file) {
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}

/** Loads `plugin` through the freshly built addon in a child process (a crash stays there). */
function loadCheck(plugin) {
  const script = `
    try {
      const addon = require(${JSON.stringify(ADDON)});
      const c = new addon.PjrtClient(${JSON.stringify(plugin)}, {});
      const info = { platform: c.platform(), apiVersion: addon.pluginInfo(${JSON.stringify(plugin)}).apiVersion, devices: c.devices().length };
      c.dispose();
      process.stdout.write(JSON.stringify(info));
    } catch (e) {
      process.stdout.write(JSON.stringify({ error: String(e && e.message || e) }));
      process.exitCode = 3;
    }
  `;
  const r = run(process.execPath, ["-e", script], { cwd: ROOT, timeout: 120_000, env: { TF_CPP_MIN_LOG_LEVEL: "1", ...process.env } });
  let parsed;
  try {
    parsed = JSON.parse(r.stdout);
  } catch {
    parsed = undefined;
  }
  if (parsed && !parsed.error && r.ok) return { ok: true, ...parsed };
  if (parsed?.error) return { ok: false, reason: parsed.error };
  const why = (r.stderr || r.stdout).trim().split("\n").filter(Boolean).slice(-2).join(" | ");
  return { ok: false, reason: `the load check crashed (${r.signal ?? `exit ${r.status}`})${why ? `: ${why}` : ""}` };
}

function buildTs() {
  if (!fs.existsSync(path.join(ROOT, "src", "index.ts"))) {
    log("src/index.ts not present yet; skipping the TypeScript build");
    return;
  }
  const tsc = path.join(ROOT, "node_modules", "typescript", "bin", "tsc");
  if (!fs.existsSync(tsc)) {
    warn(`typescript is not installed (${tsc}); dist/ was not built`);
    process.exit(1);
  }
  log("compiling TypeScript (tsc -p tsconfig.build.json) ...");
  const r = spawnSync(process.execPath, [tsc, "-p", "tsconfig.build.json"], { cwd: ROOT, stdio: "inherit" });
  if (r.status !== 0) {
    warn("the TypeScript build failed (see the errors above)");
    process.exit(r.status || 1);
  }
}

// ---------------------------------------------------------------------------------------------

function main() {
  fs.mkdirSync(PJRT, { recursive: true });
  const envPlugin = process.env.XLA_TS_PJRT_PLUGIN;
  const envInclude = process.env.XLA_TS_PJRT_INCLUDE;
  const previous = readJson(INSTALLED);

  // 1. Candidate plugins (wheels), the first of which also brings the header.
  const tried = [];
  const getCandidate = (cand) => {
    if (ADDON_ONLY) {
      if (previous?.dist === cand.dist && previous.pluginPath && fs.existsSync(previous.pluginPath))
        return { dist: cand.dist, wheel: previous.wheel, source: previous.source, pluginPath: previous.pluginPath };
      const w = findWheel(cand);
      if (!w) return undefined;
      const u = unpackWheel(w, cand === WHEEL_CANDIDATES[0]);
      return { dist: cand.dist, wheel: path.basename(w), source: "cache", ...u };
    }
    const f = fetchWheel(cand);
    if (!f.ok) {
      tried.push(`${cand.dist}: ${f.reason}`);
      return undefined;
    }
    try {
      const u = unpackWheel(f.wheel, cand === WHEEL_CANDIDATES[0]);
      return { dist: cand.dist, wheel: path.basename(f.wheel), source: f.source, ...u };
    } catch (e) {
      tried.push(`${cand.dist}: ${e.message}`);
      return undefined;
    }
  };

  // The first candidate always (it brings the header); the fallback only when needed.
  const first = getCandidate(WHEEL_CANDIDATES[0]);

  // 2. The header the addon is compiled against.
  let includeDir;
  if (envInclude && fs.existsSync(path.join(envInclude, "pjrt_c_api.h"))) includeDir = envInclude;
  else if (fs.existsSync(HEADER)) includeDir = INCLUDE;

  if (!includeDir) {
    warn("no PJRT plugin could be installed:");
    for (const t of tried) warn(`  - ${t}`);
    warn("the native addon was NOT built (it needs pjrt_c_api.h). To fix: make `python3 -m pip download xla-cpu-pjrt`");
    warn("work (network / proxy / pip config) and run `npm install` again, or put the wheel in .pjrt/wheels/, or set");
    warn("XLA_TS_PJRT_INCLUDE=<dir with pjrt_c_api.h> and XLA_TS_PJRT_PLUGIN=<path to a PJRT plugin .so> and run");
    warn("`npm run build:addon`.");
    buildTs();
    return;
  }

  // 3. The addon.
  const b = buildAddon(includeDir);
  if (!b.ok) {
    warn(b.reason);
    warn("the native addon failed to build; a C++17 compiler, make and python3 are required (node-gyp)");
    process.exit(1);
  }

  // 4. Load check, with the fallback wheel when the first plugin does not load.
  let chosen;
  let check;
  if (first) {
    check = loadCheck(first.pluginPath);
    if (check.ok) chosen = first;
    else tried.push(`${first.dist}: plugin ${path.relative(ROOT, first.pluginPath)} does not load: ${check.reason}`);
  }
  if (!chosen) {
    const second = getCandidate(WHEEL_CANDIDATES[1]);
    if (second) {
      check = loadCheck(second.pluginPath);
      if (check.ok) chosen = second;
      else tried.push(`${second.dist}: plugin ${path.relative(ROOT, second.pluginPath)} does not load: ${check.reason}`);
    }
  }

  const header = path.join(includeDir, "pjrt_c_api.h");
  if (chosen) {
    const rec = {
      dist: chosen.dist,
      pluginPath: chosen.pluginPath,
      header,
      apiVersion: check.apiVersion,
      headerApiVersion: headerVersion(header),
      platform: check.platform,
      devices: check.devices,
      host: `${process.platform}-${process.arch}`,
      wheel: chosen.wheel,
      source: chosen.source,
      installedAt: new Date().toISOString(),
    };
    fs.writeFileSync(INSTALLED, JSON.stringify(rec, null, 2) + "\n");
    log(
      `using ${chosen.dist} (${chosen.wheel}${chosen.source === "cache" ? ", cached" : ""}): ${path.relative(ROOT, chosen.pluginPath)}, ` +
        `PJRT API ${check.apiVersion.major}.${check.apiVersion.minor}, platform ${check.platform}, ${check.devices} device(s)`,
    );
  } else {
    warn("no PJRT plugin loads on this machine:");
    for (const t of tried) warn(`  - ${t}`);
    warn("the addon is built, but a plugin must be named with XLA_TS_PJRT_PLUGIN=<path to a PJRT plugin .so>.");
    if (previous) fs.rmSync(INSTALLED, { force: true });
  }
  if (envPlugin) {
    const c = loadCheck(envPlugin);
    if (c.ok) log(`XLA_TS_PJRT_PLUGIN=${envPlugin} loads: platform ${c.platform}, PJRT API ${c.apiVersion.major}.${c.apiVersion.minor}`);
    else warn(`XLA_TS_PJRT_PLUGIN=${envPlugin} does not load: ${c.reason}`);
  }

  if (!ADDON_ONLY) buildTs();
}

try {
  main();
} catch (e) {
  warn(`install failed: ${e && e.stack ? e.stack : e}`);
  process.exit(1);
}
