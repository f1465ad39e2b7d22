// Observations → Q-table rows: a Discrete observation is its own row; a Box one is cut into a
// grid of gridSize[d] equal cells per dimension between the bounds (values outside fall in the
// edge cells), rows numbered row-major (the last dimension fastest).
import type { Value } from "../../core/values.js";
import { numpy as np } from "../../numpy/index.js";
import { Box, Discrete, type Space } from "../../envs/spaces.js";

export interface Grid {
  /** Rows of the Q-table (cells of the grid, or the Discrete space's n). */
  readonly numCells: number;
  /** The row of each observation: [...batch] int32 for observations [...batch, ...obsShape]. */
  cell(obs: Value): Value;
}

export interface GridOptions {
  gridSize: readonly number[];
  obsLow: readonly number[] | null;
  obsHigh: readonly number[] | null;
}

export function makeGrid(space: Space, o: GridOptions): Grid {
  if (space instanceof Discrete) {
    return { numCells: space.n, cell: (obs) => np.astype(space.start ? np.subtract(obs, space.start) : obs, "int32") };
  }
  if (!(space instanceof Box) || space.shape.length !== 1)
    throw new TypeError(`QLearning: needs a Discrete or a 1-D Box observation space, got ${space}`);
  const D = space.shape[0]!;
  const sizes = o.gridSize.length === 1 ? new Array<number>(D).fill(o.gridSize[0]!) : [...o.gridSize];
  if (sizes.length !== D) throw new TypeError(`QLearning: gridSize = [${o.gridSize.join(", ")}] must have 1 or ${D} values (the observation space is ${space})`);
  const bound = (given: readonly number[] | null, fromSpace: readonly number[], what: "obsLow" | "obsHigh") => {
    const b = given ?? fromSpace;
    if (b.length !== D) throw new TypeError(`QLearning: ${what} = [${b.join(", ")}] must have ${D} values (the observation space is ${space})`);
    b.forEach((x, d) => {
      if (!Number.isFinite(x)) throw new TypeError(`QLearning: the grid's bound ${what}[${d}] is ${x} (from the space ${space}); give finite bounds with ${what}=[...]`);
    });
    return [...b];
  };
  const low = bound(o.obsLow, space.lowValues, "obsLow");
  const high = bound(o.obsHigh, space.highValues, "obsHigh");
  low.forEach((l, d) => {
    if (!(high[d]! > l)) throw new TypeError(`QLearning: obsHigh[${d}] = ${high[d]} must exceed obsLow[${d}] = ${l}`);
  });
  const numCells = sizes.reduce((a, b) => a * b, 1);
  if (numCells > 2 ** 31 - 1) throw new TypeError(`QLearning: the grid has ${numCells} cells (gridSize [${sizes.join(", ")}]), more than int32 rows`);
  const strides = sizes.map((_, d) => sizes.slice(d + 1).reduce((a, b) => a * b, 1));
  const lowA = np.array(low, "float32");
  const width = np.array(high.map((h, d) => (h - low[d]!) / sizes[d]!), "float32");
  const maxIdx = np.array(sizes.map((s) => s - 1), "int32");
  const strideA = np.array(strides, "int32");
  return {
    numCells,
    cell(obs: Value): Value {
      const x = np.astype(obs, "float32");
      const idx = np.clip(np.astype(np.floor(np.divide(np.subtract(x, lowA), width)), "int32"), 0, maxIdx);
      return np.astype(np.sum(np.multiply(idx, strideA), -1), "int32");
    },
  };
}
