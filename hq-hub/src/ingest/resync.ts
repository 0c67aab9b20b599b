// HQ's side of the connect handshake (protocol/src/resync.ts, docs/sync.md "Restored, replaced
// and re-enrolled edges"). A store says hello before it sends events; HQ answers what it holds
// (head, highest seq, a verdict on the first event of each of the edge's process runs) so a
// restored backup or a fresh edge.db moves its new events above HQ's seqs instead of colliding
// with them. HQ computes the same plan as the edge and, when the edge is behind or parted:
//  - lists the seqs it will now never receive (held only by the database that is gone) as lost,
//    counted as received so the store's acks move on, and
//  - records a fleet alert for a person (edge_resyncs), as it does when a store is re-enrolled
//    or says hello from a new instance (a fresh or replaced edge.db).
import { type EdgeHello, type EdgeWelcome, planResync, type ResyncPlan } from "@retail/protocol";
import { and, count, desc, eq, sql } from "drizzle-orm";
import { openDrizzle, type Sqlite } from "../db/open.ts";
import { edgeInstanceSeqs, edgeResyncs, inbox, lostSeqs, storeIdentity, stores } from "../db/schema.ts";
import { NotFoundError } from "../errors.ts";
import type { SeqState } from "./seq.ts";

export type ResyncKind = "replaced" | "behind" | "diverged" | "re_enrolled";

export interface ResyncRow {
  id: number;
  storeId: string;
  kind: ResyncKind;
  instanceId?: string;
  previousInstanceId?: string;
  edgeLastSeq?: number;
  edgeAckedUpTo?: number;
  hqHeadSeq: number;
  hqMaxSeq: number;
  newFrom?: number;
  shift: number;
  lost: { from: number; to: number }[];
  /**
   * Seqs the database that is gone had numbered (its highest reported lastSeq) above what HQ
   * received: events HQ never got and cannot ask anyone for.
   */
  unreceived?: { from: number; to: number };
  detail: string;
  at: string;
  status: "open" | "resolved";
  resolvedBy?: string;
  resolvedAt?: string;
}

/** What the resync needs of ingest's seq state (ingest.ts). */
export interface SeqAccess {
  seqView(storeId: string): { state: SeqState; head: number; max: number };
  markReceived(storeId: string, seqs: number[]): void;
  forgetSeq(storeId: string): void;
}

/**
 * The seqs in [from, to] HQ holds nothing at (neither applied, dead-lettered nor lost), as
 * ranges: what a store that moved its events up from `from` will never send. Pure.
 */
export function absentRanges(state: SeqState, from: number, to: number): { from: number; to: number }[] {
  const out: { from: number; to: number }[] = [];
  let start: number | undefined;
  for (let s = Math.max(from, state.upTo + 1); s <= to; s++) {
    const absent = !state.above.has(s);
    if (absent && start === undefined) start = s;
    if (!absent && start !== undefined) {
      out.push({ from: start, to: s - 1 });
      start = undefined;
    }
  }
  if (start !== undefined) out.push({ from: start, to });
  return out;
}

function words(
  kind: ResyncKind,
  plan: ResyncPlan | undefined,
  lost: number,
  unreceived?: { from: number; to: number },
): string {
  const moved =
    plan && plan.shift > 0 ? ` Its events from seq ${plan.newFrom} were moved up by ${plan.shift}.` : "";
  const missed = unreceived
    ? ` The database that is gone had numbered its events up to seq ${unreceived.to} (its last status) but HQ received only up to ${unreceived.from - 1}: up to ${unreceived.to - unreceived.from + 1} event(s) (sales, returns, shifts) never reached HQ.`
    : "";
  const gone =
    (lost ? ` ${lost} seq(s) HQ never received are lost with the previous database: listed here.` : "") +
    missed +
    (lost || unreceived ? " A person should check the store's paper records or backups for them." : "");
  switch (kind) {
    case "replaced":
      return `The store connected with a new edge database (fresh install, replaced mini-PC or re-enrollment on a new data directory).${moved}${gone}`;
    case "behind":
      return `The store's edge database is older than what HQ holds (a backup put back).${moved}${gone}`;
    case "diverged":
      return `The store's edge database is an older copy that sold while apart from HQ (a backup put back): its new sales were renumbered above HQ's.${moved}${gone}`;
    case "re_enrolled":
      return "The store was enrolled again: new MQTT credentials were issued and the previous ones no longer work.";
  }
}

export function createResync(deps: { db: Sqlite; now: () => Date; seq: SeqAccess }) {
  const { db, now, seq } = deps;
  const orm = openDrizzle(db);
  const p = sql.placeholder;
  // Prepared once: every store's hello runs them.
  const q = {
    identity: orm
      .select({ instanceId: storeIdentity.instanceId })
      .from(storeIdentity)
      .where(eq(storeIdentity.storeId, p("storeId")))
      .prepare(),
    setIdentity: orm
      .insert(storeIdentity)
      .values({ storeId: p("storeId"), instanceId: p("instanceId"), since: p("at"), lastHelloAt: p("at") })
      .onConflictDoUpdate({
        target: storeIdentity.storeId,
        set: {
          since: sql`CASE WHEN ${storeIdentity.instanceId} = excluded.instance_id THEN ${storeIdentity.since} ELSE excluded.since END`,
          instanceId: sql`excluded.instance_id`,
          lastHelloAt: sql`excluded.last_hello_at`,
        },
      })
      .prepare(),
    atSeq: orm
      .select({ eventId: inbox.eventId })
      .from(inbox)
      .where(and(eq(inbox.storeId, p("storeId")), eq(inbox.seq, p("seq"))))
      .prepare(),
    resync: orm
      .insert(edgeResyncs)
      .values({
        storeId: p("storeId"),
        kind: p("kind"),
        instanceId: p("instanceId"),
        previousInstanceId: p("previousInstanceId"),
        edgeLastSeq: p("edgeLastSeq"),
        edgeAckedUpTo: p("edgeAckedUpTo"),
        hqHeadSeq: p("hqHeadSeq"),
        hqMaxSeq: p("hqMaxSeq"),
        newFrom: p("newFrom"),
        shift: p("shift"),
        lostJson: p("lostJson"),
        unreceivedJson: p("unreceivedJson"),
        detail: p("detail"),
        at: p("at"),
      })
      .prepare(),
    // The same finding still open (an edge that says hello again before it moved its events,
    // or a hostile one repeating itself): one alert, not one per connect. (`IS`: NULL-safe.)
    sameOpen: orm
      .select({ id: edgeResyncs.id })
      .from(edgeResyncs)
      .where(
        and(
          eq(edgeResyncs.storeId, p("storeId")),
          sql`${edgeResyncs.instanceId} IS ${p("instanceId")}`,
          eq(edgeResyncs.hqMaxSeq, p("max")),
          sql`${edgeResyncs.newFrom} IS ${p("newFrom")}`,
          eq(edgeResyncs.shift, p("shift")),
          eq(edgeResyncs.status, "open"),
        ),
      )
      .prepare(),
    reported: orm
      .select({ max: edgeInstanceSeqs.maxReportedSeq })
      .from(edgeInstanceSeqs)
      .where(
        and(eq(edgeInstanceSeqs.storeId, p("storeId")), eq(edgeInstanceSeqs.instanceId, p("instanceId"))),
      )
      .prepare(),
    lost: orm
      .insert(lostSeqs)
      .values({
        storeId: p("storeId"),
        fromSeq: p("from"),
        toSeq: p("to"),
        reason: p("reason"),
        resyncId: p("resyncId"),
        at: p("at"),
      })
      .onConflictDoNothing()
      .prepare(),
  };

  /** Answers a store's hello; one transaction (the lost seqs, the alert, the identity). */
  /**
   * Several stores' hellos in one durable commit, each in its own savepoint: after a hub restart
   * every store says hello at once, and a commit (an fsync) per hello was most of the main
   * thread's time in the reconnect storm. One store's failure leaves the others' welcomes.
   */
  function hellos(
    list: { storeId: string; hello: EdgeHello }[],
  ): ({ welcome: EdgeWelcome } | { error: unknown })[] {
    const out: ({ welcome: EdgeWelcome } | { error: unknown })[] = [];
    const tx = db.transaction(() => {
      for (const { storeId, hello: h } of list) {
        // Raw: drizzle has no savepoint outside its own async transaction API.
        db.exec("SAVEPOINT hello");
        try {
          out.push({ welcome: answer(storeId, h) });
          db.exec("RELEASE hello");
        } catch (error) {
          db.exec("ROLLBACK TO hello");
          db.exec("RELEASE hello");
          seq.forgetSeq(storeId); // the in-memory state may be ahead of what rolled back
          out.push({ error });
        }
      }
    });
    try {
      tx.immediate();
    } catch (e) {
      for (const { storeId } of list) seq.forgetSeq(storeId);
      throw e;
    }
    return out;
  }

  function hello(storeId: string, h: EdgeHello): EdgeWelcome {
    const [r] = hellos([{ storeId, hello: h }]);
    if (!r || "error" in r) throw r?.error;
    return r.welcome;
  }

  function answer(storeId: string, h: EdgeHello): EdgeWelcome {
    const at = now().toISOString();
    const { state, max } = seq.seqView(storeId);
    const verdicts = h.boots.map((b) => {
      const row = q.atSeq.get({ storeId, seq: b.firstSeq });
      return row ? (row.eventId === b.eventId ? "same" : "other") : "none";
    }) as EdgeWelcome["boots"];
    const plan = planResync({
      ackedUpTo: h.ackedUpTo,
      lastSeq: h.lastSeq,
      boots: h.boots.map((b, i) => ({ firstSeq: b.firstSeq, held: verdicts[i]! })),
      hqMaxSeq: max,
    });
    const previous = q.identity.get({ storeId })?.instanceId;
    const replaced = previous !== undefined && previous !== h.instanceId;
    let lost: { from: number; to: number }[] = [];
    if (plan.shift > 0 || replaced) {
      // The edge moves everything from newFrom above `max`: nobody will send what HQ lacks
      // in between.
      if (plan.shift > 0) lost = absentRanges(state, plan.newFrom, max);
      const kind: ResyncKind = replaced ? "replaced" : plan.kind === "diverged" ? "diverged" : "behind";
      const lostCount = lost.reduce((n, r) => n + r.to - r.from + 1, 0);
      // What the database that is gone said it had (a restored copy shares its instance id).
      const gone = replaced ? previous : h.instanceId;
      const reported = q.reported.get({ storeId, instanceId: gone })?.max;
      const unreceived =
        reported !== undefined && reported > max ? { from: max + 1, to: reported } : undefined;
      const again =
        lost.length === 0
          ? q.sameOpen.get({
              storeId,
              instanceId: h.instanceId,
              max,
              newFrom: plan.newFrom ?? null,
              shift: plan.shift,
            })
          : undefined;
      const id =
        again?.id ??
        Number(
          q.resync.run({
            storeId,
            kind,
            instanceId: h.instanceId,
            previousInstanceId: previous ?? null,
            edgeLastSeq: h.lastSeq,
            edgeAckedUpTo: h.ackedUpTo,
            hqHeadSeq: state.upTo,
            hqMaxSeq: max,
            newFrom: plan.newFrom ?? null,
            shift: plan.shift,
            lostJson: JSON.stringify(lost),
            unreceivedJson: unreceived ? JSON.stringify(unreceived) : null,
            detail: words(kind, plan, lostCount, unreceived),
            at,
          }).lastInsertRowid,
        );
      for (const r of lost)
        q.lost.run({
          storeId,
          from: r.from,
          to: r.to,
          reason: `not received before the store's edge database was ${kind === "replaced" ? "replaced" : "restored"}`,
          resyncId: id,
          at,
        });
      const seqs: number[] = [];
      for (const r of lost) for (let s = r.from; s <= r.to; s++) seqs.push(s);
      if (seqs.length) seq.markReceived(storeId, seqs);
    }
    q.setIdentity.run({ storeId, instanceId: h.instanceId, at });
    const after = seq.seqView(storeId);
    return {
      helloId: h.helloId,
      instanceId: h.instanceId,
      ...(previous ? { previousInstanceId: previous } : {}),
      headSeq: after.head,
      maxSeq: max,
      boots: verdicts,
    };
  }

  /** A store was enrolled again (its previous credentials stop working): a fleet alert. */
  function reEnrolled(storeId: string) {
    const { head, max } = seq.seqView(storeId);
    const prev = q.identity.get({ storeId })?.instanceId;
    q.resync.run({
      storeId,
      kind: "re_enrolled",
      instanceId: null,
      previousInstanceId: prev ?? null,
      edgeLastSeq: null,
      edgeAckedUpTo: null,
      hqHeadSeq: head,
      hqMaxSeq: max,
      newFrom: null,
      shift: 0,
      lostJson: "[]",
      unreceivedJson: null,
      detail: words("re_enrolled", undefined, 0),
      at: now().toISOString(),
    });
  }

  function list(opts: { storeId?: string; status?: "open" | "resolved"; region?: string } = {}): ResyncRow[] {
    return orm
      .select({ r: edgeResyncs })
      .from(edgeResyncs)
      .leftJoin(stores, eq(stores.id, edgeResyncs.storeId))
      .where(
        and(
          opts.storeId ? eq(edgeResyncs.storeId, opts.storeId) : undefined,
          opts.status ? eq(edgeResyncs.status, opts.status) : undefined,
          opts.region ? eq(stores.region, opts.region) : undefined,
        ),
      )
      .orderBy(desc(edgeResyncs.id))
      .limit(500)
      .all()
      .map(({ r }) => toRow(r));
  }

  function resolve(id: number, actor: string): ResyncRow {
    const r = orm
      .update(edgeResyncs)
      .set({ status: "resolved", resolvedBy: actor, resolvedAt: now().toISOString() })
      .where(and(eq(edgeResyncs.id, id), eq(edgeResyncs.status, "open")))
      .run();
    if (r.changes !== 1) throw new NotFoundError("open edge resync", String(id));
    return toRow(orm.select().from(edgeResyncs).where(eq(edgeResyncs.id, id)).get()!);
  }

  /** Open alerts per store (the fleet view). */
  function openCounts(): Map<string, number> {
    const rows = orm
      .select({ storeId: edgeResyncs.storeId, n: count() })
      .from(edgeResyncs)
      .where(eq(edgeResyncs.status, "open"))
      .groupBy(edgeResyncs.storeId)
      .all();
    return new Map(rows.map((r) => [r.storeId, r.n]));
  }

  return { hello, hellos, reEnrolled, list, resolve, openCounts };
}

export type Resync = ReturnType<typeof createResync>;

function toRow(r: typeof edgeResyncs.$inferSelect): ResyncRow {
  const row: ResyncRow = {
    id: r.id,
    storeId: r.storeId,
    kind: r.kind as ResyncKind,
    hqHeadSeq: r.hqHeadSeq,
    hqMaxSeq: r.hqMaxSeq,
    shift: r.shift,
    lost: JSON.parse(r.lostJson),
    ...(r.unreceivedJson ? { unreceived: JSON.parse(r.unreceivedJson) } : {}),
    detail: r.detail,
    at: r.at,
    status: r.status as "open" | "resolved",
  };
  for (const k of [
    "instanceId",
    "previousInstanceId",
    "edgeLastSeq",
    "edgeAckedUpTo",
    "newFrom",
    "resolvedBy",
    "resolvedAt",
  ] as const) {
    const v = r[k];
    if (v !== null && v !== undefined) (row as unknown as Record<string, unknown>)[k] = v;
  }
  return row;
}
