// Rollout of change sets (docs/hq-hub.md "Rollout"): open a draft, release it to the pilot
// stores or the whole target, promote a pilot, roll back with a compensating change set; each
// step checked against the lifecycle table, recorded in the audit trail, and announced to the
// stores whose pointer moved.
import type { CatalogContext, ChangesetRow } from "../catalog/context.ts";
import type { MasterStore } from "../catalog/master.ts";
import type { Entity } from "../catalog/rules.ts";
import { inTarget, type Target } from "../catalog/view.ts";
import { StateError } from "../errors.ts";
import { aboutSentence } from "./changeset-about.ts";
import type { ChangesetStore } from "./changesets.ts";
import { changesetLifecycle, releaseEvent } from "./lifecycle.ts";
import type { StoreLogs } from "./logs.ts";

export function createRollout(
  ctx: CatalogContext,
  changesets: ChangesetStore,
  logs: StoreLogs,
  master: MasterStore,
) {
  const { db, now } = ctx;
  const { releaseLog } = logs;

  function createChangeset(
    actor: string,
    input: { description?: string; target: Target; effectiveAt?: string },
  ): ChangesetRow {
    const id = changesets.insertDraft(actor, input);
    changesets.audit(id, "create", actor, { kind: "created", description: input.description ?? "" });
    ctx.invalidate();
    return changesets.get(id);
  }

  /** Assigns the next version and releases to the pilot stores in the target (or to all of it). */
  function release(actor: string, id: number, stage: "pilot" | "all" = "pilot"): ChangesetRow {
    const cs = changesets.get(id);
    const next = changesetLifecycle.apply(String(id), cs.state, releaseEvent(stage));
    if (changesets.itemCount(id) === 0) throw new StateError(String(id), `change set ${id} is empty`);
    const before = logs.versions();
    const pilot = ctx
      .allStores()
      .filter((s) => s.ring === "pilot" && inTarget(s, cs.target))
      .map((s) => s.id);
    const at = now().toISOString();
    db.transaction(() => {
      logs.listNewStores();
      const n = releaseLog.nextPosition();
      const reached = ctx
        .allStores(true)
        .filter((s) => inTarget(s, cs.target) && (stage === "all" || pilot.includes(s.id)))
        .map((s) => s.id);
      releaseLog.append(reached, n, id);
      changesets.update(id, {
        version: n,
        pilotPosition: n,
        generalPosition: stage === "all" ? n : null,
        state: next,
        pilotStoresJson: JSON.stringify(pilot),
        releasedBy: actor,
        releasedAt: at,
        promotedBy: stage === "all" ? actor : null,
        promotedAt: stage === "all" ? at : null,
      });
      changesets.audit(
        id,
        "release",
        actor,
        stage === "all" ? { kind: "whole_target" } : { kind: "pilot", stores: pilot },
      );
    })();
    ctx.invalidate();
    logs.announce(before);
    return changesets.get(id);
  }

  function promote(actor: string, id: number): ChangesetRow {
    const cs = changesets.get(id);
    const next = changesetLifecycle.apply(String(id), cs.state, "promote");
    const before = logs.versions();
    db.transaction(() => {
      logs.listNewStores();
      // The rest of the target gets it at a new position: after everything released to those
      // stores since the pilot, so none of them can skip it.
      const n = releaseLog.nextPosition();
      const have = new Set(releaseLog.storesWith(id));
      releaseLog.append(
        ctx
          .allStores(true)
          .filter((s) => inTarget(s, cs.target) && !have.has(s.id))
          .map((s) => s.id),
        n,
        id,
      );
      changesets.update(id, {
        state: next,
        generalPosition: n,
        promotedBy: actor,
        promotedAt: now().toISOString(),
      });
      changesets.audit(id, "promote", actor, { kind: "whole_target" });
    })();
    ctx.invalidate();
    logs.announce(before);
    return changesets.get(id);
  }

  /**
   * Rolls back a released change set: a compensating change set restores the records it
   * replaced, with the same visibility, so every store that had it undoes it in a later
   * version (stores only ever move forward). The master copy is restored too.
   */
  function rollback(actor: string, id: number): { rolledBack: ChangesetRow; compensation: ChangesetRow } {
    const cs = changesets.get(id);
    const next = changesetLifecycle.apply(String(id), cs.state, "rollback");
    const before = logs.versions();
    const at = now().toISOString();
    let compId = 0;
    db.transaction(() => {
      // Restoring the records as they were before this change set would silently undo a later
      // change set's edit of the same record: refuse and name them instead.
      const later = laterEditsOf(cs);
      if (later.length > 0)
        throw new StateError(
          String(id),
          `change set ${id} cannot be rolled back: later change sets changed the same records (${later
            .map((r) => `${r.entity} ${r.key} in change set ${r.changesetId}`)
            .join(", ")}); roll those back first`,
          { records: later },
        );
      logs.listNewStores();
      const n = releaseLog.nextPosition();
      // The compensation is born in the state of what it undoes (pilot or released).
      compId = changesets.insertReleased({
        version: n,
        pilotPosition: n,
        generalPosition: cs.promoted ? n : null,
        description: aboutSentence({ kind: "rollback", changesetId: id }),
        targetJson: JSON.stringify(cs.target),
        state: cs.state,
        pilotStoresJson: JSON.stringify(cs.pilotStores ?? []),
        compensates: id,
        createdBy: actor,
        createdAt: at,
        releasedBy: actor,
        releasedAt: at,
        promotedBy: cs.promoted ? actor : null,
        promotedAt: cs.promoted ? at : null,
      });
      // Every store that had it gets the compensation next in its log.
      releaseLog.append(releaseLog.storesWith(id), n, compId);
      for (const it of changesets.previousOf(id))
        master.putItem(compId, it.entity, it.key, it.prev === null ? "delete" : "upsert", it.prev);
      changesets.update(id, { state: next, rolledBackBy: actor, rolledBackAt: at });
      changesets.audit(id, "rollback", actor, { kind: "compensated_by", changesetId: compId });
      changesets.audit(compId, "create", actor, { kind: "compensates", changesetId: id });
    })();
    ctx.invalidate();
    logs.announce(before);
    return { rolledBack: changesets.get(id), compensation: changesets.get(compId) };
  }

  /**
   * Records of `cs` that a later change set also changed and that is still in effect: one
   * released after it (higher version), or a draft opened after it. Not counted: change sets
   * rolled back, and the compensations of change sets later than `cs` (they restored the
   * records towards what `cs` wrote).
   */
  function laterEditsOf(cs: ChangesetRow): { entity: Entity; key: string; changesetId: number }[] {
    const byId = new Map(changesets.all().map((c) => [c.id, c]));
    const isLater = (c: ChangesetRow) =>
      c.version === null ? c.id > cs.id : cs.version !== null && c.version > cs.version;
    return changesets.sameRecordEdits(cs.id).filter((r) => {
      const c = byId.get(r.changesetId);
      if (!c || c.state === "rolled_back" || !isLater(c)) return false;
      if (c.compensates !== null) {
        const undone = byId.get(c.compensates);
        if (undone && undone.id !== cs.id && isLater(undone)) return false;
      }
      return true;
    });
  }

  /**
   * Per change set: the stores it is released to, and which of them applied it (or later).
   * With `region` (a regional manager) only that region's stores are listed.
   */
  function rollout(id: number, region?: string) {
    const cs = changesets.get(id);
    const applied = changesets.appliedVersions();
    // Applied at a store means: the store applied the position of its log where this change
    // set is, so (its log being served in order) everything released to it up to there.
    const positions = changesets.positionsOf(id);
    const stores = ctx
      .allStores()
      .filter((s) => region === undefined || s.region === region)
      .filter((s) => positions.has(s.id))
      .map((s) => ({
        storeId: s.id,
        position: positions.get(s.id)!,
        applied: (applied.get(s.id) ?? 0) >= positions.get(s.id)!,
        appliedVersion: applied.get(s.id) ?? 0,
      }));
    return { changeset: cs, stores, auditTrail: changesets.auditTrail(id) };
  }

  return { createChangeset, release, promote, rollback, rollout };
}
