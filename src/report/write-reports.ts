import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { type BatchState, writeFailuresFile, writeFileAtomic } from "../core/index.js";
import { renderHtmlReport } from "./html-report.js";
import { renderRunSummaryMarkdown, type RunSummaryInput } from "./markdown.js";

export const SUMMARY_FILE = "summary.md";
export const REPORT_FILE = "report.html";

/** Writes failures.json, summary.md and report.html for people to review. */
export function writeReports(
  dir: string,
  state: BatchState,
  input: RunSummaryInput,
  nowIso: string,
  htmlPath = join(dir, REPORT_FILE),
): { summaryMarkdown: string } {
  mkdirSync(dir, { recursive: true });
  writeFailuresFile(dir, state);
  const summaryMarkdown = renderRunSummaryMarkdown(input);
  writeFileAtomic(join(dir, SUMMARY_FILE), summaryMarkdown);
  writeFileAtomic(htmlPath, renderHtmlReport({ ...input, generatedAt: nowIso }));
  return { summaryMarkdown };
}
