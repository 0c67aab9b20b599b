// The chain's release key (ed25519). Two ways to hold it (docs/appliance.md "Updates"):
// - on the hub (the default): the private half in its data folder (release-signing-key.pem, 0600,
//   made on first use; back it up with hq.db: a new key means every edge must enroll again);
// - offline (config `releasePublicKey` / HQ_RELEASE_PUBLIC_KEY): the hub holds only the public
//   half; an admin signs each release's manifest on another machine (`hq-hub release sign`) and
//   HQ accepts the signature only if it verifies under that public key. Then whoever takes the
//   hub cannot make an edge install anything.
// Each store gets the public half at enrollment and installs only what verifies under it
// (store-edge/src/update/).
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign,
  verify,
} from "node:crypto";
import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { releaseManifest } from "@retail/protocol";

export const KEY_FILE = "release-signing-key.pem";

type Manifest = Parameters<typeof releaseManifest>[0];

export interface ReleaseKey {
  /** SPKI DER, base64: what an edge stores at enrollment. */
  publicKey: string;
  /** Absent when the key is kept offline: each release is signed elsewhere. */
  sign?: (r: Manifest) => string;
  /** Does `signature` (base64) sign this release's manifest under the chain's key? */
  verifies(r: Manifest, signature: string): boolean;
}

const spkiBase64 = (key: KeyObject) =>
  (
    (key.type === "public" ? key : createPublicKey(key)).export({ type: "spki", format: "der" }) as Buffer
  ).toString("base64");

function verifier(pub: KeyObject) {
  return (r: Manifest, signature: string) => {
    const bytes = Buffer.from(signature, "base64");
    // An ed25519 signature is 64 bytes; anything else is garbage, not a failed check to throw on.
    if (bytes.length !== 64) return false;
    return verify(null, Buffer.from(releaseManifest(r)), pub, bytes);
  };
}

/** A new ed25519 private key written 0600 (a temp file renamed into place). */
export function writeNewKey(file: string): KeyObject {
  const key = generateKeyPairSync("ed25519").privateKey;
  const pem = key.export({ type: "pkcs8", format: "pem" }) as string;
  writeFileSync(`${file}.tmp`, pem, { mode: 0o600 });
  chmodSync(`${file}.tmp`, 0o600);
  renameSync(`${file}.tmp`, file);
  return key;
}

/** The private key in `file` (PKCS#8 PEM), refused unless it is ed25519. */
export function readPrivateKey(file: string): KeyObject {
  const key = createPrivateKey(readFileSync(file));
  if (key.asymmetricKeyType !== "ed25519") throw new Error(`${file}: not an ed25519 key`);
  return key;
}

/**
 * The configured public key: a PEM file's path, PEM text, or base64 SPKI DER (what
 * `hq-hub release keygen` prints). Throws naming the setting when it is not an ed25519 key.
 */
export function parsePublicKey(value: string): KeyObject {
  let key: KeyObject;
  try {
    const text = value.includes("BEGIN")
      ? value
      : existsSync(value)
        ? readFileSync(value, "utf8")
        : undefined;
    key = text
      ? createPublicKey(text)
      : createPublicKey({ key: Buffer.from(value, "base64"), format: "der", type: "spki" });
  } catch (e) {
    throw new Error(`releasePublicKey: not a public key (${(e as Error).message})`);
  }
  if (key.asymmetricKeyType !== "ed25519") throw new Error("releasePublicKey: not an ed25519 key");
  return key;
}

/** The hub's release key: offline when `publicKey` is configured, else the key file in `dataDir`. */
export function loadReleaseKey(dataDir: string, publicKey?: string): ReleaseKey {
  const file = join(dataDir, KEY_FILE);
  if (publicKey) {
    const pub = parsePublicKey(publicKey);
    // A key file left on the hub that is not the configured key: every enrolled store trusts the
    // file's key and would refuse each release signed offline. Stop rather than strand them.
    if (existsSync(file) && spkiBase64(readPrivateKey(file)) !== spkiBase64(pub))
      throw new Error(
        `releasePublicKey: not the public half of ${file}, the key the enrolled stores trust; move that file to the signing machine (or delete it when every store enrolls again)`,
      );
    return { publicKey: spkiBase64(pub), verifies: verifier(pub) };
  }
  const key = existsSync(file) ? readPrivateKey(file) : writeNewKey(file);
  return {
    publicKey: spkiBase64(key),
    sign: (r) => sign(null, Buffer.from(releaseManifest(r)), key).toString("base64"),
    verifies: verifier(createPublicKey(key)),
  };
}

/** The offline side (`hq-hub release sign`): the signature of one release's manifest. */
export function signManifest(keyFile: string, r: Manifest): string {
  return sign(null, Buffer.from(releaseManifest(r)), readPrivateKey(keyFile)).toString("base64");
}
