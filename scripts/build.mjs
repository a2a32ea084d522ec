// Bundles each entry point with ncc into dist/<name>/index.js (ESM) and writes the
// {"type":"module"} package.json beside it, so `node dist/<name>/index.js` runs as ESM.
import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync, readdirSync, renameSync } from "node:fs";
import { join } from "node:path";

const entries = { main: "src/action/main-entry.ts", post: "src/action/post-entry.ts", cli: "src/cli/cli-entry.ts" };
const only = process.argv.slice(2);
for (const [name, entry] of Object.entries(entries)) {
  if (only.length && !only.includes(name)) continue;
  const out = join("dist", name);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  execFileSync(
    process.execPath,
    [
      "node_modules/@vercel/ncc/dist/ncc/cli.js",
      "build",
      entry,
      "-o",
      out,
      "--target",
      "es2022",
      "--quiet",
      "--no-source-map-register",
      "--license",
      "licenses.txt",
    ],
    { stdio: "inherit" },
  );
  // ncc names ESM output index.js already; keep the package.json marker explicit.
  writeFileSync(join(out, "package.json"), JSON.stringify({ type: "module" }) + "\n");
  for (const f of readdirSync(out)) if (f.endsWith(".mjs")) renameSync(join(out, f), join(out, f.replace(/\.mjs$/, ".js")));
}
