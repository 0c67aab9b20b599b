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
import type { Sqlite } from "../db/open.ts";
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
  const q = {
    identity: db.prepare("SELECT instance_id FROM store_identity WHERE store_id = ?"),
    setIdentity: db.prepare(
      `INSERT INTO store_identity (store_id, instance_id, since, last_hello_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (store_id) DO UPDATE SET since = CASE WHEN instance_id = excluded.instance_id THEN since ELSE excluded.since END,
       instance_id = excluded.instance_id, last_hello_at = excluded.last_hello_at`,
    ),
    atSeq: db.prepare("SELECT event_id FROM inbox WHERE store_id = ? AND seq = ?"),
    resync: db.prepare(
      `INSERT INTO edge_resyncs (store_id, kind, instance_id, previous_instance_id, edge_last_seq, edge_acked_up_to, hq_head_seq,
       hq_max_seq, new_from, shift, lost_json, unreceived_json, detail, at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
    ),
    // The same finding still open (an edge that says hello again before it moved its events,
    // or a hostile one repeating itself): one alert, not one per connect.
    sameOpen: db.prepare(
      `SELECT id FROM edge_resyncs WHERE store_id = ? AND instance_id IS ? AND hq_max_seq = ?
       AND new_from IS ? AND shift = ? AND status = 'open'`,
    ),
    reported: db.prepare(
      "SELECT max_reported_seq FROM edge_instance_seqs WHERE store_id = ? AND instance_id = ?",
    ),
    lost: db.prepare(
      "INSERT INTO lost_seqs (store_id, from_seq, to_seq, reason, resync_id, at) VALUES (?,?,?,?,?,?) ON CONFLICT DO NOTHING",
    ),
  };

  /** Answers a store's hello; one transaction (the lost seqs, the alert, the identity). */
  function hello(storeId: string, h: EdgeHello): EdgeWelcome {
    const at = now().toISOString();
    let welcome: EdgeWelcome | undefined;
    const tx = db.transaction(() => {
      const { state, max } = seq.seqView(storeId);
      const verdicts = h.boots.map((b) => {
        const row = q.atSeq.get(storeId, b.firstSeq) as { event_id: string } | undefined;
        return row ? (row.event_id === b.eventId ? "same" : "other") : "none";
      }) as EdgeWelcome["boots"];
      const plan = planResync({
        ackedUpTo: h.ackedUpTo,
        lastSeq: h.lastSeq,
        boots: h.boots.map((b, i) => ({ firstSeq: b.firstSeq, held: verdicts[i]! })),
        hqMaxSeq: max,
      });
      const previous = (q.identity.get(storeId) as { instance_id: string } | undefined)?.instance_id;
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
        const reported = (q.reported.get(storeId, gone) as { max_reported_seq: number } | undefined)
          ?.max_reported_seq;
        const unreceived =
          reported !== undefined && reported > max ? { from: max + 1, to: reported } : undefined;
        const again =
          lost.length === 0
            ? (q.sameOpen.get(storeId, h.instanceId, max, plan.newFrom, plan.shift) as
                | { id: number }
                | undefined)
            : undefined;
        const id =
          again?.id ??
          Number(
            q.resync.run(
              storeId,
              kind,
              h.instanceId,
              previous ?? null,
              h.lastSeq,
              h.ackedUpTo,
              state.upTo,
              max,
              plan.newFrom,
              plan.shift,
              JSON.stringify(lost),
              unreceived ? JSON.stringify(unreceived) : null,
              words(kind, plan, lostCount, unreceived),
              at,
            ).lastInsertRowid,
          );
        for (const r of lost)
          q.lost.run(
            storeId,
            r.from,
            r.to,
            `not received before the store's edge database was ${kind === "replaced" ? "replaced" : "restored"}`,
            id,
            at,
          );
        const seqs: number[] = [];
        for (const r of lost) for (let s = r.from; s <= r.to; s++) seqs.push(s);
        if (seqs.length) seq.markReceived(storeId, seqs);
      }
      q.setIdentity.run(storeId, h.instanceId, at, at);
      const after = seq.seqView(storeId);
      welcome = {
        helloId: h.helloId,
        instanceId: h.instanceId,
        ...(previous ? { previousInstanceId: previous } : {}),
        headSeq: after.head,
        maxSeq: max,
        boots: verdicts,
      };
    });
    try {
      tx.immediate();
    } catch (e) {
      seq.forgetSeq(storeId); // the in-memory state may be ahead of what rolled back
      throw e;
    }
    return welcome!;
  }

  /** A store was enrolled again (its previous credentials stop working): a fleet alert. */
  function reEnrolled(storeId: string) {
    const { head, max } = seq.seqView(storeId);
    const prev = (q.identity.get(storeId) as { instance_id: string } | undefined)?.instance_id;
    q.resync.run(
      storeId,
      "re_enrolled",
      null,
      prev ?? null,
      null,
      null,
      head,
      max,
      null,
      0,
      "[]",
      null,
      words("re_enrolled", undefined, 0),
      now().toISOString(),
    );
  }

  function list(opts: { storeId?: string; status?: "open" | "resolved"; region?: string } = {}): ResyncRow[] {
    const where: string[] = [];
    const args: string[] = [];
    if (opts.storeId) {
      where.push("r.store_id = ?");
      args.push(opts.storeId);
    }
    if (opts.status) {
      where.push("r.status = ?");
      args.push(opts.status);
    }
    if (opts.region) {
      where.push("s.region = ?");
      args.push(opts.region);
    }
    const rows = db
      .prepare(
        `SELECT r.* FROM edge_resyncs r LEFT JOIN stores s ON s.id = r.store_id
         ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY r.id DESC LIMIT 500`,
      )
      .all(...args) as Record<string, unknown>[];
    return rows.map(toRow);
  }

  function resolve(id: number, actor: string): ResyncRow {
    const r = db
      .prepare(
        "UPDATE edge_resyncs SET status = 'resolved', resolved_by = ?, resolved_at = ? WHERE id = ? AND status = 'open'",
      )
      .run(actor, now().toISOString(), id);
    if (r.changes !== 1) throw new NotFoundError("open edge resync", String(id));
    return toRow(db.prepare("SELECT * FROM edge_resyncs WHERE id = ?").get(id) as Record<string, unknown>);
  }

  /** Open alerts per store (the fleet view). */
  function openCounts(): Map<string, number> {
    const m = new Map<string, number>();
    for (const r of db
      .prepare("SELECT store_id, count(*) AS n FROM edge_resyncs WHERE status = 'open' GROUP BY store_id")
      .all() as { store_id: string; n: number }[])
      m.set(r.store_id, r.n);
    return m;
  }

  return { hello, reEnrolled, list, resolve, openCounts };
}

export type Resync = ReturnType<typeof createResync>;

function toRow(r: Record<string, unknown>): ResyncRow {
  const opt = <T>(k: string) => (r[k] === null || r[k] === undefined ? undefined : (r[k] as T));
  const row: ResyncRow = {
    id: r.id as number,
    storeId: r.store_id as string,
    kind: r.kind as ResyncKind,
    hqHeadSeq: r.hq_head_seq as number,
    hqMaxSeq: r.hq_max_seq as number,
    shift: r.shift as number,
    lost: JSON.parse(r.lost_json as string),
    ...(r.unreceived_json ? { unreceived: JSON.parse(r.unreceived_json as string) } : {}),
    detail: r.detail as string,
    at: r.at as string,
    status: r.status as "open" | "resolved",
  };
  for (const [k, col] of [
    ["instanceId", "instance_id"],
    ["previousInstanceId", "previous_instance_id"],
    ["edgeLastSeq", "edge_last_seq"],
    ["edgeAckedUpTo", "edge_acked_up_to"],
    ["newFrom", "new_from"],
    ["resolvedBy", "resolved_by"],
    ["resolvedAt", "resolved_at"],
  ] as const) {
    const v = opt(col);
    if (v !== undefined) (row as unknown as Record<string, unknown>)[k] = v;
  }
  return row;
}
