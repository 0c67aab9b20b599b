// Validation of pricing input: untrusted JSON in, a PriceRequest (or a PricingError naming the
// field at fault) out.
import { z } from "zod";
import { formatFieldPath, PricingError } from "./errors.ts";
import { BasketRequestSchema, type PriceRequest, PriceRequestSchema, PromotionListSchema } from "./schema.ts";

// Validation is most of the cost of pricing (300 promotions are 300 objects to check), so the
// request schema is compiled ahead of time; invalid input falls back to the regular parser,
// so issues and messages are the same.
const compiledRequestSchema = z.compile(PriceRequestSchema);

export const compiledBasketSchema = z.compile(BasketRequestSchema);
export const compiledPromotionList = z.compile(PromotionListSchema);

export function pricingError(error: z.ZodError, prefix: PropertyKey[]): PricingError {
  const issue = error.issues[0]!;
  const path = [...prefix, ...issue.path];
  // Strict objects report unknown keys on the object; name the key itself.
  if (issue.code === "unrecognized_keys" && issue.keys[0] !== undefined) path.push(issue.keys[0]);
  return new PricingError(formatFieldPath(path), issue.message);
}

/**
 * Validates untrusted input against PriceRequestSchema. Throws PricingError whose `field` is
 * the first path at fault ("lines[2].qty", "promotions[0].kind", "promotions[3].foo" for an
 * unknown key, "request" for a non-object).
 */
export function parsePriceRequest(input: unknown): PriceRequest {
  const r = compiledRequestSchema.safeParse(input);
  if (r.success) return r.data;
  throw pricingError(r.error, []);
}
