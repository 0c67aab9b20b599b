// An EXTERNAL Mosquitto serving the stores over mutual TLS with the chain CA (issue 20 item 6),
// the real Debian mosquitto: the hub keeps the CA and issues store certificates at enrollment,
// `writeMosquittoConfig` (hq-hub broker mosquitto-config --tls-port) writes the listener, the
// broker certificate and the revocation list. A store gets in with its certificate and its
// sales reach HQ; another CA's certificate, no certificate, the password alone, another store's
// topics and a revoked certificate are refused.
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { PeerCertificate } from "node:tls";
import { type AnyEnvelope, parseEnvelope, storeSubscriptions, upTopic } from "@retail/protocol";
import {
  BROKER_CN,
  commonNameOf,
  EC_ALG,
  generateKeyPair,
  newCertificateRequest,
  x509,
} from "@retail/protocol/pki";
import { freePort } from "@retail/test-support";
import mqtt from "mqtt";
import { loadConfig } from "../config.ts";
import { type Hub, startHub } from "../hub.ts";
import { mosquittoHash } from "../stores/stores.ts";
import { ADMIN_TOKEN, api, saleEvent, tempDir, waitFor } from "../test-kit.ts";
import { MOSQUITTO, mosquittoListening } from "../testing/mosquitto.ts";
import { hubAclLines } from "./external.ts";
import { writeMosquittoConfig } from "./mosquitto-config.ts";

setDefaultTimeout(90_000);

const dir = tempDir("hq-mosq-tls-");
const etc = join(dir.path, "etc");
let broker: ChildProcess | undefined;
let hub: Hub;
let plainPort = 0;
let tlsPort = 0;
const hubPass = "hub-secret-for-tls-tests";
type Store = {
  storeId: string;
  keyPem: string;
  certPem: string;
  caPem: string;
  password: string;
  username: string;
};
const stores: Record<string, Store> = {};

/** The hub's own password listener on loopback, as an operator keeps it beside the stores' TLS one. */
const hubListener = () => [
  `listener ${plainPort} 127.0.0.1`,
  "allow_anonymous false",
  `password_file ${join(etc, "mosquitto.passwd")}`,
  `acl_file ${join(etc, "mosquitto.acl")}`,
  "persistence false",
  // Run as root, Mosquitto would drop to user "mosquitto" and lose access to this temp dir.
  ...(process.getuid?.() === 0 ? ["user root"] : []),
];

/** Writes the files as an operator would, then (re)starts Mosquitto with them. */
async function configureAndStartBroker() {
  broker?.kill("SIGTERM");
  if (broker) await new Promise((r) => broker!.once("exit", r));
  await writeMosquittoConfig({
    db: hub.db,
    config: hub.config,
    stores: hub.stores,
    outDir: etc,
    tls: { port: tlsPort, bind: "127.0.0.1" },
    now: () => new Date(),
  });
  writeFileSync(
    join(etc, "mosquitto.conf"),
    [
      ...hubListener(),
      "log_dest stderr",
      "log_type error",
      readFileSync(join(etc, "mosquitto-tls.conf"), "utf8"),
    ].join("\n"),
  );
  broker = spawn(MOSQUITTO!, ["-c", join(etc, "mosquitto.conf")], { stdio: ["ignore", "ignore", "pipe"] });
  let said = "";
  broker.stderr?.on("data", (d) => {
    said += String(d);
  });
  await mosquittoListening(plainPort, "hub", hubPass, () => {
    if (broker?.exitCode !== null) throw new Error(`mosquitto exited: ${said}`);
  });
}

/** As the edge checks HQ's broker (store-edge link/tls.ts): the name dialled and CN retail-hq-broker. */
function brokerIdentity(_host: string, cert: PeerCertificate): Error | undefined {
  const cn = commonNameOf(cert.subject as { CN?: string | string[] });
  return cn === BROKER_CN ? undefined : new Error(`not HQ's broker: ${cn}`);
}

async function connectTls(o: {
  key?: string;
  cert?: string;
  ca: string;
  username: string;
  password: string;
}) {
  const client = await mqtt.connectAsync(`mqtts://127.0.0.1:${tlsPort}`, {
    clientId: o.username,
    username: o.username,
    password: o.password,
    reconnectPeriod: 0,
    connectTimeout: 10_000,
    protocolVersion: 5,
    ...(o.key ? { key: o.key, cert: o.cert } : {}),
    ca: o.ca,
    rejectUnauthorized: true,
    checkServerIdentity: brokerIdentity,
  } as mqtt.IClientOptions);
  return client;
}
const says = (p: Promise<{ endAsync(force?: boolean): Promise<void> }>) =>
  p.then(
    async (c) => {
      await c.endAsync(true);
      return "accepted";
    },
    (e: Error) => e.message || "refused",
  );

async function enrollWithCertificate(id: string): Promise<Store> {
  expect((await api(hub, "POST", "/api/v1/stores", { id, name: `门店 ${id}`, region: "east" })).status).toBe(
    200,
  );
  const code = (await api(hub, "POST", `/api/v1/stores/${id}/enrollment-code`)).body.code;
  const req = await newCertificateRequest(id);
  const r = await api(hub, "POST", "/api/v1/enroll", { code, csr: req.csrPem }, "");
  expect(r.status).toBe(200);
  const body = r.body as {
    mqtt: { url: string; username: string; password: string };
    tls: { certPem: string; caPem: string };
  };
  expect(body.mqtt.url).toBe(`mqtts://127.0.0.1:${tlsPort}`);
  return {
    storeId: id,
    keyPem: req.keyPem,
    certPem: body.tls.certPem,
    caPem: body.tls.caPem,
    username: body.mqtt.username,
    password: body.mqtt.password,
  };
}

beforeAll(async () => {
  if (!MOSQUITTO) throw new Error("mosquitto is not installed (apt-get install mosquitto)");
  mkdirSync(etc, { recursive: true });
  plainPort = await freePort();
  tlsPort = await freePort();
  // The hub's own user, there before the hub connects (as in mosquitto.test.ts).
  writeFileSync(join(etc, "mosquitto.passwd"), `hub:${mosquittoHash(hubPass)}\n`);
  writeFileSync(join(etc, "mosquitto.acl"), hubAclLines("hub"));
  writeFileSync(join(etc, "boot.conf"), [...hubListener(), "log_dest none", ""].join("\n"));
  broker = spawn(MOSQUITTO, ["-c", join(etc, "boot.conf")], { stdio: "ignore" });
  await Bun.sleep(300);
  hub = await startHub(
    loadConfig({
      env: {},
      cwd: dir.path,
      overrides: {
        port: 0,
        dataDir: join(dir.path, "data"),
        adminToken: ADMIN_TOKEN,
        memberSyncMs: 0,
        mqttUrl: `mqtt://hub:${hubPass}@127.0.0.1:${plainPort}`,
        publicMqttsUrl: `mqtts://127.0.0.1:${tlsPort}`,
      },
    }),
    { log: () => {} },
  );
  stores.T1 = await enrollWithCertificate("T1");
  stores.T2 = await enrollWithCertificate("T2");
  await configureAndStartBroker();
});

afterAll(async () => {
  await hub?.stop();
  broker?.kill("SIGTERM");
  dir.remove();
});

test("the written files: the listener requires a chain certificate and takes the store's identity from it; key 0600", () => {
  const conf = readFileSync(join(etc, "mosquitto-tls.conf"), "utf8");
  expect(conf).toContain(`listener ${tlsPort} 127.0.0.1`);
  expect(conf).toContain("require_certificate true");
  expect(conf).toContain("use_identity_as_username true");
  expect(conf).toContain(`crlfile ${etc}/crl.pem`);
  expect(statSync(join(etc, "broker.key")).mode & 0o777).toBe(0o600);
  expect(readFileSync(join(etc, "ca.crt"), "utf8")).toBe(stores.T1!.caPem);
  // Stores with a certificate: no password entry; their ACL user is the certificate's CN.
  const passwd = readFileSync(join(etc, "mosquitto.passwd"), "utf8");
  expect(passwd).not.toContain("store-T1");
  expect(readFileSync(join(etc, "mosquitto.acl"), "utf8")).toContain(
    "user store:T1\ntopic write retail/v1/s/T1/up/#",
  );
});

test("a store connects with its certificate and its sales reach HQ exactly once", async () => {
  const s = stores.T1!;
  const client = await connectTls({
    key: s.keyPem,
    cert: s.certPem,
    ca: s.caPem,
    username: s.username,
    password: s.password,
  });
  const got: AnyEnvelope[] = [];
  client.on("message", (_t, p) => {
    try {
      got.push(parseEnvelope(p));
    } catch {
      // only parsed envelopes count
    }
  });
  await client.subscribeAsync(storeSubscriptions("T1"), { qos: 1 });
  const events = [saleEvent("T1", 1), saleEvent("T1", 2)];
  // Sent again until HQ acks, as the edge's outbox does: the hub may still be reconnecting to the
  // restarted broker, and Mosquitto keeps nothing for a subscriber that is not there yet.
  await waitFor(
    async () => {
      await client.publishAsync(upTopic("T1", "events"), JSON.stringify(events), { qos: 1 });
      for (let i = 0; i < 20; i++) {
        if (got.some((e) => e.type === "events.ack" && e.payload.upToSeq === 2)) return true;
        await Bun.sleep(100);
      }
      return false;
    },
    "HQ's ack through Mosquitto over TLS",
    60_000,
  );
  expect(hub.db.prepare("SELECT COUNT(*) AS n FROM sales WHERE store_id = 'T1'").get()).toEqual({ n: 2 });
  // Its certificate's identity reaches its own topics only (MQTT 5 PUBACK 0x87: not authorized).
  const onOther = await client
    .publishAsync(upTopic("T2", "events"), JSON.stringify([saleEvent("T2", 1)]), { qos: 1 })
    .then(
      (p) => (p as { reasonCode?: number } | undefined)?.reasonCode ?? 0,
      (e) => (e as { code?: number }).code ?? -1,
    );
  expect(onOther).toBe(135);
  await client.endAsync(true);
  expect(hub.db.prepare("SELECT COUNT(*) AS n FROM sales WHERE store_id = 'T2'").get()).toEqual({ n: 0 });
});

test("refused: another CA's certificate, no certificate, the password alone on the plain listener, a revoked certificate", async () => {
  const s = stores.T1!;
  // A certificate named store:T1 from a CA that is not the chain's.
  const keys = await generateKeyPair();
  const rogue = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: "0badc0de",
    name: "CN=store:T1",
    notBefore: new Date(Date.now() - 86_400_000),
    notAfter: new Date(Date.now() + 86_400_000),
    signingAlgorithm: EC_ALG,
    keys,
  });
  const { privateKeyPem } = await import("@retail/protocol/pki");
  expect(
    await says(
      connectTls({
        key: await privateKeyPem(keys.privateKey),
        cert: rogue.toString("pem"),
        ca: s.caPem,
        username: s.username,
        password: s.password,
      }),
    ),
  ).not.toBe("accepted");
  expect(await says(connectTls({ ca: s.caPem, username: s.username, password: s.password }))).not.toBe(
    "accepted",
  );
  expect(
    await says(
      mqtt.connectAsync(`mqtt://127.0.0.1:${plainPort}`, {
        clientId: s.username,
        username: s.username,
        password: s.password,
        reconnectPeriod: 0,
        connectTimeout: 5000,
        protocolVersion: 5,
      }),
    ),
  ).not.toBe("accepted");

  // T2 gets in with its certificate until HQ revokes it; the next config lists it in the CRL.
  const t2 = stores.T2!;
  const t2Opts = {
    key: t2.keyPem,
    cert: t2.certPem,
    ca: t2.caPem,
    username: t2.username,
    password: t2.password,
  };
  expect(await says(connectTls(t2Opts))).toBe("accepted");
  expect((await api(hub, "POST", "/api/v1/stores/T2/revoke")).status).toBe(200);
  await configureAndStartBroker();
  const crl = new x509.X509Crl(readFileSync(join(etc, "crl.pem"), "utf8"));
  expect(crl.entries.map((e) => e.serialNumber.toLowerCase().replace(/^0+/, ""))).toContain(
    new x509.X509Certificate(t2.certPem).serialNumber.toLowerCase().replace(/^0+/, ""),
  );
  expect(await says(connectTls(t2Opts))).not.toBe("accepted");
  // T1 is untouched by T2's revocation.
  expect(
    await says(
      connectTls({ key: s.keyPem, cert: s.certPem, ca: s.caPem, username: s.username, password: s.password }),
    ),
  ).toBe("accepted");
});
