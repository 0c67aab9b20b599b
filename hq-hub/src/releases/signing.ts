// The chain's release key (ed25519). HQ keeps the private half in its data folder
// (release-signing-key.pem, 0600, made on first use; back it up with hq.db: a new key means every
// edge must be enrolled again to trust it). Each store gets the public half at enrollment and
// installs only what verifies under it (store-edge/src/update/).
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, sign } from "node:crypto";
import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { releaseManifest } from "@retail/protocol";

export const KEY_FILE = "release-signing-key.pem";

export interface ReleaseKey {
  /** SPKI DER, base64: what an edge stores at enrollment. */
  publicKey: string;
  sign(r: { releaseId: number; version: string; sha256: string; size: number }): string;
}

export function loadReleaseKey(dataDir: string): ReleaseKey {
  const file = join(dataDir, KEY_FILE);
  let key: KeyObject;
  if (existsSync(file)) key = createPrivateKey(readFileSync(file));
  else {
    key = generateKeyPairSync("ed25519").privateKey;
    const pem = key.export({ type: "pkcs8", format: "pem" }) as string;
    writeFileSync(`${file}.tmp`, pem, { mode: 0o600 });
    chmodSync(`${file}.tmp`, 0o600);
    renameSync(`${file}.tmp`, file);
  }
  if (key.asymmetricKeyType !== "ed25519") throw new Error(`${file}: not an ed25519 key`);
  const publicKey = (createPublicKey(key).export({ type: "spki", format: "der" }) as Buffer).toString(
    "base64",
  );
  return {
    publicKey,
    sign: (r) => sign(null, Buffer.from(releaseManifest(r)), key).toString("base64"),
  };
}
