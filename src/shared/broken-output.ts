/**
 * Error codes that mean "nobody reads this output any more": the reader of a pipe exited
 * (`… | head -1`, or `| tee log` killed by the same Ctrl-C), the descriptor was closed, or
 * the terminal went away. Writing a log line must never end a run over them.
 */
const GONE_READER_CODES = new Set(["EPIPE", "EBADF", "EIO", "ECONNRESET", "ERR_STREAM_DESTROYED", "ERR_STREAM_WRITE_AFTER_END"]);

/** Whether an error on an output stream only says that its reader is gone. */
export function isGoneReaderError(error: unknown): boolean {
  return GONE_READER_CODES.has((error as NodeJS.ErrnoException | undefined)?.code ?? "");
}

/**
 * Keeps this process running when its standard output or error has no reader. Without a
 * listener, Node turns the stream's EPIPE into an uncaught exception: the run died with
 * exit 1 in the middle of its graceful stop, its lock left behind and its finished items
 * not recorded. With it, later writes are dropped (the stream is destroyed) and the run
 * finishes as if the output had been read. Other errors still end the process as before.
 * Returns a function that removes the listeners.
 */
export function ignoreGoneReaders(streams: NodeJS.WritableStream[] = [process.stdout, process.stderr]): () => void {
  const onError = (error: Error) => {
    if (!isGoneReaderError(error)) throw error;
  };
  for (const stream of streams) stream.on("error", onError);
  return () => {
    for (const stream of streams) stream.off("error", onError);
  };
}
