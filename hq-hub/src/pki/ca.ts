// The chain's certificate authority: one ECDSA key pair made on the hub's first start, kept in
// <dataDir>/pki (the key readable by the hub's user only). It signs the broker's server
// certificate and each store's certificate (client for MQTT, server for the store's LAN). Edges
// trust it from their enrollment; thin clients trust it once it is installed (docs/appliance.md).
import { randomBytes } from "node:crypto";
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  writeSync,
} from "node:fs";
import { isIP } from "node:net";
import { join } from "node:path";
import {
  BROKER_CN,
  EC_ALG,
  generateKeyPair,
  importPrivateKeyPem,
  type Pkcs10CertificateRequest,
  privateKeyPem,
  storeCommonName,
  type X509Certificate,
  x509,
} from "@retail/protocol/pki";
import { ValidationError } from "../errors.ts";
import type { LanName } from "./policy.ts";

export { BROKER_CN, storeCommonName };

const CA_NAME = "CN=Retail Chain CA,O=retail-chain";
const DAY = 86_400_000;
/** Store certificates: 397 days, the longest browsers accept for a server certificate. */
export const STORE_CERT_DAYS = 397;

export interface ChainCa {
  cert: X509Certificate;
  certPem: string;
  key: CryptoKey;
}

export interface IssuedCertificate {
  certPem: string;
  serial: string;
  notBefore: string;
  notAfter: string;
}

function writeDurably(path: string, text: string, mode: number) {
  const tmp = `${path}.tmp`;
  const fd = openSync(tmp, "w", mode);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

/** Positive, 16 random bytes: unique per certificate, as CAs must. */
function newSerial(): string {
  const b = randomBytes(16);
  b[0] = (b[0] ?? 0) & 0x7f || 0x01;
  return b.toString("hex");
}

/**
 * The chain CA in `dir`, made on first use. Half a CA (a key without its certificate or the
 * reverse) is refused rather than replaced: every enrolled store trusts the existing one.
 */
export async function loadOrCreateChainCa(dir: string, now: Date): Promise<ChainCa> {
  const certPath = join(dir, "ca.crt.pem");
  const keyPath = join(dir, "ca.key.pem");
  const hasCert = existsSync(certPath);
  const hasKey = existsSync(keyPath);
  if (hasCert !== hasKey)
    throw new Error(
      `${dir}: the chain CA is incomplete (${hasCert ? "ca.key.pem" : "ca.crt.pem"} missing); restore it from the backup, do not make a new one`,
    );
  if (hasCert) {
    const certPem = readFileSync(certPath, "utf8");
    return {
      cert: new x509.X509Certificate(certPem),
      certPem,
      key: await importPrivateKeyPem(readFileSync(keyPath, "utf8")),
    };
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const keys = await generateKeyPair();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: newSerial(),
    name: CA_NAME,
    notBefore: new Date(now.getTime() - DAY),
    notAfter: new Date(now.getTime() + 20 * 365 * DAY),
    signingAlgorithm: EC_ALG,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  // The key first: a crash between the two leaves "incomplete", never a certificate without its key.
  writeDurably(keyPath, await privateKeyPem(keys.privateKey), 0o600);
  const certPem = cert.toString("pem");
  writeDurably(certPath, certPem, 0o644);
  return { cert, certPem, key: keys.privateKey };
}

/** A certificate request's public key, once its signature proves the requester holds the key. */
export async function verifyCertificateRequest(csrPem: unknown): Promise<CryptoKey> {
  if (typeof csrPem !== "string" || csrPem.length > 8192 || !csrPem.includes("BEGIN CERTIFICATE REQUEST"))
    throw new ValidationError("csr", "expected a PEM certificate request (BEGIN CERTIFICATE REQUEST)");
  let csr: Pkcs10CertificateRequest;
  try {
    csr = new x509.Pkcs10CertificateRequest(csrPem);
  } catch (e) {
    throw new ValidationError("csr", `not a readable certificate request: ${(e as Error).message}`);
  }
  const alg = csr.publicKey.algorithm as { name: string; namedCurve?: string };
  if (alg.name !== "ECDSA" || alg.namedCurve !== "P-256")
    throw new ValidationError("csr", "the key must be ECDSA P-256");
  if (!(await csr.verify()))
    throw new ValidationError("csr", "the request's signature does not match its key");
  return csr.publicKey.export(EC_ALG, ["verify"]);
}

async function issue(
  ca: ChainCa,
  o: { cn: string; publicKey: CryptoKey; names: LanName[]; now: Date; days: number; server: boolean },
): Promise<IssuedCertificate> {
  const serial = newSerial();
  const notBefore = new Date(o.now.getTime() - 3_600_000); // an hour's slack for clocks behind
  const notAfter = new Date(o.now.getTime() + o.days * DAY);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial,
    subject: `CN=${o.cn},O=retail-chain`,
    issuer: ca.cert.subject,
    notBefore,
    notAfter,
    signingAlgorithm: EC_ALG,
    publicKey: o.publicKey,
    signingKey: ca.key,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension(
        o.server
          ? [x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth]
          : [x509.ExtendedKeyUsage.clientAuth],
      ),
      ...(o.names.length ? [new x509.SubjectAlternativeNameExtension(o.names)] : []),
      await x509.AuthorityKeyIdentifierExtension.create(ca.cert),
    ],
  });
  return {
    certPem: cert.toString("pem"),
    serial,
    notBefore: notBefore.toISOString(),
    notAfter: notAfter.toISOString(),
  };
}

/** A store's certificate: MQTT client (CN store:<id>) and the server of its LAN (private names only). */
export function issueStoreCertificate(
  ca: ChainCa,
  o: { storeId: string; publicKey: CryptoKey; names: LanName[]; now: Date; days?: number },
): Promise<IssuedCertificate> {
  return issue(ca, {
    cn: storeCommonName(o.storeId),
    publicKey: o.publicKey,
    names: o.names,
    now: o.now,
    days: o.days ?? STORE_CERT_DAYS,
    server: true,
  });
}

/** The broker's server certificate for the names stores reach it by; its key made here. */
export async function issueBrokerCertificate(
  ca: ChainCa,
  hosts: string[],
  now: Date,
): Promise<IssuedCertificate & { keyPem: string }> {
  const keys = await generateKeyPair();
  const names: LanName[] = [...new Set(hosts)].map((h) => ({ type: isIP(h) ? "ip" : "dns", value: h }));
  const cert = await issue(ca, {
    cn: BROKER_CN,
    publicKey: keys.publicKey,
    names,
    now,
    days: STORE_CERT_DAYS,
    server: true,
  });
  return { ...cert, keyPem: await privateKeyPem(keys.privateKey) };
}
