#!/usr/bin/env bash
# The GPU path, end to end, on a machine with an NVIDIA GPU:
#   1. picks CUDA 13 or 12 by the driver version nvidia-smi reports (CUDA 13 wheels need a
#      driver >= 580, CUDA 12 ones >= 525),
#   2. pip-installs `jax[cuda13]` / `jax[cuda12]` into a venv: that brings the CUDA PJRT
#      plugin (jax-cuda1x-pjrt: jax_plugins/xla_cuda1x/xla_cuda_plugin.so), the NVIDIA
#      libraries it loads (nvidia-* wheels, found through the plugin's rpath) and a GPU jax for
#      the benchmarks' JAX columns,
#   3. points XLA_TS_PJRT_PLUGIN at the plugin and runs the runtime, conformance and pmap tests
#      against it (each file's result is recorded; the run goes on after a failure),
#   4. runs the env benchmark (up to 2,048 vmapped CartPole environments, PureJaxRL's
#      headline) and the PPO benchmark, printing their steps/s tables.
#
# STATUS: written without a GPU (none was lent to the session that wrote it); it has NOT run.
# Expect to fix small things on the first run; record the figures in docs/runtime.md.
#
#   tools/gpu_check.sh [--quick] [--venv DIR]     (from the repository root, after npm install)
#
# Output: the tables on stdout, and everything under $OUT_DIR (default /tmp/xla-ts-gpu-check):
# nvidia-smi.txt, one log per test file and benchmark, summary.txt.
set -uo pipefail

QUICK=""
VENV="${XLA_TS_GPU_VENV:-/tmp/xla-ts-gpu-venv}"
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) QUICK="--quick" ;;
    --venv) VENV="$2"; shift ;;
    *) echo "gpu_check: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done
OUT_DIR="${OUT_DIR:-/tmp/xla-ts-gpu-check}"
mkdir -p "$OUT_DIR"
cd "$(dirname "$0")/.." || exit 2
SUMMARY="$OUT_DIR/summary.txt"
: > "$SUMMARY"
note() { echo "$*" | tee -a "$SUMMARY"; }

# --- 1. the GPU and its driver ------------------------------------------------------------
if ! command -v nvidia-smi > /dev/null; then
  echo "gpu_check: nvidia-smi not found: this script needs an NVIDIA GPU and its driver" >&2
  exit 2
fi
nvidia-smi | tee "$OUT_DIR/nvidia-smi.txt"
DRIVER="$(nvidia-smi --query-gpu=driver_version --format=csv,noheader | head -1 | tr -d ' ')"
GPU="$(nvidia-smi --query-gpu=name,memory.total --format=csv,noheader | head -1)"
MAJOR="${DRIVER%%.*}"
if [ "${MAJOR:-0}" -ge 580 ]; then CUDA=13
elif [ "${MAJOR:-0}" -ge 525 ]; then CUDA=12
else
  echo "gpu_check: driver $DRIVER is too old for the CUDA 12 / 13 wheels (need >= 525)" >&2
  exit 2
fi
note "gpu: $GPU; driver $DRIVER -> CUDA $CUDA wheels"

# --- 2. the plugin, in a venv ----------------------------------------------------------------
if [ ! -x "$VENV/bin/python" ]; then python3 -m venv "$VENV" || exit 2; fi
"$VENV/bin/python" -m pip install -q --upgrade pip
"$VENV/bin/python" -m pip install -q "jax[cuda$CUDA]" || { echo "gpu_check: pip install jax[cuda$CUDA] failed" >&2; exit 2; }
PLUGIN="$("$VENV/bin/python" - "$CUDA" <<'EOF'
import glob, os, site, sys
cuda = sys.argv[1]
for sp in site.getsitepackages():
    hits = sorted(glob.glob(os.path.join(sp, "jax_plugins", f"xla_cuda{cuda}", "xla_cuda_plugin.so")))
    if hits:
        print(hits[0])
        break
EOF
)"
if [ -z "$PLUGIN" ]; then echo "gpu_check: no jax_plugins/xla_cuda$CUDA/xla_cuda_plugin.so in $VENV" >&2; exit 2; fi
export XLA_TS_PJRT_PLUGIN="$PLUGIN"
export XLA_TS_BACKEND=xla
# The benchmarks' JAX columns run in this venv's python (GPU jax); let XLA not grab all memory
# while xla-ts's plugin holds its own client in the other process.
export PATH="$VENV/bin:$PATH"
export XLA_PYTHON_CLIENT_PREALLOCATE=false
note "plugin: $PLUGIN ($("$VENV/bin/python" -m pip show "jax-cuda$CUDA-pjrt" 2>/dev/null | awk '/^Version/{print $2}'))"

# The addon must be built (npm install did it against the CPU plugin's header; the C API is
# checked struct by struct at run time, see DESIGN.md "Runtime facts").
node --import tsx -e '
  import("./src/xla/index.js").then(({ Runtime }) => {
    const rt = Runtime.open();
    console.log(`runtime: ${rt.platform} ${rt.platformVersion}, PJRT API ${rt.apiVersion.major}.${rt.apiVersion.minor}, devices: ${rt.devices.map((d) => d.description).join(", ")}`);
    rt.dispose();
  });' 2>&1 | tee -a "$SUMMARY"

# --- 3. tests against the GPU plugin ------------------------------------------------------------
# test/xla/multidevice.test.ts opens the plugin with cpu_device_count, which the CUDA plugin
# rejects (it validates option names): expect that file to fail on a GPU. The pmap tests skip
# device counts above the runtime's (one GPU: only the ref emulation of 2 and 4 devices runs).
for f in test/xla/*.test.ts test/lax/conformance.test.ts test/core/jit.test.ts test/core/vmap.test.ts test/core/pmap.test.ts; do
  log="$OUT_DIR/$(echo "$f" | tr '/' '_').log"
  if npx vitest run "$f" > "$log" 2>&1; then status=pass; else status=FAIL; fi
  note "test $f: $status ($(grep -E '^ +Tests ' "$log" | tail -1 | sed 's/^ *//'))"
done

# --- 4. benchmarks ---------------------------------------------------------------------------
run_bench() {
  local name="$1"; shift
  local log="$OUT_DIR/bench_$name.log"
  if node --import tsx "$@" 2>&1 | tee "$log"; then note "bench $name: done (table above, $log)"; else note "bench $name: FAILED ($log)"; fi
}
# Envs: random-policy steps/s for 1 ... 2,048 vmapped environments (CartPole among them).
run_bench envs bench/envs.ts --no-gymnax $QUICK
# PPO on CartPole-v1 (PureJaxRL's settings), one seed and vmapped seeds, beside JAX on the GPU.
run_bench ppo bench/ppo.ts $QUICK

echo
echo "=== summary ($SUMMARY) ==="
cat "$SUMMARY"
