// Signed edge releases (issue 20 item 3, docs/appliance.md "Updates"): HQ offers a release to a
// store (down, command channel); the edge reports each step of installing it (up, status channel).
// The offer is only a pointer: the edge trusts the artefact because its sha256 and the manifest
// below verify under the chain's release key it received at enrollment, not because HQ's broker
// delivered the offer.
import { z } from "zod";
import { IsoTime } from "../catalog.ts";

/** A version string as the build writes it ("0.1.0+g7b93aee", "0.1.0+g7b93aee-dirty"). */
export const ReleaseVersion = z.string().regex(/^[0-9A-Za-z.+_-]{1,40}$/);

export const ReleaseOfferV1 = z.strictObject({
  releaseId: z.int().positive(),
  version: ReleaseVersion,
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** Bytes of the executable; the download is refused past it. */
  size: z
    .int()
    .positive()
    .max(1024 * 1024 * 1024),
  /** ed25519 over releaseManifest(...) by the chain's release key, base64. */
  signature: z.string().regex(/^[A-Za-z0-9+/]{86}==$/),
  /** Where on HQ's HTTP API the artefact is fetched (store credentials, HTTP Basic). */
  path: z.string().regex(/^\/api\/v1\/releases\/\d+\/artefact$/),
  ring: z.enum(["pilot", "all"]),
});

/** What the edge does with a release, step by step (the last one reported is the fleet's update state). */
export const UPDATE_STEPS = [
  "downloading",
  /** checksum, signature and a trial `--version` passed */
  "verified",
  /** the checksum or the signature did not verify, or the build does not run: never installed */
  "refused",
  /** verified, waiting for every lane to be idle (no cart, no payment) */
  "waiting_quiet",
  /** swapped in; the edge restarts into it */
  "swapped",
  /** running the new version and its health check passed */
  "healthy",
  /** the new version failed to start or its health check: the previous one runs again */
  "rolled_back",
  /** something on the box failed (disk, download): the edge keeps its version and tries later */
  "failed",
] as const;

export const UpdateReportV1 = z.strictObject({
  releaseId: z.int().positive(),
  version: ReleaseVersion,
  step: z.enum(UPDATE_STEPS),
  /** The version the edge runs as it reports. */
  runningVersion: z.string().max(40),
  reason: z.string().max(300).optional(),
  at: IsoTime,
});

/** The exact bytes the release key signs: a store verifies these, never the offer's JSON. */
export function releaseManifest(r: {
  releaseId: number;
  version: string;
  sha256: string;
  size: number;
}): string {
  return `retail-edge-release/1\nid=${r.releaseId}\nversion=${r.version}\nsha256=${r.sha256}\nsize=${r.size}\n`;
}
