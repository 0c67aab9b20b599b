// Password and ACL files for an external Mosquitto, from the hub's hashes (no secret leaves in
// clear): used by GET /api/v1/broker/mosquitto-config and `hq-hub broker mosquitto-config`,
// which also writes the stores' TLS listener when asked (--tls-port).
import { chmodSync, existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { HubConfig } from "../config.ts";
import type { Sqlite } from "../db/open.ts";
import { brokerHosts } from "../pki/broker-hosts.ts";
import { loadOrCreateChainCa } from "../pki/ca.ts";
import { mosquittoTlsFiles } from "../pki/mosquitto-tls.ts";
import { createPki } from "../pki/pki.ts";
import type { Stores } from "../stores/stores.ts";
import { mosquittoHash, mqttIdentity } from "../stores/stores.ts";
import { mosquittoAclFile } from "./external.ts";

export function mosquittoConfig(hub: {
  stores: Pick<Stores, "mosquittoPasswords" | "enrolledIds">;
  config: Pick<HubConfig, "mqttUrl">;
  /** Stores with a certificate from the chain CA (pki/): in by certificate on the TLS listener only. */
  pki?: { storesWithCertificates(): Set<string> };
}): { passwordFile: string; aclFile: string } {
  const hubUser = hub.config.mqttUrl
    ? decodeURIComponent(new URL(hub.config.mqttUrl).username) || undefined
    : undefined;
  const hubPass = hub.config.mqttUrl ? decodeURIComponent(new URL(hub.config.mqttUrl).password) : "";
  const tls = hub.pki?.storesWithCertificates() ?? new Set<string>();
  // A store with a certificate has no password entry: its password alone (a copied
  // store-edge.json) gets in nowhere, as on the embedded broker's plain port.
  const lines = hub.stores.mosquittoPasswords().filter((l) => !tls.has(storeOfPasswordLine(l)));
  if (hubUser && hubPass) lines.unshift(`${hubUser}:${mosquittoHash(hubPass)}`);
  return {
    passwordFile: `${lines.join("\n")}\n`,
    aclFile: mosquittoAclFile(hubUser, hub.stores.enrolledIds(), tls),
  };
}

/** The store of a password file line `store-<id>:<hash>`. */
function storeOfPasswordLine(line: string): string {
  const user = line.slice(0, line.indexOf(":"));
  return user.startsWith(mqttIdentity("")) ? user.slice(mqttIdentity("").length) : "";
}

/**
 * `hq-hub broker mosquitto-config`: the password and ACL files, and with `tls` the stores' TLS
 * listener (pki/mosquitto-tls.ts: CA, broker certificate and key, revocation list, the
 * mosquitto.conf fragment). Returns the files written. Run again (and SIGHUP Mosquitto) after
 * enrolling, revoking or renewing stores.
 */
export async function writeMosquittoConfig(o: {
  db: Sqlite;
  config: HubConfig;
  stores: Pick<Stores, "mosquittoPasswords" | "enrolledIds">;
  outDir: string;
  tls?: { port: number; dir?: string; bind?: string };
  now: () => Date;
}): Promise<string[]> {
  const pkiDir = join(o.config.dataDir, "pki");
  const ca = o.tls || existsSync(pkiDir) ? await loadOrCreateChainCa(pkiDir, o.now()) : undefined;
  const pki = ca ? createPki({ db: o.db, ca, now: o.now }) : undefined;
  const files = mosquittoConfig({ stores: o.stores, config: o.config, ...(pki ? { pki } : {}) });
  const out: [string, string, number][] = [
    ["mosquitto.passwd", files.passwordFile, 0o600],
    ["mosquitto.acl", files.aclFile, 0o644],
  ];
  if (o.tls && ca && pki) {
    const t = await mosquittoTlsFiles({
      ca,
      revoked: pki.supersededSerials(),
      hosts: brokerHosts(o.config),
      port: o.tls.port,
      dir: o.tls.dir ?? o.outDir,
      ...(o.tls.bind ? { bind: o.tls.bind } : {}),
      now: o.now(),
    });
    out.push(
      ["ca.crt", t.caPem, 0o644],
      ["broker.crt", t.brokerCertPem, 0o644],
      ["broker.key", t.brokerKeyPem, 0o600],
      ["crl.pem", t.crlPem, 0o644],
      ["mosquitto-tls.conf", t.listenerConf, 0o644],
    );
  }
  for (const [name, text, mode] of out) {
    writeFileSync(join(o.outDir, name), text, { mode });
    chmodSync(join(o.outDir, name), mode);
  }
  return out.map(([name]) => join(o.outDir, name));
}
