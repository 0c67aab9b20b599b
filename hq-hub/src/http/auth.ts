// Bearer tokens with roles. hq_admin may do everything; regional_manager sees and edits only
// its region; auditor reads only. Tokens are kept as SHA-256; the bootstrap admin token comes
// from the configuration (HQ_ADMIN_TOKEN).
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { and, desc, eq, isNull, sql } from "drizzle-orm";
import { z } from "zod";
import { openDrizzle, type Sqlite } from "../db/open.ts";
import { apiTokens } from "../db/schema.ts";
import { ForbiddenError, fromZod, NotFoundError, StateError } from "../errors.ts";

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
  const { now } = deps;
  const orm = openDrizzle(deps.db);
  const adminHash = deps.adminToken ? sha256(deps.adminToken) : undefined;
  const row = {
    id: apiTokens.id,
    name: apiTokens.name,
    role: apiTokens.role,
    region: apiTokens.region,
    createdAt: apiTokens.createdAt,
    revokedAt: apiTokens.revokedAt,
    revokedBy: apiTokens.revokedBy,
  };
  // Every request asks: prepared once.
  const liveByHash = orm
    .select({ name: apiTokens.name, role: apiTokens.role, region: apiTokens.region })
    .from(apiTokens)
    .where(and(eq(apiTokens.tokenHash, sql.placeholder("hash")), isNull(apiTokens.revokedAt)))
    .prepare();
  const newestFirst = orm.select(row).from(apiTokens).orderBy(desc(apiTokens.id)).prepare();

  function authenticate(header: string | undefined): Principal | undefined {
    const m = /^Bearer\s+(\S+)$/i.exec(header ?? "");
    if (!m) return undefined;
    const hash = sha256(m[1]!);
    if (adminHash && timingSafeEqual(Buffer.from(hash), Buffer.from(adminHash)))
      return { name: "admin", role: "hq_admin" };
    const r = liveByHash.get({ hash });
    return r ? { name: r.name, role: r.role as Role, ...(r.region ? { region: r.region } : {}) } : undefined;
  }

  function create(input: unknown): { id: number; token: string } & Principal {
    const r = TokenInput.safeParse(input);
    if (!r.success) throw fromZod(r.error);
    const token = `hq_${randomBytes(24).toString("base64url")}`;
    const { id } = orm
      .insert(apiTokens)
      .values({
        tokenHash: sha256(token),
        name: r.data.name,
        role: r.data.role,
        region: r.data.region ?? null,
        createdAt: now().toISOString(),
      })
      .returning({ id: apiTokens.id })
      .get();
    return { id, token, ...r.data };
  }

  /** Every issued token without its secret (only its hash is kept anyway), newest first. */
  function list(): TokenRow[] {
    return newestFirst.all() as TokenRow[];
  }

  /** From now on the token is refused (401); the row stays, naming who revoked it. */
  function revoke(id: number, by: string): TokenRow {
    const found = list().find((t) => t.id === id);
    if (!found) throw new NotFoundError("token", String(id));
    if (found.revokedAt) throw new StateError(String(id), `token ${id} was revoked at ${found.revokedAt}`);
    orm
      .update(apiTokens)
      .set({ revokedAt: now().toISOString(), revokedBy: by })
      .where(eq(apiTokens.id, id))
      .run();
    return list().find((t) => t.id === id)!;
  }

  return { authenticate, create, list, revoke };
}

export interface TokenRow {
  id: number;
  name: string;
  role: Role;
  region: string | null;
  createdAt: string;
  revokedAt: string | null;
  revokedBy: string | null;
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
