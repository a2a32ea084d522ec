import { isAbsolute, relative, resolve } from "node:path";
import { ConfigError, parseRunSettings, SETTING_DEFAULTS, type RawSettings, type RunSettings, type SettingName } from "../core/index.js";
import type { ActionCore } from "./host.js";

/**
 * Inputs that go straight to the engine's settings parser, by the names the command line
 * uses too. The type check below fails when the parser learns a setting this list lacks.
 */
export const RUN_SETTING_INPUTS = [
  "items",
  "items-command",
  "items-format",
  "id-field",
  "run",
  "module",
  "worker",
  "concurrency",
  "max-attempts",
  "backoff",
  "backoff-max",
  "item-timeout",
  "time-budget",
  "shutdown-grace",
  "transient-exit-codes",
  "retry-failures",
  "max-runs-per-item",
  "max-failure-rate",
  "max-consecutive-failures",
  "rate-limit",
  "shard",
  "repeat",
  "new-pass",
  "reprocess-changed",
  "version-field",
  "results",
  "max-result-size",
  "retry-filter",
  "redo-ids",
  "redact-env",
] as const satisfies readonly SettingName[];

type MissingSettingInputs = Exclude<SettingName, (typeof RUN_SETTING_INPUTS)[number]>;
// A compile error here names a setting that has no action input yet.
const everySettingHasAnInput: MissingSettingInputs extends never ? true : MissingSettingInputs = true;
void everySettingHasAnInput;

/** Inputs only the action has, with the defaults action.yml declares (a test keeps them equal). */
export const ACTION_INPUT_DEFAULTS = {
  "state-key": "default",
  "state-dir": ".resumable-batch",
  "artifact-retention-days": "7",
  "fail-on-item-failure": "false",
  "github-token": "${{ github.token }}",
  mode: "run",
  continue: "none",
  "max-chain": "10",
} as const;

/** Inputs read with `core.getBooleanInput`; action.yml gives each the default "false". */
export const BOOLEAN_INPUTS = ["retry-failures", "fail-on-item-failure", "new-pass", "reprocess-changed", "results"] as const;

/** `run` works through items; `report` merges the state artifacts of a matrix of shards. */
export const MODES = ["run", "report"] as const;
export type Mode = (typeof MODES)[number];

/** `dispatch`: a run stopped by its time budget with items left starts the workflow again. */
export const CONTINUE_MODES = ["none", "dispatch"] as const;
export type ContinueMode = (typeof CONTINUE_MODES)[number];

/** Upper bound of `max-chain`: a chain of runs longer than this is a loop, not a batch. */
export const MAX_CHAIN_LIMIT = 1000;

/** How an input is named in messages: `input 'max-attempts'`. */
export const inputName = (key: string): string => `input '${key}'`;

/** Cache keys and artifact names are built from it, so it keeps to a safe alphabet. */
const STATE_KEY_PATTERN = /^[A-Za-z0-9._-]{1,100}$/;

/** Inputs both modes read: where the state is named, and how runs continue. */
export interface CommonInputs {
  /** Names this batch's state in the cache and in artifacts; also the idempotency namespace. */
  stateKey: string;
  /** Token for the REST API: earlier runs' artifacts (`actions: read`), dispatches (`actions: write`). */
  githubToken: string;
  /** Days the state (or report) artifact is kept (`artifact-retention-days`). */
  artifactRetentionDays: number;
  /** `continue`: whether a budget-stopped run starts the workflow again. */
  continueMode: ContinueMode;
  /** `max-chain`: consecutive runs a chain of dispatches may start. */
  maxChain: number;
}

/** Everything `mode: run` was asked to do, validated before any work. */
export interface ActionInputs extends CommonInputs {
  mode: "run";
  /** The engine's settings: items, handler, retries, timing, shard. */
  settings: RunSettings;
  /** The `state-dir` input as written (relative to the workspace, or absolute). */
  stateDirInput: string;
  /** The state folder, absolute. */
  stateDir: string;
  /** Fail the step when items failed in this run (`fail-on-item-failure`). */
  failOnItemFailure: boolean;
}

/** `mode: report`: merge this workflow run's shard artifacts; items and handler are not read. */
export interface ReportInputs extends CommonInputs {
  mode: "report";
  /** Inputs that were given but mean nothing to a report (a warning names them). */
  ignored: string[];
}

/** The `mode` input; throws ConfigError on anything but run or report. */
export function getMode(core: Pick<ActionCore, "getInput">): Mode {
  const value = core.getInput("mode").trim() || ACTION_INPUT_DEFAULTS.mode;
  if (!(MODES as readonly string[]).includes(value)) throw new ConfigError(`${inputName("mode")}: '${value}' must be ${MODES.join(" or ")}`);
  return value as Mode;
}

/** Reads the inputs of whichever mode the `mode` input names. */
export function getModeInputs(core: Pick<ActionCore, "getInput" | "getBooleanInput">, workspace: string): ActionInputs | ReportInputs {
  return getMode(core) === "report" ? getReportInputs(core) : getInputs(core, workspace);
}

/** Inputs of `mode: report`, validated before any work. */
export function getReportInputs(core: Pick<ActionCore, "getInput">): ReportInputs {
  // The runner passes action.yml's defaults too: only values someone wrote count.
  const defaults: Record<string, string> = {
    ...SETTING_DEFAULTS,
    "retry-failures": "false",
    "new-pass": "false",
    "reprocess-changed": "false",
    results: "false",
  };
  const ignored = RUN_SETTING_INPUTS.filter((key) => {
    const value = core.getInput(key).trim();
    return value !== "" && value.toLowerCase() !== defaults[key];
  });
  return { mode: "report", ...getCommonInputs(core), ignored };
}

function getCommonInputs(core: Pick<ActionCore, "getInput">): CommonInputs {
  const text = (name: string): string => core.getInput(name).trim();
  const stateKey = text("state-key") || ACTION_INPUT_DEFAULTS["state-key"];
  if (!STATE_KEY_PATTERN.test(stateKey)) {
    throw new ConfigError(
      `${inputName("state-key")}: '${stateKey}' may use only letters, digits, '.', '_' and '-' (at most 100), because it becomes part of cache keys and artifact names`,
    );
  }

  const retentionText = text("artifact-retention-days") || ACTION_INPUT_DEFAULTS["artifact-retention-days"];
  if (!/^\d+$/.test(retentionText) || Number(retentionText) < 1 || Number(retentionText) > 400) {
    throw new ConfigError(`${inputName("artifact-retention-days")}: '${retentionText}' must be a whole number of days from 1 to 400`);
  }

  const continueText = text("continue") || ACTION_INPUT_DEFAULTS.continue;
  if (!(CONTINUE_MODES as readonly string[]).includes(continueText)) {
    throw new ConfigError(`${inputName("continue")}: '${continueText}' must be ${CONTINUE_MODES.join(" or ")}`);
  }
  const chainText = text("max-chain") || ACTION_INPUT_DEFAULTS["max-chain"];
  if (!/^\d+$/.test(chainText) || Number(chainText) < 1 || Number(chainText) > MAX_CHAIN_LIMIT) {
    throw new ConfigError(`${inputName("max-chain")}: '${chainText}' must be a whole number from 1 to ${MAX_CHAIN_LIMIT}`);
  }

  return {
    stateKey,
    githubToken: text("github-token"),
    artifactRetentionDays: Number(retentionText),
    continueMode: continueText as ContinueMode,
    maxChain: Number(chainText),
  };
}

/**
 * Reads and validates every input. Throws ConfigError, naming the input and the accepted
 * form, on the first bad value, so a typo fails the step before any work starts.
 */
export function getInputs(core: Pick<ActionCore, "getInput" | "getBooleanInput">, workspace: string): ActionInputs {
  const text = (name: string): string => core.getInput(name).trim();
  const bool = (name: (typeof BOOLEAN_INPUTS)[number]): boolean => {
    // Blank means the default (false); anything else must be a YAML 1.2 boolean.
    if (text(name) === "") return false;
    try {
      return core.getBooleanInput(name);
    } catch {
      throw new ConfigError(`${inputName(name)}: '${text(name)}' must be true or false`);
    }
  };

  const raw: RawSettings = {};
  for (const key of RUN_SETTING_INPUTS) {
    if ((BOOLEAN_INPUTS as readonly string[]).includes(key)) continue;
    const value = text(key);
    if (value !== "") raw[key] = value;
  }
  for (const key of ["retry-failures", "new-pass", "reprocess-changed", "results"] as const) raw[key] = bool(key);
  const parsed = parseRunSettings(raw, inputName);

  const common = getCommonInputs(core);

  const stateDirInput = text("state-dir") || ACTION_INPUT_DEFAULTS["state-dir"];
  const stateDir = resolve(workspace, stateDirInput);
  const fromWorkspace = relative(stateDir, resolve(workspace));
  if (fromWorkspace === "" || (!fromWorkspace.startsWith("..") && !isAbsolute(fromWorkspace))) {
    throw new ConfigError(
      `${inputName("state-dir")}: '${stateDirInput}' is the workspace or a folder above it; give the state a folder of its own, like .resumable-batch`,
    );
  }

  // Paths are the workspace's, whatever the process's working directory.
  const settings: RunSettings = { ...parsed };
  if (parsed.items?.kind === "file") settings.items = { kind: "file", path: resolve(workspace, parsed.items.path) };
  if (parsed.handler.kind === "module") settings.handler = { kind: "module", file: resolve(workspace, parsed.handler.file) };

  return {
    mode: "run",
    ...common,
    settings,
    stateDirInput,
    stateDir,
    failOnItemFailure: bool("fail-on-item-failure"),
  };
}
