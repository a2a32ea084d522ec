import { unserialisableReason } from "../handlers/item-json.js";
import { recordLine, type FailRecord } from "../state/journal-records.js";

/**
 * The journal line of a failure, made storable whatever the item is: an item nested too
 * deeply for JSON.stringify (it passed the input check: JSON.parse does not recurse) is
 * stored without its data (`item: null`, said in the error), so the failure is recorded
 * and the run goes on. Returns the record as stored, for the in-memory state too.
 */
export function storableFailure(rec: FailRecord): { rec: FailRecord; line: string } {
  try {
    return { rec, line: recordLine(rec) };
  } catch (error) {
    const { raw: _raw, ...rest } = rec;
    const stored: FailRecord = {
      ...rest,
      item: null,
      error: `${rec.error}; ${unserialisableReason(error, "the item")}, so it is stored without its data`,
    };
    return { rec: stored, line: recordLine(stored) };
  }
}
