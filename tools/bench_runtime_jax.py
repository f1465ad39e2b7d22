#!/usr/bin/env python3
"""The figures of bench/runtime.ts, measured with JAX on the CPU of the same machine.

Prints one JSON object on stdout (and nothing else there):
  call_run_read_us   median µs per call of jit(f32[4] + 1) plus reading the result to the host
  call_run_us        median µs per call of the dispatch alone (result waited for in batches)
  h2d_GBps / d2h_GBps  {"1MB": ..., "64MB": ...} median host→device / device→host bandwidth

Usage: python3 tools/bench_runtime_jax.py [--repeats N]
Requires jax (`python3 -m pip install jax`; bench/runtime.ts installs it when missing).
"""
import argparse
import json
import os
import statistics
import sys
import time

os.environ.setdefault("JAX_PLATFORMS", "cpu")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "1")

import jax  # noqa: E402
import numpy as np  # noqa: E402


def median_per_call(fn, calls, batches):
    times = []
    for _ in range(batches):
        t0 = time.perf_counter()
        fn(calls)
        times.append((time.perf_counter() - t0) / calls * 1e6)
    return statistics.median(times)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=15)
    ap.add_argument("--calls", type=int, default=2000)
    args = ap.parse_args()

    dev = jax.devices("cpu")[0]
    f = jax.jit(lambda x: x + 1)
    x = jax.device_put(np.array([1, 2, 3, 4], np.float32), dev)
    y = f(x)
    assert np.asarray(y).tolist() == [2, 3, 4, 5]

    def run_read(n):
        for _ in range(n):
            np.asarray(f(x))

    def run_only(n):
        last = None
        for _ in range(n):
            last = f(x)
        last.block_until_ready()

    run_read(args.calls)  # warm up
    run_only(args.calls)
    out = {
        "jax_version": jax.__version__,
        "device": str(dev),
        "call_run_read_us": median_per_call(run_read, args.calls, args.repeats),
        "call_run_us": median_per_call(run_only, args.calls, args.repeats),
        "h2d_GBps": {},
        "d2h_GBps": {},
        "d2h_copy_GBps": {},
    }

    for label, nbytes in (("1MB", 1 << 20), ("64MB", 64 << 20)):
        host = np.random.default_rng(0).random(nbytes // 4, dtype=np.float32)
        reps = args.repeats if nbytes <= (1 << 20) else max(5, args.repeats // 2)
        h2d, d2h, d2h_copy = [], [], []
        for _ in range(reps + 1):
            t0 = time.perf_counter()
            buf = jax.device_put(host, dev)
            buf.block_until_ready()
            h2d.append(time.perf_counter() - t0)
            # A fresh array each time: JAX caches the host value of an array after one read.
            fresh = jax.device_put(host, dev) + 0
            fresh.block_until_ready()
            t0 = time.perf_counter()
            np.asarray(fresh)  # may alias device memory on CPU (no copy)
            d2h.append(time.perf_counter() - t0)
            fresh2 = jax.device_put(host, dev) + 0
            fresh2.block_until_ready()
            t0 = time.perf_counter()
            np.array(fresh2, copy=True)  # a host copy, as xla-ts makes
            d2h_copy.append(time.perf_counter() - t0)
            del buf, fresh, fresh2
        # the first round warms up
        out["h2d_GBps"][label] = nbytes / statistics.median(h2d[1:]) / 1e9
        out["d2h_GBps"][label] = nbytes / statistics.median(d2h[1:]) / 1e9
        out["d2h_copy_GBps"][label] = nbytes / statistics.median(d2h_copy[1:]) / 1e9

    json.dump(out, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
