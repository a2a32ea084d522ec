import { ConfigError } from "../core/index.js";

/**
 * Refuses a flag given with an empty value (`--state-dir=`, `--id-field ""`): taken as
 * "not given" it silently meant the default — and `--state-dir=` made the working folder
 * itself the state folder. A flag left out still means its default.
 */
export function rejectEmptyValues(opts: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(opts)) {
    const values = Array.isArray(value) ? (value as unknown[]) : [value];
    if (values.some((v) => typeof v === "string" && v.trim() === "")) {
      const flag = `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
      throw new ConfigError(`${flag}: the value is empty; give a value, or leave the flag out (where it has a default)`);
    }
  }
}
