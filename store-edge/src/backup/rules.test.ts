import { describe, expect, test } from "bun:test";
import { backupFileName, backupsToPrune, backupTime, nextBackupDue, parseManifest } from "./rules.ts";

describe("backup rules", () => {
  test("a backup's name sorts by time and says its time back", () => {
    const t = Date.parse("2026-12-07T21:45:00.123Z");
    expect(backupFileName(t)).toBe("edge-20261207T214500123Z.db");
    expect(backupTime(backupFileName(t))).toBe(t);
    const names = [t + 86_400_000, t, t + 1].map(backupFileName);
    expect([...names].sort()).toEqual([t, t + 1, t + 86_400_000].map(backupFileName));
    for (const other of [
      "edge.db",
      "edge-20261207T214500123Z.db.json",
      "edge-2026.db",
      "x.part",
      "../edge.db",
    ])
      expect(backupTime(other)).toBeUndefined();
  });

  test("pruning keeps the newest N of our own files and never touches another file", () => {
    const ours = [1, 2, 3, 4, 5].map((d) => backupFileName(Date.UTC(2026, 11, d)));
    const files = [...ours, "notes.txt", "edge.db", `${ours[0]}.json`];
    expect(backupsToPrune(files, 2)).toEqual(ours.slice(0, 3));
    expect(backupsToPrune(files, 10)).toEqual([]);
    // keep 0 would delete the only good copy: at least one stays
    expect(backupsToPrune(files, 0)).toEqual(ours.slice(0, 4));
  });

  test("the next backup: an interval after the newest, never in the first minutes of a start, none when off", () => {
    const start = 1_000_000;
    const base = { intervalMs: 3600_000, startedMs: start, startDelayMs: 300_000 };
    expect(nextBackupDue({ ...base, newestMs: undefined })).toBe(start + 300_000);
    expect(nextBackupDue({ ...base, newestMs: start - 10 * 3600_000 })).toBe(start + 300_000);
    expect(nextBackupDue({ ...base, newestMs: start - 600_000 })).toBe(start + 3000_000);
    expect(nextBackupDue({ ...base, intervalMs: 0, newestMs: undefined })).toBeUndefined();
  });

  test("a manifest read from disk: torn, foreign or failed ones are not backups", () => {
    const good = {
      file: backupFileName(Date.UTC(2026, 11, 7)),
      at: "2026-12-07T00:00:00.000Z",
      bytes: 4096,
      integrity: "ok",
      instanceId: "i",
      lastSeq: 3,
      ackedUpTo: 2,
      userVersion: 30,
      tookMs: 5,
    };
    expect(parseManifest(JSON.stringify(good))).toEqual(good as never);
    expect(parseManifest(JSON.stringify(good).slice(0, 40))).toBeUndefined();
    expect(parseManifest(JSON.stringify({ ...good, integrity: "*** page 3 is never used" }))).toBeUndefined();
    expect(parseManifest(JSON.stringify({ ...good, file: "../../etc/passwd" }))).toBeUndefined();
    expect(parseManifest(JSON.stringify({ ...good, lastSeq: 1.5 }))).toBeUndefined();
    expect(parseManifest("null")).toBeUndefined();
  });
});
