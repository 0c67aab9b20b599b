// The `duplicate` fault: events HQ already acked, published again with the store's own
// credentials (as a box restored from a copy, a resend after a lost ack, or a rogue replay would):
// HQ must ack them and change nothing. One event id has one effect: its inbox row, its sale,
// its stock movements and its vouchers are counted before and after, and must not move.
import { parseEnvelope, storeSubscriptions, upTopic } from "@retail/protocol";
import mqtt from "mqtt";
import { type Violation, withReadonly } from "./invariants.ts";

/** The replaying client never connected (a connack timeout on a loaded machine): nothing was sent. */
export class ReplayNotConnected extends Error {}

export interface ReplayTarget {
  storeId: string;
  edgeDb: string;
  hqDb: string;
  mqttPort: number;
  creds: { username: string; password: string; clientId: string };
  /** How many of the last acked events to send again (1-20 drawn by the runner). */
  count: number;
  /** Sent shuffled (a resend racing a reconnect) instead of in seq order. */
  shuffle: boolean;
  rand: () => number;
}

export async function replayAcked(t: ReplayTarget): Promise<{ sent: number; violations: Violation[] }> {
  const rows = withReadonly(t.edgeDb, (d) =>
    d
      .query<{ seq: number; id: string; envelope: string }, [number]>(
        `SELECT seq, id, envelope FROM outbox
         WHERE seq <= (SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'acked_up_to')
         ORDER BY seq DESC LIMIT ?`,
      )
      .all(t.count)
      .reverse(),
  );
  if (!rows.length) return { sent: 0, violations: [] };
  const ids = rows.map((r) => r.id);
  const marks = ids.map(() => "?").join(",");
  const effects = () =>
    withReadonly(t.hqDb, (d) => {
      const n = (sql: string) => d.query<{ n: number }, string[]>(sql).get(...ids)?.n ?? 0;
      return {
        inbox: n(`SELECT COUNT(*) AS n FROM inbox WHERE event_id IN (${marks})`),
        movements: n(`SELECT COUNT(*) AS n FROM stock_ledger WHERE event_id IN (${marks})`),
        deadLetters:
          d
            .query<{ n: number }, [string, number, number]>(
              "SELECT COUNT(*) AS n FROM dead_letters WHERE store_id = ? AND seq BETWEEN ? AND ?",
            )
            .get(t.storeId, rows[0]!.seq, rows[rows.length - 1]!.seq)?.n ?? 0,
      };
    });
  const saleIds = rows.flatMap((r) => {
    const id = (JSON.parse(r.envelope) as { payload?: { saleId?: string } }).payload?.saleId;
    return id ? [id] : [];
  });
  const sales = () =>
    withReadonly(
      t.hqDb,
      (d) =>
        d
          .query<{ n: number }, string[]>(
            `SELECT COUNT(*) AS n FROM sales WHERE sale_id IN (${saleIds.map(() => "?").join(",") || "''"})`,
          )
          .get(...saleIds)?.n ?? 0,
    );
  const before = { ...effects(), sales: sales() };
  const order = [...rows];
  if (t.shuffle)
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(t.rand() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
  // The store's own client id (the broker allows no other): the edge is kicked off and comes back.
  const c = await mqtt
    .connectAsync(`mqtt://127.0.0.1:${t.mqttPort}`, {
      clientId: t.creds.clientId,
      username: t.creds.username,
      password: t.creds.password,
      protocolVersion: 4,
      reconnectPeriod: 0,
      connectTimeout: 20_000,
    })
    .catch((e: Error) => {
      throw new ReplayNotConnected(`the replaying client could not connect: ${e.message}`);
    });
  const out: Violation[] = [];
  try {
    let acked = 0;
    c.on("message", (_topic, payload) => {
      try {
        const env = parseEnvelope(payload);
        if (env.type === "events.ack") acked = Math.max(acked, env.payload.upToSeq);
      } catch {}
    });
    await c.subscribeAsync(storeSubscriptions(t.storeId), { qos: 1 });
    // Bounded: a PUBACK that never comes must not hold the run; the ack wait below decides.
    await Promise.race([
      c
        .publishAsync(upTopic(t.storeId, "events"), `[${order.map((r) => r.envelope).join(",")}]`, { qos: 1 })
        .catch(() => {}),
      Bun.sleep(10_000),
    ]);
    const top = rows[rows.length - 1]!.seq;
    const end = Date.now() + 20_000;
    while (acked < top && Date.now() < end) await Bun.sleep(20);
    if (acked < top)
      out.push({
        invariant: "a duplicate is acked",
        storeId: t.storeId,
        detail: `${rows.length} acked event(s) up to seq ${top} sent again: HQ acked up to ${acked} within 20 s`,
      });
  } finally {
    c.end(true);
  }
  const after = { ...effects(), sales: sales() };
  if (JSON.stringify(after) !== JSON.stringify(before))
    out.push({
      invariant: "one event id has one effect",
      storeId: t.storeId,
      detail: `seq ${rows[0]!.seq}-${rows[rows.length - 1]!.seq} sent again: HQ before ${JSON.stringify(before)}, after ${JSON.stringify(after)}`,
    });
  return { sent: rows.length, violations: out };
}
