/** Where the engine's messages go: the terminal, or the Actions log with annotations. */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** Says nothing: the bench runs the engine with it, so logging does not weigh on the figures. */
export const silentLogger: Logger = { info() {}, warn() {}, error() {} };
