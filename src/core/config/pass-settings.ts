import { ConfigError } from "../platform/errors.js";
import type { SettingName, SettingsReader } from "./settings.js";

/** Settings of recurring work: passes that start again, and items processed again when they change. */
export interface PassSettings {
  /** `repeat`: a complete pass starts again once this long has passed since it started. */
  repeatMs?: number;
  /** `new-pass`: start the next pass now. */
  newPass: boolean;
  /** `reprocess-changed`: process an item again when its content changed since it was done. */
  reprocessChanged: boolean;
  /** `version-field`: fingerprint this field instead of the whole item. */
  versionField?: string;
}

/** A boolean setting: true, false or absent (the CLI gives true for a bare flag). */
function booleanSetting(reader: SettingsReader, key: SettingName): boolean {
  const text = reader.text(key);
  if (text !== undefined && text !== "true" && text !== "false") throw new ConfigError(`${reader.nameOf(key)}: '${text}' must be true or false`);
  return reader.isTrue(key);
}

/** repeat, new-pass, reprocess-changed and version-field. */
export function parsePassSettings(reader: SettingsReader, retryFailures: boolean): PassSettings {
  const { nameOf } = reader;
  const repeatText = reader.text("repeat");
  const repeatMs = repeatText === "none" ? undefined : reader.positiveDuration("repeat");
  const newPass = booleanSetting(reader, "new-pass");
  if (newPass && retryFailures) {
    throw new ConfigError(
      `give ${nameOf("new-pass")} or ${nameOf("retry-failures")}, not both: a new pass attempts every item again, failed ones included`,
    );
  }
  const versionField = reader.text("version-field");
  return {
    repeatMs,
    newPass,
    reprocessChanged: booleanSetting(reader, "reprocess-changed"),
    ...(versionField === undefined ? {} : { versionField }),
  };
}
