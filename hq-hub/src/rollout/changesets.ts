// Change sets at rest: their rows, items and audit trail (drizzle). The cached list of all
// change sets follows the catalog's caches (context.ts freshen / invalidate).
import { and, asc, count, eq, ne, sql } from "drizzle-orm";
import type { CatalogContext, ChangesetRow } from "../catalog/context.ts";
import type { Entity } from "../catalog/rules.ts";
import type { ChangesetState, ItemRow, Target } from "../catalog/view.ts";
import { catalogApplied, catalogReleases, changesetAudit, changesetItems, changesets } from "../db/schema.ts";
import { NotFoundError } from "../errors.ts";
import { type AuditDetailInput, auditDetail, auditSentence, readAuditDetail } from "./audit-detail.ts";
import { aboutOf } from "./changeset-about.ts";

const p = sql.placeholder;

export function createChangesetStore(ctx: CatalogContext) {
  const { orm, now, caches } = ctx;

  const selectAll = orm.select().from(changesets).orderBy(asc(changesets.id)).prepare();

  function all(): ChangesetRow[] {
    ctx.freshen();
    if (!caches.changesets) caches.changesets = selectAll.all().map(toChangeset);
    return caches.changesets;
  }

  let byId: { of: ChangesetRow[]; map: Map<number, ChangesetRow> } | undefined;
  /** By id from the cached list (undefined when there is none). */
  function find(id: number): ChangesetRow | undefined {
    const list = all();
    if (byId?.of !== list) byId = { of: list, map: new Map(list.map((c) => [c.id, c])) };
    return byId.map.get(id);
  }

  function get(id: number): ChangesetRow {
    const cs = find(id);
    if (!cs) throw new NotFoundError("changeset", String(id));
    return cs;
  }

  const insertAudit = orm
    .insert(changesetAudit)
    .values({
      changesetId: p("changesetId"),
      action: p("action"),
      actor: p("actor"),
      at: p("at"),
      detail: p("detail"),
      detailJson: p("detailJson"),
    })
    .prepare();

  /** One line of the trail: what happened as data (shown in words by the console) and its English sentence. */
  function audit(changesetId: number, action: string, actor: string, what: AuditDetailInput) {
    insertAudit.run({
      changesetId,
      action,
      actor,
      at: now().toISOString(),
      detail: auditSentence(what),
      detailJson: JSON.stringify(auditDetail(what)),
    });
  }

  /** Inserts a draft and returns its id (the caller audits and invalidates). */
  function insertDraft(actor: string, input: { description?: string; target: Target; effectiveAt?: string }) {
    const row = orm
      .insert(changesets)
      .values({
        description: input.description ?? "",
        targetJson: JSON.stringify(input.target),
        state: "draft",
        effectiveAt: input.effectiveAt ?? null,
        createdBy: actor,
        createdAt: now().toISOString(),
      })
      .returning({ id: changesets.id })
      .get();
    return row.id;
  }

  /** Inserts a change set already released (a compensation) and returns its id. */
  function insertReleased(values: typeof changesets.$inferInsert): number {
    return orm.insert(changesets).values(values).returning({ id: changesets.id }).get().id;
  }

  function update(id: number, set: Partial<typeof changesets.$inferInsert>) {
    orm.update(changesets).set(set).where(eq(changesets.id, id)).run();
  }

  function itemCount(id: number): number {
    return (
      orm.select({ n: count() }).from(changesetItems).where(eq(changesetItems.changesetId, id)).get()?.n ?? 0
    );
  }

  const itemsOf = orm
    .select({
      entity: changesetItems.entity,
      key: changesetItems.key,
      op: changesetItems.op,
      dataJson: changesetItems.dataJson,
      prevJson: changesetItems.prevJson,
    })
    .from(changesetItems)
    .where(eq(changesetItems.changesetId, p("id")))
    .prepare();

  /** A change set's items, parsed. */
  function rowsOf(id: number): ItemRow[] {
    return itemsOf.all({ id }).map((r) => ({
      entity: r.entity as Entity,
      key: r.key,
      op: r.op as "upsert" | "delete",
      data: r.dataJson === null ? null : JSON.parse(r.dataJson),
    }));
  }

  /** Each item of a change set with the record it replaced (null: there was none). */
  function previousOf(id: number): { entity: Entity; key: string; prev: unknown }[] {
    return itemsOf.all({ id }).map((r) => ({
      entity: r.entity as Entity,
      key: r.key,
      prev: r.prevJson === null ? null : JSON.parse(r.prevJson),
    }));
  }

  /** Items of other change sets on the same records as change set `id`'s. */
  function sameRecordEdits(id: number): { changesetId: number; entity: Entity; key: string }[] {
    const o = orm
      .select({
        changesetId: changesetItems.changesetId,
        entity: changesetItems.entity,
        key: changesetItems.key,
      })
      .from(changesetItems)
      .as("o");
    return orm
      .select({ changesetId: o.changesetId, entity: o.entity, key: o.key })
      .from(changesetItems)
      .innerJoin(
        o,
        and(
          eq(o.entity, changesetItems.entity),
          eq(o.key, changesetItems.key),
          ne(o.changesetId, changesetItems.changesetId),
        ),
      )
      .where(eq(changesetItems.changesetId, id))
      .orderBy(asc(o.changesetId), asc(o.entity), asc(o.key))
      .all() as { changesetId: number; entity: Entity; key: string }[];
  }

  function auditTrail(id: number) {
    return orm
      .select({
        action: changesetAudit.action,
        actor: changesetAudit.actor,
        at: changesetAudit.at,
        detail: changesetAudit.detail,
        detailJson: changesetAudit.detailJson,
      })
      .from(changesetAudit)
      .where(eq(changesetAudit.changesetId, id))
      .orderBy(asc(changesetAudit.id))
      .all()
      .map(({ detailJson, ...r }) => {
        const what = readAuditDetail(r.action, r.detail, detailJson ?? null);
        return { ...r, what: what.kind === "created" ? { ...what, about: aboutOf(what.description) } : what };
      });
  }

  /** Each store's highest applied version. */
  function appliedVersions(): Map<string, number> {
    const rows = orm
      .select({ storeId: catalogApplied.storeId, v: sql<number>`MAX(${catalogApplied.version})` })
      .from(catalogApplied)
      .groupBy(catalogApplied.storeId)
      .all();
    return new Map(rows.map((r) => [r.storeId, r.v]));
  }

  /** Where change set `id` is in each store's log. */
  function positionsOf(id: number): Map<string, number> {
    const rows = orm
      .select({ storeId: catalogReleases.storeId, position: catalogReleases.position })
      .from(catalogReleases)
      .where(eq(catalogReleases.changesetId, id))
      .all();
    return new Map(rows.map((r) => [r.storeId, r.position]));
  }

  const insertApplied = orm
    .insert(catalogApplied)
    .values({
      storeId: p("storeId"),
      version: p("version"),
      appliedAt: p("appliedAt"),
      receivedAt: p("receivedAt"),
    })
    .onConflictDoNothing()
    .prepare();

  function recordApplied(storeId: string, version: number, appliedAt: string) {
    insertApplied.run({ storeId, version, appliedAt, receivedAt: now().toISOString() });
  }

  return {
    all,
    find,
    get,
    audit,
    insertDraft,
    insertReleased,
    update,
    itemCount,
    rowsOf,
    previousOf,
    sameRecordEdits,
    auditTrail,
    appliedVersions,
    positionsOf,
    recordApplied,
  };
}

export type ChangesetStore = ReturnType<typeof createChangesetStore>;

function toChangeset(r: typeof changesets.$inferSelect): ChangesetRow {
  return {
    id: r.id,
    version: r.version ?? null,
    state: r.state as ChangesetState,
    target: JSON.parse(r.targetJson) as Target,
    pilotStores: r.pilotStoresJson ? (JSON.parse(r.pilotStoresJson) as string[]) : null,
    promoted: r.promotedAt !== null && r.promotedAt !== undefined,
    effectiveAt: r.effectiveAt ?? null,
    description: r.description,
    compensates: r.compensates ?? null,
    createdBy: r.createdBy,
    createdAt: r.createdAt,
    releasedBy: r.releasedBy ?? null,
    releasedAt: r.releasedAt ?? null,
    promotedBy: r.promotedBy ?? null,
    promotedAt: r.promotedAt ?? null,
    rolledBackBy: r.rolledBackBy ?? null,
    rolledBackAt: r.rolledBackAt ?? null,
    pilotPosition: r.pilotPosition ?? null,
    generalPosition: r.generalPosition ?? null,
    kind: (r.kind as "catalog" | "members" | undefined) ?? "catalog",
    about: aboutOf(r.description),
  };
}
