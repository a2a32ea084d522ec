import type { StopSource } from "../core/index.js";

/**
 * This process's SIGINT and SIGTERM as the engine's stop source, for both adapters. While
 * subscribed, Node no longer exits on these signals: the engine decides how to stop.
 * Listeners are removed when unsubscribed.
 */
export function processStopSource(): StopSource {
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
