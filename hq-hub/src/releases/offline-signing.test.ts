// The chain's release key kept offline (issue 20, docs/appliance.md "Updates"): a hub configured
// with the public half only signs nothing; a release waits unsigned, is refused to the rings,
// and takes the signature `hq-hub release sign` made on another machine only if it verifies for
// that release's id, version and bytes under the chain's key. Hostile: another key, another
// release's signature, garbage, a second signature, a key file on the hub that is not the key.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { createHash, createPublicKey, verify } from "node:crypto";
import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { releaseManifest } from "@retail/protocol";
import { HUB_CLI, runCli } from "@retail/test-support";
import {
  ADMIN_TOKEN,
  api,
  connectStore,
  enrollStore,
  type StoreClient,
  startTestHub,
  waitFor,
} from "../test-kit.ts";
import { KEY_FILE, loadReleaseKey, signManifest, writeNewKey } from "./signing.ts";

setDefaultTimeout(120_000);

const dir = mkdtempSync(join(tmpdir(), "release-offline-"));
const chainKey = join(dir, "chain-release-key.pem");
const otherKey = join(dir, "other-key.pem");
const artefact = join(dir, "store-edge");
const hubData = join(dir, "hub-data");
const bytes = new TextEncoder().encode("#!/bin/sh\necho signed offline\n".repeat(500));
const sha256 = createHash("sha256").update(bytes).digest("hex");
let publicKey: string;
let hub: Awaited<ReturnType<typeof startTestHub>>;
let pilot: StoreClient;
let releaseKeyAtEnrollment: string;

beforeAll(async () => {
  const made = await runCli(HUB_CLI, ["release", "keygen", "--key", chainKey]);
  expect(made.code).toBe(0);
  publicKey = made.out.trim();
  writeNewKey(otherKey);
  writeFileSync(artefact, bytes);
  hub = await startTestHub({ releasePublicKey: publicKey, dataDir: hubData });
  const creds = await enrollStore(hub, "P001", { ring: "pilot" });
  releaseKeyAtEnrollment = creds.releaseKey;
  pilot = await connectStore(creds, { keep: true });
  // Online with an older version: what makes HQ offer it a release.
  await pilot.request("store.status", {
    state: "online",
    appVersion: "0.1.0+old",
    catalogVersion: 0,
    outboxBacklog: 0,
    lastSeq: 0,
    devices: [],
    at: new Date().toISOString(),
  });
  await waitFor(
    async () => (await api(hub, "GET", "/api/v1/fleet/updates")).body[0]?.appVersion,
    "the store's status",
  );
});
afterAll(async () => {
  await pilot?.close();
  await hub?.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

describe("loadReleaseKey", () => {
  test("offline: no signer, and only the key's own signatures of the exact manifest verify", () => {
    const key = loadReleaseKey(join(dir, "no-data"), publicKey);
    expect(key.sign).toBeUndefined();
    expect(key.publicKey).toBe(publicKey);
    const m = { releaseId: 7, version: "0.2.0", sha256, size: bytes.length };
    expect(key.verifies(m, signManifest(chainKey, m))).toBe(true);
    expect(key.verifies(m, signManifest(otherKey, m))).toBe(false);
    expect(key.verifies({ ...m, releaseId: 8 }, signManifest(chainKey, m))).toBe(false);
    expect(key.verifies({ ...m, size: m.size + 1 }, signManifest(chainKey, m))).toBe(false);
    expect(key.verifies(m, "not base64 at all!")).toBe(false);
    expect(key.verifies(m, "")).toBe(false);
  });

  test("a garbage or non-ed25519 public key is refused naming the setting", () => {
    expect(() => loadReleaseKey(dir, "AAAA")).toThrow("releasePublicKey");
    expect(() => loadReleaseKey(dir, "-----BEGIN PUBLIC KEY-----\nnope\n-----END PUBLIC KEY-----")).toThrow(
      "releasePublicKey",
    );
  });

  test("a key file left on the hub that is not the configured key stops it (the stores trust the file's key)", () => {
    const data = mkdtempSync(join(tmpdir(), "release-offline-data-"));
    try {
      writeNewKey(join(data, KEY_FILE));
      expect(() => loadReleaseKey(data, publicKey)).toThrow("the key the enrolled stores trust");
      // The same key moved offline with a copy left behind is accepted (and still signs nothing).
      rmSync(join(data, KEY_FILE));
      copyFileSync(chainKey, join(data, KEY_FILE));
      expect(loadReleaseKey(data, publicKey).sign).toBeUndefined();
    } finally {
      rmSync(data, { recursive: true, force: true });
    }
  });
});

describe("hq-hub release (the signing machine's CLI)", () => {
  test("refuses to overwrite a key, and says what is wrong with a missing file or a key that is not one", async () => {
    const again = await runCli(HUB_CLI, ["release", "keygen", "--key", chainKey]);
    expect(again.code).toBe(1);
    expect(again.err).toContain("exists");
    const pub = await runCli(HUB_CLI, ["release", "pubkey", "--key", chainKey]);
    expect(pub.out.trim()).toBe(publicKey);
    const missing = join(dir, "no-such-build");
    const noFile = await runCli(HUB_CLI, [
      "release",
      "sign",
      "--key",
      chainKey,
      "--id",
      "1",
      "--version",
      "0.2.0",
      "--file",
      missing,
    ]);
    expect(noFile.code).toBe(1);
    expect(noFile.err).toContain(`hq-hub: release sign: `);
    expect(noFile.err).toContain(missing);
    const notKey = await runCli(HUB_CLI, [
      "release",
      "sign",
      "--key",
      artefact,
      "--id",
      "1",
      "--version",
      "0.2.0",
      "--file",
      artefact,
    ]);
    expect(notKey.code).toBe(1);
    expect(notKey.err).toStartWith("hq-hub: release sign: ");
  });
});

describe("a hub holding only the public key", () => {
  test("stores get the offline public key at enrollment; HQ makes no key file; the API says offline", async () => {
    expect(releaseKeyAtEnrollment).toBe(publicKey);
    expect(existsSync(join(hubData, KEY_FILE))).toBe(false);
    const key = await api(hub, "GET", "/api/v1/release-key");
    expect(key.body).toEqual({ mode: "offline", publicKey });
  });

  test("upload -> unsigned draft, refused to the rings; wrong signatures refused; the CLI's signature accepted and offered", async () => {
    const res = await fetch(`${hub.http.url}/api/v1/releases?version=0.2.0&sha256=${sha256}`, {
      method: "POST",
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      body: bytes,
    });
    expect(res.status).toBe(200);
    const draft = (await res.json()) as { id: number; signed: boolean };
    expect(draft.signed).toBe(false);

    const early = await api(hub, "POST", `/api/v1/releases/${draft.id}/release`, { stage: "pilot" });
    expect(early.status).toBe(409);
    expect(early.body.message).toContain("not signed yet");

    const manifest = { releaseId: draft.id, version: "0.2.0", sha256, size: bytes.length };
    const refusals = [
      signManifest(otherKey, manifest), // another key
      signManifest(chainKey, { ...manifest, releaseId: draft.id + 1 }), // another release
      signManifest(chainKey, { ...manifest, version: "0.2.1" }),
      "A".repeat(86) + "==", // well-formed garbage
    ];
    for (const signature of refusals) {
      const r = await api(hub, "POST", `/api/v1/releases/${draft.id}/signature`, { signature });
      expect(r.status).toBe(400);
      expect(r.body.field).toBe("signature");
    }
    const huge = await api(hub, "POST", `/api/v1/releases/${draft.id}/signature`, {
      signature: "x".repeat(5000),
    });
    expect(huge.status).toBe(400);
    const noToken = await api(hub, "POST", `/api/v1/releases/${draft.id}/signature`, { signature: "x" }, "");
    expect(noToken.status).toBe(401);

    // The signing machine: the CLI hashes the file itself and posts the signature to HQ.
    const signed = await runCliWithEnv([
      "release",
      "sign",
      "--key",
      chainKey,
      "--id",
      String(draft.id),
      "--version",
      "0.2.0",
      "--file",
      artefact,
      "--hq",
      hub.http.url,
    ]);
    expect(signed.err).toBe("");
    expect(signed.code).toBe(0);
    const out = JSON.parse(signed.out) as typeof manifest & { signature: string };
    expect(out).toMatchObject(manifest);
    const again = await api(hub, "POST", `/api/v1/releases/${draft.id}/signature`, {
      signature: out.signature,
    });
    expect(again.status).toBe(409);

    const detail = await api(hub, "GET", `/api/v1/releases/${draft.id}`);
    expect(detail.body.signed).toBe(true);
    const out2 = await api(hub, "POST", `/api/v1/releases/${draft.id}/release`, { stage: "pilot" });
    expect(out2.status).toBe(200);
    // The pilot store is offered it with a signature that verifies under the key it enrolled with.
    const offer = (await pilot.next("release.offer", () => true, 20_000)) as unknown as {
      payload: typeof manifest & { signature: string };
    };
    expect(offer.payload.signature).toBe(out.signature);
    const pub = createPublicKey({
      key: Buffer.from(releaseKeyAtEnrollment, "base64"),
      format: "der",
      type: "spki",
    });
    expect(
      verify(
        null,
        Buffer.from(releaseManifest(offer.payload)),
        pub,
        Buffer.from(offer.payload.signature, "base64"),
      ),
    ).toBe(true);
  });
});

function runCliWithEnv(args: string[]) {
  const proc = Bun.spawn([process.execPath, HUB_CLI, ...args], {
    stdout: "pipe",
    stderr: "pipe",
    env: { ...process.env, HQ_ADMIN_TOKEN: ADMIN_TOKEN },
  });
  return Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]).then(
    ([out, err, code]) => ({ out, err, code }),
  );
}
