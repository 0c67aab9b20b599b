// Bearer tokens with roles. hq_admin may do everything; regional_manager sees and edits only
// its region; auditor reads only. Tokens are kept as SHA-256; the bootstrap admin token comes
// from the configuration (HQ_ADMIN_TOKEN).
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import type { Sqlite } from "../db/open.ts";
import { ForbiddenError, fromZod } from "../errors.ts";

export const ROLES = ["hq_admin", "regional_manager", "auditor"] as const;
export type Role = (typeof ROLES)[number];

export interface Principal {
  name: string;
  role: Role;
  /** Set for regional managers: the only region they see and edit. */
  region?: string;
}

export const TokenInput = z
  .strictObject({
    name: z.string().min(1).max(60),
    role: z.enum(ROLES),
    region: z.string().min(1).max(40).optional(),
  })
  .refine((t) => t.role !== "regional_manager" || t.region, {
    path: ["region"],
    message: "a regional manager needs a region",
  });

const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

export function createTokens(deps: { db: Sqlite; now: () => Date; adminToken?: string }) {
  const { db, now } = deps;
  const adminHash = deps.adminToken ? sha256(deps.adminToken) : undefined;

  function authenticate(header: string | undefined): Principal | undefined {
    const m = /^Bearer\s+(\S+)$/i.exec(header ?? "");
    if (!m) return undefined;
    const hash = sha256(m[1]!);
    if (adminHash && timingSafeEqual(Buffer.from(hash), Buffer.from(adminHash)))
      return { name: "admin", role: "hq_admin" };
    const r = db.prepare("SELECT name, role, region FROM api_tokens WHERE token_hash = ?").get(hash) as
      | { name: string; role: Role; region: string | null }
      | undefined;
    return r ? { name: r.name, role: r.role, ...(r.region ? { region: r.region } : {}) } : undefined;
  }

  function create(input: unknown): { token: string } & Principal {
    const r = TokenInput.safeParse(input);
    if (!r.success) throw fromZod(r.error);
    const token = `hq_${randomBytes(24).toString("base64url")}`;
    db.prepare(
      "INSERT INTO api_tokens (token_hash, name, role, region, created_at) VALUES (?, ?, ?, ?, ?)",
    ).run(sha256(token), r.data.name, r.data.role, r.data.region ?? null, now().toISOString());
    return { token, ...r.data };
  }

  return { authenticate, create };
}

export type Tokens = ReturnType<typeof createTokens>;

/** What a route needs: "read" (any role), "write" (not auditors), "admin" (hq_admin only). */
export type Access = "read" | "write" | "admin";

/** Pure role check; throws ForbiddenError with the reason. `region` is the resource's region, if it has one. */
export function authorize(p: Principal, access: Access, region?: string): void {
  if (access === "admin" && p.role !== "hq_admin")
    throw new ForbiddenError(`${p.role} may not do this; it needs hq_admin`);
  if (access === "write" && p.role === "auditor") throw new ForbiddenError("auditor is read-only");
  if (p.role === "regional_manager" && region !== undefined && region !== p.region)
    throw new ForbiddenError(`regional manager of ${p.region} may not touch region ${region}`);
}
