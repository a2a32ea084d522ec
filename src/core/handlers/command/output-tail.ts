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
