import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

const root = join(import.meta.dirname, "../..");
const action = parse(readFileSync(join(root, "action.yml"), "utf8")) as {
  inputs: Record<string, { default?: string }>;
  outputs: Record<string, unknown>;
};
const readme = readFileSync(join(root, "README.md"), "utf8");

/** Rows of the README's inputs and outputs tables: first cell (a `code` name) → second cell. */
function tableRows(): { inputs: Map<string, string>; outputs: Map<string, string> } {
  const start = readme.indexOf("### Inputs and outputs");
  const section = readme.slice(start, readme.indexOf("\n## ", start));
  const inputs = new Map<string, string>();
  const outputs = new Map<string, string>();
  let table: Map<string, string> | undefined;
  for (const line of section.split("\n")) {
    if (line.startsWith("| Input |")) table = inputs;
    else if (line.startsWith("| Output |")) table = outputs;
    const m = /^\| `([a-z-]+)` \| ([^|]*) \|/.exec(line);
    if (m && table) table.set(m[1]!, m[2]!.trim());
  }
  return { inputs, outputs };
}

describe("README's action tables", () => {
  const { inputs, outputs } = tableRows();

  it("list every input and output of action.yml, and nothing else", () => {
    expect([...inputs.keys()].sort()).toEqual(Object.keys(action.inputs).sort());
    expect([...outputs.keys()].sort()).toEqual(Object.keys(action.outputs).sort());
  });

  it("give each input's default as action.yml does", () => {
    for (const [name, spec] of Object.entries(action.inputs)) {
      const shown = inputs.get(name)!;
      if (spec.default === undefined || spec.default === "") expect(shown, name).toMatch(/^(—|none|by extension)$/);
      else expect(shown, name).toBe(`\`${spec.default}\``);
    }
  });
});
