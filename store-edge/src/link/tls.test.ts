// The chain's TLS end to end with real processes (issue 20 item 6): a hub serving mqtts with its
// chain CA, an edge enrolled with a certificate request (its key made on the box), selling and
// delivering over mutual TLS. Hostile cases: a bad request or a public address refused without
// spending the code; the store's password alone (plain port, or mqtts without a certificate)
// and another store's certificate are refused by the broker; a store certificate never passes
// for HQ's broker.
import { Database } from "bun:sqlite";
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { X509Certificate } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { newCertificateRequest } from "@retail/protocol/pki";
import mqtt from "mqtt";
import { catalogItems, gtinOf, tempDir, until } from "../testing/fixtures.ts";
import { edgeCall, HubAdmin, type Proc, runEdgeCli, startEdge, startHub, stop } from "../testing/procs.ts";
import { checkBrokerIdentity, readStoreTls } from "./tls.ts";

// Real processes on a shared CI machine: generous, never a timed assertion.
setDefaultTimeout(180_000);

const hubDir = tempDir("hub-tls-");
const edgeDir = tempDir("edge-tls-");
let hub: Proc | undefined;
let edge: Proc | undefined;
let admin: HubAdmin;
let token = "";
let code = "";

const http = () => edge!.ready.http!;
type Status = {
  outbox: { lastSeq: number; ackedUpTo: number };
  link: { state: string };
  catalog: { applied: number };
};
const status = async () => (await edgeCall<Status>(http(), "GET", "/status")).body;
const enrollment = () =>
  (
    JSON.parse(readFileSync(join(edgeDir, "store-edge.json"), "utf8")) as {
      enrollment: { mqtt: { url: string; password: string; username: string }; tls?: { serial: string } };
    }
  ).enrollment;
function count(file: string, sql: string): number {
  const db = new Database(file, { readonly: true });
  try {
    return db.query<{ n: number }, []>(sql).get()!.n;
  } finally {
    db.close();
  }
}
async function ok(method: string, path: string, body?: unknown) {
  const res = await fetch(`${http()}/api/v1${path}`, {
    method,
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const b = (await res.json()) as Record<string, unknown>;
  if (res.status !== 200) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(b)}`);
  if (path.endsWith("/login")) token = (b.session as { token: string }).token;
  return b;
}
async function sale() {
  await ok("POST", "/lanes/1/scan", { code: gtinOf(10) });
  await ok("POST", "/lanes/1/tenders", { kind: "cash", received: 100_000 });
}
async function enrollRaw(body: unknown) {
  const res = await fetch(`${hub!.ready.http}/api/v1/enroll`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}
/** Whether the broker opens a session for these credentials (the error when it does not). */
async function brokerSays(
  url: string,
  o: mqtt.IClientOptions & { checkServerIdentity?: typeof checkBrokerIdentity },
): Promise<string> {
  try {
    const c = await mqtt.connectAsync(url, { reconnectPeriod: 0, connectTimeout: 10_000, ...o });
    await c.endAsync(true);
    return "accepted";
  } catch (e) {
    return (e as Error).message || "refused";
  }
}

beforeAll(async () => {
  hub = await startHub(hubDir, 0, { HQ_MQTTS_PORT: "0" });
  expect(hub.ready.mqtts).toMatch(/^mqtts:\/\/127\.0\.0\.1:\d+$/);
  admin = new HubAdmin(hub.ready.http!);
  code = await admin.addStore("S001");
  await admin.release(catalogItems({ products: 20 }));
});

afterAll(async () => {
  await stop(edge);
  await stop(hub);
});

test("a bad certificate request or a public address is refused, naming it, and the code stays usable", async () => {
  const garbage = await enrollRaw({
    code,
    csr: "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----",
  });
  expect(garbage.status).toBe(400);
  expect(JSON.stringify(garbage.body)).toContain("csr");
  // A request whose signature does not match its key: one byte of the signature flipped.
  const { csrPem } = await newCertificateRequest("S001");
  const der = Buffer.from(csrPem.replace(/-----[^-]+-----|\s/g, ""), "base64");
  der[der.length - 5] = (der[der.length - 5] ?? 0) ^ 0xff;
  const forged = `-----BEGIN CERTIFICATE REQUEST-----\n${der.toString("base64")}\n-----END CERTIFICATE REQUEST-----\n`;
  const bad = await enrollRaw({ code, csr: forged });
  expect(bad.status).toBe(400);
  expect(JSON.stringify(bad.body)).toMatch(/csr/);
  const good = await newCertificateRequest("S001");
  const publicIp = await enrollRaw({ code, csr: good.csrPem, lanAddresses: ["8.8.8.8"] });
  expect(publicIp.status).toBe(400);
  expect(JSON.stringify(publicIp.body)).toContain("lanAddresses[0]");
  const hqName = await enrollRaw({ code, csr: good.csrPem, lanAddresses: ["hq.example.com"] });
  expect(hqName.status).toBe(400);
  expect(JSON.stringify(hqName.body)).toContain("lanAddresses[0]");
});

test("enrolled with its own key: the store's certificate for its LAN names, mqtts, the key readable by the edge only", async () => {
  const r = await runEdgeCli([
    "enroll",
    "--hq",
    hub!.ready.http!,
    "--code",
    code,
    "--data",
    edgeDir,
    "--lan",
    "192.168.1.20,edge-s001.local",
  ]);
  expect(r.code).toBe(0);
  expect(r.out).toContain("TLS, certificate");
  const e = enrollment();
  expect(e.mqtt.url).toBe(hub!.ready.mqtts!);
  const tls = readStoreTls(edgeDir)!;
  expect(statSync(join(edgeDir, "tls", "edge.key.pem")).mode & 0o777).toBe(0o600);
  const cert = new X509Certificate(tls.certPem);
  const ca = new X509Certificate(tls.caPem);
  expect(cert.verify(ca.publicKey)).toBe(true);
  expect(cert.subject).toContain("CN=store:S001");
  expect(cert.subjectAltName).toContain("IP Address:192.168.1.20");
  expect(cert.subjectAltName).toContain("DNS:edge-s001.local");
  expect(cert.serialNumber.toLowerCase()).toBe(e.tls!.serial);
  expect(cert.checkPrivateKey(await import("node:crypto").then((c) => c.createPrivateKey(tls.keyPem)))).toBe(
    true,
  );
  const listed = await admin.call<{ serial: string; reason: string }[]>(
    "GET",
    "/api/v1/stores/S001/certificates",
  );
  expect(listed.map((c) => [c.serial, c.reason])).toEqual([[e.tls!.serial, "enrollment"]]);
});

test("the edge sells and delivers over mutual TLS; every sale at HQ exactly once, also after kill -9", async () => {
  edge = await startEdge(edgeDir);
  await until(async () => (await status()).catalog.applied >= 1, 30_000, "catalog from HQ over TLS");
  await ok("POST", "/lanes/1/login", { cashierId: "1001", pin: "1234" });
  await ok("POST", "/lanes/1/shift/open", { float: 20_000 });
  for (let i = 0; i < 3; i++) await sale();
  await stop(edge, "SIGKILL");
  edge = await startEdge(edgeDir);
  await ok("POST", "/lanes/1/login", { cashierId: "1001", pin: "1234" });
  await sale();
  await until(
    async () => {
      const s = await status();
      return s.outbox.lastSeq > 0 && s.outbox.ackedUpTo === s.outbox.lastSeq;
    },
    60_000,
    "every sale acked by HQ over mqtts",
  ).catch(async () => {
    throw new Error(`not delivered: ${JSON.stringify(await status())}`);
  });
  const hq = count(join(hubDir, "hq.db"), "SELECT count(*) AS n FROM sales WHERE store_id = 'S001'");
  const local = count(join(edgeDir, "edge.db"), "SELECT count(*) AS n FROM sales WHERE training = 0");
  expect(local).toBe(4);
  expect(hq).toBe(local);
});

test("the broker refuses the store's password alone, and another store's certificate with it", async () => {
  const e = enrollment();
  const tls = readStoreTls(edgeDir)!;
  const creds = { clientId: e.mqtt.username, username: e.mqtt.username, password: e.mqtt.password };
  // The plain port: this store holds a certificate, so it connects over TLS only.
  expect(await brokerSays(hub!.ready.mqtt!, creds)).toMatch(/Not authorized|refused|5/i);
  // mqtts without a client certificate: the handshake itself fails.
  expect(
    await brokerSays(hub!.ready.mqtts!, {
      ...creds,
      ca: tls.caPem,
      checkServerIdentity: checkBrokerIdentity,
    }),
  ).not.toBe("accepted");
  // Another store's genuine certificate with this store's password.
  const code2 = await admin.addStore("S002");
  const other = await newCertificateRequest("S002");
  const enrolled2 = await enrollRaw({ code: code2, csr: other.csrPem });
  expect(enrolled2.status).toBe(200);
  const tls2 = enrolled2.body.tls as { certPem: string };
  expect(
    await brokerSays(hub!.ready.mqtts!, {
      ...creds,
      key: other.keyPem,
      cert: tls2.certPem,
      ca: tls.caPem,
      checkServerIdentity: checkBrokerIdentity,
    }),
  ).toMatch(/Not authorized|refused|5/i);
  // The store's own certificate and password: accepted (it takes the session over for a moment).
  expect(
    await brokerSays(hub!.ready.mqtts!, {
      ...creds,
      key: tls.keyPem,
      cert: tls.certPem,
      ca: tls.caPem,
      checkServerIdentity: checkBrokerIdentity,
    }),
  ).toBe("accepted");
});

test("a store's certificate never passes for HQ's broker, whatever names it carries", () => {
  const tls = readStoreTls(edgeDir)!;
  const cert = new X509Certificate(tls.certPem);
  const peer = {
    subject: { CN: "store:S001", O: "retail-chain" },
    subjectaltname: cert.subjectAltName,
  } as unknown as import("node:tls").PeerCertificate;
  expect(checkBrokerIdentity("192.168.1.20", peer)?.message).toContain("not HQ's broker");
  const broker = {
    subject: { CN: "retail-hq-broker" },
    subjectaltname: "IP Address:127.0.0.1",
  } as unknown as import("node:tls").PeerCertificate;
  expect(checkBrokerIdentity("127.0.0.1", broker)).toBeUndefined();
  expect(checkBrokerIdentity("10.0.0.9", broker)).toBeInstanceOf(Error);
});
