import { readFile } from "node:fs/promises";
import { ConfigError } from "../platform/errors.js";
import type { FailureKind, FailureRecord } from "../platform/types.js";
import { normaliseCause } from "../state/failure-groups.js";
import type { SettingsReader } from "./settings.js";

const KINDS: readonly FailureKind[] = ["transient", "permanent", "timeout", "quarantined"];

/**
 * Which failures a retry-failures pass re-attempts (`retry-filter`): those whose reason
 * contains a text (`cause:HTTP 503`), those of one kind (`kind:transient`), or the ids
 * listed in a file (any other value is that file's path). The rest stay in failures.json.
 */
export type RetryFilter = { by: "cause"; text: string } | { by: "kind"; kind: FailureKind } | { by: "ids"; file: string };

export interface RetrySettings {
  retryFilter?: RetryFilter;
  /** `redo-ids`: a file of done items' ids to process again, with a new idempotency key. */
  redoIdsFile?: string;
}

export function parseRetrySettings(reader: SettingsReader, retryFailures: boolean): RetrySettings {
  const { nameOf } = reader;
  const filterText = reader.text("retry-filter");
  const redoIdsFile = reader.text("redo-ids");
  if (filterText !== undefined && !retryFailures) {
    throw new ConfigError(`${nameOf("retry-filter")} chooses which failures to re-attempt: it needs ${nameOf("retry-failures")}`);
  }
  if (redoIdsFile !== undefined && retryFailures) {
    throw new ConfigError(`${nameOf("redo-ids")} processes done items again in a normal run: it cannot go with ${nameOf("retry-failures")}`);
  }
  return {
    ...(filterText === undefined ? {} : { retryFilter: parseRetryFilter(filterText, nameOf("retry-filter")) }),
    ...(redoIdsFile === undefined ? {} : { redoIdsFile }),
  };
}

export function parseRetryFilter(text: string, what: string): RetryFilter {
  if (text.startsWith("cause:")) {
    const cause = text.slice("cause:".length).trim();
    if (cause === "") throw new ConfigError(`${what}: 'cause:' needs a text, like cause:HTTP 503`);
    return { by: "cause", text: cause };
  }
  if (text.startsWith("kind:")) {
    const kind = text.slice("kind:".length).trim();
    if (!(KINDS as readonly string[]).includes(kind)) throw new ConfigError(`${what}: '${kind}' is not a failure kind; one of ${KINDS.join(", ")}`);
    return { by: "kind", kind: kind as FailureKind };
  }
  return { by: "ids", file: text };
}

/** The filter as a predicate over failures; reads the ids file (a missing one is a ConfigError). */
export async function retryFilterPredicate(filter: RetryFilter, what: string): Promise<(failure: FailureRecord) => boolean> {
  switch (filter.by) {
    case "cause": {
      // Case-insensitive, against the reason itself and its normalised cause (as failures.json groups it).
      const needle = filter.text.toLowerCase();
      return (f) => f.error.toLowerCase().includes(needle) || normaliseCause(f.error).toLowerCase().includes(needle);
    }
    case "kind":
      return (f) => f.kind === filter.kind;
    case "ids": {
      const ids = await readIdList(filter.file, what);
      return (f) => ids.has(f.id);
    }
  }
}

/**
 * A file of ids, one a line; blank lines and lines starting with # are skipped. A JSON
 * Lines file of objects with an "id" works too (failures exported with `failures --format`).
 */
export async function readIdList(path: string, what: string): Promise<Set<string>> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new ConfigError(
      `${what}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); give a file with one id a line`,
    );
  }
  const ids = new Set<string>();
  for (const raw of text.split("\n")) {
    const line = raw.replace(/\r$/, "").trim();
    if (line === "" || line.startsWith("#")) continue;
    ids.add(idOfLine(line));
  }
  return ids;
}

function idOfLine(line: string): string {
  if (!line.startsWith("{")) return line;
  try {
    const value = JSON.parse(line) as { id?: unknown };
    if (typeof value.id === "string" || typeof value.id === "number") return String(value.id);
  } catch {
    // not JSON: the line is the id
  }
  return line;
}
