import { afterAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { parse as parseCsv } from "csv-parse";
import { readCsvRecords, type CsvEntry } from "../../src/core/input/csv-source.js";
import { splitJsonArray } from "../../src/core/input/json-array-splitter.js";
import { readLineBatches } from "../../src/core/input/line-reader.js";

// The line-at-a-time paths of the CSV and JSON-array readers must give exactly what the
// general parsers give: every record or element, its line, and every problem's line and text.

const dir = mkdtempSync(join(tmpdir(), "rb-fast-split-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let fileNumber = 0;
function file(text: string): string {
  const path = join(dir, `f${fileNumber++}`);
  writeFileSync(path, text);
  return path;
}

async function all<T>(batches: AsyncIterable<T[]>): Promise<T[]> {
  const out: T[] = [];
  for await (const batch of batches) out.push(...batch);
  return out;
}

/** The reference: csv-parse over the whole decoded file, as the reader did before it split plain lines itself. */
async function csvParseAll(path: string): Promise<CsvEntry[]> {
  async function* text(): AsyncGenerator<string> {
    for await (const { texts } of readLineBatches(path)) yield texts.join("\n") + "\n";
  }
  const parser = Readable.from(text()).pipe(parseCsv({ columns: true, bom: true, skip_empty_lines: true, info: true }));
  const out: CsvEntry[] = [];
  try {
    for await (const row of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
      let line = row.info.lines;
      for (const value of Object.values(row.record)) line -= value.split("\n").length - 1;
      out.push({ record: row.record, line });
    }
  } catch (error) {
    const e = error as { lines?: number; message: string };
    out.push({ problem: { line: e.lines ?? 0, message: `CSV: ${e.message}` } });
  }
  return out;
}

/**
 * A problem rejects the whole input (nothing runs), so then only the problems count; and
 * csv-parse's stream drops the records it had parsed but not handed out when it fails.
 */
function comparable(entries: CsvEntry[]): CsvEntry[] {
  const problems = entries.filter((e) => e.problem);
  return problems.length > 0 ? problems : entries;
}

describe("CSV: plain lines split directly, the rest by csv-parse", () => {
  const cases: Record<string, string> = {
    plain: "id,n,url\na,1,https://x/1\nb,2,https://x/2\n",
    "CRLF, BOM, empty lines, no final newline": "\ufeffid,n\r\n\r\na,1\r\n\r\nb,2",
    "a quoted field with a comma and a newline midway, plain lines after it": 'id,note\na,plain\nb,"x, ""y""\nz"\nc,plain\n\nd,plain\n',
    "too few fields on line 4": "id,n\na,1\nb,2\nc\nd,4\n",
    "too many fields after a quoted one": 'id,n\n"a",1\nb,2,3\n',
    "a stray quote": 'id,n\na,1\nb"x,2\n',
    "a quoted header": '"id",n\na,1\nb,2\n',
    "leading empty lines": "\n\nid,n\na,1\n",
    "a carriage return inside a line": "id,n\na,1\rb,2\nc,3\n",
    "duplicate and odd column names": "id,id,__proto__,\na,b,c,d\n",
    "header only": "id,n\n",
    empty: "",
    "one column": "id\na\n\nb\n",
  };
  for (const [name, text] of Object.entries(cases)) {
    it(`gives what csv-parse gives: ${name}`, async () => {
      const path = file(text);
      expect(comparable(await all(readCsvRecords(path)))).toEqual(comparable(await csvParseAll(path)));
    });
  }

  it("hands a quoted field to csv-parse after thousands of plain lines, with the file's line numbers", async () => {
    const rows = Array.from({ length: 5000 }, (_, i) => `id-${i},${i}`);
    rows.splice(4000, 0, '"quoted\nid",x', "bad");
    const path = file("id,n\n" + rows.join("\n") + "\n");
    const got = await all(readCsvRecords(path));
    expect(comparable(got)).toEqual(comparable(await csvParseAll(path)));
    expect(got.at(-1)).toEqual({ problem: { line: 4004, message: expect.stringContaining("on line 4004") } });
  });
});

describe("JSON array: an element alone on its line is parsed whole", () => {
  const cases: Record<string, string> = {
    "one a line": '[\n{"id":"a","n":1},\n{"id":"b","n":2}\n]\n',
    "indented, spaces around the comma": '[\n  {"id":"a"} ,  \n\t{"id":"b"},\n  {"id":"c"}]',
    "strings holding commas and brackets": '[\n{"id":"a","s":"},{"},\n{"id":"b","s":"\\"],"},\n{"id":"c"}\n]',
    "two on a line": '[\n{"id":"a"}, {"id":"b"},\n{"id":"c"}\n]',
    "pretty-printed": '[\n  {\n    "id": "a",\n    "n": 1\n  },\n  {\n    "id": "b"\n  }\n]\n',
    "a trailing comma": '[\n{"id":"a"},\n]\n',
    "an invalid element": '[\n{"id":"a"},\n{"id": nope},\n{"id":"c"}\n]\n',
    "not closed": '[\n{"id":"a"},\n{"id":"b"},\n',
    "text after the end": '[\n{"id":"a"}\n]\nx\n',
    "first element on the bracket's line": '[{"id":"a"},\n{"id":"b"}]\n',
  };
  for (const [name, text] of Object.entries(cases)) {
    it(`gives what the character loop gives: ${name}`, async () => {
      const path = file(text);
      const fast = await all(splitJsonArray(readLineBatches(path)));
      const slow = await all(splitJsonArray(readLineBatches(path), false));
      expect(fast.map((e) => (e.problem ? e : { text: e.text, line: e.line }))).toEqual(slow);
      for (const e of fast) if (!e.problem && "value" in e) expect(e.value).toEqual(JSON.parse(e.text));
    });
  }

  it("parses the usual layout in the splitter", async () => {
    const path = file('[\n{"id":"a"},\n{"id":"b"}\n]\n');
    const [first] = await all(splitJsonArray(readLineBatches(path)));
    expect(first).toEqual({ text: '{"id":"a"}', line: 2, value: { id: "a" } });
  });
});
