import { describe, expect, it } from "vitest";
import { stringify } from "csv-stringify/sync";
import { csvField } from "../../src/report/results-export.js";

describe("csvField (the results CSV's fast path)", () => {
  it("writes every kind of cell byte for byte as csv-stringify does", () => {
    const cells: unknown[] = ["", "plain", "a,b", 'say "hi"', "line\nbreak", "cr\rhere", " spaced ", "'=1", "ünï", 0, -0, 42, 1.5, 1e21, -3, "true"];
    for (const value of cells) expect(csvField(value)).toBe(stringify([[value]]).slice(0, -1) || "");
  });

  it("quotes a cell with a delimiter, a quote or a line break", () => {
    expect(csvField('a,"b"')).toBe('"a,""b"""');
    expect(csvField("x\ny")).toBe('"x\ny"');
  });
});
