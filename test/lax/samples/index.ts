// Every family's cases, for the conformance suite. A family adds its file here.
import type { Sample } from "./types.js";
import { samples as custom } from "./custom.js";
import { samples as elementwise } from "./elementwise.js";
import { samples as shape } from "./shape.js";
import { samples as gather } from "./gather.js";
import { samples as control } from "./control.js";
import { samples as reduce } from "./reduce.js";
import { samples as sort } from "./sort.js";
import { samples as dot } from "./dot.js";
import { samples as conv } from "./conv.js";

export function allSamples(): Sample[] {
  return [...custom, ...elementwise, ...shape, ...gather, ...control, ...reduce, ...sort, ...dot, ...conv];
}
