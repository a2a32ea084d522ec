/** One line of the results: a figure of this project, what it is compared with, and the verdict. */
export interface Row {
  section: string;
  measure: string;
  /** This project's figure (empty for a reference row). */
  ours: string;
  /** The alternative's figure, or context. */
  other: string;
  ratio: string;
  target?: string;
  /** undefined: not judged (a reference row, or a quick run). */
  pass?: boolean;
  /** Raw numbers, for the JSON. */
  values: Record<string, number>;
}

const COLUMNS = ["Measure", "This project", "Alternative", "Ratio", "Target", "Result"] as const;

function cells(r: Row, indent = ""): string[] {
  return [indent + r.measure, r.ours, r.other, r.ratio, r.target ?? "", r.pass === undefined ? (r.target ? "—" : "") : r.pass ? "PASS" : "FAIL"];
}

/** A plain-text table for the terminal, grouped by section. */
export function formatTable(rows: Row[]): string {
  const widths = COLUMNS.map((c, i) => Math.max(c.length, ...rows.map((r) => [...cells(r, "  ")[i]!].length)));
  const line = (values: readonly string[]) =>
    values
      .map((v, i) => v + " ".repeat(widths[i]! - [...v].length))
      .join("  ")
      .trimEnd();
  const out: string[] = [line(COLUMNS), widths.map((w) => "-".repeat(w)).join("  ")];
  let section = "";
  for (const r of rows) {
    if (r.section !== section) {
      section = r.section;
      out.push(section);
    }
    out.push(line(cells(r, "  ")));
  }
  return out.join("\n") + "\n";
}

/** The same as Markdown (bench/results/latest.md; bench/RESULTS.md is a copy of a full run). */
export function formatMarkdown(header: string[], rows: Row[], notes: string[]): string {
  const esc = (s: string) => s.replace(/\|/g, "\\|");
  const out: string[] = ["# Benchmark results", "", ...header.map((h) => `${h}  `), ""];
  let section = "";
  for (const r of rows) {
    if (r.section !== section) {
      if (section !== "") out.push("");
      section = r.section;
      out.push(`### ${esc(section)}`, "", `| ${COLUMNS.join(" | ")} |`, `|${COLUMNS.map(() => "---").join("|")}|`);
    }
    out.push(`| ${cells(r).map(esc).join(" | ")} |`);
  }
  out.push("", ...notes.flatMap((n) => [n, ""]));
  return out.join("\n");
}
