// Whether a downloaded release may be installed: its bytes hash to the offer's sha256 and the
// offer's manifest verifies under the chain's release key this edge got at enrollment. A broker,
// a proxy or a forged offer can change the offer; only the key's holder can make it verify.
import { createPublicKey, verify } from "node:crypto";
import { type Payload, releaseManifest } from "@retail/protocol";

export type Verdict = { ok: true } | { ok: false; reason: string };

export function verifyRelease(
  offer: Payload<"release.offer">,
  got: { sha256: string; size: number },
  releaseKey: string | undefined,
): Verdict {
  if (!releaseKey)
    return {
      ok: false,
      reason: "no release key from enrollment (enrolled before signed updates): enroll again",
    };
  if (got.size !== offer.size)
    return { ok: false, reason: `downloaded ${got.size} bytes, the offer says ${offer.size}` };
  if (got.sha256 !== offer.sha256)
    return { ok: false, reason: `the download hashes to ${got.sha256}, the offer says ${offer.sha256}` };
  let ok = false;
  try {
    const key = createPublicKey({ key: Buffer.from(releaseKey, "base64"), format: "der", type: "spki" });
    ok = verify(null, Buffer.from(releaseManifest(offer)), key, Buffer.from(offer.signature, "base64"));
  } catch (e) {
    return { ok: false, reason: `the release key does not load: ${(e as Error).message}` };
  }
  return ok
    ? { ok: true }
    : { ok: false, reason: "the signature does not verify under the chain's release key" };
}
