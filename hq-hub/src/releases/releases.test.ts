// The releases API on a real hub (HTTP + embedded MQTT): an admin uploads an artefact, HQ signs it
// with the chain's key (the one each store got at enrollment), offers it to the pilot ring, then
// to the chain after promotion; stores download it with their own credentials and report their
// steps, which the fleet's update state shows. Hostile: no token, a damaged upload, a bad version,
// the same version twice, a wrong store password, a general store fetching a pilot release.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { createHash, createPublicKey, verify } from "node:crypto";
import { makeEnvelope, releaseManifest, upTopic } from "@retail/protocol";
import {
  ADMIN_TOKEN,
  api,
  connectStore,
  enrollStore,
  type StoreClient,
  startTestHub,
  waitFor,
} from "../test-kit.ts";

setDefaultTimeout(60_000);

let hub: Awaited<ReturnType<typeof startTestHub>>;
let pilot: StoreClient;
let general: StoreClient;
let pilotCreds: Awaited<ReturnType<typeof enrollStore>> & { releaseKey?: string };
let generalCreds: Awaited<ReturnType<typeof enrollStore>>;
const bytes = new TextEncoder().encode("#!/bin/sh\necho the next edge\n".repeat(1000));
const sha = createHash("sha256").update(bytes).digest("hex");

const upload = (version: string, body: Uint8Array, o: { token?: string; sha256?: string } = {}) =>
  fetch(
    `${hub.http.url}/api/v1/releases?version=${encodeURIComponent(version)}${o.sha256 ? `&sha256=${o.sha256}` : ""}`,
    {
      method: "POST",
      headers: o.token === "" ? {} : { authorization: `Bearer ${o.token ?? ADMIN_TOKEN}` },
      body,
    },
  );
const download = (id: number, user: string, password: string) =>
  fetch(`${hub.http.url}/api/v1/releases/${id}/artefact`, {
    headers: { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}` },
  });
const status = (c: StoreClient, appVersion: string) =>
  c.client.publishAsync(
    upTopic(c.storeId, "status"),
    JSON.stringify(
      makeEnvelope(
        "store.status",
        {
          state: "online",
          appVersion,
          catalogVersion: 0,
          outboxBacklog: 0,
          lastSeq: 0,
          devices: [],
          at: new Date().toISOString(),
        },
        { storeId: c.storeId },
      ),
    ),
    { qos: 1, retain: true },
  );

beforeAll(async () => {
  hub = await startTestHub();
  pilotCreds = await enrollStore(hub, "P001", { ring: "pilot" });
  generalCreds = await enrollStore(hub, "G001", { ring: "general" });
  pilot = await connectStore(pilotCreds, { keep: true });
  general = await connectStore(generalCreds, { keep: true });
  await status(pilot, "0.1.0+old");
  await status(general, "0.1.0+old");
  await waitFor(
    async () =>
      (await api(hub, "GET", "/api/v1/fleet/updates")).body.every(
        (s: { appVersion?: string }) => s.appVersion,
      ),
    "both stores' status",
  );
});
afterAll(async () => {
  await pilot?.close();
  await general?.close();
  await hub?.cleanup();
});

describe("edge releases", () => {
  let id = 0;

  test("an upload is refused without an admin token, damaged, badly named or twice", async () => {
    expect((await upload("0.2.0", bytes, { token: "" })).status).toBe(401);
    const damaged = await upload("0.2.0", bytes, { sha256: "0".repeat(64) });
    expect(damaged.status).toBe(400);
    expect(await damaged.json()).toMatchObject({ field: "sha256" });
    const badName = await upload("0.2.0; rm -rf /", bytes);
    expect(badName.status).toBe(400);
    expect(await badName.json()).toMatchObject({ field: "version" });
    expect((await upload("0.2.0", new Uint8Array())).status).toBe(400);
    const ok = await upload("0.2.0", bytes, { sha256: sha });
    expect(ok.status).toBe(200);
    const row = (await ok.json()) as { id: number; sha256: string; size: number; stage: string };
    expect(row).toMatchObject({ sha256: sha, size: bytes.byteLength, stage: "draft" });
    id = row.id;
    expect((await upload("0.2.0", bytes)).status).toBe(409);
  });

  test("signed with the chain key the store got at enrollment; a draft is nobody's to download", async () => {
    expect(pilotCreds.releaseKey).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect((await download(id, pilotCreds.mqtt.username, pilotCreds.mqtt.password)).status).toBe(404);
    const audit = await api(hub, "GET", "/api/v1/audit?route=/api/v1/releases");
    expect(JSON.stringify(audit.body)).toContain("0.2.0");
  });

  test("pilot ring first: the pilot store is offered it and downloads it, the general store cannot", async () => {
    const released = await api(hub, "POST", `/api/v1/releases/${id}/release`, { stage: "pilot" });
    expect(released.status).toBe(200);
    expect(released.body.stage).toBe("pilot");
    const offer = await pilot.next("release.offer");
    expect(offer.payload).toMatchObject({ releaseId: id, version: "0.2.0", sha256: sha, ring: "pilot" });
    const key = createPublicKey({
      key: Buffer.from(pilotCreds.releaseKey!, "base64"),
      format: "der",
      type: "spki",
    });
    const manifest = Buffer.from(releaseManifest(offer.payload));
    expect(verify(null, manifest, key, Buffer.from(offer.payload.signature, "base64"))).toBe(true);
    // A manifest naming other bytes does not verify.
    const forged = Buffer.from(releaseManifest({ ...offer.payload, sha256: "f".repeat(64) }));
    expect(verify(null, forged, key, Buffer.from(offer.payload.signature, "base64"))).toBe(false);

    const got = await download(id, pilotCreds.mqtt.username, pilotCreds.mqtt.password);
    expect(got.status).toBe(200);
    expect(
      createHash("sha256")
        .update(new Uint8Array(await got.arrayBuffer()))
        .digest("hex"),
    ).toBe(sha);
    expect((await download(id, pilotCreds.mqtt.username, "wrong-password")).status).toBe(401);
    expect((await download(id, generalCreds.mqtt.username, generalCreds.mqtt.password)).status).toBe(404);
    expect(general.received.some((e) => e.type === "release.offer")).toBe(false);
  });

  test("steps reported by the store are the fleet's update state; promotion reaches the chain", async () => {
    await pilot.request("update.report", {
      releaseId: id,
      version: "0.2.0",
      step: "healthy",
      runningVersion: "0.2.0",
      at: new Date().toISOString(),
    });
    await status(pilot, "0.2.0");
    await waitFor(async () => {
      const fleet = (await api(hub, "GET", "/api/v1/fleet/updates")).body as {
        storeId: string;
        appVersion?: string;
        update?: { step: string };
      }[];
      const p = fleet.find((s) => s.storeId === "P001");
      return p?.update?.step === "healthy" && p.appVersion === "0.2.0";
    }, "P001 healthy on 0.2.0");
    const promoted = await api(hub, "POST", `/api/v1/releases/${id}/promote`);
    expect(promoted.body.stage).toBe("all");
    expect((await general.next("release.offer")).payload).toMatchObject({ releaseId: id, ring: "all" });
    expect((await download(id, generalCreds.mqtt.username, generalCreds.mqtt.password)).status).toBe(200);
    // Promoting twice is a refused transition, named.
    const again = await api(hub, "POST", `/api/v1/releases/${id}/promote`);
    expect(again.status).toBe(409);
    const detail = await api(hub, "GET", `/api/v1/releases/${id}`);
    expect(detail.body.stores).toEqual([
      expect.objectContaining({ storeId: "P001", step: "healthy", runningVersion: "0.2.0" }),
    ]);
  });

  test("a store that rolled a release back is not offered it again; a report of an unknown release changes nothing", async () => {
    await general.request("update.report", {
      releaseId: id,
      version: "0.2.0",
      step: "rolled_back",
      runningVersion: "0.1.0+old",
      reason: "health check failed: HQ link not online within 120 s",
      at: new Date().toISOString(),
    });
    await general.request("update.report", {
      releaseId: 9999,
      version: "9.9.9",
      step: "healthy",
      runningVersion: "9.9.9",
      at: new Date().toISOString(),
    });
    await waitFor(
      async () => (await api(hub, "GET", `/api/v1/releases/${id}`)).body.stores.length === 2,
      "G001's report",
    );
    const offers = () => general.received.filter((e) => e.type === "release.offer").length;
    const before = offers();
    hub.releases.onStatus("G001", { state: "online", appVersion: "0.1.0+old" });
    // A reply asked after it arrives after anything the hub sent before it.
    await general.request("stock.query", { queryId: "probe", sku: "SKU1" });
    await general.next("stock.reply");
    expect(offers()).toBe(before);
    await hub.releases.withdraw("test", id);
    const list = await api(hub, "GET", "/api/v1/releases");
    expect(list.body[0]).toMatchObject({ id, stage: "withdrawn", steps: { healthy: 1, rolled_back: 1 } });
    expect(offers()).toBe(before);
  });
});
