// Backups of edge.db on the box: what a backup is called, which ones are kept, when the next is
// due. Pure: the copy itself is copy.ts (run in a child process, never on the sale path), the
// timer job.ts, putting one back restore.ts.

/** What a backup holds, written beside it as `<file>.json` once it passed its integrity check. */
export interface BackupManifest {
  /** The backup's file name in the backup folder (`edge-<UTC time>.db`). */
  file: string;
  /** When the copy was taken (ISO, UTC). */
  at: string;
  bytes: number;
  /** `PRAGMA integrity_check` of the copy: always "ok" (a copy that fails is deleted). */
  integrity: "ok";
  /** The database it was copied from (meta.instance_id): a restored copy keeps it. */
  instanceId: string;
  /** The outbox at the moment of the copy: events above ackedUpTo were not yet at HQ. */
  lastSeq: number;
  ackedUpTo: number;
  /** PRAGMA user_version: the migrations the copy has had (a newer build's copy is refused). */
  userVersion: number;
  /** The store the copy's events were sent as (undefined before its first event). */
  storeId?: string;
  /** How long the copy and its check took. */
  tookMs: number;
}

const NAME = /^edge-(\d{8})T(\d{6})(\d{3})Z\.db$/;

/** `edge-20261207T214500123Z.db`: sorts by time as text. */
export function backupFileName(atMs: number): string {
  const iso = new Date(atMs).toISOString(); // 2026-12-07T21:45:00.123Z
  return `edge-${iso.slice(0, 10).replace(/-/g, "")}T${iso.slice(11, 19).replace(/:/g, "")}${iso.slice(20, 23)}Z.db`;
}

/** The time a backup file name says, or undefined for any other file. */
export function backupTime(file: string): number | undefined {
  const m = NAME.exec(file);
  if (!m) return undefined;
  const [d, t, ms] = [m[1]!, m[2]!, m[3]!];
  const at = Date.parse(
    `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}T${t.slice(0, 2)}:${t.slice(2, 4)}:${t.slice(4, 6)}.${ms}Z`,
  );
  return Number.isNaN(at) ? undefined : at;
}

/**
 * The backup files to delete so that the `keep` newest remain. Only names this module made
 * count; anything else in the folder (a file an operator put there) is never touched.
 */
export function backupsToPrune(files: readonly string[], keep: number): string[] {
  const ours = files.filter((f) => backupTime(f) !== undefined).sort();
  return ours.slice(0, Math.max(0, ours.length - Math.max(1, keep)));
}

/**
 * When the next backup is due: `intervalMs` after the newest one (a restart does not take one at
 * every start), but never sooner than `startDelayMs` after the edge started (the first minutes of
 * a start rebuild the catalog look-up and reconnect). Undefined when backups are off.
 */
export function nextBackupDue(opts: {
  newestMs: number | undefined;
  intervalMs: number;
  startedMs: number;
  startDelayMs: number;
}): number | undefined {
  if (!(opts.intervalMs > 0)) return undefined;
  const earliest = opts.startedMs + opts.startDelayMs;
  if (opts.newestMs === undefined) return earliest;
  return Math.max(earliest, opts.newestMs + opts.intervalMs);
}

/** Parses a manifest read from disk; undefined when it is not one (a torn or foreign file). */
export function parseManifest(text: string): BackupManifest | undefined {
  try {
    const m = JSON.parse(text) as Partial<BackupManifest>;
    if (
      typeof m.file !== "string" ||
      backupTime(m.file) === undefined ||
      typeof m.at !== "string" ||
      m.integrity !== "ok" ||
      typeof m.instanceId !== "string" ||
      !Number.isInteger(m.lastSeq) ||
      !Number.isInteger(m.ackedUpTo) ||
      !Number.isInteger(m.bytes) ||
      !Number.isInteger(m.userVersion)
    )
      return undefined;
    return m as BackupManifest;
  } catch {
    return undefined;
  }
}
