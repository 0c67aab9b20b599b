// `npm run lint` step: each server's schema is declared once, in its db/schema.ts, and its
// migrations agree with it (docs/development.md "Database schema and migrations"):
// 1. drizzle-kit, generating into a scratch copy of src/db/drizzle, finds nothing to generate
//    (every change to schema.ts has its migration);
// 2. a database built by the server's own migration runner (the frozen hand-written chain, then
//    the generated migrations) has the same shape as one built from drizzle-kit's SQL alone
//    (its baseline, then the same generated migrations): so schema.ts describes exactly what
//    databases of earlier releases hold.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import Database from "libsql";
import { migrate } from "../hq-hub/src/db/open.ts";
import { EdgeDb } from "../store-edge/src/db.ts";
import { schemaShape, shapeDiff } from "./schema-shape.ts";

const root = resolve(import.meta.dir, "..");
type Sqlite = InstanceType<typeof Database>;

interface Server {
  pkg: string;
  dir: string;
  /**
   * Indexes only the hand-written SQL declares, with the reason (beside the table in schema.ts).
   * They must exist in the migrated database; the comparison leaves them out.
   */
  sqlOnlyIndexes: string[];
  /**
   * The hand-written chain, frozen: what every database of earlier releases ran (sha256, first
   * 16 hex). It never changes again; a new migration is generated from schema.ts.
   */
  frozen: [string, string][];
  /** A database migrated the way the server migrates its own. */
  migrated(): { db: Sqlite; close(): void };
}

const servers: Server[] = [
  {
    pkg: "@retail/hq-hub",
    dir: join(root, "hq-hub"),
    sqlOnlyIndexes: [],
    frozen: [
      ["0001_init.sql", "be746f9061c91ccb"],
      ["0002_catalog_epoch.sql", "b91836ef8c2fcee9"],
      ["0003_supplier_active.sql", "f7af80c9513d603f"],
      ["0004_ledger_index_in_batches.sql", "8fc4553aa9922823"],
      ["0005_sale_lines_tenders_in_batches.sql", "26801ca7d0e00114"],
      ["0007_replenishment.sql", "79758a520ed9bfac"],
      ["0008_finance.sql", "7add6bd531bb7415"],
      ["0009_token_revoke.sql", "e1f81e393223c9f8"],
      ["0010_catalog_release_log.sql", "588b71540d151f7e"],
      ["0011_conflict_resolution.sql", "b9038faad5016bdd"],
      ["0012_day_digests.sql", "0f20b87f875ee5a8"],
      ["0013_edge_identity.sql", "198ca7074bb13060"],
      ["0014_edge_instance_seqs.sql", "cdce76aa2ee97699"],
      ["0015_fleet_security.sql", "643dceb8c2b46728"],
      ["0016_finance_failures.sql", "0fed96c21132aaf7"],
      ["0017_coupon_redemptions.sql", "82a2d3ad5128533e"],
    ],
    migrated() {
      const db = new Database(":memory:");
      migrate(db);
      return { db, close: () => db.close() };
    },
  },
  {
    pkg: "@retail/store-edge",
    dir: join(root, "store-edge"),
    // drizzle-kit 0.31 writes an expression index as quoted columns split at its commas.
    sqlOnlyIndexes: ["returns_business_day"],
    // 0001 and 0002 are, byte for byte, the schema of the bun:sqlite code's databases.
    frozen: [
      ["0001_init.sql", "a188e93c403e772e"],
      ["0002_payments_cart.sql", "caea4b48f8f9335d"],
      ["0003_coupon_redemptions.sql", "1458d4e2c4679727"],
      ["0004_catalog_scheduled_pages.sql", "d387b434324a7838"],
      ["0005_lane_sessions.sql", "13e84d2106385e04"],
      ["0006_cashier_pin_failures.sql", "7d189b01b3214a1b"],
      ["0007_day_digest_index.sql", "a0cd6837446982e6"],
      ["0008_outbox_boots.sql", "13fc9196d05ae51a"],
      ["0009_pin_source_failures.sql", "dad88a5fd50ae305"],
    ],
    migrated() {
      const edge = new EdgeDb(":memory:");
      return { db: edge.raw, close: () => edge.close() };
    },
  },
];

/** Runs drizzle-kit generate into a scratch copy; returns the files it added. */
function pendingMigrations(server: Server): string[] {
  const bin = join(root, "node_modules", ".bin", "drizzle-kit");
  if (!existsSync(bin)) throw new Error("drizzle-kit is not installed: run `npm install`");
  const generated = join(server.dir, "src", "db", "drizzle");
  const scratch = mkdtempSync(join(tmpdir(), "drizzle-check-"));
  try {
    cpSync(generated, scratch, { recursive: true });
    const before = new Set(readdirSync(scratch));
    const run = spawnSync(bin, ["generate"], {
      cwd: server.dir,
      // drizzle-kit prefixes "./" to `out`: give it a path relative to the config.
      env: { ...process.env, DRIZZLE_OUT: relative(server.dir, scratch) },
      encoding: "utf8",
    });
    const added = readdirSync(scratch).filter((f) => !before.has(f));
    // It exits 0 on some failures (a path it cannot read): only its own "nothing to do" counts.
    if (run.status !== 0 || (added.length === 0 && !/No schema changes/.test(run.stdout + run.stderr)))
      throw new Error(`drizzle-kit generate failed in ${server.dir}:\n${run.stdout}${run.stderr}`);
    return added.map((f) => `${f}:\n${readFileSync(join(scratch, f), "utf8")}`);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** A scratch database built from drizzle-kit's SQL alone, in journal order. */
function fromGenerated(server: Server): Sqlite {
  const dir = join(server.dir, "src", "db", "drizzle");
  const journal = JSON.parse(readFileSync(join(dir, "meta", "_journal.json"), "utf8")) as {
    entries: { idx: number; tag: string }[];
  };
  const db = new Database(":memory:");
  for (const e of [...journal.entries].sort((a, b) => a.idx - b.idx))
    db.exec(readFileSync(join(dir, `${e.tag}.sql`), "utf8"));
  return db;
}

function frozenChanges(server: Server): string[] {
  const dir = join(server.dir, "src", "db", "migrations");
  const files = readdirSync(dir).filter((f) => f.endsWith(".sql"));
  const expected = new Map(server.frozen);
  const changed = files.filter(
    (f) =>
      expected.get(f) !==
      createHash("sha256")
        .update(readFileSync(join(dir, f)))
        .digest("hex")
        .slice(0, 16),
  );
  const gone = server.frozen.map(([f]) => f).filter((f) => !files.includes(f));
  return [...changed.map((f) => `${f} added or changed`), ...gone.map((f) => `${f} removed`)];
}

export function checkServer(server: Server): string[] {
  const problems: string[] = [];
  const frozen = frozenChanges(server);
  if (frozen.length)
    problems.push(
      `${server.pkg}: src/db/migrations is frozen (the path databases of earlier releases took): ${frozen.join(", ")}. ` +
        `Change src/db/schema.ts and run \`npm run db:generate -w ${server.pkg}\`; SQL drizzle-kit cannot say goes in ` +
        `a custom migration: \`npm run db:generate -w ${server.pkg} -- --custom --name <what>\` (docs/development.md).`,
    );
  const pending = pendingMigrations(server);
  if (pending.length)
    problems.push(
      `${server.pkg}: src/db/schema.ts has changes with no migration; run \`npm run db:generate -w ${server.pkg}\`:\n${pending.join("\n")}`,
    );
  const migrated = server.migrated();
  const generated = fromGenerated(server);
  try {
    const skip = (t: string) => t === "_migrations";
    const shape = schemaShape(migrated.db, skip);
    for (const name of server.sqlOnlyIndexes) {
      const table = Object.values(shape).find((t) => t.indexes.some((i) => i.startsWith(`${name} `)));
      if (!table) problems.push(`${server.pkg}: SQL-only index ${name} is not in the migrated database`);
      else table.indexes = table.indexes.filter((i) => !i.startsWith(`${name} `));
    }
    const diffs = shapeDiff(shape, schemaShape(generated, skip), "migrations", "drizzle-kit SQL");
    if (diffs.length)
      problems.push(
        `${server.pkg}: the migrated database and drizzle-kit's SQL from schema.ts differ:\n${diffs.join("\n")}`,
      );
  } finally {
    migrated.close();
    generated.close();
  }
  return problems;
}

if (import.meta.main) {
  const problems = servers.flatMap(checkServer);
  if (problems.length) {
    console.error(problems.join("\n\n"));
    process.exit(1);
  }
  console.log(`check-migrations: ${servers.map((s) => s.pkg).join(", ")}: schema.ts and migrations agree`);
}
