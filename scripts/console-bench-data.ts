// The console bench's records the month's bulk load (hq-hub/src/close/month-data.ts) does not
// write, so the members screen and the price-audit tab are measured against a chain-sized list,
// not an empty one: members with their profiles (visits, spend, last visit) and price-audit
// findings on real sales of the month (a unit price the till charged 0.10 above HQ's, on the
// sale's first line). Written into the bench's working copy of the database on each run (the
// kept database stays as the month's load left it), only when the table is still empty.
// Raw SQL: bench setup (generated inside SQLite by INSERT ... SELECT from a counter, as
// members.bench.ts does), never the code being measured.
import type { Sqlite } from "../hq-hub/src/db/open.ts";

export interface ExtraShape {
  /** Members (with profiles); CONSOLE_BENCH_MEMBERS. */
  members: number;
  /** Price-audit findings, one per sale picked evenly over the month; CONSOLE_BENCH_FINDINGS. */
  findings: number;
  /** The month's last day (YYYY-MM-DD): members' last visits fall in the 90 days before it. */
  today: string;
}

const n = (db: Sqlite, table: string) =>
  (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

/** Adds what `shape` asks to an empty members / price_findings table; returns the counts. */
export function addConsoleExtras(db: Sqlite, shape: ExtraShape): { members: number; findings: number } {
  db.exec("PRAGMA synchronous = OFF");
  const end = Date.parse(`${shape.today}T23:00:00+08:00`) / 1000;
  db.transaction(() => {
    if (shape.members > 0 && n(db, "members") === 0) {
      db.exec(
        `CREATE TEMP TABLE IF NOT EXISTS bench_n AS WITH RECURSIVE c(x) AS (SELECT 0 UNION ALL SELECT x + 1 FROM c WHERE x < ${shape.members - 1}) SELECT x FROM c`,
      );
      db.exec(`INSERT INTO members (id, phone, name, tier, points, status, spend_fen, last_visit_at)
        SELECT printf('M%07d', x), printf('1%010d', 3000000000 + x), '会员' || x,
               CASE WHEN x % 10 = 0 THEN 'gold' ELSE 'regular' END, (x * 37) % 5000, 'active',
               ((x * 7919) % 200) * 2500 + 990,
               strftime('%Y-%m-%dT%H:%M:%fZ', ${end} - (x * 104729) % (90 * 86400), 'unixepoch')
        FROM bench_n`);
      // Visits and spend as the ingest hook would have summed them (1-40 visits, 9.90-5,000.00).
      db.exec(`INSERT INTO member_profiles (member_id, visits, spend_fen, returns_fen, first_visit_at, last_visit_at, coupons_used)
        SELECT id, 1 + (CAST(substr(id, 2) AS INTEGER) * 31) % 40, spend_fen, 0,
               strftime('%Y-%m-%dT%H:%M:%fZ', ${end} - 365 * 86400, 'unixepoch'), last_visit_at, 0
        FROM members`);
      db.exec("DROP TABLE bench_n");
    }
    if (shape.findings > 0 && n(db, "price_findings") === 0) {
      const sales = n(db, "sales");
      const every = Math.max(1, Math.floor(sales / shape.findings));
      db.exec(`INSERT INTO price_findings (store_id, sale_id, event_id, catalog_version, line_id, field, expected, actual, found_at)
        SELECT s.store_id, s.sale_id, s.event_id, s.catalog_version, 'l1', 'unitPrice',
               CAST(l.unit_price_fen AS TEXT), CAST(l.unit_price_fen + 10 AS TEXT), s.completed_at
        FROM sale_lines l JOIN sales s ON s.store_id = l.store_id AND s.sale_id = l.sale_id
        WHERE l.line_id = 'l1' AND (l.rowid / 3) % ${every} = 0
        ORDER BY s.completed_at
        LIMIT ${shape.findings}`);
    }
  })();
  db.exec("PRAGMA synchronous = FULL");
  return { members: n(db, "members"), findings: n(db, "price_findings") };
}
