// The process-wide cache of compiled executables, keyed by StableHLO text: bounded, so that a
// program traced for ever new shapes does not keep every executable (and its native memory)
// alive. Eviction disposes the executable, which frees its memory in the plugin; computations
// already running keep what they need.
//
// Replacement is CLOCK (second chance), an approximation of least-recently-used whose hit
// costs one property store: a hit marks the entry used; eviction walks from the oldest entry,
// moving used ones to the back with the mark cleared, and disposes the first unused one.

/** What the cache holds: anything with an executable to dispose. */
export interface Cached {
  readonly exe: { dispose(): void; readonly disposed: boolean };
  /** Set on every hit (the CLOCK reference bit). */
  used?: boolean;
}

/** Default capacity: XLA_TS_EXECUTABLE_CACHE_SIZE, else 256 executables. */
export const DEFAULT_EXECUTABLE_CACHE_SIZE = 256;

function envCapacity(): number {
  const v = process.env.XLA_TS_EXECUTABLE_CACHE_SIZE;
  if (v === undefined || v === "") return DEFAULT_EXECUTABLE_CACHE_SIZE;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`XLA_TS_EXECUTABLE_CACHE_SIZE must be a positive integer, got "${v}"`);
  return n;
}

export class ExecutableCache<V extends Cached> {
  readonly #map = new Map<string, V>();
  #capacity: number;
  /** Executables disposed to make room. */
  evictions = 0;

  constructor(capacity = envCapacity()) {
    this.#capacity = checkCapacity(capacity);
  }

  get size(): number {
    return this.#map.size;
  }
  get capacity(): number {
    return this.#capacity;
  }

  get(key: string): V | undefined {
    const v = this.#map.get(key);
    if (v === undefined) return undefined;
    if (v.exe.disposed) {
      this.#map.delete(key);
      return undefined;
    }
    v.used = true;
    return v;
  }

  set(key: string, v: V): void {
    this.#map.delete(key);
    this.#map.set(key, v);
    v.used = false;
    this.#shrink();
  }

  /** Changes the capacity, disposing executables beyond it. */
  resize(capacity: number): void {
    this.#capacity = checkCapacity(capacity);
    this.#shrink();
  }

  /** Disposes every executable. */
  clear(): void {
    for (const v of this.#map.values()) v.exe.dispose();
    this.#map.clear();
  }

  #shrink(): void {
    // At most one full pass clears every reference bit, so this loop ends.
    while (this.#map.size > this.#capacity) {
      const [key, v] = this.#map.entries().next().value as [string, V];
      this.#map.delete(key);
      if (v.used && !v.exe.disposed) {
        v.used = false;
        this.#map.set(key, v);
        continue;
      }
      v.exe.dispose();
      this.evictions++;
    }
  }
}

function checkCapacity(n: number): number {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`executable cache size must be a positive integer, got ${n}`);
  return n;
}
