/**
 * Waits (in real time) until `check` holds, polling every `everyMs`; fails naming `what`
 * after `timeoutMs`. For tests of real processes, which cannot run on virtual time: wait
 * for the condition, never for a fixed time.
 */
export async function waitUntil(check: () => boolean, what: string, timeoutMs = 15_000, everyMs = 20): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
