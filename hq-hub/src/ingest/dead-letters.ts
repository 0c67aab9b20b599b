// Ingest's dead letters: what could not be applied (bad JSON, an invalid envelope, an event
// whose effects failed, a message that fails even alone) is kept with its reason and field for
// a person, once per broken element, and can be discarded or fixed and replayed; the API reads
// them (createDeadLetterReads: the list by status, store and region, and one with its payload).
import { MessageError } from "@retail/protocol";
import { and, asc, eq, type SQL, sql } from "drizzle-orm";
import type { Drizzle, Sqlite } from "../db/open.ts";
import { openDrizzle } from "../db/open.ts";
import { deadLetters, stores } from "../db/schema.ts";
import { NotFoundError, StateError } from "../errors.ts";
import { columnsAsStored } from "../http/table-rows.ts";

export interface DeadLetterError {
  message: string;
  field: string;
  code?: string;
}

export function createDeadLetters(db: Sqlite, now: () => Date) {
  const orm = openDrizzle(db);
  const p = sql.placeholder;
  // Prepared once: the ingest path writes through these.
  const same = orm
    .select({ id: deadLetters.id })
    .from(deadLetters)
    .where(
      and(
        eq(deadLetters.storeId, p("storeId")),
        sql`${deadLetters.seq} IS ${p("seq")}`,
        eq(deadLetters.raw, p("raw")),
        eq(deadLetters.status, "open"),
      ),
    )
    .prepare();
  const insert = orm
    .insert(deadLetters)
    .values({
      storeId: p("storeId"),
      seq: p("seq"),
      topic: p("topic"),
      reason: p("reason"),
      field: p("field"),
      raw: p("raw"),
      receivedAt: p("at"),
    })
    .prepare();
  const supersedeOpen = orm
    .update(deadLetters)
    .set({ status: "superseded", resolvedBy: "ingest", resolvedAt: sql`${p("at")}` })
    .where(
      and(
        eq(deadLetters.storeId, p("storeId")),
        eq(deadLetters.seq, p("seq")),
        eq(deadLetters.status, "open"),
      ),
    )
    .prepare();

  /** Stores with open dead letters: only their events may supersede one (skips a query per event). */
  const openStores = new Set(
    orm
      .selectDistinct({ storeId: deadLetters.storeId })
      .from(deadLetters)
      .where(eq(deadLetters.status, "open"))
      .all()
      .map((r) => r.storeId),
  );

  function deadLetter(
    storeId: string,
    seq: number | undefined,
    topic: string,
    error: DeadLetterError,
    raw: string,
    at: string,
  ) {
    // The same broken element resent is one dead letter, not one per resend.
    if (same.get({ storeId, seq: seq ?? null, raw })) return;
    openStores.add(storeId);
    insert.run({
      storeId,
      seq: seq ?? null,
      topic,
      reason: error.code ? `${error.code}: ${error.message}` : error.message,
      field: error.field,
      raw,
      at,
    });
  }

  /** An event applied at a seq that had a dead letter: that letter is superseded. */
  function supersede(at: string, storeId: string, seq: number) {
    if (openStores.has(storeId)) supersedeOpen.run({ at, storeId, seq });
  }

  /** An open dead letter, to replay. */
  function openLetter(id: number) {
    const dl = orm.select().from(deadLetters).where(eq(deadLetters.id, id)).get();
    if (!dl) throw new NotFoundError("dead letter", String(id));
    if (dl.status !== "open") throw new StateError(String(id), `dead letter ${id} is ${dl.status}`);
    return dl;
  }

  function markReplayed(id: number, actor: string) {
    orm
      .update(deadLetters)
      .set({ status: "replayed", resolvedBy: actor, resolvedAt: now().toISOString() })
      .where(eq(deadLetters.id, id))
      .run();
  }

  function discard(id: number, actor: string) {
    const r = orm
      .update(deadLetters)
      .set({ status: "discarded", resolvedBy: actor, resolvedAt: now().toISOString() })
      .where(and(eq(deadLetters.id, id), eq(deadLetters.status, "open")))
      .returning({ id: deadLetters.id })
      .all();
    if (r.length !== 1) throw new NotFoundError("open dead letter", String(id));
  }

  return { deadLetter, supersede, openLetter, markReplayed, discard };
}

export type DeadLetters = ReturnType<typeof createDeadLetters>;

export function rawText(payload: Buffer | string): string {
  return typeof payload === "string" ? payload : Buffer.from(payload).toString("utf8");
}

/** The reason a message failed, for its dead letter. */
export function failure(e: unknown): { code: string; field: string; message: string } {
  if (e instanceof MessageError) return e;
  const err = e as { field?: unknown; message?: unknown };
  return {
    code: "apply_failed",
    field: typeof err?.field === "string" ? err.field : "",
    message: typeof err?.message === "string" ? err.message : String(e),
  };
}

export function createDeadLetterReads(orm: Drizzle) {
  const row = columnsAsStored(deadLetters);
  return {
    list(q: { status: string; store?: string; region?: string }): Record<string, unknown>[] {
      const where: SQL[] = [eq(deadLetters.status, q.status)];
      if (q.store !== undefined) where.push(eq(deadLetters.storeId, q.store));
      if (q.region !== undefined) where.push(eq(stores.region, q.region));
      return orm
        .select(row)
        .from(deadLetters)
        .leftJoin(stores, eq(stores.id, deadLetters.storeId))
        .where(and(...where))
        .orderBy(asc(deadLetters.id))
        .all();
    },
    /** `label`: the id as the caller wrote it, for the not-found message. */
    get(id: number, label = String(id)): Record<string, unknown> & { store_id: string } {
      const d = orm.select(row).from(deadLetters).where(eq(deadLetters.id, id)).get();
      if (!d) throw new NotFoundError("dead letter", label);
      return d as unknown as Record<string, unknown> & { store_id: string };
    },
  };
}
