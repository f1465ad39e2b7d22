/**
 * Paths to leaves: the keys and indices met on the way down from the root.
 */

/** One step of a path: a record key (string) or an array / child index (number). */
export type PathKey = string | number;

/** The steps from the root of a tree down to one of its leaves. */
export type KeyPath = readonly PathKey[];

/**
 * Joins a path into one string, e.g. `["params", "actor", 0, "kernel"]` →
 * `"params.actor.0.kernel"` (the form used for checkpoint entry names).
 * The root itself (an empty path) is `""`. Keys are not escaped: a key holding the
 * separator makes the result ambiguous, so pick a separator your keys do not use.
 */
export function keyPathString(path: KeyPath, separator = "."): string {
  return path.join(separator);
}
