// The periodic backup of the serving edge: every `intervalSeconds` it runs `store-edge backup` as
// a child process at low CPU priority (copy.ts says why not in this process) and lists the
// backups it finds, with the last outcome, in the operator status and so in HQ's diagnostics
// bundle. Nothing here touches the sale path: the timer only spawns and waits.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { applianceBuild } from "../appliance.ts";
import type { EdgeConfig } from "../config.ts";
import { type BackupManifest, nextBackupDue, parseManifest } from "./rules.ts";

export type BackupSettings = EdgeConfig["backup"];

/** The backup folder: `backup.dir` from the config, else `<data>/backups`. */
export function backupDir(dataDir: string, settings: Pick<BackupSettings, "dir">): string {
  return settings.dir ? resolve(dataDir, settings.dir) : join(dataDir, "backups");
}

/** The backups in a folder that have a valid manifest, newest first. */
export function listBackups(dir: string): BackupManifest[] {
  let files: string[];
  try {
    files = readdirSync(dir);
  } catch {
    return []; // none yet, or not a folder (the failed backup says so)
  }
  const out: BackupManifest[] = [];
  for (const f of files) {
    if (!f.endsWith(".db.json")) continue;
    try {
      const m = parseManifest(readFileSync(join(dir, f), "utf8"));
      if (m && `${m.file}.json` === f && existsSync(join(dir, m.file))) out.push(m);
    } catch {
      // deleted while listing (pruned): not a backup any more
    }
  }
  return out.sort((a, b) => (a.file < b.file ? 1 : -1));
}

/** The command line of `store-edge backup` for this build (compiled appliance or checkout). */
export function backupCommand(dataDir: string): string[] {
  const self = applianceBuild()
    ? [process.execPath]
    : [process.execPath, resolve(import.meta.dir, "../cli.ts")];
  // Lower CPU priority: on a 2-core box the copy yields to the lanes.
  const nice = existsSync("/usr/bin/nice") ? ["/usr/bin/nice", "-n", "10"] : [];
  return [...nice, ...self, "backup", "--data", dataDir, "--json"];
}

/** A failed backup is tried again after this long (or the interval, if shorter). */
const RETRY_MS = 10 * 60_000;

export interface BackupOutcome {
  at: string;
  ok: boolean;
  file?: string;
  error?: string;
  tookMs: number;
}

export class EdgeBackups {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private child: ReturnType<typeof Bun.spawn> | undefined;
  private running: Promise<BackupOutcome> | undefined;
  private stopped = false;
  private listed: BackupManifest[] = [];
  last: BackupOutcome | undefined;
  readonly dir: string;

  constructor(
    private readonly o: {
      dataDir: string;
      settings: BackupSettings;
      now: () => number;
      log: (m: string) => void;
    },
  ) {
    this.dir = backupDir(o.dataDir, o.settings);
    this.refresh();
  }

  private get intervalMs(): number {
    return this.o.settings.intervalSeconds * 1000;
  }

  start(): void {
    this.schedule(
      nextBackupDue({
        newestMs: this.listed[0] ? Date.parse(this.listed[0].at) : undefined,
        intervalMs: this.intervalMs,
        startedMs: this.o.now(),
        startDelayMs: this.o.settings.startDelaySeconds * 1000,
      }),
    );
  }

  private schedule(due: number | undefined): void {
    if (this.stopped || due === undefined) return;
    this.timer = setTimeout(
      () => {
        void this.runNow().then((r) =>
          // A failed copy is tried again sooner, but not in a loop (a full disk stays full).
          this.schedule(this.o.now() + (r.ok ? this.intervalMs : Math.min(this.intervalMs, RETRY_MS))),
        );
      },
      Math.max(0, due - this.o.now()),
    );
  }

  /** Takes a backup now (or joins the one running). Never throws: the outcome says. */
  runNow(): Promise<BackupOutcome> {
    this.running ??= this.spawn().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async spawn(): Promise<BackupOutcome> {
    const started = this.o.now();
    let outcome: BackupOutcome;
    try {
      const child = Bun.spawn(backupCommand(this.o.dataDir), {
        stdin: "ignore",
        stdout: "pipe",
        stderr: "pipe",
        env: process.env,
      });
      this.child = child;
      const [out, err, code] = await Promise.all([
        new Response(child.stdout).text(),
        new Response(child.stderr).text(),
        child.exited,
      ]);
      if (code === 0) {
        const m = parseManifest(out.trim().split("\n").pop() ?? "");
        outcome = m
          ? { at: m.at, ok: true, file: m.file, tookMs: m.tookMs }
          : {
              at: new Date(started).toISOString(),
              ok: false,
              error: `unreadable answer: ${out.slice(0, 200)}`,
              tookMs: 0,
            };
      } else {
        outcome = {
          at: new Date(started).toISOString(),
          ok: false,
          error: (err.trim().split("\n").pop() ?? `exit ${code}`).slice(0, 300) || `exit ${code}`,
          tookMs: Math.max(0, this.o.now() - started),
        };
      }
    } catch (e) {
      outcome = { at: new Date(started).toISOString(), ok: false, error: (e as Error).message, tookMs: 0 };
    } finally {
      this.child = undefined;
    }
    this.last = outcome;
    this.refresh();
    if (!this.stopped)
      this.o.log(
        outcome.ok
          ? `backup ${outcome.file} taken in ${outcome.tookMs} ms (integrity ok)`
          : `backup failed: ${outcome.error}`,
      );
    return outcome;
  }

  private refresh(): void {
    this.listed = listBackups(this.dir);
  }

  /** For the operator status and the diagnostics bundle. */
  status() {
    return {
      dir: this.dir,
      intervalSeconds: this.o.settings.intervalSeconds,
      keep: this.o.settings.keep,
      running: this.running !== undefined,
      ...(this.last ? { last: this.last } : {}),
      backups: this.listed.map((m) => ({
        file: m.file,
        at: m.at,
        bytes: m.bytes,
        integrity: m.integrity,
        lastSeq: m.lastSeq,
        ackedUpTo: m.ackedUpTo,
        tookMs: m.tookMs,
      })),
    };
  }

  /** Stops the timer; a copy under way is killed (its `.part` is cleaned at a later backup). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    const child = this.child;
    if (child) {
      child.kill("SIGTERM");
      await child.exited;
    }
  }
}
