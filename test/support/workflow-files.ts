import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";

/** A workflow of this repository: a file, or a YAML example in a markdown page. */
export interface WorkflowText {
  /** `examples/workflows/caller.yml`, or `README.md:212` for a fenced example. */
  where: string;
  text: string;
}

const FOLDERS = [".github/workflows", "examples/workflows"];
const PAGES = ["README.md", "examples/demo/README.md"];

/** Every workflow file and every fenced ```yaml example that is a workflow (has `jobs:`). */
export function repositoryWorkflows(root: string): WorkflowText[] {
  const files = FOLDERS.filter((dir) => existsSync(join(root, dir))).flatMap((dir) =>
    readdirSync(join(root, dir))
      .filter((f) => /\.ya?ml$/.test(f))
      .sort()
      .map((f) => ({ where: `${dir}/${f}`, text: readFileSync(join(root, dir, f), "utf8") })),
  );
  const examples = PAGES.filter((page) => existsSync(join(root, page))).flatMap((page) =>
    fencedWorkflows(page, readFileSync(join(root, page), "utf8")),
  );
  return [...files, ...examples];
}

/** The ```yaml blocks of a markdown page that parse to a mapping with `jobs`. */
export function fencedWorkflows(page: string, markdown: string): WorkflowText[] {
  const found: WorkflowText[] = [];
  const fence = /^```ya?ml\n([\s\S]*?)^```/gm;
  for (const m of markdown.matchAll(fence)) {
    const text = m[1]!;
    let doc: unknown;
    try {
      doc = parse(text);
    } catch {
      continue;
    }
    if (doc && typeof doc === "object" && "jobs" in doc) {
      const line = markdown.slice(0, m.index).split("\n").length + 1;
      found.push({ where: `${page}:${line}`, text });
    }
  }
  return found;
}
