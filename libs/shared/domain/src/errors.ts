/** The innermost cause of an error chain: the activity's or workflow's own message, not the wrappers'. */
export function rootCauseMessage(err: unknown): string {
  let e = err;
  while (e instanceof Error && e.cause instanceof Error) e = e.cause;
  return e instanceof Error ? e.message : String(e);
}
