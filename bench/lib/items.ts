import { createWriteStream } from "node:fs";
import { once } from "node:events";

/** The id of item i: short, sequential, like a row key or a numbered page (12 characters). */
export function itemId(i: number): string {
  return `item-${String(i).padStart(7, "0")}`;
}

export type BenchFormat = "jsonl" | "json" | "csv" | "lines";

/** One item in a format: the same id, number and url in each (the id alone for plain lines). */
function itemText(i: number, format: BenchFormat, last: boolean): string {
  const id = itemId(i);
  switch (format) {
    case "jsonl":
      return `{"id":"${id}","n":${i},"url":"https://example.com/items/${i}"}\n`;
    case "json":
      return `{"id":"${id}","n":${i},"url":"https://example.com/items/${i}"}${last ? "\n" : ",\n"}`;
    case "csv":
      return `${id},${i},https://example.com/items/${i}\n`;
    case "lines":
      return `${id}\n`;
  }
}

/**
 * Writes n items as JSON Lines (`{"id":…,"n":…,"url":…}`, about 70 bytes a line), a JSON
 * array of the same objects (one a line), CSV with a header (id,n,url) or plain lines (the
 * id alone). Written in large chunks: 1M items take well under a second.
 */
export async function writeItems(path: string, n: number, format: BenchFormat, changedEvery = 0): Promise<void> {
  const out = createWriteStream(path);
  const chunk: string[] = [format === "json" ? "[\n" : format === "csv" ? "id,n,url\n" : ""];
  for (let i = 0; i < n; i++) {
    const text = itemText(i, format, i === n - 1);
    // changedEvery: every so many items carry another url, as if edited upstream since.
    chunk.push(changedEvery > 0 && i % changedEvery === 0 ? text.replace(`/items/${i}`, `/items/${i}?v=2`) : text);
    if (chunk.length === 10_000) {
      if (!out.write(chunk.join(""))) await once(out, "drain");
      chunk.length = 0;
    }
  }
  if (format === "json") chunk.push("]\n");
  out.end(chunk.join(""));
  await once(out, "finish");
}
