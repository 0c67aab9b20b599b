// `store-edge restore --from <backup>`: puts a backup back as edge.db, with the edge stopped.
// What makes it safe is not here but in the restored-edge rule (docs/sync.md "Restored, replaced
// and re-enrolled edges"): the copy keeps its instance id, its next run says hello before any
// event, HQ answers with what it holds, and the edge numbers its events above HQ's; the receipt
// counter side file (outbox/receipt-floor.ts) is left in place so today's receipt numbers go on
// above what the lost database printed. This file only refuses what that rule cannot repair:
// another store's or a newer build's copy, a damaged copy, a running edge, and (unless --force)
// a current database holding events HQ has not acked, which the restore would lose.
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { basename, join } from "node:path";
import Database from "libsql";
import { BackupError, type DbFacts, fsyncPath, inspectDb } from "./copy.ts";

export interface RestoreOptions {
  dataDir: string;
  /** The backup file to put back. */
  from: string;
  /** The store this data folder is enrolled as (store-edge.json), if it is. */
  storeId?: string;
  /** How many migrations this build knows (a copy made by a newer build is refused). */
  migrations: number;
  /** Put the copy back although the current database holds events HQ has not acked. */
  force?: boolean;
  now?: () => number;
}

export interface Restored {
  from: string;
  backup: DbFacts;
  /** Where the database that was in use went (kept, never deleted), when there was one. */
  setAside?: string;
  /** The database that was in use, as far as it could be read. */
  previous?: DbFacts | { unreadable: string };
}

/**
 * A live edge with this pid (signal 0 only asks). A run.json left by a kill -9 may name a pid
 * the system gave to another process since: on Linux its command line says whether it is one.
 */
function edgeAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  try {
    const cmd = readFileSync(`/proc/${pid}/cmdline`, "utf8");
    return cmd.includes("store-edge") && cmd.includes("serve");
  } catch {
    return true; // no /proc: believe run.json
  }
}

export function restoreFrom(o: RestoreOptions): Restored {
  const now = o.now ?? Date.now;
  // 1. Not under a running edge: it holds edge.db open and would keep writing to the old file.
  const runFile = join(o.dataDir, "run.json");
  if (existsSync(runFile)) {
    let pid = 0;
    try {
      pid = Number((JSON.parse(readFileSync(runFile, "utf8")) as { pid?: number }).pid);
    } catch {
      pid = 0;
    }
    if (pid > 0 && pid !== process.pid && edgeAlive(pid))
      throw new BackupError(
        "data",
        `the edge is running (pid ${pid}, ${runFile}): stop it first (systemctl stop retail-edge)`,
      );
  }
  // 2. The copy: whole, an edge database, this store's, not from a newer build.
  const backup = inspectDb(o.from);
  if (backup.integrity !== "ok")
    throw new BackupError("from", `${o.from} failed integrity_check: ${backup.integrity}`);
  if (!backup.instanceId)
    throw new BackupError("from", `${o.from} is not an edge database (no meta.instance_id)`);
  if (backup.userVersion > o.migrations)
    throw new BackupError(
      "from",
      `${o.from} was made by a newer store-edge (schema ${backup.userVersion}, this build knows ${o.migrations}): restore it with that build`,
    );
  if (o.storeId && backup.storeId && backup.storeId !== o.storeId)
    throw new BackupError(
      "from",
      `${o.from} is a backup of store ${backup.storeId}, this edge is store ${o.storeId}`,
    );
  // 3. What the database in use still holds that HQ has not acked would be lost with it.
  const live = join(o.dataDir, "edge.db");
  let previous: Restored["previous"];
  if (existsSync(live)) {
    try {
      previous = inspectDb(live, false);
    } catch (e) {
      previous = { unreadable: (e as Error).message };
    }
    if (previous && "lastSeq" in previous) {
      const unacked = previous.lastSeq - previous.ackedUpTo;
      if (unacked > 0 && !o.force)
        throw new BackupError(
          "force",
          `the database in use holds ${unacked} event(s) HQ has not acked (seq ${previous.ackedUpTo + 1}..${previous.lastSeq}); ` +
            "start the edge online until `store-edge status` shows backlog 0, or restore with --force to give them up",
        );
    }
  }
  // 4. The database in use goes aside, whole (with its WAL), never deleted.
  let setAside: string | undefined;
  if (existsSync(live)) {
    const aside = join(o.dataDir, "replaced");
    mkdirSync(aside, { recursive: true, mode: 0o700 });
    setAside = join(aside, `edge-${new Date(now()).toISOString().replace(/[-:.]/g, "")}.db`);
    renameSync(live, setAside);
    if (existsSync(`${live}-wal`)) renameSync(`${live}-wal`, `${setAside}-wal`);
    fsyncPath(aside);
  }
  rmSync(`${live}-wal`, { force: true });
  rmSync(`${live}-shm`, { force: true });
  // 5. The copy in, durably: a temp file, fsynced, renamed, the folder fsynced.
  const tmp = `${live}.restoring`;
  copyFileSync(o.from, tmp);
  const db = new Database(tmp, { fileMustExist: true });
  try {
    // Raw SQL: the meta table before any migration of this build ran on the copy. Rollback
    // journal for this one write, so nothing of it stays in a -wal beside the temp name.
    db.exec("PRAGMA journal_mode = DELETE");
    db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('restored_from', ?)").run(
      JSON.stringify({ file: basename(o.from), at: new Date(now()).toISOString() }),
    );
  } finally {
    db.close();
  }
  rmSync(`${tmp}-wal`, { force: true });
  rmSync(`${tmp}-shm`, { force: true });
  fsyncPath(tmp);
  renameSync(tmp, live);
  fsyncPath(o.dataDir);
  return { from: o.from, backup, ...(setAside ? { setAside } : {}), ...(previous ? { previous } : {}) };
}
