// Typed errors of the pricing contract. `field` is the path at fault in the caller's input,
// written the way a person reads it ("lines[2].qty", "promotions[0].kind"), so a lane, the HQ
// audit and a dead-letter entry can all say exactly what was wrong.

/** Input that cannot be priced (PRICING.md: it never prices garbage). */
export class PricingError extends Error {
  override readonly name: string = "PricingError";
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

/** A return that cannot be refunded as asked (more units than remain, inconsistent history). */
export class RefundError extends PricingError {
  override readonly name: string = "RefundError";
}

/** ["lines", 2, "qty"] -> "lines[2].qty"; the empty path is the whole request. */
export function formatFieldPath(path: readonly PropertyKey[], root = "request"): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else out += out ? `.${String(seg)}` : String(seg);
  }
  return out || root;
}
