import { createWriteStream } from "node:fs";
import { once } from "node:events";

/** The id of item i: short, sequential, like a row key or a numbered page (12 characters). */
export function itemId(i: number): string {
  return `item-${String(i).padStart(7, "0")}`;
}

/**
 * Writes n items as JSON Lines (`{"id":…,"n":…,"url":…}`, about 70 bytes a line) or as
 * plain lines (the id alone). Written in large chunks: 1M items take well under a second.
 */
export async function writeItems(path: string, n: number, format: "jsonl" | "lines"): Promise<void> {
  const out = createWriteStream(path);
  const chunk: string[] = [];
  for (let i = 0; i < n; i++) {
    const id = itemId(i);
    chunk.push(format === "jsonl" ? `{"id":"${id}","n":${i},"url":"https://example.com/items/${i}"}\n` : `${id}\n`);
    if (chunk.length === 10_000) {
      if (!out.write(chunk.join(""))) await once(out, "drain");
      chunk.length = 0;
    }
  }
  out.end(chunk.join(""));
  await once(out, "finish");
}
