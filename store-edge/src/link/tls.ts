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
  readlinkSync,
  renameSync,
  rmSync,
  symlinkSync,
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

/**
 * A renewed key and certificate live in tls/gen-<id>/ and `tls/current` (a symlink) names the
 * one in use: the swap is one rename, so a crash leaves the old pair or the new, never half of
 * each. Without `current` the files of the enrollment (tls/*.pem) are in use.
 */
const CURRENT = "current";
const genDir = (dataDir: string, gen: string) => join(dataDir, TLS_DIR, `gen-${gen}`);

/** Writes what is given (the key alone before the request goes out, the rest from HQ's answer). */
export function writeStoreTls(dataDir: string, files: Partial<StoreTls>): void {
  const dir = join(dataDir, TLS_DIR);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // Enrolled (again): the enrollment's files are the ones in use, whatever was renewed before.
  if (files.certPem !== undefined) rmSync(join(dir, CURRENT), { force: true });
  writeFiles(dir, files);
}

function writeFiles(dir: string, files: Partial<StoreTls>): void {
  for (const [k, name] of Object.entries(FILES) as [keyof StoreTls, string][]) {
    const text = files[k];
    if (text !== undefined) writeDurably(join(dir, name), text, k === "keyPem" ? 0o600 : 0o644);
  }
  syncDir(dir);
}

/** The store's key, certificate and CA; undefined when the edge enrolled without TLS. */
export function readStoreTls(dataDir: string): StoreTls | undefined {
  const gen = activeGeneration(dataDir);
  const dir = gen ? genDir(dataDir, gen) : join(dataDir, TLS_DIR);
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

/** The renewal in use (tls/current), undefined for the enrollment's files. */
export function activeGeneration(dataDir: string): string | undefined {
  try {
    return /^gen-(.+)$/.exec(readlinkSync(join(dataDir, TLS_DIR, CURRENT)))?.[1];
  } catch {
    return undefined;
  }
}

/** A renewal's files, written durably before they are used (the key before the request goes out). */
export function stageGeneration(dataDir: string, gen: string, files: Partial<StoreTls>): void {
  const dir = genDir(dataDir, gen);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFiles(dir, files);
}

/** Puts a generation (or, undefined, the enrollment's files) in use with one atomic rename. */
export function switchGeneration(dataDir: string, gen: string | undefined): void {
  const dir = join(dataDir, TLS_DIR);
  if (gen === undefined) rmSync(join(dir, CURRENT), { force: true });
  else {
    const tmp = join(dir, `${CURRENT}.tmp`);
    rmSync(tmp, { force: true });
    symlinkSync(`gen-${gen}`, tmp);
    renameSync(tmp, join(dir, CURRENT));
  }
  syncDir(dir);
}

/** Removes a pair no longer in use (the old one once the new has connected, or a failed renewal's). */
export function dropGeneration(dataDir: string, gen: string | undefined): void {
  if (gen !== undefined) rmSync(genDir(dataDir, gen), { recursive: true, force: true });
  else for (const name of Object.values(FILES)) rmSync(join(dataDir, TLS_DIR, name), { force: true });
  syncDir(join(dataDir, TLS_DIR));
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
