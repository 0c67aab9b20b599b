// Typed errors the domain throws; the HTTP layer maps each kind to a status code.

/** Input that breaks a schema or a business rule; `field` names the culprit (dotted path). */
export class ValidationError extends Error {
  override readonly name = "ValidationError";
  constructor(
    readonly field: string,
    message: string,
    /** Row number for imports (1 = first data row). */
    readonly row?: number,
  ) {
    super(field ? `${field}: ${message}` : message);
  }
}

/** A file import's bad rows as one refusal: the first row and column in `row`/`field`, every one (up to 20) in the message. */
export function badRows(errors: readonly { row: number; column: string; reason: string }[]): ValidationError {
  const list = errors
    .slice(0, 20)
    .map((e) => `row ${e.row} ${e.column}: ${e.reason}`)
    .join("; ");
  return new ValidationError(
    errors[0]?.column ?? "csv",
    `${errors.length} bad row(s): ${list}${errors.length > 20 ? "; ..." : ""}`,
    errors[0]?.row,
  );
}

export class NotFoundError extends Error {
  override readonly name = "NotFoundError";
  constructor(
    readonly entity: string,
    readonly id: string,
  ) {
    super(`${entity} ${JSON.stringify(id)} not found`);
  }
}

/** The request is valid but the current state forbids it (e.g. promoting a draft). */
export class StateError extends Error {
  override readonly name = "StateError";
  constructor(
    readonly id: string,
    message: string,
    /** Extra fields for the 409 body (e.g. the records a rollback would clobber). */
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export class ForbiddenError extends Error {
  override readonly name = "ForbiddenError";
}

/** The first zod issue as a ValidationError, prefixed with `prefix`. */
export function fromZod(
  error: { issues: { path: PropertyKey[]; message: string }[] },
  prefix = "",
): ValidationError {
  const issue = error.issues[0];
  const field = [prefix, ...(issue?.path ?? []).map(String)].filter(Boolean).join(".");
  return new ValidationError(field, issue?.message ?? "invalid");
}
