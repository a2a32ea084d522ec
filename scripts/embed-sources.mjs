// Generates TypeScript modules that carry the text of non-TypeScript source files, so the
// ncc bundle holds them and the files themselves stay real files an editor and a linter
// understand (graphile-worker does the same for its SQL). `npm run build`, `typecheck` and
// `test` run it first; `--check` exits 1 when a generated module is out of date.
import { readFileSync, writeFileSync } from "node:fs";
import { basename } from "node:path";

/** Each embedded file, the module generated from it, and the constant it exports. */
const EMBEDDED = [
  {
    source: "src/core/handlers/command/spawn-server.py",
    module: "src/core/handlers/command/spawn-server-source.ts",
    name: "SPAWN_SERVER_SOURCE",
    doc: [
      "The spawn server's source: a Python 3.8+ program (stdlib only) that starts item commands",
      "with posix_spawn for the Node process that started it. Forking Node itself (a ~100 MB",
      "process) is what caps child_process.spawn at ~950 items/s on 2 cores; a small Python",
      "process spawns as fast as xargs. spawn-server.ts starts it with `python3 -I -S -c` and",
      "describes the protocol; it is a string here so the ncc bundle carries it.",
    ],
  },
  {
    source: "src/report/html-report.css",
    module: "src/report/html-report-style.ts",
    name: "HTML_REPORT_STYLE",
    doc: ["The HTML report's stylesheet, inlined into its <style> element (the page loads nothing)."],
  },
  {
    source: "src/report/html-report-client.js",
    module: "src/report/html-report-script.ts",
    name: "HTML_REPORT_SCRIPT",
    doc: [
      "The HTML report's client: filter (debounced), sort, page. Only `textContent` is ever set",
      "from data. Inlined into the page's <script> element and allowed by its hash in the",
      "page's Content-Security-Policy. Plain ES2017, no modules: it runs as a classic script.",
    ],
  },
];

/** The generated module's text: one JSON string per line of the source, joined again. */
function renderModule(entry, text) {
  const lines = text.split("\n").map((line) => `  ${JSON.stringify(line)},`);
  return [
    `// auto-generated from ${basename(entry.source)} by scripts/embed-sources.mjs, do not edit.`,
    "",
    "/**",
    ...entry.doc.map((line) => ` * ${line}`),
    " */",
    `export const ${entry.name} = [`,
    ...lines,
    '].join("\\n");',
    "",
  ].join("\n");
}

const check = process.argv.includes("--check");
let stale = 0;
for (const entry of EMBEDDED) {
  const wanted = renderModule(entry, readFileSync(entry.source, "utf8"));
  let current = "";
  try {
    current = readFileSync(entry.module, "utf8");
  } catch {
    // not generated yet
  }
  if (current === wanted) continue;
  if (check) {
    console.error(`${entry.module} is out of date with ${entry.source}: run 'npm run embed'`);
    stale++;
  } else {
    writeFileSync(entry.module, wanted);
  }
}
process.exitCode = stale > 0 ? 1 : 0;
