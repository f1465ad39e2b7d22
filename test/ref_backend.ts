// Shared by the test files that run on the interpreter backend (small programs, no compiles).
import { afterAll, beforeAll } from "vitest";
import { backendName, setBackend } from "../src/core/index.js";
import { Array as ConcreteArray, type Value } from "../src/core/values.js";

/** Switches to the `ref` backend for the file's tests and restores the previous one after. */
export function useRefBackend(): void {
  let prev: ReturnType<typeof backendName>;
  beforeAll(() => {
    prev = backendName();
    setBackend("ref");
  });
  afterAll(() => setBackend(prev));
}

/** A concrete array's values as JS numbers. */
export const host = (v: Value): number[] => [...(v as ConcreteArray).dataSync()].map(Number);
/** A concrete array's first value. */
export const num = (v: Value): number => host(v)[0]!;
