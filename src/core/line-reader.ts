import { createReadStream } from "node:fs";

/** A decoded line of a source file with its 1-based line number. */
export interface SourceLine {
  text: string;
  line: number;
}

/** A line whose bytes are not valid UTF-8: reported, never silently turned into U+FFFD. */
export class InvalidUtf8Error extends Error {
  constructor(readonly line: number) {
    super(`line ${line}: not valid UTF-8`);
  }
}

/**
 * Streams a file as batches of lines (one batch per read chunk, so the consumer pays one
 * await per chunk, not per line). Splits on bytes before decoding, so an invalid byte is
 * pinned to its line; strips a trailing CR and a leading UTF-8 BOM.
 */
export async function* readLines(path: string): AsyncGenerator<SourceLine[]> {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  let carry: Buffer | undefined;
  const carryParts: Buffer[] = [];
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
  for await (const chunk of createReadStream(path, { highWaterMark: 256 * 1024 })) {
    let data = chunk as Buffer;
    if (carry) {
      // A long line spans many chunks: gather its pieces and join once, not once per chunk.
      if (data.indexOf(0x0a) === -1) {
        carryParts.push(data);
        continue;
      }
      data = Buffer.concat([carry, ...carryParts, data]);
      carry = undefined;
      carryParts.length = 0;
    }
    const batch: SourceLine[] = [];
    let start = 0;
    for (;;) {
      const nl = data.indexOf(0x0a, start);
      if (nl === -1) break;
      const text = decodeLine(data.subarray(start, nl));
      batch.push({ text, line: lineNumber });
      start = nl + 1;
    }
    if (start < data.length) carry = Buffer.from(data.subarray(start));
    if (batch.length > 0) yield batch;
  }
  if (carry && carry.length + carryParts.length > 0) {
    const text = decodeLine(Buffer.concat([carry, ...carryParts]));
    yield [{ text, line: lineNumber }];
  }
}
