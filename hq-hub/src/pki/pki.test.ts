// The chain CA and store certificates (pki/): the CA made once and kept, half a CA refused,
// requests checked (signature, key kind), names only private, and the broker's acceptance: a
// renewed certificate's first use supersedes the older one; a revoked store's get in no more.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { X509Certificate } from "node:crypto";
import { existsSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { newCertificateRequest } from "@retail/protocol/pki";
import { migrate, openDatabase, type Sqlite } from "../db/open.ts";
import { ValidationError } from "../errors.ts";
import { tempDir } from "../test-kit.ts";
import { brokerHosts } from "./broker-hosts.ts";
import {
  issueBrokerCertificate,
  issueStoreCertificate,
  loadOrCreateChainCa,
  verifyCertificateRequest,
} from "./ca.ts";
import { createPki, MAX_RENEWALS_PER_DAY } from "./pki.ts";
import { lanNames } from "./policy.ts";

const dir = tempDir("hq-pki-");
let db: Sqlite;
let clock = new Date("2026-12-01T08:00:00Z");
const now = () => clock;
beforeAll(() => {
  db = openDatabase({ dataDir: dir.path });
  migrate(db);
});
afterAll(() => {
  db.close();
  dir.remove();
});

const field = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return e instanceof ValidationError ? e.message : `other: ${(e as Error).message}`;
  }
  return "accepted";
};

test("LAN names: private IPv4 and LAN host names only, each refusal naming its entry", () => {
  expect(
    lanNames(["192.168.1.20", "10.1.2.3", "172.16.0.9", "edge.local", "till-2.store.lan"]).map(
      (n) => n.value,
    ),
  ).toEqual([
    "localhost",
    "127.0.0.1",
    "192.168.1.20",
    "10.1.2.3",
    "172.16.0.9",
    "edge.local",
    "till-2.store.lan",
  ]);
  expect(field(() => lanNames(["192.168.1.2", "8.8.8.8"]))).toMatch(
    /^lanAddresses\[1\]: 8\.8\.8\.8 is not a private/,
  );
  expect(field(() => lanNames(["172.32.0.1"]))).toMatch(/^lanAddresses\[0\]/);
  expect(field(() => lanNames(["hq.example.com"]))).toMatch(/^lanAddresses\[0\]: .*neither/);
  expect(field(() => lanNames(["*.local"]))).toMatch(/^lanAddresses\[0\]/);
  expect(field(() => lanNames(["999.1.1.1"]))).toMatch(/^lanAddresses\[0\]/);
  expect(field(() => lanNames([42]))).toMatch(/^lanAddresses\[0\]: expected a string/);
  expect(field(() => lanNames("192.168.1.1"))).toMatch(/^lanAddresses: expected a list/);
  expect(field(() => lanNames(Array.from({ length: 9 }, (_, i) => `10.0.0.${i}`)))).toMatch(/at most 8/);
});

test("the chain CA is made once, kept with its key readable by the hub only, and half a CA is refused", async () => {
  const pkiDir = join(dir.path, "pki-a");
  const a = await loadOrCreateChainCa(pkiDir, now());
  expect(statSync(join(pkiDir, "ca.key.pem")).mode & 0o777).toBe(0o600);
  const b = await loadOrCreateChainCa(pkiDir, now());
  expect(b.certPem).toBe(a.certPem);
  const ca = new X509Certificate(a.certPem);
  expect(ca.ca).toBe(true);
  rmSync(join(pkiDir, "ca.crt.pem"));
  await expect(loadOrCreateChainCa(pkiDir, now())).rejects.toThrow(/incomplete .*ca\.crt\.pem missing/);
  expect(existsSync(join(pkiDir, "ca.key.pem"))).toBe(true);
});

test("a certificate request must be a readable PEM, ECDSA P-256, and signed by its own key", async () => {
  const expectRefused = async (csr: unknown, pattern: RegExp) => {
    const e = await verifyCertificateRequest(csr).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ValidationError);
    expect((e as ValidationError).field).toBe("csr");
    expect((e as Error).message).toMatch(pattern);
  };
  await expectRefused(undefined, /expected a PEM/);
  await expectRefused("x".repeat(9000), /expected a PEM/);
  await expectRefused(
    "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----",
    /not a readable/,
  );
  const { csrPem } = await newCertificateRequest("S001");
  const der = Buffer.from(csrPem.replace(/-----[^-]+-----|\s/g, ""), "base64");
  der[der.length - 5] = (der[der.length - 5] ?? 0) ^ 0xff;
  await expectRefused(
    `-----BEGIN CERTIFICATE REQUEST-----\n${der.toString("base64")}\n-----END CERTIFICATE REQUEST-----\n`,
    /signature does not match/,
  );
  await verifyCertificateRequest(csrPem); // the genuine one passes
});

test("store certificates: issued for the store's names, accepted until a newer one is used, none after revocation", async () => {
  const ca = await loadOrCreateChainCa(join(dir.path, "pki-b"), now());
  const pki = createPki({ db, ca, now });
  const first = await newCertificateRequest("S001");
  const c1 = await pki.issue("S001", await pki.check(first.csrPem, ["192.168.1.20"]), "enrollment");
  const x1 = new X509Certificate(c1.certPem);
  expect(x1.verify(new X509Certificate(ca.certPem).publicKey)).toBe(true);
  expect(x1.subject).toContain("CN=store:S001");
  expect(x1.subjectAltName).toBe("DNS:localhost, IP Address:127.0.0.1, IP Address:192.168.1.20");
  expect(x1.serialNumber.toLowerCase()).toBe(c1.serial);
  expect(x1.keyUsage).toContain("1.3.6.1.5.5.7.3.2"); // clientAuth (MQTT)
  expect(x1.keyUsage).toContain("1.3.6.1.5.5.7.3.1"); // serverAuth (the LAN)
  expect(pki.accepts("S001", c1.serial)).toBe(true);
  expect(pki.accepts("S002", c1.serial)).toBe(false); // another store presenting it
  expect(pki.accepts("S001", "00ff")).toBe(false); // never issued
  expect(pki.hasLive("S001")).toBe(true);

  // Renewed: both get in until the new one is first used; from then on only the new one.
  clock = new Date("2026-12-02T08:00:00Z");
  const second = await newCertificateRequest("S001");
  const c2 = await pki.issue("S001", await pki.check(second.csrPem, []), "renewal");
  expect(pki.accepts("S001", c1.serial)).toBe(true);
  expect(pki.accepts("S001", c2.serial)).toBe(true);
  expect(pki.accepts("S001", c1.serial)).toBe(false);
  expect(pki.list("S001").map((c) => [c.reason, c.supersededAt !== undefined])).toEqual([
    ["renewal", false],
    ["enrollment", true],
  ]);

  // Expired: refused however live it is in the table.
  clock = new Date(Date.parse(c2.notAfter) + 1000);
  expect(pki.accepts("S001", c2.serial)).toBe(false);
  clock = new Date("2026-12-03T08:00:00Z");

  pki.supersedeAll("S001");
  expect(pki.accepts("S001", c2.serial)).toBe(false);
  expect(pki.hasLive("S001")).toBe(false);
});

test("the broker's certificate carries the names stores dial, and its CN", async () => {
  const ca = await loadOrCreateChainCa(join(dir.path, "pki-c"), now());
  const hosts = brokerHosts(
    { host: "0.0.0.0", publicMqttsUrl: "mqtts://hq.chain.example:8883", mqttsHosts: ["10.0.0.5"] },
    { hostname: () => "hq-box", interfaces: () => ["127.0.0.1", "192.168.7.2"] },
  );
  expect(hosts).toEqual(["localhost", "127.0.0.1", "hq-box", "192.168.7.2", "hq.chain.example", "10.0.0.5"]);
  const b = await issueBrokerCertificate(ca, hosts, now());
  const x = new X509Certificate(b.certPem);
  expect(x.subject).toContain("CN=retail-hq-broker");
  expect(x.checkHost("hq.chain.example")).toBe("hq.chain.example");
  expect(x.checkIP("10.0.0.5")).toBe("10.0.0.5");
  expect(x.checkHost("evil.example")).toBeUndefined();
});

test("a store's renewal request: signed for a store with a live certificate, refusals named, at most 5 a day", async () => {
  const ca = await loadOrCreateChainCa(join(dir.path, "pki-d"), now());
  const pki = createPki({ db, ca, now });
  const req = async (lanAddresses: string[] = [], csr?: string) => ({
    requestId: crypto.randomUUID(),
    csr: csr ?? (await newCertificateRequest("S010")).csrPem,
    lanAddresses,
    why: "command" as const,
  });
  // Never enrolled with TLS (or revoked): nothing to renew.
  expect((await pki.renew("S010", await req())).error?.field).toBe("storeId");
  const first = await newCertificateRequest("S010");
  await pki.issue("S010", await pki.check(first.csrPem, []), "enrollment");
  expect((await pki.renew("S010", await req(["8.8.8.8"]))).error?.field).toBe("lanAddresses[0]");
  expect((await pki.renew("S010", await req([], "garbage"))).error?.field).toBe("csr");
  const ok = await pki.renew("S010", await req(["192.168.3.4"]));
  expect(ok.error).toBeUndefined();
  const x = new X509Certificate(ok.certPem!);
  expect(x.verify(new X509Certificate(ca.certPem).publicKey)).toBe(true);
  expect(x.subjectAltName).toContain("IP Address:192.168.3.4");
  expect(pki.list("S010")[0]).toMatchObject({ serial: ok.serial, reason: "renewal" });
  for (let i = 1; i < MAX_RENEWALS_PER_DAY; i++)
    expect((await pki.renew("S010", await req())).error).toBeUndefined();
  const sixth = await pki.renew("S010", await req());
  expect(sixth.error?.message).toContain(`${MAX_RENEWALS_PER_DAY} times in 24 h`);
  expect(sixth.certPem).toBeUndefined();
});

test("a hub restored from an older backup: a newer certificate of the store is recorded and said, an older or revoked-after one refused", async () => {
  const ca = await loadOrCreateChainCa(join(dir.path, "pki-e"), now());
  const recovered: string[] = [];
  const pki = createPki({ db, ca, now, onRecovered: (s, serial) => recovered.push(`${s}:${serial}`) });
  clock = new Date("2027-01-01T08:00:00Z");
  const first = await newCertificateRequest("S020");
  const known = await pki.issue("S020", await pki.check(first.csrPem, []), "enrollment");
  // Renewed after the backup the hub was restored from: signed by the chain CA, not in the table.
  const key = await verifyCertificateRequest((await newCertificateRequest("S020")).csrPem);
  const later = await issueStoreCertificate(ca, {
    storeId: "S020",
    publicKey: key,
    names: [],
    now: new Date("2027-02-01T08:00:00Z"),
  });
  const presented = (c: { serial: string; notBefore: string; notAfter: string }, cn = "store:S020") => ({
    cn,
    serial: c.serial,
    notBefore: c.notBefore,
    notAfter: c.notAfter,
    names: "DNS:localhost, IP Address:127.0.0.1",
  });
  clock = new Date("2027-02-02T08:00:00Z");
  // Presented for another store (another CN): never recorded.
  expect(pki.accepts("S021", later.serial, presented(later))).toBe(false);
  expect(pki.accepts("S020", later.serial, presented(later, "store:S021"))).toBe(false);
  expect(pki.accepts("S020", later.serial, presented(later))).toBe(true);
  expect(recovered).toEqual([`S020:${later.serial}`]);
  expect(pki.list("S020").map((c) => [c.serial, c.reason, c.supersededAt !== undefined])).toEqual([
    [later.serial, "recovered", false],
    [known.serial, "enrollment", true],
  ]);
  // One issued before what HQ knows (an older, unrecorded one) is refused.
  const older = await issueStoreCertificate(ca, {
    storeId: "S020",
    publicKey: key,
    names: [],
    now: new Date("2026-12-15T08:00:00Z"),
  });
  expect(pki.accepts("S020", older.serial, presented(older))).toBe(false);
  // Revoked after its issue (the restored hub's admin revoked the store): refused.
  const afterRevoke = await issueStoreCertificate(ca, {
    storeId: "S020",
    publicKey: key,
    names: [],
    now: new Date("2027-02-01T09:00:00Z"),
  });
  pki.supersedeAll("S020");
  expect(pki.accepts("S020", afterRevoke.serial, presented(afterRevoke))).toBe(false);
  expect(recovered).toHaveLength(1);
});
