// MQTT credential rotation, over the store's own authenticated channel. HQ issues a new
// password and keeps it beside the current one (both are accepted); it is sent to the store as
// a `rotate_credentials` command on its private command topic, again each time the store
// connects with the old password, until the store connects with the new one: that connect is
// the store's acknowledgement (it has stored the secret, or it could not have used it). From
// then on only the new password works. The new secret is kept in clear only while pending.
import { randomBytes } from "node:crypto";
import { and, desc, eq, isNull, sql } from "drizzle-orm";
import { openDrizzle, type Sqlite } from "../db/open.ts";
import { credentialRotations, stores } from "../db/schema.ts";
import { StateError } from "../errors.ts";
import { type EnrollmentState, enrollmentLifecycle } from "./lifecycle.ts";
import { hashStoreSecret } from "./secret.ts";
import { mosquittoHash } from "./stores.ts";

export interface CredentialRotation {
  id: number;
  storeId: string;
  requestedAt: string;
  requestedBy: string;
  state: "pending" | "completed" | "superseded";
  sentAt?: string;
  sends: number;
  completedAt?: string;
  /** The address the store connected from with the new password. */
  completedFrom?: string;
}

export function createRotations(deps: { db: Sqlite; now: () => Date }) {
  const { db, now } = deps;
  const orm = openDrizzle(db);

  const toRotation = (r: typeof credentialRotations.$inferSelect): CredentialRotation => ({
    id: r.id,
    storeId: r.storeId,
    requestedAt: r.requestedAt,
    requestedBy: r.requestedBy,
    state: r.state as CredentialRotation["state"],
    ...(r.sentAt ? { sentAt: r.sentAt } : {}),
    sends: r.sends,
    ...(r.completedAt ? { completedAt: r.completedAt } : {}),
    ...(r.completedFrom ? { completedFrom: r.completedFrom } : {}),
  });
  const storeRow = (storeId: string) =>
    orm
      .select({
        enrollmentState: stores.enrollmentState,
        pending: stores.mqttPasswordPending,
        pendingHash: stores.mqttPasswordPendingHash,
      })
      .from(stores)
      .where(eq(stores.id, storeId))
      .get();

  /** Issues a new password for an enrolled store; refused while one is still pending. */
  async function start(storeId: string, actor: string): Promise<CredentialRotation> {
    const s = storeRow(storeId);
    if (!s) throw new StateError(storeId, `no store ${storeId}`);
    enrollmentLifecycle.apply(storeId, s.enrollmentState as EnrollmentState, "rotate");
    const open = pending(storeId);
    if (open)
      throw new StateError(
        storeId,
        `a rotation of ${storeId} is pending since ${open.requestedAt} (sent ${open.sends} times); it completes when the store connects with the new password`,
        { rotation: open },
      );
    const password = randomBytes(24).toString("base64url");
    const hash = hashStoreSecret(password);
    const id = db.transaction(() => {
      // Two requests racing over the hash above: only the first one's UPDATE still finds none.
      const set = orm
        .update(stores)
        .set({ mqttPasswordPending: password, mqttPasswordPendingHash: hash })
        .where(and(eq(stores.id, storeId), isNull(stores.mqttPasswordPendingHash)))
        .run();
      if (set.changes !== 1) throw new StateError(storeId, `a rotation of ${storeId} is already pending`);
      return orm
        .insert(credentialRotations)
        .values({ storeId, requestedAt: now().toISOString(), requestedBy: actor })
        .returning({ id: credentialRotations.id })
        .get().id;
    })();
    return get(id);
  }

  function get(id: number): CredentialRotation {
    return toRotation(orm.select().from(credentialRotations).where(eq(credentialRotations.id, id)).get()!);
  }

  function pending(storeId: string): CredentialRotation | undefined {
    const r = orm
      .select()
      .from(credentialRotations)
      .where(and(eq(credentialRotations.storeId, storeId), eq(credentialRotations.state, "pending")))
      .orderBy(desc(credentialRotations.id))
      .limit(1)
      .get();
    return r ? toRotation(r) : undefined;
  }

  /** The pending secret to send to the store (and the count of sends), if any. */
  function secretToSend(storeId: string): { rotationId: number; password: string } | undefined {
    const p = pending(storeId);
    if (!p) return undefined;
    const r = storeRow(storeId);
    if (!r?.pending) return undefined;
    orm
      .update(credentialRotations)
      .set({ sentAt: now().toISOString(), sends: sql`${credentialRotations.sends} + 1` })
      .where(eq(credentialRotations.id, p.id))
      .run();
    return { rotationId: p.id, password: r.pending };
  }

  /** The store connected with the new password: it becomes the only one. */
  function complete(storeId: string, fromAddress: string): CredentialRotation | undefined {
    const p = pending(storeId);
    const r = storeRow(storeId);
    const secret = r?.pending;
    if (!p || !secret || !r.pendingHash) return undefined;
    db.transaction(() => {
      orm
        .update(stores)
        .set({
          mqttPasswordHash: sql`${stores.mqttPasswordPendingHash}`,
          mqttPasswordMosquitto: mosquittoHash(secret),
          mqttPasswordPending: null,
          mqttPasswordPendingHash: null,
        })
        .where(eq(stores.id, storeId))
        .run();
      orm
        .update(credentialRotations)
        .set({ state: "completed", completedAt: now().toISOString(), completedFrom: fromAddress })
        .where(eq(credentialRotations.id, p.id))
        .run();
    })();
    return get(p.id);
  }

  function list(storeId: string, limit = 50): CredentialRotation[] {
    return orm
      .select()
      .from(credentialRotations)
      .where(eq(credentialRotations.storeId, storeId))
      .orderBy(desc(credentialRotations.id))
      .limit(limit)
      .all()
      .map(toRotation);
  }

  return { start, get, pending, secretToSend, complete, list };
}

export type Rotations = ReturnType<typeof createRotations>;
