/**
 * One CSV cell's text, safe to open in a spreadsheet. A cell that starts with `=`, `+`, `-`,
 * `@`, a tab or a carriage return is read by Excel, LibreOffice and Google Sheets as a
 * formula (CSV injection: OWASP, "CSV Injection"); such text gets a leading `'`, which the
 * spreadsheet shows as text. Numbers, including negative ones, are left as they are.
 */
export function formulaSafeCell(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  const text = typeof value === "string" ? value : JSON.stringify(value);
  if (text.length === 0 || !FORMULA_START.test(text) || NUMBER.test(text)) return text;
  return "'" + text;
}

const FORMULA_START = /^[=+\-@\t\r]/;
const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
