// Power loss at the edge, for real: the edge runs with tests/faults/powerloss.c in LD_PRELOAD
// (built here with gcc, once per source), which journals, per database file, what was written
// since that file's last fsync. A power cut is a SIGKILL (by the runner) followed by `cutPower`,
// which undoes those writes newest first, so edge.db and edge.db-wal hold what had reached the
// platter and nothing more (docs/development.md "Fault suite": why this is faithful).
import { createHash } from "node:crypto";
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  writeSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const SOURCE = join(import.meta.dir, "powerloss.c");
/** The files SQLite keeps durable state in; -shm is rebuilt from the WAL on the next open. */
export const TRACKED = ["edge.db", "edge.db-wal"];

/** The shim's path, or why power loss cannot be injected on this machine. */
export function buildShim(): { so: string } | { skip: string } {
  const src = readFileSync(SOURCE);
  const so = join(
    tmpdir(),
    `faults-powerloss-${createHash("sha256").update(src).digest("hex").slice(0, 12)}.so`,
  );
  if (existsSync(so)) return { so };
  const cc = Bun.which("gcc") ?? Bun.which("cc");
  if (!cc) return { skip: "no C compiler (gcc) to build the power-loss shim" };
  const tmp = `${so}.${process.pid}.tmp`;
  const r = Bun.spawnSync([cc, "-O2", "-shared", "-fPIC", "-Wall", "-o", tmp, SOURCE, "-ldl", "-lpthread"]);
  if (r.exitCode !== 0) return { skip: `gcc failed on powerloss.c: ${r.stderr.toString().slice(0, 500)}` };
  Bun.spawnSync(["mv", tmp, so]);
  return { so };
}

/**
 * The environment that puts an edge with data in `dataDir` under the shim; the journals live in
 * `journal`, off the edge's own disk (which a fault may fill or make read-only).
 */
export function shimEnv(so: string, dataDir: string, journal: string): Record<string, string> {
  mkdirSync(journal, { recursive: true });
  return {
    LD_PRELOAD: so,
    POWERLOSS_TRACK: TRACKED.map((f) => join(dataDir, f)).join(","),
    POWERLOSS_JOURNAL_DIR: journal,
  };
}

interface UndoRecord {
  off: number;
  sizeBefore: number;
  old: Buffer;
}

function readJournal(path: string): { syncedSize: number; records: UndoRecord[] } | undefined {
  if (!existsSync(path)) return undefined;
  const b = readFileSync(path);
  if (b.length < 8) return undefined;
  const syncedSize = Number(b.readBigUInt64LE(0));
  const records: UndoRecord[] = [];
  let p = 8;
  // A record cut short (the process died inside the shim's own write) was never applied to the
  // file either: the shim journals before it writes.
  while (p + 20 <= b.length) {
    const off = Number(b.readBigUInt64LE(p));
    const sizeBefore = Number(b.readBigUInt64LE(p + 8));
    const n = b.readUInt32LE(p + 16);
    if (p + 20 + n > b.length) break;
    records.push({ off, sizeBefore, old: b.subarray(p + 20, p + 20 + n) });
    p += 20 + n;
  }
  return { syncedSize, records };
}

export interface CutResult {
  /** Writes dropped, over all files. */
  dropped: number;
  /** Writes that had reached the disk before the cut though never synced (the kept prefix). */
  kept: number;
}

/**
 * The power cut, after the edge was SIGKILLed: every tracked file loses its writes since its
 * last sync. `keepFraction` 0 drops them all; above 0 the disk had written that share of them,
 * in order, when the power went (a prefix: a disk that wrote in order and stopped).
 */
export function cutPower(dataDir: string, journal: string, keepFraction = 0): CutResult {
  const out: CutResult = { dropped: 0, kept: 0 };
  for (const f of TRACKED) {
    const file = join(dataDir, f);
    const jpath = join(journal, `${f}.undo`);
    const j = readJournal(jpath);
    if (!j) continue;
    const keep = Math.floor(j.records.length * keepFraction);
    if (existsSync(file)) {
      const fd = openSync(file, "r+");
      try {
        for (let i = j.records.length - 1; i >= keep; i--) {
          const r = j.records[i]!;
          truncateSync(file, r.sizeBefore);
          if (r.old.length) writeSync(fd, r.old, 0, r.old.length, r.off);
        }
        if (keep === 0 && statSync(file).size !== j.syncedSize) truncateSync(file, j.syncedSize);
      } finally {
        closeSync(fd);
      }
    }
    out.dropped += j.records.length - keep;
    out.kept += keep;
    rmSync(jpath, { force: true });
  }
  // The shared-memory index was in RAM: gone. SQLite rebuilds it from the WAL on open.
  rmSync(join(dataDir, "edge.db-shm"), { force: true });
  return out;
}

/** A database put back by a person (restore-edge): what is on disk now counts as synced. */
export function forgetUnsynced(journal: string): void {
  rmSync(journal, { recursive: true, force: true });
}
