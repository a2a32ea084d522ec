/** Keeps the last maxChars of a stream's text: enough for a failure reason, bounded in memory. */
export class OutputTail {
  private text = "";
  constructor(private readonly maxChars = 4000) {}

  push(chunk: Buffer | string): void {
    this.text += typeof chunk === "string" ? chunk : chunk.toString("utf8");
    if (this.text.length > this.maxChars * 2) this.text = this.text.slice(-this.maxChars);
  }

  /** The tail, trimmed, limited to maxChars (and to the last few lines, for readability). */
  value(maxLines = 20): string {
    const lines = this.text.slice(-this.maxChars).trimEnd().split("\n");
    return lines.slice(-maxLines).join("\n").trim();
  }
}

/** Keeps the first maxBytes of a stream (a command's result), and whether more came. */
export class OutputHead {
  private readonly chunks: Buffer[] = [];
  private bytes = 0;
  overflow = false;
  constructor(private readonly maxBytes: number) {}

  push(chunk: Buffer): void {
    if (this.overflow) return;
    const room = this.maxBytes - this.bytes;
    if (chunk.length > room) {
      this.overflow = true;
      if (room > 0) this.chunks.push(Buffer.from(chunk.subarray(0, room)));
      this.bytes = this.maxBytes;
      return;
    }
    this.chunks.push(chunk);
    this.bytes += chunk.length;
  }

  value(): Buffer {
    return Buffer.concat(this.chunks);
  }
}
