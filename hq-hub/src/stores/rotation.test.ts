// Credential rotation at the hub (stores/rotation.ts, session-security.ts) with a real broker and
// MQTT clients standing in for the edge: the secret goes to the store's own command topic, again
// each time the store subscribes with its old password; a second rotation waits for the first;
// the first connect with the new password completes it and the old one is refused from then on.
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import mqtt from "mqtt";
import { api, connectStore, enrollStore, type StoreClient, startTestHub } from "../test-kit.ts";
import type { EnrollResponse } from "./stores.ts";

setDefaultTimeout(60_000);

let hub: Awaited<ReturnType<typeof startTestHub>>;
let creds: EnrollResponse;
const open: StoreClient[] = [];
beforeAll(async () => {
  hub = await startTestHub();
  creds = await enrollStore(hub, "S001");
  await enrollStore(hub, "S002");
});
afterAll(async () => {
  for (const c of open) await c.close().catch(() => {});
  await hub.cleanup();
});

async function accepts(password: string): Promise<boolean> {
  try {
    const c = await mqtt.connectAsync(creds.mqtt.url, {
      clientId: creds.mqtt.clientId,
      username: creds.mqtt.username,
      password,
      reconnectPeriod: 0,
    });
    await c.endAsync(true);
    return true;
  } catch {
    return false;
  }
}

test("pending until the store uses the new password; resent on each old-password connect; then the old one is refused", async () => {
  // The store is offline when HQ rotates: nothing reaches it yet, the rotation waits.
  const started = await api(hub, "POST", "/api/v1/stores/S001/rotate-credentials");
  expect(started.status).toBe(200);
  expect(started.body).toMatchObject({
    storeId: "S001",
    state: "pending",
    requestedBy: expect.stringContaining("hq_admin"),
  });
  const second = await api(hub, "POST", "/api/v1/stores/S001/rotate-credentials");
  expect(second.status).toBe(409);
  expect(second.body.message).toContain("pending");
  const fleetRow = (await api(hub, "GET", "/api/v1/fleet")).body.find(
    (r: { storeId: string }) => r.storeId === "S001",
  );
  expect(fleetRow.rotationPendingSince).toBe(started.body.requestedAt);

  // The store connects with its old password (still accepted) and is sent the new secret.
  const store = await connectStore(creds);
  open.push(store);
  const cmd = await store.next("command", (e) => e.payload.name === "rotate_credentials");
  expect(cmd.payload.args.rotationId).toBe(started.body.id);
  const password = cmd.payload.args.password as string;
  expect(password).toMatch(/^[A-Za-z0-9_-]{32}$/);
  await store.close();
  const again = await connectStore(creds);
  open.push(again);
  await again.next("command", (e) => e.payload.name === "rotate_credentials");
  await again.close();
  const rotations = (await api(hub, "GET", "/api/v1/stores/S001/credential-rotations")).body;
  // Published three times: at the start (the store was offline: lost) and at each connect.
  expect(rotations[0]).toMatchObject({ state: "pending", sends: 3 });

  // The store reconnects with the new password: that completes the rotation.
  const renewed = await connectStore({ ...creds, mqtt: { ...creds.mqtt, password } });
  open.push(renewed);
  const done = (await api(hub, "GET", "/api/v1/stores/S001/credential-rotations")).body;
  expect(done[0]).toMatchObject({
    state: "completed",
    completedFrom: expect.stringMatching(/^127\.0\.0\.1:/),
  });
  await renewed.close();
  expect(await accepts(creds.mqtt.password)).toBe(false);
  expect(await accepts(password)).toBe(true);
  // The Mosquitto password file follows (an operator who moves to an external broker).
  const files = (await api(hub, "GET", "/api/v1/broker/mosquitto-config")).body;
  expect(files.passwordFile).toContain("store-S001:$7$");

  // Only an admin rotates; a revoked store cannot be rotated.
  const tok = (
    await api(hub, "POST", "/api/v1/tokens", { name: "东区", role: "regional_manager", region: "east" })
  ).body.token as string;
  expect((await api(hub, "POST", "/api/v1/stores/S002/rotate-credentials", undefined, tok)).status).toBe(403);
  expect((await api(hub, "POST", "/api/v1/stores/S002/revoke")).status).toBe(200);
  const revoked = await api(hub, "POST", "/api/v1/stores/S002/rotate-credentials");
  expect(revoked.status).toBe(409);
  expect((await api(hub, "POST", "/api/v1/stores/S999/rotate-credentials")).status).toBe(404);
});
