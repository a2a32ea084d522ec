// Twirp errors as the results service sends them: JSON `{code, msg}` with the matching HTTP
// status. The clients retry 5xx and non-JSON answers for ~20-30 s, so an *expected* failure
// must be one of the 4xx codes here.

export type TwirpCode =
  | "invalid_argument"
  | "malformed"
  | "unauthenticated"
  | "permission_denied"
  | "not_found"
  | "bad_route"
  | "already_exists"
  | "failed_precondition"
  | "resource_exhausted"
  | "internal"
  | "unavailable";

const STATUS: Record<TwirpCode, number> = {
  invalid_argument: 400,
  malformed: 400,
  unauthenticated: 401,
  permission_denied: 403,
  not_found: 404,
  bad_route: 404,
  already_exists: 409,
  failed_precondition: 412,
  resource_exhausted: 429,
  internal: 500,
  unavailable: 503,
};

export class TwirpError extends Error {
  constructor(
    readonly code: TwirpCode,
    message: string,
  ) {
    super(message);
    this.name = "TwirpError";
  }

  get status(): number {
    return STATUS[this.code];
  }
}

/** The Twirp code that goes with an HTTP status, for injected faults given as a status. */
export function twirpCodeForStatus(status: number): TwirpCode {
  const found = (Object.entries(STATUS) as Array<[TwirpCode, number]>).find(([, s]) => s === status);
  if (found) return found[0];
  return status >= 500 ? "internal" : "invalid_argument";
}
