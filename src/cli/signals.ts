import type { StopSignalName, StopSource } from "../core/stop-controller.js";

/** Process signals as the engine's stop source; listeners are removed when unsubscribed. */
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

export type { StopSignalName };
