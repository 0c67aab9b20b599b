// Certificates for the chain's TLS (docs/appliance.md "Transport security"): the names HQ and
// stores go by, and the key and request an edge makes for itself. @peculiar/x509 over WebCrypto
// (Bun's and Node's). It resolves its ASN.1 types through tsyringe, which throws at load unless
// the reflect-metadata polyfill is already in place. Static imports do not guarantee that order
// (Bun evaluated x509 first now and then, and the compiled appliance's bundle always), so both
// are required in sequence here, the one place that loads them. Not in the package index (the
// UIs import protocol types only): `@retail/protocol/pki`.
import type * as X509 from "@peculiar/x509";

require("reflect-metadata");
export const x509 = require("@peculiar/x509") as typeof X509;
export type { Pkcs10CertificateRequest, X509Certificate } from "@peculiar/x509";

x509.cryptoProvider.set(globalThis.crypto);

/** The broker's certificate carries this common name; edges accept no other for HQ. */
export const BROKER_CN = "retail-hq-broker";
/** A store's certificate: `store:<id>`; the broker refuses a connection whose certificate names another store. */
export const storeCommonName = (storeId: string) => `store:${storeId}`;

/** ECDSA P-256 with SHA-256: small keys, fast handshakes on a mini-PC, accepted by Mosquitto and browsers. */
export const EC_ALG = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;

export async function generateKeyPair(): Promise<CryptoKeyPair> {
  return (await globalThis.crypto.subtle.generateKey(EC_ALG, true, ["sign", "verify"])) as CryptoKeyPair;
}

export async function privateKeyPem(key: CryptoKey): Promise<string> {
  const der = await globalThis.crypto.subtle.exportKey("pkcs8", key);
  return x509.PemConverter.encode(der, "PRIVATE KEY");
}

export async function importPrivateKeyPem(pem: string): Promise<CryptoKey> {
  const der = x509.PemConverter.decode(pem)[0];
  if (!der) throw new Error("no PEM block in the private key file");
  return globalThis.crypto.subtle.importKey("pkcs8", der, EC_ALG, true, ["sign"]);
}

/**
 * A new key pair and the request that proves it: the private key never leaves the box; HQ
 * signs the public key and decides the certificate's names itself (the subject is a hint).
 */
export async function newCertificateRequest(storeId: string): Promise<{ keyPem: string; csrPem: string }> {
  const keys = await generateKeyPair();
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: `CN=${storeCommonName(storeId)}`,
    keys,
    signingAlgorithm: EC_ALG,
  });
  return { keyPem: await privateKeyPem(keys.privateKey), csrPem: csr.toString("pem") };
}

/** The common name of a certificate as Node's TLS reports it (a string, or a list when repeated). */
export function commonNameOf(subject: { CN?: string | string[] } | undefined): string | undefined {
  const cn = subject?.CN;
  return Array.isArray(cn) ? undefined : cn;
}
