// Starts the Azurite blob emulator (from node_modules) as a child process on a free loopback
// port, for the fake results service to hand out signed URLs that the real Azure SDK and the
// clients' plain HTTP downloads accept.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { request } from "node:http";

/** Azurite's well-known development account (documented by Microsoft; not a secret). */
export const AZURITE_ACCOUNT_NAME = "devstoreaccount1";
export const AZURITE_ACCOUNT_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

export interface AzuriteOptions {
  /**
   * Folder for Azurite's data. A fresh temp folder (removed by `stop()`) when omitted; a given
   * folder is left in place.
   */
  dir?: string;
  /** How long to wait for Azurite to listen and answer. @default 30_000 */
  startTimeoutMs?: number;
}

export interface Azurite {
  /** Blob endpoint including the account, e.g. `http://127.0.0.1:41234/devstoreaccount1`. */
  blobUrl: string;
  accountName: string;
  accountKey: string;
  /** Kills the emulator (SIGTERM, then SIGKILL after 5 s) and removes its temp folder. */
  stop(): Promise<void>;
}

function azuriteBlobMain(): string {
  const require = createRequire(import.meta.url);
  // The package's `main` is dist/src/main.js; the blob-only server sits beside it.
  return join(dirname(require.resolve("azurite")), "blob", "main.js");
}

/** Resolves once an HTTP request to `url` gets any answer (Azurite answers 4xx unsigned). */
function answers(url: string, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(url, { method: "GET", timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(true);
    });
    req.on("timeout", () => req.destroy());
    req.on("error", () => resolve(false));
    req.end();
  });
}

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

export async function startAzurite(options: AzuriteOptions = {}): Promise<Azurite> {
  const startTimeoutMs = options.startTimeoutMs ?? 30_000;
  const ownDir = options.dir === undefined;
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), "azurite-"));
  const child = spawn(
    process.execPath,
    [
      azuriteBlobMain(),
      "--blobHost",
      "127.0.0.1",
      // Port 0: the OS picks a free port; Azurite prints the one it got.
      "--blobPort",
      "0",
      "--location",
      dir,
      "--skipApiVersionCheck",
      "--loose",
      "--disableTelemetry",
      "--silent",
    ],
    { stdio: ["ignore", "pipe", "pipe"], cwd: dir },
  );
  // If the test process dies without calling stop(), do not leave the emulator behind.
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);

  let output = "";
  const cleanUp = async () => {
    process.removeListener("exit", killOnExit);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      if (!(await waitForExit(child, 5_000))) {
        child.kill("SIGKILL");
        await waitForExit(child, 5_000);
      }
    }
    if (ownDir) rmSync(dir, { recursive: true, force: true });
  };

  try {
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`Azurite did not start within ${startTimeoutMs} ms:\n${output}`)), startTimeoutMs);
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        const match = /listens on https?:\/\/[^:\s]+:(\d+)/.exec(output);
        if (match) {
          clearTimeout(timer);
          resolve(Number(match[1]));
        }
      };
      child.stdout!.on("data", onData);
      child.stderr!.on("data", onData);
      child.once("exit", (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`Azurite exited early (code ${code}, signal ${signal}):\n${output}`));
      });
      child.once("error", (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
    const blobUrl = `http://127.0.0.1:${port}/${AZURITE_ACCOUNT_NAME}`;
    const deadline = Date.now() + startTimeoutMs;
    while (!(await answers(`${blobUrl}?comp=list`, 1_000))) {
      if (Date.now() > deadline) throw new Error(`Azurite at ${blobUrl} does not answer:\n${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    // Keep draining its output so a chatty emulator never blocks on a full pipe.
    child.stdout!.resume();
    child.stderr!.resume();
    return {
      blobUrl,
      accountName: AZURITE_ACCOUNT_NAME,
      accountKey: AZURITE_ACCOUNT_KEY,
      stop: cleanUp,
    };
  } catch (error) {
    await cleanUp();
    throw error;
  }
}
