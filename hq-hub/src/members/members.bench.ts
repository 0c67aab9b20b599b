// Members at chain scale (`npm run bench -- members`): 1,000,000 members and a year of their
// sales (about 4 per member: many lapsed, some weekly), then the real code of members/ timed:
// RFM scoring, a segment evaluated (size and preview), and a campaign's results over all of them
// (900,000 treated, 100,000 held out, a 30-day window). The peer is one plain SQL scan of the
// same sales (COUNT and SUM over member_activity), measured in the same run.
// Bulk setup, not ingest: the rows are generated inside SQLite by INSERT ... SELECT from a
// counter and an integer hash (deterministic), secondary indexes built after the load; the
// profiles and favourites by GROUP BY over the same sales (what the ingest hook would have
// summed sale by sale). MEMBERS=n overrides the size.
import type { BenchRow } from "@retail/protocol";
import { migrate, openDatabase } from "../db/open.ts";
import { tempDir } from "../test-kit.ts";
import { createCampaigns } from "./campaigns.ts";
import { createScoring } from "./scoring.ts";
import { createSegments, type SegmentRule } from "./segments.ts";

const DAY = 86_400_000;
const YEAR_START = Date.parse("2025-12-01T00:00:00Z");
const NOW = new Date("2026-12-01T00:00:00Z");
const STORES = 300;
const CATEGORIES = 20;

function timeRuns(runs: number, fn: () => void): { median: number; max: number } {
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  return { median: ms[Math.floor(ms.length / 2)]!, max: ms[ms.length - 1]! };
}

export function benchMembers(): BenchRow[] {
  const members = Number(process.env.MEMBERS ?? 1_000_000);
  const dir = tempDir("members-bench-");
  const db = openDatabase({ dataDir: dir.path });
  try {
    migrate(db, () => NOW);
    // Raw SQL below: bench setup only (bulk load), never the code being measured. The rows are
    // generated inside SQLite from a counter and an integer hash (deterministic, no JS per row).
    db.exec("PRAGMA synchronous = OFF");
    db.exec("DROP INDEX member_activity_member");
    db.exec("DROP INDEX member_activity_at");
    const t0 = performance.now();
    const start = YEAR_START / 1000;
    // h(k): a multiplicative hash, 0 .. 2^31-1.
    // h(k): multiply, xor-shift, multiply, xor-shift (SQLite has no XOR: a ^ b = (a | b) - (a & b)).
    const xs = (a: string, n: number) => `((${a}) | ((${a}) >> ${n})) - ((${a}) & ((${a}) >> ${n}))`;
    const h = (k: string) =>
      `(${xs(`(${xs(`((${k}) * 2654435761 + 1013904223) % 4294967296`, 15)}) * 2246822519 % 4294967296`, 13)})`;
    const load = [
      `CREATE TEMP TABLE n (x INTEGER PRIMARY KEY)`,
      `INSERT INTO n WITH RECURSIVE c(x) AS (SELECT 0 UNION ALL SELECT x + 1 FROM c WHERE x < ${members - 1}) SELECT x FROM c`,
      `INSERT INTO members (id, phone, tier, points, status)
         SELECT printf('M%07d', x), printf('1%010d', 3000000000 + x), CASE WHEN ${h("x * 7 + 1")} % 10 = 0 THEN 'gold' ELSE 'regular' END, 0, 'active' FROM n`,
      `INSERT INTO member_consents (member_id, purpose, granted, wording, at, recorded_by)
         SELECT printf('M%07d', x), 'marketing', ${h("x * 7 + 2")} % 10 <> 0, '我同意接收会员优惠信息', '${NOW.toISOString()}', 'bench' FROM n`,
      // Visits a year: u²/800 for u uniform in 0..99: 29% none, mean about 4, at most 12.
      `CREATE TEMP TABLE v (v INTEGER PRIMARY KEY)`,
      `INSERT INTO v WITH RECURSIVE c(v) AS (SELECT 0 UNION ALL SELECT v + 1 FROM c WHERE v < 12) SELECT v FROM c`,
      `CREATE TEMP TABLE s AS
         SELECT n.x AS x, v.v AS v,
           CASE WHEN ${h("n.x * 64 + v.v + 3")} % 10 < 8 THEN ${h("n.x * 7 + 4")} % ${STORES} ELSE ${h("n.x * 64 + v.v + 5")} % ${STORES} END AS store,
           CASE WHEN ${h("n.x * 64 + v.v + 6")} % 10 < 6 THEN ${h("n.x * 7 + 5")} % ${CATEGORIES} ELSE ${h("n.x * 64 + v.v + 7")} % ${CATEGORIES} END AS cat,
           1000 + ${h("n.x * 64 + v.v + 8")} % 8000 + CASE WHEN ${h("n.x * 64 + v.v + 9")} % 4 = 0 THEN ${h("n.x * 64 + v.v + 10")} % 30000 ELSE 0 END AS fen,
           ${start} + ${h("n.x * 64 + v.v + 11")} % (365 * 86400) AS t
         FROM n JOIN v ON v.v < (${h("n.x * 7 + 3")} % 100) * (${h("n.x * 7 + 3")} % 100) / 800`,
      `INSERT INTO member_activity (store_id, doc_kind, doc_id, member_id, at, net_fen, points, coupons)
         SELECT printf('S%03d', store), 'sale', printf('B%d-%d', x, v), printf('M%07d', x),
                strftime('%Y-%m-%dT%H:%M:%fZ', t, 'unixepoch'), fen, fen / 100, 0 FROM s`,
      `INSERT INTO member_category_spend (member_id, category, spend_fen, lines)
         SELECT printf('M%07d', x), printf('C%02d', cat), SUM(fen), COUNT(*) FROM s GROUP BY x, cat`,
      `INSERT INTO member_store_spend (member_id, store_id, visits, spend_fen)
         SELECT printf('M%07d', x), printf('S%03d', store), COUNT(*), SUM(fen) FROM s GROUP BY x, store`,
      `INSERT INTO member_profiles (member_id, visits, spend_fen, returns_fen, first_visit_at, last_visit_at, coupons_used)
         SELECT member_id, COUNT(*), SUM(net_fen), 0, MIN(at), MAX(at), 0 FROM member_activity GROUP BY member_id`,
      "CREATE INDEX member_activity_member ON member_activity (member_id, at)",
      "CREATE INDEX member_activity_at ON member_activity (at, member_id, net_fen)",
      // The campaign: everyone, 10% held out, a coupon each for the treated, 5% of them used.
      `INSERT INTO campaign_members (campaign_id, member_id, treated, coupon_code)
         SELECT 1, printf('M%07d', x), ${h("x * 7 + 6")} % 10 <> 0,
                CASE WHEN ${h("x * 7 + 6")} % 10 <> 0 THEN printf('BENCH-%d', x) END FROM n`,
      `INSERT INTO coupon_redemptions (code, store_id, sale_id, event_id, redeemed_at, received_at, pushed)
         SELECT coupon_code, 'S001', 'R' || member_id, 'E' || member_id, '${new Date(NOW.getTime() - 10 * DAY).toISOString()}', '${NOW.toISOString()}', 1
         FROM campaign_members WHERE coupon_code IS NOT NULL AND ${h("CAST(substr(member_id, 2) AS INTEGER) * 7 + 8")} % 20 = 0`,
      `INSERT INTO member_segments (id, name, rule_json, created_by, created_at) VALUES (1, 'everyone', '{}', 'bench', '${NOW.toISOString()}')`,
      `INSERT INTO member_campaigns (id, name, segment_id, promotion_id, holdout_percent, seed, starts_at, ends_at, treated, control, created_by, created_at)
         SELECT 1, 'bench', 1, 'P-BENCH', 10, 1, '${new Date(NOW.getTime() - 30 * DAY).toISOString()}', '${NOW.toISOString()}',
                SUM(treated), SUM(1 - treated), 'bench', '${NOW.toISOString()}' FROM campaign_members`,
      "DROP TABLE s",
      "ANALYZE",
    ];
    for (const q of load) db.exec(q);
    const sales = (db.prepare("SELECT COUNT(*) AS n FROM member_activity").get() as { n: number }).n;
    const setupS = (performance.now() - t0) / 1000;
    console.error(
      `members: setup ${members} members, ${sales} sales in ${setupS.toFixed(1)} s (bulk: generated inside SQLite by INSERT ... SELECT, indexes after)`,
    );

    const now = () => NOW;
    const scoring = createScoring(db);
    const segments = createSegments(db, now);
    // Results read only the database: coupons are issued in setup, not through coupons/.
    const campaigns = createCampaigns({ db, now, coupons: undefined as never, segments });
    const rule: SegmentRule = {
      recencyDays: { max: 90 },
      visits: { min: 3 },
      rfm: { m: { min: 4 } },
      categories: ["C03", "C07"],
      stores: Array.from({ length: 100 }, (_, s) => `S${String(s).padStart(3, "0")}`),
      tiers: ["regular", "gold"],
    };
    const rfm = timeRuns(3, () => scoring.scoreRfm(NOW));
    let size = 0;
    const seg = timeRuns(3, () => {
      size = segments.preview(rule, false).size;
    });
    let ci = "";
    const res = timeRuns(3, () => {
      const r = campaigns.results(1);
      ci = `uplift ${r.uplift?.upliftFen} fen [${r.uplift?.ci95.lowFen}, ${r.uplift?.ci95.highFen}], redeemed ${r.redeemed}`;
    });
    // The peer: one plain SQL scan of the same sales.
    const scanSql = db.prepare("SELECT COUNT(*) AS n, SUM(net_fen) AS fen FROM member_activity");
    const peer = timeRuns(3, () => scanSql.get());
    console.error(
      `members: segment size ${size}; campaign ${ci}; RFM ${rfm.median.toFixed(0)} ms; peer scan ${peer.median.toFixed(0)} ms`,
    );
    const what = `${(members / 1e6).toFixed(members >= 1e6 ? 0 : 2)}M members, ${(sales / 1e6).toFixed(1)}M sales`;
    const row = (figure: string, t: { median: number; max: number }): BenchRow => ({
      figure: `${figure} (${what})`,
      unit: "ms",
      median: t.median,
      p99: t.max,
      peer: "one plain SQL scan of the same sales (COUNT, SUM)",
      peerMedian: peer.median,
      ratio: t.median / peer.median,
      target: "< 5 s",
      pass: t.max < 5000,
    });
    return [
      row("segment evaluation: size + preview, 6 conditions", seg),
      row("campaign results: redemption, spend per member, Welch CI", res),
      row("RFM scoring (daily run)", rfm),
    ];
  } finally {
    db.close();
    dir.remove();
  }
}

if (import.meta.main) console.log(benchMembers());
