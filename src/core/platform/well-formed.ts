/**
 * String.prototype.isWellFormed (Node 20+): no lone surrogate. Native, and several times
 * faster than the equivalent regular expression on the per-item path.
 */
export function isWellFormed(text: string): boolean {
  return (text as unknown as { isWellFormed(): boolean }).isWellFormed();
}
