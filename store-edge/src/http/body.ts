// What every route of the LAN API shares: the request body read and checked with zod (a 400
// naming the field), the optional supervisor of a body, and the shapes of codes, PINs and fen.
import type { Context } from "hono";
import { Hono } from "hono";
import { z } from "zod";
import { invalid } from "../errors.ts";

/** What the server passes along with each request: the address of the device that sent it. */
export interface AppEnv {
  source?: string;
}

export type Api = Hono<{ Bindings: AppEnv }>;
export const newApi = (): Api => new Hono<{ Bindings: AppEnv }>();

export const Fen = z.int().nonnegative();
export const PositiveFen = z.int().positive();
export const Pin = z.string().regex(/^\d{4,8}$/, "4-8 digits");
export const CashierId = z.string().regex(/^\d{3,8}$/, "cashier code: 3-8 digits");
/** A scan typed in or sent by a simulated scanner. */
export const ScanBody = z.strictObject({
  code: z.string().min(1).max(128),
  aim: z.string().max(3).optional(),
});

/** The optional supervisor of a body: both the code and the PIN, or neither. */
export function supervisorOf(b: { supervisorId?: string | undefined; pin?: string | undefined }) {
  if ((b.supervisorId === undefined) !== (b.pin === undefined))
    throw invalid(b.pin === undefined ? "pin" : "supervisorId", "supervisorId and pin go together");
  return b.supervisorId && b.pin ? { id: b.supervisorId, pin: b.pin } : undefined;
}

export async function body<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  let raw: unknown;
  try {
    const text = await c.req.text();
    raw = text ? JSON.parse(text) : {};
  } catch {
    throw invalid("body", "not valid JSON");
  }
  const r = schema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    const path = [...issue.path];
    if (issue.code === "unrecognized_keys" && issue.keys[0]) path.push(issue.keys[0]);
    throw invalid(path.join(".") || "body", issue.message);
  }
  return r.data;
}
