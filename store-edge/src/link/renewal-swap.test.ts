// The renewal's swap on the box without processes (link/renewal.ts): a new certificate that
// does not connect is given up and the old pair put back in use (HQ still accepts it: the new
// one was never used); one that connects replaces the old pair, which is deleted. The link and
// HQ are stand-ins; the files, keys and certificates are real.
import { afterAll, expect, test } from "bun:test";
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { type Payload, uuidv7 } from "@retail/protocol";
import { EC_ALG, generateKeyPair, newCertificateRequest, privateKeyPem, x509 } from "@retail/protocol/pki";
import { tempDir } from "../testing/fixtures.ts";
import { CertificateRenewal } from "./renewal.ts";
import { activeGeneration, readStoreTls, type StoreTls, writeStoreTls } from "./tls.ts";

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function chain() {
  const caKeys = await generateKeyPair();
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: "01",
    name: "CN=Test Chain CA",
    notBefore: new Date(Date.now() - 86_400_000),
    notAfter: new Date(Date.now() + 365 * 86_400_000),
    signingAlgorithm: EC_ALG,
    keys: caKeys,
    extensions: [new x509.BasicConstraintsExtension(true, 0, true)],
  });
  const sign = async (publicKey: CryptoKey, serial: string) =>
    (
      await x509.X509CertificateGenerator.create({
        serialNumber: serial,
        subject: "CN=store:S001,O=retail-chain",
        issuer: ca.subject,
        notBefore: new Date(Date.now() - 3_600_000),
        notAfter: new Date(Date.now() + 397 * 86_400_000),
        signingAlgorithm: EC_ALG,
        publicKey,
        signingKey: caKeys.privateKey,
        extensions: [new x509.SubjectAlternativeNameExtension([{ type: "ip", value: "192.168.1.20" }])],
      })
    ).toString("pem");
  return { caPem: ca.toString("pem"), sign };
}

/** An enrolled box: its key and certificate in <data>/tls, as `store-edge enroll` leaves them. */
async function enrolledBox(
  c: Awaited<ReturnType<typeof chain>>,
): Promise<{ dataDir: string; tls: StoreTls }> {
  const dataDir = tempDir("edge-swap-");
  dirs.push(dataDir);
  const keys = await generateKeyPair();
  const tls = {
    keyPem: await privateKeyPem(keys.privateKey),
    certPem: await c.sign(keys.publicKey, "0a"),
    caPem: c.caPem,
  };
  writeStoreTls(dataDir, tls);
  return { dataDir, tls };
}

/** HQ and the link: answers each request with a certificate for its key; `connects` says whether the new one gets in. */
function standIns(c: Awaited<ReturnType<typeof chain>>, connects: boolean) {
  const reconnects: StoreTls[] = [];
  let online = true;
  let renewal: CertificateRenewal | undefined;
  const link = {
    get online() {
      return online;
    },
    send(type: string, _channel: string, payload: unknown) {
      if (type !== "certificate.request") return true;
      const req = payload as Payload<"certificate.request">;
      void (async () => {
        const csr = new x509.Pkcs10CertificateRequest(req.csr);
        const key = await csr.publicKey.export(EC_ALG, ["verify"]);
        renewal!.onIssued({
          requestId: req.requestId,
          certPem: await c.sign(key, "0b"),
          caPem: c.caPem,
          serial: "0b",
        });
      })();
      return true;
    },
    async reconnectWith(change: { tls?: StoreTls }) {
      reconnects.push(change.tls!);
      online = false;
      // The old pair always gets in again; the new one only when `connects`.
      if (connects || reconnects.length > 1) setTimeout(() => (online = true), 50);
    },
  };
  return { link, reconnects, bind: (r: CertificateRenewal) => (renewal = r) };
}

test("a new certificate that does not connect is given up and the old pair is put back in use", async () => {
  const c = await chain();
  const { dataDir, tls } = await enrolledBox(c);
  const s = standIns(c, false);
  const renewal = new CertificateRenewal({
    dataDir,
    storeId: "S001",
    link: s.link as never,
    now: () => Date.now(),
    log: () => {},
    connectTimeoutMs: 1000,
  });
  s.bind(renewal);
  const err = await renewal.renew("command").catch((e: Error) => e);
  expect((err as Error).message).toContain("did not connect; the old one is kept");
  expect(readStoreTls(dataDir)).toEqual(tls);
  expect(activeGeneration(dataDir)).toBeUndefined();
  expect(s.reconnects.map((t) => t.keyPem === tls.keyPem)).toEqual([false, true]);
});

test("a new certificate that connects replaces the old pair, which is deleted; the swap is one symlink", async () => {
  const c = await chain();
  const { dataDir, tls } = await enrolledBox(c);
  const s = standIns(c, true);
  const renewed: string[] = [];
  const renewal = new CertificateRenewal({
    dataDir,
    storeId: "S001",
    link: s.link as never,
    now: () => Date.now(),
    log: () => {},
    onRenewed: (r) => renewed.push(r.serial),
  });
  s.bind(renewal);
  // Two callers at once share the one renewal.
  const [a, b] = await Promise.all([renewal.renew("command", uuidv7()), renewal.renew("expiry")]);
  expect(a).toEqual(b);
  expect(renewed).toEqual(["0b"]);
  const now = readStoreTls(dataDir)!;
  expect(now.keyPem).not.toBe(tls.keyPem);
  expect(activeGeneration(dataDir)).toBeDefined();
  expect(existsSync(join(dataDir, "tls", "edge.key.pem"))).toBe(false);
  expect(s.reconnects).toHaveLength(1);
  // Enrolled again later: the enrollment's files are the ones in use, whatever was renewed.
  const again = await newCertificateRequest("S001");
  writeStoreTls(dataDir, { keyPem: again.keyPem, certPem: tls.certPem, caPem: c.caPem });
  expect(activeGeneration(dataDir)).toBeUndefined();
  expect(readStoreTls(dataDir)!.keyPem).toBe(again.keyPem);
});
