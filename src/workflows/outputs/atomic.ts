// Whole output files are written atomically with the checkpoint layer's writer.
export { writeFileAtomic } from "../../io/atomic.js";
