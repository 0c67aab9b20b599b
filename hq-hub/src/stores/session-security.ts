// What the embedded broker reports about store sessions, turned into fleet alerts and
// credential rotations: a takeover is recorded and alerted; a rotation's secret is sent when it
// is started and again whenever the store subscribes with its old password; the store's first
// connect with the new password completes it (stores/rotation.ts).
import { uuidv7 } from "@retail/protocol";
import type { Sqlite } from "../db/open.ts";
import { StateError } from "../errors.ts";
import { createFleetAlerts } from "../fleet/alerts.ts";
import { type CredentialRotation, createRotations } from "./rotation.ts";

export function createSessionSecurity(deps: {
  db: Sqlite;
  now: () => Date;
  /** The hub's `send` of a command to one store (QoS 1 on its private command topic). */
  sendCommand: (
    storeId: string,
    payload: { commandId: string; name: "rotate_credentials"; args: Record<string, string | number> },
  ) => Promise<void>;
  /** False with an external broker: the hub neither sees sessions nor checks passwords there. */
  embeddedBroker: boolean;
  log: (line: string) => void;
}) {
  const alerts = createFleetAlerts(deps);
  const rotations = createRotations(deps);

  function sendPending(storeId: string) {
    const secret = rotations.secretToSend(storeId);
    if (!secret) return;
    deps
      .sendCommand(storeId, {
        commandId: uuidv7(),
        name: "rotate_credentials",
        args: { rotationId: secret.rotationId, password: secret.password },
      })
      .catch((e) =>
        deps.log(`hq-hub: rotation ${secret.rotationId} of ${storeId} not sent: ${(e as Error).message}`),
      );
  }

  async function rotate(storeId: string, actor: string): Promise<CredentialRotation> {
    if (!deps.embeddedBroker)
      throw new StateError(
        storeId,
        "credentials can be rotated over the channel only with the embedded broker; with an external broker revoke, issue an enrollment code and rewrite the password file",
      );
    const r = await rotations.start(storeId, actor);
    sendPending(storeId);
    return rotations.get(r.id);
  }

  return {
    alerts,
    rotations,
    rotate,
    onTakeover(t: { storeId: string; newAddress: string; oldAddress: string; oldConnectedAt: string }) {
      const a = alerts.recordTakeover({
        storeId: t.storeId,
        newAddress: t.newAddress,
        oldAddress: t.oldAddress,
        ...(t.oldConnectedAt ? { oldConnectedAt: t.oldConnectedAt } : {}),
      });
      deps.log(
        `hq-hub: ALERT store ${t.storeId}: MQTT session taken over by ${t.newAddress} (was ${t.oldAddress}); ${a.count} since ${a.openedAt}`,
      );
    },
    onReconnect(t: { storeId: string; newAddress: string; oldAddress: string; silentMs: number }) {
      // Not an alert: the store's own network cut (half-open old session), the usual WAN blip.
      deps.log(
        `hq-hub: store ${t.storeId} reconnected from ${t.newAddress}; its old session from ${t.oldAddress} had been silent ${Math.round(t.silentMs / 1000)} s (half-open), dropped`,
      );
    },
    onAuthenticated(storeId: string, via: "current" | "pending", address: string) {
      if (via !== "pending") return;
      const done = rotations.complete(storeId, address);
      if (done) deps.log(`hq-hub: store ${storeId} connected with its new credentials (rotation ${done.id})`);
    },
    onSubscribed(storeId: string, via: "current" | "pending") {
      if (via === "current" && rotations.pending(storeId)) sendPending(storeId);
    },
  };
}

export type SessionSecurity = ReturnType<typeof createSessionSecurity>;
