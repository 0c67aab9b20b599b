// Typed errors of the edge. `field` names what was wrong in the caller's input (a JSON path
// like "lines.0.qty", or an id), so the terminal UI can point at it; `status` is the HTTP
// status the API answers with.

export type EdgeErrorCode =
  | "invalid"
  | "not_found"
  | "conflict"
  | "forbidden"
  | "unavailable"
  | "payment_declined"
  | "payment_pending"
  | "too_many_attempts"
  /** The disk is full: nothing was saved (health/storage.ts). */
  | "storage_full"
  /** The disk failed or the database is read-only: nothing was saved. */
  | "storage_error";

const STATUS: Record<EdgeErrorCode, number> = {
  invalid: 400,
  not_found: 404,
  conflict: 409,
  forbidden: 403,
  unavailable: 503,
  payment_declined: 402,
  payment_pending: 202,
  too_many_attempts: 429,
  storage_full: 507,
  storage_error: 503,
};

export class EdgeError extends Error {
  override readonly name = "EdgeError";
  constructor(
    readonly code: EdgeErrorCode,
    readonly field: string,
    message: string,
    /** A finer reason the UI words (a coupon refusal: unknown, expired, spent...). */
    readonly reason?: string,
  ) {
    super(field ? `${field}: ${message}` : message);
  }
  get status(): number {
    return STATUS[this.code];
  }
}

export const invalid = (field: string, message: string) => new EdgeError("invalid", field, message);
export const notFound = (field: string, message: string) => new EdgeError("not_found", field, message);
export const conflict = (field: string, message: string) => new EdgeError("conflict", field, message);
export const forbidden = (field: string, message: string) => new EdgeError("forbidden", field, message);
