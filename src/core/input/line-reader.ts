import { closeSync, constants, createReadStream, open, openSync, readSync, statSync } from "node:fs";
import { setImmediate as setImmediatePromise } from "node:timers/promises";
import { Socket } from "node:net";
import type { Readable } from "node:stream";

/**
 * The longest line read: 64 MiB. An item is one line (a JSON array's elements may span
 * lines), so a longer line is not an item but a file in the wrong format (a one-line JSON
 * array of millions of items, a binary file, /dev/zero); without a cap it would grow in
 * memory until V8's largest string (512 MiB) or the machine gave out.
 */
export const MAX_LINE_BYTES = 64 * 1024 * 1024;

/** A line longer than MAX_LINE_BYTES. */
export class LineTooLongError extends Error {
  constructor(readonly line: number) {
    super(`line ${line}: longer than ${MAX_LINE_BYTES / (1024 * 1024)} MiB`);
  }
}

/** The read was stopped through its AbortSignal (SIGINT/SIGTERM while the items were read). */
export class ReadStoppedError extends Error {
  constructor() {
    super("reading the items was stopped");
  }
}

/** A line whose bytes are not valid UTF-8: reported, never silently turned into U+FFFD. */
export class InvalidUtf8Error extends Error {
  constructor(readonly line: number) {
    super(`line ${line}: not valid UTF-8`);
  }
}

/** Consecutive lines of a file: texts[i] is line firstLine + i. */
export interface LineBatch {
  texts: string[];
  firstLine: number;
}

/**
 * Streams a file as batches of lines (one batch per read chunk, so the consumer pays one
 * await per chunk, not per line). Splits on bytes before decoding, so an invalid byte is
 * pinned to its line; strips a trailing CR and a leading UTF-8 BOM. The lines are bare
 * strings with the first one's number, not an object per line: at a million lines a pass,
 * the readers of JSON Lines, plain lines and CSV make their items straight from them.
 */
// eslint-disable-next-line max-lines-per-function -- one loop over each chunk's bytes; its state lives in locals the loop updates (the per-item hot path of reading)
export async function* readLineBatches(path: string, signal?: AbortSignal, maxLineBytes = MAX_LINE_BYTES): AsyncGenerator<LineBatch> {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  let carry: Buffer | undefined;
  const carryParts: Buffer[] = [];
  let carryBytes = 0;
  let lineNumber = 0;
  const decodeLine = (bytes: Buffer): string => {
    lineNumber++;
    let end = bytes.length;
    if (end > 0 && bytes[end - 1] === 0x0d) end--;
    let start = 0;
    if (lineNumber === 1 && end >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) start = 3;
    try {
      return decoder.decode(bytes.subarray(start, end));
    } catch {
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
  const decodeLines = (bytes: Buffer): LineBatch => {
    let text: string;
    try {
      text = chunkDecoder.decode(bytes);
    } catch {
      return decodeLinesOneByOne(bytes);
    }
    const texts = text.split("\n");
    texts.pop(); // bytes end with a newline: the last piece is empty
    const firstLine = lineNumber + 1;
    for (let i = 0; i < texts.length; i++) {
      let line = texts[i]!;
      lineNumber++;
      if (line.charCodeAt(line.length - 1) === 0x0d) line = line.slice(0, -1);
      if (lineNumber === 1 && line.charCodeAt(0) === 0xfeff) line = line.slice(1);
      if (line.charCodeAt(0) === 0xfeff) line = line.slice(1);
      texts[i] = line;
    }
    return { texts, firstLine };
  };
  const decodeLinesOneByOne = (bytes: Buffer): LineBatch => {
    const texts: string[] = [];
    const firstLine = lineNumber + 1;
    let start = 0;
    for (;;) {
      const nl = bytes.indexOf(0x0a, start);
      if (nl === -1) break;
      texts.push(decodeLine(bytes.subarray(start, nl)));
      start = nl + 1;
    }
    return { texts, firstLine };
  };
  // The line being gathered must stay under the cap even before its newline arrives.
  const checkLength = (bytesBeforeNewline: number) => {
    if (bytesBeforeNewline > maxLineBytes) throw new LineTooLongError(lineNumber + 1);
  };
  for await (const chunk of chunksOf(path, signal)) {
    let data = chunk as Buffer;
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
    if (batch.texts.length > 0) yield batch;
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
export const READ_CHUNK_BYTES = 64 * 1024;

/**
 * The file's chunks until the signal aborts: checked per chunk (READ_CHUNK_BYTES), so a stop is
 * seen within a fraction of a second however long the input; and raced against each read,
 * because a pipe whose writer is silent (or a FIFO nobody opened for writing yet) blocks
 * the read itself, and destroying the stream waits for that read to return.
 */
async function* chunksOf(path: string, signal: AbortSignal | undefined): AsyncGenerator<Buffer> {
  if (isRegularFile(path)) {
    yield* fileChunks(path, signal);
    return;
  }
  const stream = isFifo(path) ? await openPipe(path, signal) : createReadStream(path, { highWaterMark: READ_CHUNK_BYTES });
  if (!signal) {
    for await (const chunk of stream) yield chunk as Buffer;
    return;
  }
  const chunks = stream[Symbol.asyncIterator]();
  let onAbort: () => void = () => {};
  const stopped = new Promise<never>((_, reject) => {
    onAbort = () => reject(new ReadStoppedError());
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, { once: true });
  });
  stopped.catch(() => {}); // observed through the race below
  try {
    for (;;) {
      const next = await Promise.race([chunks.next(), stopped]);
      if (next.done) return;
      yield next.value as Buffer;
    }
  } finally {
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
async function* fileChunks(path: string, signal: AbortSignal | undefined): AsyncGenerator<Buffer> {
  const fd = openSync(path, "r");
  const buffer = Buffer.allocUnsafeSlow(READ_CHUNK_BYTES);
  try {
    for (let chunk = 1; ; chunk++) {
      if (chunk % YIELD_EVERY_CHUNKS === 0) await setImmediatePromise();
      if (signal?.aborted) throw new ReadStoppedError();
      const bytesRead = readSync(fd, buffer, 0, buffer.length, null);
      if (bytesRead === 0) return;
      yield buffer.subarray(0, bytesRead);
    }
  } finally {
    closeSync(fd);
  }
}

/** fileChunks lets the event loop run once per this many chunks (1 MiB). */
const YIELD_EVERY_CHUNKS = 16;

/** A file that can be read twice (not a pipe, a FIFO or a device). A missing file counts as one: its read reports it. */
export function isRegularFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return true;
  }
}

function isFifo(path: string): boolean {
  try {
    return statSync(path).isFIFO();
  } catch {
    return false; // the read reports the missing file
  }
}

/**
 * A FIFO or a pipe (`<(…)`, /dev/stdin) read as a socket: fs streams read it in a thread
 * of libuv's pool, blocked while the writer is silent, and Node's exit waits for that
 * thread, so a stopped run would hang until the writer spoke. Opening waits for a writer
 * too: a stop lets that open go by opening the FIFO for writing ourselves.
 */
async function openPipe(path: string, signal: AbortSignal | undefined): Promise<Readable> {
  const letOpenGo = () => {
    try {
      closeSync(openSync(path, constants.O_WRONLY | constants.O_NONBLOCK));
    } catch {
      // the open already returned
    }
  };
  // A stop that came before this read began has no event left to fire: without this check
  // the open below would wait for a writer that may never come.
  if (signal?.aborted) throw new ReadStoppedError();
  signal?.addEventListener("abort", letOpenGo, { once: true });
  let fd: number;
  try {
    fd = await new Promise<number>((resolve, reject) => open(path, constants.O_RDONLY, (error, opened) => (error ? reject(error) : resolve(opened))));
  } finally {
    signal?.removeEventListener("abort", letOpenGo);
  }
  if (signal?.aborted) {
    closeSync(fd);
    throw new ReadStoppedError();
  }
  return new Socket({ fd, readable: true, writable: false });
}
