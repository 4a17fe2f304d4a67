/** The message of a thrown value, for wrapping openpgp.js errors into coded ones. */
export function reason(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
