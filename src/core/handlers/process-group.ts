/**
 * Sends a signal to a whole process group (a handler and what it started). Returns false
 * when the group is already gone, which is never an error here.
 */
export function killGroup(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}
