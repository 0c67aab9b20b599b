// Taking one backup of edge.db, and reading what a database file holds. This runs in its own
// process (`store-edge backup`, which the serving edge spawns: job.ts): `VACUUM INTO` on a
// second connection is a WAL reader, so the edge's writer never waits for it, and the copy's
// seconds of CPU and I/O never run on the event loop that serves the lanes. (libsql has no
// backup API, and two SQLite libraries in one process must not open one file: their POSIX
// locks would release each other's.)
//
// Raw SQL throughout: the file may not be an edge database at all (a wrong file handed to
// `restore`), so no migration runs and drizzle's schema is not assumed.
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import Database from "libsql";
import { type BackupManifest, backupFileName, backupsToPrune, backupTime } from "./rules.ts";

/** What a database file says about itself. */
export interface DbFacts {
  integrity: string;
  instanceId?: string;
  lastSeq: number;
  ackedUpTo: number;
  userVersion: number;
  storeId?: string;
}

export class BackupError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** Reads a database's identity and outbox progress; `check` runs the full integrity check too. */
export function inspectDb(path: string, check = true): DbFacts {
  if (!existsSync(path)) throw new BackupError("file", `${path}: no such file`);
  let db: InstanceType<typeof Database>;
  try {
    db = new Database(path, { fileMustExist: true });
  } catch (e) {
    throw new BackupError("file", `${path}: not readable as SQLite (${(e as Error).message})`);
  }
  try {
    db.exec("PRAGMA busy_timeout = 10000");
    const one = <T>(q: string): T | undefined => db.prepare(q).get() as T | undefined;
    let integrity = "not checked";
    try {
      if (check) {
        const rows = db.prepare("PRAGMA integrity_check").all() as { integrity_check: string }[];
        integrity = rows.map((r) => r.integrity_check).join("; ");
      }
      const meta = (key: string) =>
        one<{ value: string }>(`SELECT value FROM meta WHERE key = '${key}'`)?.value;
      const maxSeq = one<{ s: number | null }>("SELECT MAX(seq) AS s FROM outbox")?.s ?? 0;
      const last = one<{ envelope: string }>("SELECT envelope FROM outbox ORDER BY seq DESC LIMIT 1");
      let storeId: string | undefined;
      try {
        storeId = last ? (JSON.parse(last.envelope) as { storeId?: string }).storeId : undefined;
      } catch {
        storeId = undefined;
      }
      return {
        integrity,
        ...(meta("instance_id") ? { instanceId: meta("instance_id")! } : {}),
        lastSeq: Math.max(maxSeq, Number(meta("seq_floor") ?? 0)),
        ackedUpTo: Number(meta("acked_up_to") ?? 0),
        userVersion: one<{ user_version: number }>("PRAGMA user_version")?.user_version ?? 0,
        ...(storeId ? { storeId } : {}),
      };
    } catch (e) {
      if (e instanceof BackupError) throw e;
      throw new BackupError("file", `${path}: not an edge database (${(e as Error).message})`);
    }
  } finally {
    db.close();
  }
}

/** fsync of a file or a folder (a rename is durable once its folder is). */
export function fsyncPath(path: string): void {
  const fd = openSync(path, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Writes a small file durably: temp, fsync, rename. */
function writeDurably(path: string, body: string): void {
  const tmp = `${path}.tmp`;
  const fd = openSync(tmp, "w", 0o600);
  try {
    writeFileSync(fd, body);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

/** A `.part` left by a copy that was killed, older than this, is deleted at the next backup. */
const STALE_PART_MS = 3600_000;

/**
 * Copies `<dataDir>/edge.db` into `dir` as `edge-<time>.db`: VACUUM INTO a `.part` file, its
 * integrity checked, fsynced, renamed, then its manifest beside it; then all but the `keep`
 * newest are deleted. A copy that fails its check is deleted and the error thrown.
 */
export function takeBackup(opts: {
  dataDir: string;
  dir: string;
  keep: number;
  now?: () => number;
}): BackupManifest {
  const now = opts.now ?? Date.now;
  const source = join(opts.dataDir, "edge.db");
  if (!existsSync(source)) throw new BackupError("data", `no edge database in ${opts.dataDir}`);
  mkdirSync(opts.dir, { recursive: true, mode: 0o700 });
  const started = now();
  for (const f of readdirSync(opts.dir))
    if (f.endsWith(".part") && started - statSync(join(opts.dir, f)).mtimeMs > STALE_PART_MS)
      rmSync(join(opts.dir, f), { force: true });
  let file = backupFileName(started);
  while (existsSync(join(opts.dir, file))) file = backupFileName(backupTime(file)! + 1);
  const part = join(opts.dir, `${file}.${process.pid}.part`);
  const final = join(opts.dir, file);
  const db = new Database(source, { fileMustExist: true });
  try {
    // The edge's writer holds its lock for one sale at a time; a reader waits at most that long.
    db.exec("PRAGMA busy_timeout = 10000");
    // One read transaction: the copy is the database as of one commit, every sale whole.
    db.prepare("VACUUM INTO ?").run(part);
  } catch (e) {
    rmSync(part, { force: true });
    throw new BackupError("copy", `VACUUM INTO failed: ${(e as Error).message}`);
  } finally {
    db.close();
  }
  let facts: DbFacts;
  try {
    facts = inspectDb(part);
    if (facts.integrity !== "ok")
      throw new BackupError("integrity", `the copy failed integrity_check: ${facts.integrity}`);
    if (!facts.instanceId) throw new BackupError("instanceId", "the copy has no meta.instance_id");
    fsyncPath(part);
  } catch (e) {
    rmSync(part, { force: true });
    throw e;
  }
  renameSync(part, final);
  const manifest: BackupManifest = {
    file,
    at: new Date(started).toISOString(),
    bytes: statSync(final).size,
    integrity: "ok",
    instanceId: facts.instanceId,
    lastSeq: facts.lastSeq,
    ackedUpTo: facts.ackedUpTo,
    userVersion: facts.userVersion,
    ...(facts.storeId ? { storeId: facts.storeId } : {}),
    tookMs: Math.max(0, now() - started),
  };
  // The manifest last: a backup without one (a power cut here) is not listed nor restored by name.
  writeDurably(`${final}.json`, `${JSON.stringify(manifest, null, 2)}\n`);
  fsyncPath(opts.dir);
  for (const old of backupsToPrune(readdirSync(opts.dir), opts.keep)) {
    rmSync(join(opts.dir, `${old}.json`), { force: true });
    rmSync(join(opts.dir, old), { force: true });
  }
  return manifest;
}
