// A cashier at a real edge process, and what a store's sales look like in the edge's and HQ's
// databases: shared by the tests that restore, replace or re-enroll an edge against a real hub
// (restore.test.ts, backup/backup-restore.test.ts).
import { Database } from "bun:sqlite";
import { afterAll, beforeAll } from "bun:test";
import { join } from "node:path";
import { catalogItems, gtinOf, tempDir, until } from "./fixtures.ts";
import { edgeCall, HubAdmin, type Proc, startEdge, startHub, stop } from "./procs.ts";

export type TillStatus = {
  outbox: { lastSeq: number; ackedUpTo: number; backlog: number };
  link: { state: string };
  catalog: { applied: number };
  identity: {
    instanceId: string;
    lastResync?: { kind: string; moved: number; hqMaxSeq: number };
    restoredFrom?: { file: string; at: string };
  };
};

/** One running edge process and lane 1's cashier session on it. */
export class Till {
  token = "";
  constructor(
    readonly dir: string,
    readonly proc: Proc,
  ) {}
  get http() {
    return this.proc.ready.http!;
  }
  async status<T = TillStatus>() {
    return (await edgeCall<T>(this.http, "GET", "/status")).body;
  }
  async ok(method: string, path: string, body?: unknown) {
    const res = await fetch(`${this.http}/api/v1${path}`, {
      method,
      headers: { "content-type": "application/json", authorization: `Bearer ${this.token}` },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const out = (await res.json()) as Record<string, unknown>;
    if (res.status !== 200) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(out)}`);
    if (path.endsWith("/login")) this.token = (out.session as { token: string }).token;
    return out;
  }
  async signIn(openShift: boolean) {
    await until(async () => (await this.status()).catalog.applied >= 1, 30_000, "catalog from HQ");
    await this.ok("POST", "/lanes/1/login", { cashierId: "1001", pin: "1234" });
    if (openShift) await this.ok("POST", "/lanes/1/shift/open", { float: 20_000 });
  }
  async sell(n: number, from = 0) {
    for (let i = 0; i < n; i++) {
      const k = from + i;
      for (const sku of [10 + (k % 8), 11 + (k % 5)])
        await this.ok("POST", "/lanes/1/scan", { code: gtinOf(sku) });
      await this.ok("POST", "/lanes/1/tenders", { kind: "cash", received: 100_000 });
    }
  }
  async delivered() {
    await until(
      async () => {
        const s = await this.status();
        return s.link.state === "online" && s.outbox.lastSeq > 0 && s.outbox.ackedUpTo === s.outbox.lastSeq;
      },
      60_000,
      `outbox of ${this.dir} acked by HQ`,
    );
  }
}

/** (sale id, net fen) of the real sales in an edge database, sorted. */
export function localSales(dbPath: string): [string, number][] {
  const db = new Database(dbPath, { readonly: true });
  try {
    return db
      .query<{ sale_id: string; net_fen: number }, []>(
        "SELECT sale_id, net_fen FROM sales WHERE training = 0 ORDER BY sale_id",
      )
      .all()
      .map((r) => [r.sale_id, r.net_fen]);
  } finally {
    db.close();
  }
}

/** Rows of a read-only query on the hub's hq.db in `hubDir`. */
export function hqQuery<T>(hubDir: string, sql: string): T[] {
  const db = new Database(join(hubDir, "hq.db"), { readonly: true });
  try {
    return db.query<T, []>(sql).all();
  } finally {
    db.close();
  }
}

/** What HQ holds of a store: its sales (id, net fen) sorted, conflicts, dead letters, seqs. */
export function salesAtHq(hubDir: string, storeId: string) {
  const hq = <T>(sql: string) => hqQuery<T>(hubDir, sql);
  return {
    sales: hq<{ sale_id: string; net_fen: number }>(
      `SELECT sale_id, net_fen FROM sales WHERE store_id = '${storeId}' ORDER BY sale_id`,
    ).map((r) => [r.sale_id, r.net_fen] as [string, number]),
    conflicts: hq<{ n: number }>(`SELECT count(*) AS n FROM conflicts WHERE store_id = '${storeId}'`)[0]!.n,
    deadLetters: hq<{ reason: string }>(`SELECT reason FROM dead_letters WHERE store_id = '${storeId}'`),
    seqs: hq<{ seq: number }>(`SELECT seq FROM inbox WHERE store_id = '${storeId}' ORDER BY seq`).map(
      (r) => r.seq,
    ),
  };
}

/**
 * A hub process for a test file (started in beforeAll with a small catalog released, stopped in
 * afterAll with every till started through it): `hub` and `admin` may be replaced by a test
 * that restarts the hub.
 */
export function hubForTills(edgeEnv: Record<string, string> = {}) {
  const bed = {
    hubDir: tempDir("hub-"),
    hub: undefined as Proc | undefined,
    admin: undefined as unknown as HubAdmin,
    mqttPort: 0,
    edges: [] as Proc[],
    async startTill(dir: string): Promise<Till> {
      const p = await startEdge(dir, edgeEnv);
      bed.edges.push(p);
      return new Till(dir, p);
    },
  };
  beforeAll(async () => {
    bed.hub = await startHub(bed.hubDir);
    bed.mqttPort = Number(new URL(bed.hub.ready.mqtt!).port);
    bed.admin = new HubAdmin(bed.hub.ready.http!);
    await bed.admin.release(catalogItems({ products: 20, weighed: 2, promotions: 8 }));
  }, 120_000);
  afterAll(async () => {
    for (const e of bed.edges) await stop(e, "SIGKILL");
    await stop(bed.hub);
  }, 30_000);
  return bed;
}
