import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT, prepareCli } from "./helpers.js";

const packageJson = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as {
  version: string;
  dependencies?: Record<string, string>;
  devDependencies: Record<string, string>;
  files: string[];
  bin: Record<string, string>;
};

describe("the command line as an npm package", () => {
  it("prints the package's version with --version and -V, from a copy of the bundle outside the repository", () => {
    const cli = prepareCli();
    for (const flag of ["--version", "-V"]) {
      expect(execFileSync(process.execPath, [cli, flag], { encoding: "utf8" }).trim()).toBe(packageJson.version);
    }
  });

  it("installs no dependencies: every library is bundled into dist/cli, so they are devDependencies", () => {
    expect(packageJson.dependencies ?? {}).toEqual({});
    for (const lib of ["commander", "csv-parse", "csv-stringify", "parse-duration", "@actions/core"])
      expect(packageJson.devDependencies).toHaveProperty(lib);
    expect(packageJson.bin["resumable-batch"]).toBe("dist/cli/index.js");
    expect(packageJson.files).toContain("dist/cli");
  });

  it("the bundle imports nothing but Node's own modules", () => {
    const bundle = readFileSync(prepareCli(), "utf8");
    const imported = new Set<string>();
    for (const m of bundle.matchAll(/\bfrom\s*"([^"]+)"|\bimport\(\s*"([^"]+)"\s*\)|\brequire\(\s*"([^"]+)"\s*\)/g))
      imported.add((m[1] ?? m[2] ?? m[3])!);
    const builtins = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));
    // Only what looks like a package name: the bundle's strings contain `from "…"` too.
    const packages = [...imported].filter((name) => /^(@[a-z0-9-]+\/)?[a-z0-9][\w.-]*(\/[\w./-]+)?$/i.test(name));
    expect(packages.length).toBeGreaterThan(0);
    expect(packages.filter((name) => !builtins.has(name))).toEqual([]);
  });
});
