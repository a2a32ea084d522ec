import type { Item } from "../platform/types.js";

/**
 * The item's JSON as the input wrote it, when writing its parsed value again would change
 * it (a number past a double's precision, 1.0, 1e3, -0); undefined when JSON.stringify of
 * the data says the same. Commands, workers and stored failures take this text, so a
 * handler gets the item exactly as it was written (issue 12 §5).
 *
 * Asked only where an item is written out as JSON: testing every item as it was read cost
 * about a tenth of a 1M-item run of a module, which never needs it.
 */
export function exactJson(item: Item): string | undefined {
  return item.raw !== undefined && NUMBER_REWRITTEN_DIFFERENTLY.test(item.raw) ? item.raw : undefined;
}

/** The item as it should be kept for later (a retained or stored item): its text only when exactJson needs it. */
export function withExactJsonOnly(item: Item): Item {
  if (item.raw === undefined || NUMBER_REWRITTEN_DIFFERENTLY.test(item.raw)) return item;
  return { id: item.id, data: item.data, line: item.line };
}

/**
 * Text that may hold a number JSON.stringify would write differently than the source: 16 or
 * more digits in a row (past a double's precision), a fraction or an exponent (1.0, 1e3),
 * or -0. A number of at most 15 digits without either comes back as it was written.
 *
 * Only numbers are looked at: in an object a number follows a colon, a comma or a bracket
 * (and JSON whitespace), so the search starts at those, not at every digit — the ids and
 * urls of an item are full of digits, and starting at each cost 2.5× as much (0.28 s → 0.12 s
 * per pass over 1M lines). A string holding such a colon and number (`"a:1.5"`) keeps its
 * text without need, which is harmless.
 */
export const NUMBER_REWRITTEN_DIFFERENTLY = /[:,[][ \t\n\r]*(?:-0(?![\d.eE])|-?\d(?:\d{15}|\d*[.eE]))/;
