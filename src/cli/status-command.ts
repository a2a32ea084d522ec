import { describePassState, formatDurationMs, liveLockHolder, nextPassAfter, passHistory, requireState, type PassSummary } from "../core/index.js";
import type { CliIo } from "./cli-io.js";

/** `resumable-batch status`: what a state folder holds, read without taking its lock. */
export function statusCommand(stateDir: string, asJson: boolean, io: CliIo): number {
  const { state, warnings } = requireState(stateDir);
  const byKind: Record<string, number> = {};
  for (const f of state.failures.values()) byKind[f.kind] = (byKind[f.kind] ?? 0) + 1;
  const lastRun = state.runs[state.runs.length - 1];
  const lastNormal = state.lastNormalRun();
  const holder = liveLockHolder(stateDir);
  // A run going on now has not ended: its record has no stop reason yet.
  const running = holder ? { pid: holder.pid, startedAt: holder.startedAt } : undefined;
  const status = {
    stateDir,
    done: state.doneCount,
    failed: state.failures.size,
    failedByKind: byKind,
    total: lastNormal?.total,
    remaining: lastNormal?.remaining,
    runs: state.runs.length,
    seq: state.origin.seq,
    lastRun,
    pass: state.pass,
    passStartedAt: state.passStartedAt,
    passCompletedAt: state.passCompletedAt,
    nextPassAfter: nextPassAfter(state, state.repeatMs),
    passes: passHistory(state),
    ...(running ? { running } : {}),
  };
  for (const w of warnings) io.stderr.write(`warning: ${w}\n`);
  if (asJson) {
    io.stdout.write(JSON.stringify(status, null, 2) + "\n");
    return 0;
  }
  if (state.runs.length === 0 && state.doneCount === 0) {
    io.stdout.write(`${stateDir}: no state yet (nothing has run here)\n`);
    return 0;
  }
  const kinds = Object.entries(byKind)
    .map(([k, n]) => `${n} ${k}`)
    .join(", ");
  io.stdout.write(
    [
      `state:     ${stateDir} (${state.runs.length} run(s), state #${state.origin.seq})`,
      `pass:      ${describePassState(state, state.repeatMs, Date.now())}`,
      `done:      ${state.doneCount}${status.total !== undefined ? ` of ${status.total}` : ""}${state.pass > 1 ? ` in pass ${state.pass}` : ""}`,
      `failed:    ${state.failures.size}${kinds ? ` (${kinds})` : ""}`,
      status.remaining !== undefined ? `left:      ${status.remaining} (as of the last run)` : undefined,
      state.passes.length > 0 ? `passes:    ${state.passes.slice(-5).map(describePass).join("\n           ")}` : undefined,
      lastRun
        ? `last run:  ${lastRun.mode} ${lastRun.startedAt} — ${lastRun.succeeded} succeeded, ${lastRun.failed} failed, ${lastRun.stopReason ?? (running ? `running now (pid ${running.pid ?? "?"})` : "did not stop cleanly")}`
        : undefined,
    ]
      .filter(Boolean)
      .join("\n") + "\n",
  );
  return 0;
}

/** One finished pass for the status text. */
function describePass(p: PassSummary): string {
  const tookMs = p.startedAt && p.completedAt ? Date.parse(p.completedAt) - Date.parse(p.startedAt) : undefined;
  return (
    `pass ${p.pass}: ${p.succeeded} succeeded, ${p.failed} failed, ${p.runs} run(s), started ${p.startedAt ?? "?"}, ` +
    (p.completedAt ? `complete after ${formatDurationMs(tookMs!)}` : "not complete when the next pass started")
  );
}
