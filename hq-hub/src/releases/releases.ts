// Signed edge releases through the rollout rings (issue 20 item 3, docs/appliance.md "Updates").
// An admin uploads the artefact `npm run build:appliance` wrote; HQ keeps it under
// <data>/releases/<id>, signs its manifest with the chain's key and offers it to the stores it is
// out to (pilot ring first, then the chain after promotion). Each edge downloads, verifies,
// installs at a quiet moment and reports every step (update.report), which is the fleet's update
// state. A store that reported a release refused or rolled back is not offered it again.
import { createHash } from "node:crypto";
import { createWriteStream, existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { type Payload, ReleaseVersion } from "@retail/protocol";
import { and, desc, eq } from "drizzle-orm";
import { openDrizzle, type Sqlite } from "../db/open.ts";
import { releases, storeStatus, stores, storeUpdates } from "../db/schema.ts";
import { NotFoundError, StateError, ValidationError } from "../errors.ts";
import {
  FINAL_FAILURES,
  type ReleaseEvent,
  type ReleaseStage,
  releaseLifecycle,
  targetRelease,
} from "./lifecycle.ts";
import { loadReleaseKey, type ReleaseKey } from "./signing.ts";

/** The largest artefact accepted (the edge is ~150 MB: Bun and the bundle). */
export const MAX_ARTEFACT_BYTES = 512 * 1024 * 1024;
/** A store that keeps reporting an old version is offered its release again at most this often. */
const REOFFER_MS = 30_000;

/** A release as the API shows it (no signature, no nulls). */
export interface PublicRelease {
  id: number;
  version: string;
  sha256: string;
  size: number;
  stage: ReleaseStage;
  createdAt: string;
  createdBy: string;
  /** Signed by the chain's key (always on a hub holding the key; offline: once the signature was posted). */
  signed: boolean;
  releasedAt?: string;
  promotedAt?: string;
  withdrawnAt?: string;
}

export type ReleaseRow = typeof releases.$inferSelect & { stage: ReleaseStage };

export interface ReleasesDeps {
  db: Sqlite;
  now: () => Date;
  dataDir: string;
  send(storeId: string, type: "release.offer", payload: Payload<"release.offer">): Promise<void>;
  log: (line: string) => void;
  /** The chain's public release key when its private half is kept offline (config releasePublicKey). */
  releasePublicKey?: string;
  /** Tests: how often a store is offered the same release again (default 30 s). */
  reofferMs?: number;
}

export function createReleases(deps: ReleasesDeps) {
  const { db, now, log } = deps;
  const orm = openDrizzle(db);
  const dir = join(deps.dataDir, "releases");
  let key: ReleaseKey | undefined;
  const releaseKey = () => (key ??= loadReleaseKey(deps.dataDir, deps.releasePublicKey));
  /** storeId -> releaseId -> when it was last offered (ms). */
  const offered = new Map<string, Map<number, number>>();
  let cache: ReleaseRow[] | undefined;
  const all = () => (cache ??= orm.select().from(releases).orderBy(releases.id).all() as ReleaseRow[]);

  function get(id: number): ReleaseRow {
    const r = all().find((x) => x.id === id);
    if (!r) throw new NotFoundError("release", String(id));
    return r;
  }

  /** Streams an uploaded artefact to disk, hashing it; a draft release signed with the chain key. */
  async function publish(
    actor: string,
    version: string,
    body: ReadableStream<Uint8Array> | null,
    expectSha256?: string,
  ): Promise<PublicRelease> {
    if (!ReleaseVersion.safeParse(version).success)
      throw new ValidationError(
        "version",
        "letters, digits and . + _ - only, at most 40 (as build:appliance prints)",
      );
    if (all().some((r) => r.version === version))
      throw new StateError(version, `release ${version} was published already`);
    if (!body) throw new ValidationError("body", "the executable is the request body");
    mkdirSync(dir, { recursive: true });
    const part = join(dir, `upload-${process.pid}-${Date.now()}.part`);
    const hash = createHash("sha256");
    let size = 0;
    const out = createWriteStream(part, { mode: 0o640 });
    try {
      for await (const chunk of body) {
        size += chunk.byteLength;
        if (size > MAX_ARTEFACT_BYTES)
          throw new ValidationError("body", `the artefact is over ${MAX_ARTEFACT_BYTES} bytes`);
        hash.update(chunk);
        if (!out.write(chunk)) await new Promise((r) => out.once("drain", r));
      }
      await new Promise<void>((resolve, reject) =>
        out.end((e?: Error | null) => (e ? reject(e) : resolve())),
      );
    } catch (e) {
      out.destroy();
      rmSync(part, { force: true });
      throw e;
    }
    const sha256 = hash.digest("hex");
    if (size === 0) {
      rmSync(part, { force: true });
      throw new ValidationError("body", "the artefact is empty");
    }
    if (expectSha256 && expectSha256.toLowerCase() !== sha256) {
      rmSync(part, { force: true });
      throw new ValidationError(
        "sha256",
        `the upload hashes to ${sha256}, not ${expectSha256}: a damaged copy`,
      );
    }
    const at = now().toISOString();
    const id = db.transaction(() => {
      const { id } = orm
        .insert(releases)
        .values({
          version,
          sha256,
          size,
          signature: "",
          stage: "draft",
          createdAt: at,
          createdBy: actor,
          updatedBy: actor,
        })
        .returning({ id: releases.id })
        .get();
      // Offline key: the release waits, unsigned, for the signature made elsewhere (attachSignature).
      const signer = releaseKey().sign;
      if (signer) {
        const signature = signer({ releaseId: id, version, sha256, size });
        orm.update(releases).set({ signature }).where(eq(releases.id, id)).run();
      }
      return id;
    })();
    renameSync(part, artefactPath(id));
    cache = undefined;
    log(`hq-hub: release ${id} ${version} published by ${actor} (${size} bytes, sha256 ${sha256})`);
    return publicRow(get(id));
  }

  const artefactPath = (id: number) => join(dir, String(id));

  /** The file a store downloads: only a release that is out (pilot or all). */
  function artefactFor(id: number, storeId?: string): { file: string; size: number } {
    const r = get(id);
    if (storeId !== undefined && r.stage !== "pilot" && r.stage !== "all")
      throw new NotFoundError("release", String(id));
    if (storeId !== undefined && r.stage === "pilot" && ringOf(storeId) !== "pilot")
      throw new NotFoundError("release", String(id));
    const file = artefactPath(id);
    if (!existsSync(file)) throw new NotFoundError("release artefact", String(id));
    return { file, size: r.size };
  }

  /** The signature made offline (`hq-hub release sign`), accepted only if it verifies under the chain's key. */
  function attachSignature(actor: string, id: number, signature: string): PublicRelease {
    const r = get(id);
    if (r.signature) throw new StateError(String(id), `release ${id} is signed already`);
    const manifest = { releaseId: r.id, version: r.version, sha256: r.sha256, size: r.size };
    if (!releaseKey().verifies(manifest, signature))
      throw new ValidationError(
        "signature",
        `does not verify under the chain's release key for release ${id} (${r.version}, sha256 ${r.sha256}): another key, release id or file`,
      );
    orm.update(releases).set({ signature, updatedBy: actor }).where(eq(releases.id, id)).run();
    cache = undefined;
    log(`hq-hub: release ${id} ${r.version}: signature (made offline) attached by ${actor}`);
    return publicRow(get(id));
  }

  function move(actor: string, id: number, event: ReleaseEvent): PublicRelease {
    const r = get(id);
    if (!r.signature && (event === "release_pilot" || event === "release_all"))
      throw new StateError(
        String(id),
        `release ${id} is not signed yet: sign it where the chain's key is kept (hq-hub release sign) and post the signature`,
      );
    const stage = releaseLifecycle.apply(String(id), r.stage, event);
    const at = now().toISOString();
    orm
      .update(releases)
      .set({
        stage,
        updatedBy: actor,
        ...(event === "release_pilot" || event === "release_all" ? { releasedAt: at } : {}),
        ...(event === "promote" ? { promotedAt: at } : {}),
        ...(event === "withdraw" ? { withdrawnAt: at } : {}),
      })
      .where(eq(releases.id, id))
      .run();
    cache = undefined;
    log(`hq-hub: release ${id} ${r.version}: ${event} by ${actor} -> ${stage}`);
    offerEverywhere();
    return publicRow(get(id));
  }

  const release = (actor: string, id: number, stage: "pilot" | "all") =>
    move(actor, id, stage === "all" ? "release_all" : "release_pilot");

  function ringOf(storeId: string): string | undefined {
    return orm.select({ ring: stores.ring }).from(stores).where(eq(stores.id, storeId)).get()?.ring;
  }

  function lastStep(storeId: string, releaseId: number): string | undefined {
    return orm
      .select({ step: storeUpdates.step })
      .from(storeUpdates)
      .where(and(eq(storeUpdates.storeId, storeId), eq(storeUpdates.releaseId, releaseId)))
      .get()?.step;
  }

  /** Offers the store its target release unless it runs it, already failed it, or was just offered it. */
  function offerTo(storeId: string, ring: string, appVersion: string | undefined, force: boolean): void {
    const target = targetRelease(all(), ring);
    if (!target || target.version === appVersion) return;
    if (FINAL_FAILURES.has(lastStep(storeId, target.id) ?? "")) return;
    const per = offered.get(storeId) ?? new Map<number, number>();
    offered.set(storeId, per);
    const t = Date.now();
    if (!force && t - (per.get(target.id) ?? 0) < (deps.reofferMs ?? REOFFER_MS)) return;
    per.set(target.id, t);
    deps
      .send(storeId, "release.offer", {
        releaseId: target.id,
        version: target.version,
        sha256: target.sha256,
        size: target.size,
        signature: target.signature,
        path: `/api/v1/releases/${target.id}/artefact`,
        ring: target.stage === "pilot" ? "pilot" : "all",
      })
      .catch((e) => log(`hq-hub: release offer to ${storeId}: ${(e as Error).message}`));
  }

  /** After a stage change: every enrolled store is offered what is now out to it. */
  function offerEverywhere(): void {
    const rows = orm
      .select({
        id: stores.id,
        ring: stores.ring,
        appVersion: storeStatus.appVersion,
        state: storeStatus.state,
      })
      .from(stores)
      .leftJoin(storeStatus, eq(storeStatus.storeId, stores.id))
      .where(eq(stores.enrollmentState, "enrolled"))
      .all();
    for (const s of rows) if (s.state === "online") offerTo(s.id, s.ring, s.appVersion ?? undefined, true);
  }

  /** A store said which version it runs (store.status): offered its target if it differs. */
  function onStatus(storeId: string, status: { state: string; appVersion: string }): void {
    if (status.state !== "online" || all().length === 0) return;
    const ring = ringOf(storeId);
    if (ring !== undefined) offerTo(storeId, ring, status.appVersion, false);
  }

  /** An edge's step (update.report): kept per store and release; unknown releases are ignored. */
  function report(storeId: string, r: Payload<"update.report">): void {
    if (!all().some((x) => x.id === r.releaseId)) {
      log(`hq-hub: ${storeId} reported release ${r.releaseId}, which HQ does not know`);
      return;
    }
    const values = {
      step: r.step,
      runningVersion: r.runningVersion,
      reason: r.reason ?? null,
      at: r.at,
      receivedAt: now().toISOString(),
    };
    orm
      .insert(storeUpdates)
      .values({ storeId, releaseId: r.releaseId, ...values })
      .onConflictDoUpdate({ target: [storeUpdates.storeId, storeUpdates.releaseId], set: values })
      .run();
  }

  function list() {
    const counts = orm
      .select({ releaseId: storeUpdates.releaseId, step: storeUpdates.step })
      .from(storeUpdates)
      .all();
    return [...all()].reverse().map((r) => {
      const steps: Record<string, number> = {};
      for (const c of counts) if (c.releaseId === r.id) steps[c.step] = (steps[c.step] ?? 0) + 1;
      return { ...publicRow(r), steps };
    });
  }

  function detail(id: number) {
    const r = get(id);
    const rows = orm
      .select({
        storeId: storeUpdates.storeId,
        step: storeUpdates.step,
        runningVersion: storeUpdates.runningVersion,
        reason: storeUpdates.reason,
        at: storeUpdates.at,
      })
      .from(storeUpdates)
      .where(eq(storeUpdates.releaseId, id))
      .orderBy(storeUpdates.storeId)
      .all();
    return { ...publicRow(r), stores: rows.map((s) => ({ ...s, reason: s.reason ?? undefined })) };
  }

  /** Per enrolled store: the version it runs, the one it should run, and its last update step. */
  function fleet() {
    const rows = orm
      .select({ id: stores.id, name: stores.name, ring: stores.ring, appVersion: storeStatus.appVersion })
      .from(stores)
      .leftJoin(storeStatus, eq(storeStatus.storeId, stores.id))
      .where(eq(stores.enrollmentState, "enrolled"))
      .orderBy(stores.id)
      .all();
    const last = orm.select().from(storeUpdates).orderBy(desc(storeUpdates.receivedAt)).all();
    return rows.map((s) => {
      const target = targetRelease(all(), s.ring);
      const u = last.find((x) => x.storeId === s.id);
      const of = u ? all().find((r) => r.id === u.releaseId) : undefined;
      return {
        storeId: s.id,
        name: s.name,
        ring: s.ring,
        ...(s.appVersion ? { appVersion: s.appVersion } : {}),
        ...(target ? { targetVersion: target.version } : {}),
        ...(u && of
          ? {
              update: {
                releaseId: u.releaseId,
                version: of.version,
                step: u.step,
                at: u.at,
                ...(u.reason ? { reason: u.reason } : {}),
              },
            }
          : {}),
      };
    });
  }

  const publicRow = (r: ReleaseRow): PublicRelease => ({
    id: r.id,
    version: r.version,
    sha256: r.sha256,
    size: r.size,
    stage: r.stage,
    createdAt: r.createdAt,
    createdBy: r.createdBy,
    signed: r.signature !== "",
    ...(r.releasedAt ? { releasedAt: r.releasedAt } : {}),
    ...(r.promotedAt ? { promotedAt: r.promotedAt } : {}),
    ...(r.withdrawnAt ? { withdrawnAt: r.withdrawnAt } : {}),
  });

  return {
    /** The chain's release key, public half (SPKI DER, base64): given to a store at enrollment. */
    publicKey: () => releaseKey().publicKey,
    /** "hub": HQ signs on upload; "offline": each release waits for a signature made elsewhere. */
    signingMode: (): "hub" | "offline" => (releaseKey().sign ? "hub" : "offline"),
    attachSignature,
    publish,
    release,
    promote: (actor: string, id: number) => move(actor, id, "promote"),
    withdraw: (actor: string, id: number) => move(actor, id, "withdraw"),
    artefactFor,
    onStatus,
    report,
    list,
    detail,
    fleet,
  };
}

export type Releases = ReturnType<typeof createReleases>;
