/** Where training metrics go: metrics.jsonl, TensorBoard event files, several at once. */
import type { HostMetrics, Logger } from "../workflow.js";
export { JsonlLogger, readJsonl, truncateJsonl, type MetricsRow } from "./jsonl.js";
export { TensorBoardWriter, readEventFile, eventFiles, truncateEvents, scalarEvent, textEvent, decodeEvent, type DecodedEvent } from "./tensorboard.js";
export { crc32c, maskedCrc32c, tfrecord, readTfrecords } from "./tfrecord.js";

/** A logger that forwards to each of `loggers` in turn. */
export function multiLogger(...loggers: (Logger | undefined)[]): Logger {
  const ls = loggers.filter((l): l is Logger => l !== undefined);
  return {
    async log(step: number, metrics: HostMetrics) {
      for (const l of ls) await l.log(step, metrics);
    },
  };
}
