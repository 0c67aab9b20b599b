// The edge's side of the chain's TLS (docs/appliance.md "Transport security"). At enrollment the
// edge makes its own key (it never leaves <dataDir>/tls) and sends HQ a certificate request; HQ
// answers with the store's certificate and the chain CA, which the edge then trusts for the
// broker (mqtts, its certificate must say CN retail-hq-broker) and uses for its LAN HTTPS.
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
import { networkInterfaces } from "node:os";
import { join } from "node:path";
import { checkServerIdentity, type PeerCertificate } from "node:tls";
import { BROKER_CN, commonNameOf } from "@retail/protocol/pki";

export interface StoreTls {
  caPem: string;
  certPem: string;
  keyPem: string;
}

export const TLS_DIR = "tls";
const FILES = { keyPem: "edge.key.pem", certPem: "edge.crt.pem", caPem: "ca.crt.pem" } as const;

function writeDurably(path: string, text: string, mode: number) {
  const fd = openSync(`${path}.tmp`, "w", mode);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(`${path}.tmp`, path);
}

function syncDir(dir: string) {
  const fd = openSync(dir, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Writes what is given (the key alone before the request goes out, the rest from HQ's answer). */
export function writeStoreTls(dataDir: string, files: Partial<StoreTls>): void {
  const dir = join(dataDir, TLS_DIR);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  for (const [k, name] of Object.entries(FILES) as [keyof StoreTls, string][]) {
    const text = files[k];
    if (text !== undefined) writeDurably(join(dir, name), text, k === "keyPem" ? 0o600 : 0o644);
  }
  syncDir(dir);
}

/** The store's key, certificate and CA; undefined when the edge enrolled without TLS. */
export function readStoreTls(dataDir: string): StoreTls | undefined {
  const dir = join(dataDir, TLS_DIR);
  const paths = Object.fromEntries(Object.entries(FILES).map(([k, n]) => [k, join(dir, n)])) as Record<
    keyof StoreTls,
    string
  >;
  if (!Object.values(paths).every((p) => existsSync(p))) return undefined;
  return {
    keyPem: readFileSync(paths.keyPem, "utf8"),
    certPem: readFileSync(paths.certPem, "utf8"),
    caPem: readFileSync(paths.caPem, "utf8"),
  };
}

/**
 * HQ's broker, and only it: the name dialled must be in its certificate (as for any TLS
 * server), and the certificate must be the broker's (CN retail-hq-broker). A store's own
 * certificate, signed by the same CA and valid for a LAN address, never passes for HQ.
 */
export function checkBrokerIdentity(host: string, cert: PeerCertificate): Error | undefined {
  const cn = commonNameOf(cert.subject as { CN?: string | string[] });
  if (cn !== BROKER_CN) return new Error(`the server's certificate is ${cn ?? "(no CN)"}, not HQ's broker`);
  return checkServerIdentity(host, cert);
}

/** This box's private IPv4 addresses: the names its LAN certificate asks for by default. */
export function lanAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flat()
    .filter((i) => i && i.family === "IPv4" && !i.internal)
    .map((i) => i!.address)
    .filter((a) => /^(10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.)/.test(a))
    .slice(0, 6);
}

/**
 * What the link needs for the URL HQ gave at enrollment. An mqtts URL without the files (lost,
 * or a copied store-edge.json) gives nothing: the broker refuses the connect, the link shows
 * why and the lanes go on selling offline until the store is enrolled again.
 */
export function tlsFor(url: string, dataDir: string): { tls?: StoreTls } {
  if (!url.startsWith("mqtts:")) return {};
  const tls = readStoreTls(dataDir);
  return tls ? { tls } : {};
}

/** The MQTT client's TLS settings for the store's files (none for plain MQTT). */
export function mqttTlsOptions(tls: StoreTls | undefined) {
  return tls
    ? {
        key: tls.keyPem,
        cert: tls.certPem,
        ca: tls.caPem,
        rejectUnauthorized: true,
        checkServerIdentity: checkBrokerIdentity,
      }
    : {};
}
