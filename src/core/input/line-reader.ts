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
  // The complete lines of a chunk are decoded in one call and split as a string: a
  // newline byte never occurs inside a UTF-8 sequence, so this is the same text as decoding
  // line by line, at a fraction of the cost. Only when the chunk is not valid UTF-8 are its
  // lines decoded one by one, to pin the error to its line. The per-line decoder strips a
  // leading BOM from every line it decodes; the chunk decoder keeps them, and the loop
  // strips them as decodeLine would.
  const chunkDecoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
  const decodeLines = (bytes: Buffer): SourceLine[] => {
    let text: string;
    try {
      text = chunkDecoder.decode(bytes);
    } catch {
      return decodeLinesOneByOne(bytes);
    }
    const texts = text.split("\n");
    texts.pop(); // bytes end with a newline: the last piece is empty
    const batch: SourceLine[] = new Array(texts.length);
    for (let i = 0; i < texts.length; i++) {
      let line = texts[i]!;
      lineNumber++;
      if (line.charCodeAt(line.length - 1) === 0x0d) line = line.slice(0, -1);
      if (lineNumber === 1 && line.charCodeAt(0) === 0xfeff) line = line.slice(1);
      if (line.charCodeAt(0) === 0xfeff) line = line.slice(1);
      batch[i] = { text: line, line: lineNumber };
    }
    return batch;
  };
  const decodeLinesOneByOne = (bytes: Buffer): SourceLine[] => {
    const batch: SourceLine[] = [];
    let start = 0;
    for (;;) {
      const nl = bytes.indexOf(0x0a, start);
      if (nl === -1) break;
      const text = decodeLine(bytes.subarray(start, nl));
      batch.push({ text, line: lineNumber });
      start = nl + 1;
    }
    return batch;
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
    const lastNl = data.lastIndexOf(0x0a);
    if (lastNl === -1) {
      carry = Buffer.from(data);
      continue;
    }
    const batch = decodeLines(data.subarray(0, lastNl + 1));
    if (lastNl + 1 < data.length) carry = Buffer.from(data.subarray(lastNl + 1));
    if (batch.length > 0) yield batch;
  }
  if (carry && carry.length + carryParts.length > 0) {
    const text = decodeLine(Buffer.concat([carry, ...carryParts]));
    yield [{ text, line: lineNumber }];
  }
}
