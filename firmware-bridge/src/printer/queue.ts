// A persistent print queue per printer (bun:sqlite, WAL): a receipt is stored before it is sent
// and marked done only after the printer confirmed it, so a receipt printed while the paper is
// out waits and prints once the paper is back, and a crash or restart loses nothing. A job sent
// in full whose confirmation never came is "uncertain": it is not sent again by itself (it may
// be on the paper), the queue moves on to the next receipt, and a person resolves it: "it
// printed" (done) or "reprint" (a marked copy is queued).
import { Database } from "bun:sqlite";
import { EventEmitter } from "node:events";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { DeviceError } from "../errors.ts";
import { type PrinterDriver, PrintUncertainError } from "./driver.ts";

export interface PrintJob {
  id: number;
  printer: string;
  /** Receipt number (or any reference) the job prints; reprints share it. */
  ref: string;
  kind: "receipt" | "reprint" | "report";
  /** uncertain: sent in full, never confirmed; waits for a person (resolvePrint). */
  state: "queued" | "done" | "uncertain";
  attempts: number;
  lastError: string | null;
  createdAt: number;
  doneAt: number | null;
  /** How an uncertain job was resolved: "printed" (a person saw it) or "reprint" (copy queued). */
  resolution: "printed" | "reprint" | null;
  /** The copy queued by a "reprint" resolution. */
  reprintJobId: number | null;
}

export type PrintResolution = "printed" | "reprint";

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
    // Queues written before uncertain jobs existed get the two columns.
    const cols = new Set(
      (this.db.query("PRAGMA table_info(jobs)").all() as { name: string }[]).map((c) => c.name),
    );
    if (!cols.has("resolution")) this.db.exec("ALTER TABLE jobs ADD COLUMN resolution TEXT");
    if (!cols.has("reprint_job")) this.db.exec("ALTER TABLE jobs ADD COLUMN reprint_job INTEGER");
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

  /** Sent in full, not confirmed: kept out of the queue until a person resolves it. */
  markUncertain(id: number, error: string): void {
    this.db
      .query("UPDATE jobs SET state = 'uncertain', attempts = attempts + 1, last_error = ? WHERE id = ?")
      .run(error, id);
  }

  get(id: number): PrintJob | undefined {
    const row = this.db.query("SELECT * FROM jobs WHERE id = ?").get(id) as Record<string, unknown> | null;
    return row ? toJob(row) : undefined;
  }

  uncertain(printer: string): PrintJob[] {
    return (
      this.db
        .query("SELECT * FROM jobs WHERE printer = ? AND state = 'uncertain' ORDER BY id")
        .all(printer) as Record<string, unknown>[]
    ).map(toJob);
  }

  /**
   * Resolves an uncertain job: "printed" marks it done; "reprint" marks it done and queues a copy
   * (`bytes`, laid out as a reprint, or the job's own bytes) in one transaction. Returns the
   * copy's id for "reprint".
   */
  resolve(id: number, resolution: PrintResolution, bytes?: Uint8Array): number | undefined {
    return this.db.transaction(() => {
      const row = this.db.query("SELECT * FROM jobs WHERE id = ?").get(id) as Record<string, unknown> | null;
      if (!row) throw new DeviceError(`job ${id}`, "job", `no print job ${id}`);
      const job = toJob(row);
      if (job.state !== "uncertain")
        throw new DeviceError(
          job.printer,
          "job",
          `print job ${id} (${job.ref}) is ${job.state}, not uncertain`,
        );
      const copy =
        resolution === "reprint"
          ? this.enqueue(job.printer, job.ref, bytes ?? new Uint8Array(row.bytes as Uint8Array), "reprint")
          : null;
      this.db
        .query("UPDATE jobs SET state = 'done', done_at = ?, resolution = ?, reprint_job = ? WHERE id = ?")
        .run(Date.now(), resolution, copy, id);
      return copy ?? undefined;
    })();
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
    resolution: (r.resolution as PrintResolution | null) ?? null,
    reprintJobId: (r.reprint_job as number | null) ?? null,
  };
}

/**
 * Feeds one printer from its queue, oldest first: a job stays at the head until the printer
 * confirms it, so receipts never overtake each other and none is lost.
 */
export class Spooler extends EventEmitter<{
  printed: [PrintJob];
  waiting: [PrintJob, string];
  /** Sent but not confirmed: not sent again; resolvePrint() decides. */
  uncertain: [PrintJob, string];
  resolved: [PrintJob];
}> {
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

  /** Jobs sent but never confirmed, oldest first (they survive a restart). */
  uncertain(): PrintJob[] {
    return this.queue.uncertain(this.driver.id);
  }

  /**
   * A person's answer for an uncertain job: "printed" (it is on the paper: done) or "reprint"
   * (print it again, `bytes` laid out as a marked copy; without bytes the stored job is sent).
   * Returns the resolved job; for "reprint" its `reprintJobId` is the copy's job.
   */
  resolve(id: number, resolution: PrintResolution, bytes?: Uint8Array): PrintJob {
    this.queue.resolve(id, resolution, bytes);
    const job = this.queue.get(id)!;
    this.emit("resolved", job);
    if (resolution === "reprint") this.kick();
    return job;
  }

  /**
   * Resolves when job `id` is confirmed printed; an uncertain job resolved "printed" counts, one
   * resolved "reprint" resolves when its copy printed.
   */
  whenPrinted(id: number): Promise<PrintJob> {
    const job = this.queue.get(id);
    if (job?.state === "done")
      return job.reprintJobId !== null ? this.whenPrinted(job.reprintJobId) : Promise.resolve(job);
    return new Promise((resolve) => {
      const on = (j: PrintJob) => {
        if (j.id !== id) return;
        this.off("printed", on);
        this.off("resolved", on);
        resolve(j.reprintJobId !== null ? this.whenPrinted(j.reprintJobId) : j);
      };
      this.on("printed", on);
      this.on("resolved", on);
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
        if (e instanceof PrintUncertainError) {
          // Maybe on the paper: never sent again by itself. The next receipt goes on.
          this.queue.markUncertain(job.id, reason);
          this.emit(
            "uncertain",
            { ...job, state: "uncertain", attempts: job.attempts + 1, lastError: reason },
            reason,
          );
          continue;
        }
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
