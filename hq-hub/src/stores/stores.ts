// Stores and their enrollment: an admin creates a store and gets a one-time code; the edge
// redeems it once for its MQTT credentials. Only hashes are kept: the code as SHA-256, the
// password as a salted SHA-256 (stores/secret.ts says why not argon2) plus the PBKDF2 form
// Mosquitto's password file needs.
import { createHash, pbkdf2Sync, randomBytes } from "node:crypto";
import { STORE_ID_RE } from "@retail/protocol";
import { and, asc, eq, isNotNull, sql } from "drizzle-orm";
import { z } from "zod";
import { openDrizzle, type Sqlite } from "../db/open.ts";
import { credentialRotations, stores } from "../db/schema.ts";
import { fromZod, NotFoundError, ValidationError } from "../errors.ts";
import { hashStoreSecret, isSlowHash, verifyStoreSecret } from "./secret.ts";

export const StoreInput = z.strictObject({
  id: z.string().regex(STORE_ID_RE, "store code: 1-16 upper-case letters or digits"),
  name: z.string().min(1).max(80),
  region: z.string().min(1).max(40),
  address: z.string().max(200).optional(),
  ring: z.enum(["pilot", "general"]).optional(),
  lat: z.number().min(-90).max(90).optional(),
  lng: z.number().min(-180).max(180).optional(),
});
export type StoreInput = z.infer<typeof StoreInput>;

export const StorePatch = StoreInput.omit({ id: true }).partial();

export interface StoreRow {
  id: string;
  name: string;
  region: string;
  address: string;
  ring: string;
  lat?: number;
  lng?: number;
  enrollmentState: string;
  createdAt: string;
  enrolledAt?: string;
}

export interface EnrollResponse {
  storeId: string;
  storeName: string;
  region: string;
  mqtt: { url: string; username: string; password: string; clientId: string };
}

/** MQTT identity of a store: username and client id are both `store-{id}` (docs/sync.md). */
export const mqttIdentity = (storeId: string) => `store-${storeId}`;

export function storeIdOfUsername(username: string): string | undefined {
  const m = /^store-([A-Z0-9]{1,16})$/.exec(username);
  return m?.[1];
}

const CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"; // no 0/O, 1/I: read over the phone

export function newEnrollmentCode(random: (n: number) => Uint8Array = (n) => randomBytes(n)): string {
  const bytes = random(8);
  const chars = Array.from(bytes, (b) => CODE_ALPHABET[b % CODE_ALPHABET.length]);
  return `${chars.slice(0, 4).join("")}-${chars.slice(4).join("")}`;
}

const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

/** Mosquitto 2's `$7$` password hash: PBKDF2-SHA512, 101 iterations, 12-byte salt. */
export function mosquittoHash(password: string, salt: Uint8Array = randomBytes(12)): string {
  const hash = pbkdf2Sync(password, salt, 101, 64, "sha512");
  return `$7$101$${Buffer.from(salt).toString("base64")}$${hash.toString("base64")}`;
}

export function createStores(deps: {
  db: Sqlite;
  now: () => Date;
  codeHours: number;
  /** A store that was enrolled before redeemed a new code (a fleet alert: ingest/resync.ts). */
  onReEnrolled?: (storeId: string) => void;
}) {
  const { db, now } = deps;
  const orm = openDrizzle(db);
  // Every MQTT connect checks its credentials: prepared once.
  const credentialsOf = orm
    .select({
      mqtt_password_hash: stores.mqttPasswordHash,
      mqtt_password_pending_hash: stores.mqttPasswordPendingHash,
      enrollment_state: stores.enrollmentState,
    })
    .from(stores)
    .where(eq(stores.id, sql.placeholder("storeId")))
    .prepare();
  // A good login against an old argon2 hash replaces it with the fast form, unless the hash
  // changed meanwhile (a rotation completed, a re-enrollment).
  const upgradeHash = orm
    .update(stores)
    .set({ mqttPasswordHash: sql`${sql.placeholder("new")}` })
    .where(
      and(eq(stores.id, sql.placeholder("storeId")), eq(stores.mqttPasswordHash, sql.placeholder("old"))),
    )
    .prepare();
  // Digests of (stored hash, password) pairs already verified, so a reconnect storm costs one
  // slow (argon2, pre-upgrade) check per credential, not one per connect; and the checks in
  // flight, so a store retrying its connect while its first check runs shares that check instead
  // of queueing another. Keyed by the stored hash, a re-enrolled or revoked store never matches
  // an old entry.
  const verified = new Set<string>();
  const checking = new Map<string, Promise<boolean>>();

  function toRow(r: typeof stores.$inferSelect): StoreRow {
    return {
      id: r.id,
      name: r.name,
      region: r.region,
      address: r.address,
      ring: r.ring,
      ...(r.latE6 !== null ? { lat: r.latE6 / 1e6 } : {}),
      ...(r.lngE6 !== null ? { lng: r.lngE6 / 1e6 } : {}),
      enrollmentState: r.enrollmentState,
      createdAt: r.createdAt,
      ...(r.enrolledAt ? { enrolledAt: r.enrolledAt } : {}),
    };
  }

  function get(id: string): StoreRow {
    const r = orm.select().from(stores).where(eq(stores.id, id)).get();
    if (!r) throw new NotFoundError("store", id);
    return toRow(r);
  }

  function list(region?: string): StoreRow[] {
    return orm
      .select()
      .from(stores)
      .where(region ? eq(stores.region, region) : undefined)
      .orderBy(asc(stores.id))
      .all()
      .map(toRow);
  }

  function add(input: unknown): StoreRow {
    const r = StoreInput.safeParse(input);
    if (!r.success) throw fromZod(r.error);
    const s = r.data;
    if (orm.select({ id: stores.id }).from(stores).where(eq(stores.id, s.id)).get())
      throw new ValidationError("id", `store ${s.id} already exists`);
    orm
      .insert(stores)
      .values({
        id: s.id,
        name: s.name,
        region: s.region,
        address: s.address ?? "",
        ring: s.ring ?? "general",
        latE6: s.lat === undefined ? null : Math.round(s.lat * 1e6),
        lngE6: s.lng === undefined ? null : Math.round(s.lng * 1e6),
        createdAt: now().toISOString(),
      })
      .run();
    return get(s.id);
  }

  /**
   * Edits a store. Moving it to another region or ring changes which change sets it sees, so
   * its delta chain no longer holds: it is sent a snapshot next time (snapshot floor raised).
   */
  function update(id: string, input: unknown, currentVersion: number): StoreRow {
    const r = StorePatch.safeParse(input);
    if (!r.success) throw fromZod(r.error);
    const before = get(id);
    const p = r.data;
    const moved =
      (p.region !== undefined && p.region !== before.region) ||
      (p.ring !== undefined && p.ring !== before.ring);
    // Only the fields given change (the old SQL's COALESCE(?, column)).
    orm
      .update(stores)
      .set({
        ...(p.name !== undefined ? { name: p.name } : {}),
        ...(p.region !== undefined ? { region: p.region } : {}),
        ...(p.address !== undefined ? { address: p.address } : {}),
        ...(p.ring !== undefined ? { ring: p.ring } : {}),
        ...(p.lat !== undefined ? { latE6: Math.round(p.lat * 1e6) } : {}),
        ...(p.lng !== undefined ? { lngE6: Math.round(p.lng * 1e6) } : {}),
        // A no-op assignment keeps the statement valid when nothing else is given.
        snapshotFloor: moved ? currentVersion + 1 : sql`${stores.snapshotFloor}`,
      })
      .where(eq(stores.id, id))
      .run();
    return get(id);
  }

  /** A new one-time code (replacing any earlier one); also how a store is re-enrolled. */
  function issueCode(id: string): { code: string; expiresAt: string } {
    get(id);
    const code = newEnrollmentCode();
    const expiresAt = new Date(now().getTime() + deps.codeHours * 3600_000).toISOString();
    orm
      .update(stores)
      .set({ enrollmentCodeHash: sha256(code), enrollmentCodeExpiresAt: expiresAt })
      .where(eq(stores.id, id))
      .run();
    return { code, expiresAt };
  }

  async function enroll(code: unknown, mqttUrl: string): Promise<EnrollResponse> {
    if (typeof code !== "string" || !/^[A-Z0-9]{4}-[A-Z0-9]{4}$/.test(code.trim().toUpperCase()))
      throw new ValidationError("code", "an enrollment code looks like ABCD-EFGH");
    const hash = sha256(code.trim().toUpperCase());
    const r = orm.select().from(stores).where(eq(stores.enrollmentCodeHash, hash)).get();
    if (!r) throw new ValidationError("code", "unknown or already used enrollment code");
    if (Date.parse(r.enrollmentCodeExpiresAt ?? "") < now().getTime())
      throw new ValidationError("code", "enrollment code expired; ask HQ for a new one");
    const password = randomBytes(24).toString("base64url");
    const pwHash = hashStoreSecret(password);
    const id = r.id;
    const info = orm
      .update(stores)
      .set({
        enrollmentCodeHash: null,
        enrollmentCodeExpiresAt: null,
        enrollmentState: "enrolled",
        mqttPasswordHash: pwHash,
        mqttPasswordMosquitto: mosquittoHash(password),
        mqttPasswordPending: null,
        mqttPasswordPendingHash: null,
        enrolledAt: now().toISOString(),
      })
      .where(and(eq(stores.id, id), eq(stores.enrollmentCodeHash, hash)))
      .run();
    // Two redemptions racing: only the one whose UPDATE still saw the code wins.
    if (info.changes !== 1) throw new ValidationError("code", "unknown or already used enrollment code");
    // New credentials replace whatever a rotation had pending.
    supersedeRotations(id);
    if (r.enrolledAt) deps.onReEnrolled?.(id);
    return {
      storeId: id,
      storeName: r.name,
      region: r.region,
      mqtt: { url: mqttUrl, username: mqttIdentity(id), password, clientId: mqttIdentity(id) },
    };
  }

  function revoke(id: string) {
    get(id);
    orm
      .update(stores)
      .set({
        enrollmentState: "revoked",
        mqttPasswordHash: null,
        mqttPasswordMosquitto: null,
        mqttPasswordPending: null,
        mqttPasswordPendingHash: null,
      })
      .where(eq(stores.id, id))
      .run();
    supersedeRotations(id);
  }

  /** New credentials (or none) replace whatever a rotation had pending. */
  function supersedeRotations(storeId: string) {
    orm
      .update(credentialRotations)
      .set({ state: "superseded" })
      .where(and(eq(credentialRotations.storeId, storeId), eq(credentialRotations.state, "pending")))
      .run();
  }

  /** Checks MQTT credentials: `store-{id}` with the password issued at enrollment. */
  async function verify(username: string, password: string): Promise<string | undefined> {
    return (await verifyDetailed(username, password))?.storeId;
  }

  /**
   * Like verify, and says which password matched: the current one, or the one a pending
   * rotation issued (stores/rotation.ts; both are accepted until the store has used the new one).
   */
  async function verifyDetailed(
    username: string,
    password: string,
  ): Promise<{ storeId: string; via: "current" | "pending" } | undefined> {
    const storeId = storeIdOfUsername(username);
    if (!storeId) return undefined;
    const r = credentialsOf.get({ storeId });
    if (!r?.mqtt_password_hash || r.enrollment_state !== "enrolled") return undefined;
    if (await matches(r.mqtt_password_hash, password)) {
      if (isSlowHash(r.mqtt_password_hash))
        upgradeHash.run({ storeId, old: r.mqtt_password_hash, new: hashStoreSecret(password) });
      return { storeId, via: "current" };
    }
    if (r.mqtt_password_pending_hash && (await matches(r.mqtt_password_pending_hash, password)))
      return { storeId, via: "pending" };
    return undefined;
  }

  async function matches(storedHash: string, password: string): Promise<boolean> {
    const digest = sha256(`${storedHash}\u0000${password}`);
    if (verified.has(digest)) return true;
    let check = checking.get(digest);
    if (!check) {
      check = verifyStoreSecret(password, storedHash).finally(() => checking.delete(digest));
      checking.set(digest, check);
    }
    if (!(await check)) return false;
    if (verified.size > 100_000) verified.clear();
    verified.add(digest);
    return true;
  }

  /** Mosquitto password-file lines (`user:$7$...`) for every enrolled store. */
  function mosquittoPasswords(): string[] {
    return orm
      .select({ id: stores.id, mqtt_password_mosquitto: stores.mqttPasswordMosquitto })
      .from(stores)
      .where(and(eq(stores.enrollmentState, "enrolled"), isNotNull(stores.mqttPasswordMosquitto)))
      .orderBy(asc(stores.id))
      .all()
      .map((r) => `${mqttIdentity(r.id)}:${r.mqtt_password_mosquitto}`);
  }

  function enrolledIds(): string[] {
    return orm
      .select({ id: stores.id })
      .from(stores)
      .where(eq(stores.enrollmentState, "enrolled"))
      .orderBy(asc(stores.id))
      .all()
      .map((r) => r.id);
  }

  return {
    get,
    list,
    add,
    update,
    issueCode,
    enroll,
    revoke,
    verify,
    verifyDetailed,
    mosquittoPasswords,
    enrolledIds,
  };
}

export type Stores = ReturnType<typeof createStores>;
