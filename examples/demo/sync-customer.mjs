/**
 * The demo's handler (`--module`): "syncs" one customer from the CRM into a CSV file,
 * out/customers.csv, upserting by id. It simulates what a real sync meets:
 *
 * - latency: every call waits 15–35 ms, as an API round trip would;
 * - flaky upstream: a few calls fail with HTTP 503 or 429 (with Retry-After) and succeed
 *   when retried. Which ones is decided by a hash of id + attempt, so every run of the
 *   demo behaves the same;
 * - bad data: one record has `mrr: "N/A"`; it fails permanently with a clear reason, and
 *   the batch goes on. out/corrections.json (if you write it) fixes records by id.
 *
 * Idempotent: a row is written once per id. If a run is killed after a row was written
 * but before the engine recorded the item as done, the rerun finds the row and skips it.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";

const OUT_DIR = new URL("./out/", import.meta.url);
const CSV_FILE = new URL("customers.csv", OUT_DIR);
const CORRECTIONS_FILE = new URL("corrections.json", OUT_DIR);
const COLUMNS = ["id", "name", "email", "company", "country", "plan", "seats", "mrr_usd", "customer_since", "idempotency_key"];

mkdirSync(OUT_DIR, { recursive: true });
if (!existsSync(CSV_FILE)) appendFileSync(CSV_FILE, COLUMNS.join(",") + "\n");
/** Ids with a row already: read once per run (the module is loaded once per run). */
const written = new Set(
  readFileSync(CSV_FILE, "utf8")
    .split("\n")
    .slice(1)
    .filter(Boolean)
    .map((line) => line.slice(0, line.indexOf(","))),
);
const corrections = existsSync(CORRECTIONS_FILE) ? JSON.parse(readFileSync(CORRECTIONS_FILE, "utf8")) : {};

/** A stable number in [0, 1) for this id and attempt. */
function chance(id, attempt) {
  return createHash("sha256").update(`${id}:${attempt}`).digest().readUInt32BE(0) / 2 ** 32;
}

function csvField(value) {
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export default async function syncCustomer(record, ctx) {
  // 1. "Fetch" from the API: latency, and now and then an outage.
  await sleep(15 + chance(ctx.id, 0) * 20, undefined, { signal: ctx.signal });
  const roll = chance(ctx.id, ctx.attempt);
  if (ctx.attempt < 3 && roll < 0.015) {
    throw Object.assign(new Error(`CRM API answered 503 Service Unavailable for ${ctx.id}`), { status: 503 });
  }
  if (ctx.attempt < 3 && roll < 0.02) {
    throw new ctx.TransientError(`CRM API answered 429 Too Many Requests for ${ctx.id}`, { retryAfterMs: 300 });
  }

  // 2. Validate and transform. Bad data is permanent: retrying cannot fix it.
  const customer = { ...record, ...corrections[ctx.id] };
  if (typeof customer.mrr !== "number" || !Number.isFinite(customer.mrr) || customer.mrr < 0) {
    throw new ctx.PermanentError(`field 'mrr' is ${JSON.stringify(customer.mrr)}, expected a non-negative number of USD`);
  }
  if (!/^[^@\s]+@[^@\s]+$/.test(customer.email)) {
    throw new ctx.PermanentError(`field 'email' is ${JSON.stringify(customer.email)}, not an email address`);
  }

  // 3. Upsert by id: written once, whatever happens to the run.
  if (written.has(ctx.id)) return;
  const row = [
    customer.id,
    customer.name,
    customer.email,
    customer.company,
    customer.country,
    customer.plan,
    customer.seats,
    customer.mrr.toFixed(2),
    customer.createdAt.slice(0, 10),
    ctx.idempotencyKey,
  ];
  appendFileSync(CSV_FILE, row.map(csvField).join(",") + "\n");
  written.add(ctx.id);
}
