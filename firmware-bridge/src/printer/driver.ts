// Drives one ESC/POS printer over any ByteLink: status through DLE EOT, jobs confirmed by a
// GS r round trip after the job (GS r is answered in order, after the data before it is
// printed), drawer kicks, and a status poll that reports paper, cover, drawer and health.
import { EventEmitter } from "node:events";
import { DeviceError, DeviceTimeoutError } from "../errors.ts";
import type { HealthState, PrinterStatus } from "../events.ts";
import type { ByteLink } from "../link.ts";
import { dleEnq2, dleEot, EscPos, gsR1 } from "./escpos.ts";
import { combineStatus, isStatusByte, notReadyReason } from "./status.ts";

export class PrinterNotReadyError extends DeviceError {
  override readonly name = "PrinterNotReadyError";
}

/**
 * The job's bytes, cut included, went out to the printer, then the link dropped (or the printer
 * went quiet) before the GS r answer that confirms it: the receipt may be on the paper, cut, or
 * not. From the host side a drop after the cut and a drop mid-job look the same, so such a job
 * must not be sent again by itself: a person looks at the printer and decides.
 */
export class PrintUncertainError extends DeviceError {
  override readonly name = "PrintUncertainError";
}

export interface PrinterDriverOptions {
  id: string;
  /** Status poll period while idle. */
  pollMs?: number;
  /** A DLE EOT answer takes milliseconds; no answer in this time = not answering. */
  statusTimeoutMs?: number;
  /** How long printing one job may take before its GS r answer is given up on. */
  jobTimeoutMs?: number;
}

type Waiter = { accept: (b: number) => boolean; resolve: (b: number) => void; reject: (e: Error) => void };

export class PrinterDriver extends EventEmitter<{
  status: [PrinterStatus];
  drawer: [boolean];
  health: [HealthState];
}> {
  readonly id: string;
  #link: ByteLink | undefined;
  #waiters: Waiter[] = [];
  #busy: Promise<unknown> = Promise.resolve();
  #timer: ReturnType<typeof setInterval> | undefined;
  #status: PrinterStatus | undefined;
  #health: HealthState = { state: "error", reason: "not connected" };
  readonly pollMs: number;
  readonly statusTimeoutMs: number;
  readonly jobTimeoutMs: number;

  constructor(opts: PrinterDriverOptions) {
    super();
    this.id = opts.id;
    this.pollMs = opts.pollMs ?? 500;
    this.statusTimeoutMs = opts.statusTimeoutMs ?? 1000;
    this.jobTimeoutMs = opts.jobTimeoutMs ?? 15000;
  }

  get health(): HealthState {
    return this.#health;
  }
  get lastStatus(): PrinterStatus | undefined {
    return this.#status;
  }
  get connected(): boolean {
    return !!this.#link?.isOpen;
  }

  #setHealth(h: HealthState) {
    if (
      h.state === this.#health.state &&
      (h.state !== "error" || (this.#health.state === "error" && h.reason === this.#health.reason))
    )
      return;
    this.#health = h;
    this.emit("health", h);
  }

  attach(link: ByteLink): void {
    this.detach();
    this.#link = link;
    this.#setHealth({ state: "connected" });
    link.on("data", this.#onData);
    link.once("close", (reason) => {
      if (this.#link === link) this.detach(reason ? `disconnected: ${reason}` : "disconnected");
    });
    this.#timer = setInterval(() => void this.refreshStatus().catch(() => {}), this.pollMs);
    void this.refreshStatus().catch(() => {});
  }

  detach(reason = "not connected"): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#link?.off("data", this.#onData);
    this.#link = undefined;
    for (const w of this.#waiters.splice(0)) w.reject(new DeviceError(this.id, "connection", reason));
    this.#setHealth({ state: "error", reason });
  }

  async close(): Promise<void> {
    const link = this.#link;
    this.detach("closed");
    await link?.close();
  }

  #onData = (bytes: Uint8Array): void => {
    for (const b of bytes) {
      // DLE EOT answers have bits 1 and 4 set; GS r answers have bit 4 clear: a late answer to
      // one can never be taken for the other.
      const i = this.#waiters.findIndex((w) => w.accept(b));
      if (i >= 0) this.#waiters.splice(i, 1)[0]!.resolve(b);
    }
  };

  #ask(
    bytes: Uint8Array,
    accept: (b: number) => boolean,
    timeoutMs: number,
    what: string,
    written?: (ok: boolean) => void,
  ): Promise<number> {
    const link = this.#link;
    if (!link) {
      written?.(false); // nothing went out
      return Promise.reject(new DeviceError(this.id, "connection", "not connected"));
    }
    return new Promise((resolve, reject) => {
      const w: Waiter = {
        accept,
        resolve: (b) => {
          clearTimeout(t);
          resolve(b);
        },
        reject: (e) => {
          clearTimeout(t);
          reject(e);
        },
      };
      const t = setTimeout(() => {
        const i = this.#waiters.indexOf(w);
        if (i >= 0) this.#waiters.splice(i, 1);
        reject(new DeviceTimeoutError(this.id, what, `no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#waiters.push(w);
      link.write(bytes).then(
        () => written?.(true),
        (e: Error) => {
          written?.(false);
          w.reject(e);
        },
      );
    });
  }

  /** One at a time: a job and a status poll never interleave their bytes. */
  #exclusive<T>(f: () => Promise<T>): Promise<T> {
    const run = this.#busy.then(f, f);
    this.#busy = run.catch(() => {});
    return run;
  }

  async #readStatus(): Promise<PrinterStatus> {
    const t = this.statusTimeoutMs;
    const s1 = await this.#ask(dleEot(1), isStatusByte, t, "DLE EOT 1");
    const s2 = await this.#ask(dleEot(2), isStatusByte, t, "DLE EOT 2");
    const s4 = await this.#ask(dleEot(4), isStatusByte, t, "DLE EOT 4");
    const status = combineStatus(s1, s2, s4);
    const drawerChanged = this.#status?.drawerOpen !== status.drawerOpen;
    this.#status = status;
    this.emit("status", status);
    if (drawerChanged) this.emit("drawer", status.drawerOpen);
    const reason = notReadyReason(status);
    this.#setHealth(reason ? { state: "error", reason } : { state: "ready" });
    return status;
  }

  refreshStatus(): Promise<PrinterStatus> {
    return this.#exclusive(async () => {
      try {
        return await this.#readStatus();
      } catch (e) {
        if (this.#link) this.#setHealth({ state: "error", reason: `not answering: ${(e as Error).message}` });
        throw e;
      }
    });
  }

  /**
   * Prints one job and resolves only once the printer confirmed it: ready before, GS r answered
   * after the job with no paper end, and ready again. Throws PrinterNotReadyError (paper out,
   * cover open, offline) or a connection error before the job went out: the job must then be
   * sent again. Throws PrintUncertainError when the whole job was handed to the link and the
   * answer never came (link dropped, or no answer in jobTimeoutMs while the printer says it is
   * ready): it may have printed, so it must not be sent again without a person deciding.
   */
  print(job: Uint8Array, opts: { recover?: boolean } = {}): Promise<void> {
    return this.#exclusive(async () => {
      const before = await this.#readStatus();
      const why = notReadyReason(before);
      if (why) throw new PrinterNotReadyError(this.id, "status", why);
      // A job sent again after an error starts with DLE ENQ 2, so a half-received copy is dropped
      // from the printer's buffer rather than printed as well.
      if (opts.recover) await this.#link?.write(dleEnq2());
      // "pending" until the link took (or refused) the job's bytes: a job whose write failed did
      // not reach the cut; one written in full may be printed and cut by now.
      let sent: "pending" | "yes" | "no" = "pending";
      const paper = await this.#ask(
        concat(job, gsR1()),
        (b) => (b & 0xf0) === 0,
        this.jobTimeoutMs,
        "GS r after job",
        (ok) => {
          sent = ok ? "yes" : "no";
        },
      ).catch(async (e: Error) => {
        const after = this.#link ? await this.#readStatus().catch(() => undefined) : undefined;
        const reason = after && notReadyReason(after);
        // Paper out or cover open: a real printer stops before the cut and the simulator drops
        // what it gets while offline; the job is sent again (starting with DLE ENQ 2).
        if (reason) throw new PrinterNotReadyError(this.id, "status", `${reason} during the job`);
        if (sent !== "no")
          throw new PrintUncertainError(
            this.id,
            "job",
            `the job was sent but not confirmed (${e.message}); it may have printed`,
          );
        throw e;
      });
      if (paper & 0x0c) throw new PrinterNotReadyError(this.id, "status", "paper out during the job");
      const after = await this.#readStatus();
      const reason = notReadyReason(after);
      if (reason) throw new PrinterNotReadyError(this.id, "status", `${reason} during the job`);
    });
  }

  /** Kicks the drawer (ESC p) through the printer; resolves with the drawer state read back. */
  kickDrawer(pin: 2 | 5 = 2, onMs = 100, offMs = 500): Promise<PrinterStatus> {
    return this.#exclusive(async () => {
      if (!this.#link) throw new DeviceError(this.id, "connection", "not connected");
      await this.#link.write(new EscPos().drawerKick(pin, onMs, offMs).bytes());
      return this.#readStatus();
    });
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
