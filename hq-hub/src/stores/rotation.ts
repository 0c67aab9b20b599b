// MQTT credential rotation, over the store's own authenticated channel. HQ issues a new
// password and keeps it beside the current one (both are accepted); it is sent to the store as
// a `rotate_credentials` command on its private command topic, again each time the store
// connects with the old password, until the store connects with the new one: that connect is
// the store's acknowledgement (it has stored the secret, or it could not have used it). From
// then on only the new password works. The new secret is kept in clear only while pending.
import { randomBytes } from "node:crypto";
import type { Sqlite } from "../db/open.ts";
import { StateError } from "../errors.ts";
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

  const toRotation = (r: Record<string, unknown>): CredentialRotation => ({
    id: r.id as number,
    storeId: r.store_id as string,
    requestedAt: r.requested_at as string,
    requestedBy: r.requested_by as string,
    state: r.state as CredentialRotation["state"],
    ...(r.sent_at ? { sentAt: r.sent_at as string } : {}),
    sends: r.sends as number,
    ...(r.completed_at ? { completedAt: r.completed_at as string } : {}),
    ...(r.completed_from ? { completedFrom: r.completed_from as string } : {}),
  });

  /** Issues a new password for an enrolled store; refused while one is still pending. */
  async function start(storeId: string, actor: string): Promise<CredentialRotation> {
    const s = db
      .prepare("SELECT enrollment_state, mqtt_password_pending_hash FROM stores WHERE id = ?")
      .get(storeId) as { enrollment_state: string; mqtt_password_pending_hash: string | null } | undefined;
    if (!s) throw new StateError(storeId, `no store ${storeId}`);
    if (s.enrollment_state !== "enrolled")
      throw new StateError(
        storeId,
        `store ${storeId} is ${s.enrollment_state}, not enrolled: issue an enrollment code`,
      );
    const open = pending(storeId);
    if (open)
      throw new StateError(
        storeId,
        `a rotation of ${storeId} is pending since ${open.requestedAt} (sent ${open.sends} times); it completes when the store connects with the new password`,
        { rotation: open },
      );
    const password = randomBytes(24).toString("base64url");
    const hash = await Bun.password.hash(password, { algorithm: "argon2id", memoryCost: 19456, timeCost: 2 });
    const id = db.transaction(() => {
      // Two requests racing over the hash above: only the first one's UPDATE still finds none.
      const set = db
        .prepare(
          "UPDATE stores SET mqtt_password_pending = ?, mqtt_password_pending_hash = ? WHERE id = ? AND mqtt_password_pending_hash IS NULL",
        )
        .run(password, hash, storeId);
      if (set.changes !== 1) throw new StateError(storeId, `a rotation of ${storeId} is already pending`);
      return Number(
        db
          .prepare("INSERT INTO credential_rotations (store_id, requested_at, requested_by) VALUES (?, ?, ?)")
          .run(storeId, now().toISOString(), actor).lastInsertRowid,
      );
    })();
    return get(id);
  }

  function get(id: number): CredentialRotation {
    return toRotation(
      db.prepare("SELECT * FROM credential_rotations WHERE id = ?").get(id) as Record<string, unknown>,
    );
  }

  function pending(storeId: string): CredentialRotation | undefined {
    const r = db
      .prepare(
        "SELECT * FROM credential_rotations WHERE store_id = ? AND state = 'pending' ORDER BY id DESC LIMIT 1",
      )
      .get(storeId) as Record<string, unknown> | undefined;
    return r ? toRotation(r) : undefined;
  }

  /** The pending secret to send to the store (and the count of sends), if any. */
  function secretToSend(storeId: string): { rotationId: number; password: string } | undefined {
    const p = pending(storeId);
    if (!p) return undefined;
    const r = db.prepare("SELECT mqtt_password_pending FROM stores WHERE id = ?").get(storeId) as
      | { mqtt_password_pending: string | null }
      | undefined;
    if (!r?.mqtt_password_pending) return undefined;
    db.prepare("UPDATE credential_rotations SET sent_at = ?, sends = sends + 1 WHERE id = ?").run(
      now().toISOString(),
      p.id,
    );
    return { rotationId: p.id, password: r.mqtt_password_pending };
  }

  /** The store connected with the new password: it becomes the only one. */
  function complete(storeId: string, fromAddress: string): CredentialRotation | undefined {
    const p = pending(storeId);
    const r = db
      .prepare("SELECT mqtt_password_pending, mqtt_password_pending_hash FROM stores WHERE id = ?")
      .get(storeId) as
      | { mqtt_password_pending: string | null; mqtt_password_pending_hash: string | null }
      | undefined;
    const secret = r?.mqtt_password_pending;
    if (!p || !secret || !r.mqtt_password_pending_hash) return undefined;
    db.transaction(() => {
      db.prepare(
        `UPDATE stores SET mqtt_password_hash = mqtt_password_pending_hash, mqtt_password_mosquitto = ?,
         mqtt_password_pending = NULL, mqtt_password_pending_hash = NULL WHERE id = ?`,
      ).run(mosquittoHash(secret), storeId);
      db.prepare(
        "UPDATE credential_rotations SET state = 'completed', completed_at = ?, completed_from = ? WHERE id = ?",
      ).run(now().toISOString(), fromAddress, p.id);
    })();
    return get(p.id);
  }

  function list(storeId: string, limit = 50): CredentialRotation[] {
    return (
      db
        .prepare("SELECT * FROM credential_rotations WHERE store_id = ? ORDER BY id DESC LIMIT ?")
        .all(storeId, limit) as Record<string, unknown>[]
    ).map(toRotation);
  }

  return { start, get, pending, secretToSend, complete, list };
}

export type Rotations = ReturnType<typeof createRotations>;
