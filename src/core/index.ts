/**
 * The engine's public surface: what the adapters (action/, cli/, report/, shared/) may use.
 * Everything else under core/ is internal to the engine (unit tests may still reach in).
 */
export { formatDurationMs, parseDurationMs } from "./config/duration.js";
export { parseRunSettings, type RawSettings, type RunSettings, SETTING_DEFAULTS, type SettingName } from "./config/settings.js";
export { ConfigError, errorMessage, StateError, StateWriteError, StoppedBeforeStartError } from "./platform/errors.js";
export { type Logger } from "./platform/logger.js";
export { shorten } from "./platform/log-text.js";
export { realSystem, type System } from "./platform/system.js";
export { secretValues } from "./platform/secrets.js";
export { type FailureGroup, type FailureRecord, type PassSummary, type RunRecord, type StopReason } from "./platform/types.js";
export { runFromSettings, type RunEnvironment } from "./run/prepare-run.js";
export { type ProgressSnapshot } from "./run/progress.js";
export { describeRunResult, type RunBatchResult } from "./run/run-batch.js";
export { describePassState, nextPassAfter, passHistory } from "./run/passes.js";
export { type StopSignalName, type StopSource } from "./run/stop-controller.js";
export { type BatchState } from "./state/batch-state.js";
export { groupFailures, normaliseCause } from "./state/failure-groups.js";
export { buildFailuresFile, writeFailuresFile, writeFailuresJson } from "./state/failures-file.js";
export { mergeShardStates } from "./state/merge-shards.js";
export { liveLockHolder } from "./state/state-lock.js";
export { FAILURES_FILE, loadState, LOCK_FILE, requireState, SNAPSHOT_FILE, stateExists, writeFileAtomic } from "./state/state-store.js";
export { type OutcomeView } from "./outcomes/outcome-lines.js";
export { listSegments, OUTCOMES_PATTERN, readOutcomes, type ReadOutcome } from "./outcomes/outcome-files.js";
export { viewOf } from "./outcomes/outcome-lines.js";
export { type LineHead } from "./outcomes/line-scan.js";
export {
  countResults,
  HAS_PASS,
  HAS_REDONE,
  HAS_SHARD,
  planResults,
  recordOfHead,
  visitPlannedLines,
  type PlannedLine,
  readPlannedRawResults,
  readPlannedResults,
  readResults,
  type RawResultRecord,
  type ResultRecord,
  type ResultsPlan,
} from "./outcomes/results-reader.js";
export { DURATION_BUCKET_BOUNDS_MS, summariseDurations, type DurationSummary } from "./outcomes/duration-summary.js";
