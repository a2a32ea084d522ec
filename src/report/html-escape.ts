/** Escaping for the HTML report: text into HTML, data into a script element. */

/** Text as HTML element content or a quoted attribute value. */
export function escapeHtml(text: string): string {
  return String(text).replace(/[&<>"']/g, (c) => (c === "&" ? "&amp;" : c === "<" ? "&lt;" : c === ">" ? "&gt;" : c === '"' ? "&quot;" : "&#39;"));
}

/**
 * JSON that is safe inside a `<script type="application/json">` element: `<` is written as
 * `\u003c`, so neither `</script` nor `<!--` can appear, and U+2028/U+2029 are escaped too.
 * `JSON.parse` of the element's text gives the value back unchanged.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}
