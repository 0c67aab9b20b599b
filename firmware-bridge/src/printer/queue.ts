// A persistent print queue per printer (bun:sqlite, WAL): a receipt is stored before it is sent
// and marked done only after the printer confirmed it, so a receipt printed while the paper is
// out waits and prints once the paper is back, and a crash or restart loses nothing.
import { Database } from "bun:sqlite";
import { EventEmitter } from "node:events";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { DeviceError } from "../errors.ts";
import type { PrinterDriver } from "./driver.ts";

export interface PrintJob {
  id: number;
  printer: string;
  /** Receipt number (or any reference) the job prints; reprints share it. */
  ref: string;
  kind: "receipt" | "reprint" | "report";
  state: "queued" | "done";
  attempts: number;
  lastError: string | null;
  createdAt: number;
  doneAt: number | null;
}

export class PrintQueue {
  readonly db: Database;
  constructor(dir: string) {
    mkdirSync(dir, { recursive: true });
    this.db = new Database(join(dir, "print-queue.sqlite"), { create: true });
    this.db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;");
    this.db.exec(`CREATE TABLE IF NOT EXISTS jobs (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      printer TEXT NOT NULL,
      ref TEXT NOT NULL,
      kind TEXT NOT NULL,
      bytes BLOB NOT NULL,
      state TEXT NOT NULL DEFAULT 'queued',
      attempts INTEGER NOT NULL DEFAULT 0,
      last_error TEXT,
      created_at INTEGER NOT NULL,
      done_at INTEGER
    ); CREATE INDEX IF NOT EXISTS jobs_queued ON jobs(printer, state, id);`);
  }

  enqueue(printer: string, ref: string, bytes: Uint8Array, kind: PrintJob["kind"] = "receipt"): number {
    const r = this.db
      .query("INSERT INTO jobs (printer, ref, kind, bytes, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id")
      .get(printer, ref, kind, bytes, Date.now()) as { id: number };
    return r.id;
  }

  next(printer: string): (PrintJob & { bytes: Uint8Array }) | undefined {
    const row = this.db
      .query("SELECT * FROM jobs WHERE printer = ? AND state = 'queued' ORDER BY id LIMIT 1")
      .get(printer) as Record<string, unknown> | null;
    return row ? { ...toJob(row), bytes: new Uint8Array(row.bytes as Uint8Array) } : undefined;
  }

  markDone(id: number): void {
    this.db.query("UPDATE jobs SET state = 'done', done_at = ? WHERE id = ?").run(Date.now(), id);
  }

  markAttempt(id: number, error: string): void {
    this.db.query("UPDATE jobs SET attempts = attempts + 1, last_error = ? WHERE id = ?").run(error, id);
  }

  /** Queues the last job with this reference again, as a reprint. */
  reprint(printer: string, ref: string, bytes?: Uint8Array): number {
    const row = this.db
      .query("SELECT bytes FROM jobs WHERE printer = ? AND ref = ? ORDER BY id DESC LIMIT 1")
      .get(printer, ref) as { bytes: Uint8Array } | null;
    if (!row && !bytes) throw new DeviceError(printer, "ref", `nothing was printed as ${ref}`);
    return this.enqueue(printer, ref, bytes ?? new Uint8Array(row!.bytes), "reprint");
  }

  list(printer: string): PrintJob[] {
    return (
      this.db.query("SELECT * FROM jobs WHERE printer = ? ORDER BY id").all(printer) as Record<
        string,
        unknown
      >[]
    ).map(toJob);
  }

  close(): void {
    this.db.close();
  }
}

function toJob(r: Record<string, unknown>): PrintJob {
  return {
    id: r.id as number,
    printer: r.printer as string,
    ref: r.ref as string,
    kind: r.kind as PrintJob["kind"],
    state: r.state as PrintJob["state"],
    attempts: r.attempts as number,
    lastError: (r.last_error as string | null) ?? null,
    createdAt: r.created_at as number,
    doneAt: (r.done_at as number | null) ?? null,
  };
}

/**
 * Feeds one printer from its queue, oldest first: a job stays at the head until the printer
 * confirms it, so receipts never overtake each other and none is lost.
 */
export class Spooler extends EventEmitter<{ printed: [PrintJob]; waiting: [PrintJob, string] }> {
  #running = false;
  #wake: (() => void) | undefined;
  #stopped = false;
  #loop: Promise<void>;
  constructor(
    readonly queue: PrintQueue,
    readonly driver: PrinterDriver,
    readonly retryMs = 300,
  ) {
    super();
    driver.on("health", (h) => {
      if (h.state === "ready") this.kick();
    });
    this.#loop = this.#run();
  }

  /** Stores the job, then prints it as soon as the printer can; resolves with the job id. */
  submit(ref: string, bytes: Uint8Array, kind: PrintJob["kind"] = "receipt"): number {
    const id = this.queue.enqueue(this.driver.id, ref, bytes, kind);
    this.kick();
    return id;
  }

  reprint(ref: string, bytes?: Uint8Array): number {
    const id = this.queue.reprint(this.driver.id, ref, bytes);
    this.kick();
    return id;
  }

  /** Resolves when job `id` is confirmed printed. */
  whenPrinted(id: number): Promise<PrintJob> {
    const done = this.queue.list(this.driver.id).find((j) => j.id === id && j.state === "done");
    if (done) return Promise.resolve(done);
    return new Promise((resolve) => {
      const on = (j: PrintJob) => {
        if (j.id !== id) return;
        this.off("printed", on);
        resolve(j);
      };
      this.on("printed", on);
    });
  }

  kick(): void {
    this.#wake?.();
  }

  async #run(): Promise<void> {
    while (!this.#stopped) {
      const job = this.driver.connected ? this.queue.next(this.driver.id) : undefined;
      if (!job) {
        await new Promise<void>((resolve) => {
          this.#wake = resolve;
          setTimeout(resolve, this.retryMs * 3);
        });
        continue;
      }
      this.#running = true;
      try {
        await this.driver.print(job.bytes, { recover: job.attempts > 0 });
        this.queue.markDone(job.id);
        this.emit("printed", { ...job, state: "done", doneAt: Date.now() });
      } catch (e) {
        const reason = (e as Error).message;
        this.queue.markAttempt(job.id, reason);
        this.emit("waiting", job, reason);
        await new Promise<void>((resolve) => {
          this.#wake = resolve;
          setTimeout(resolve, this.retryMs);
        });
      } finally {
        this.#running = false;
      }
    }
  }

  get busy(): boolean {
    return this.#running;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.kick();
    await this.#loop;
  }
}
