// Keeps one device connected: opens its transport, hands the link to the driver, and when the
// link goes (unplugged, printer rebooted) tries again with backoff, or at once when hot-plug
// says the device's path or USB id is back. A device unplugged and plugged back resumes alone.
import { DeviceError } from "../errors.ts";
import type { ByteLink } from "../link.ts";

export interface Attachable {
  attach(link: ByteLink): void;
  detach(reason?: string): void;
}

export class Supervisor {
  #link: ByteLink | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #stopped = false;
  #opening = false;
  #backoff: number;
  lastError: string | undefined;

  constructor(
    readonly device: string,
    readonly open: () => Promise<ByteLink>,
    readonly driver: Attachable,
    readonly opts: { minRetryMs?: number; maxRetryMs?: number } = {},
  ) {
    this.#backoff = opts.minRetryMs ?? 100;
  }

  get connected(): boolean {
    return !!this.#link?.isOpen;
  }

  start(): void {
    void this.tryNow();
  }

  /** Hot-plug saw the device appear: try at once instead of waiting for the backoff. */
  async tryNow(): Promise<void> {
    if (this.#stopped || this.#opening || this.connected) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#opening = true;
    try {
      const link = await this.open();
      if (this.#stopped) {
        await link.close();
        return;
      }
      this.#link = link;
      this.#backoff = this.opts.minRetryMs ?? 100;
      this.lastError = undefined;
      link.once("close", () => {
        if (this.#link === link) this.#link = undefined;
        this.#schedule();
      });
      this.driver.attach(link);
    } catch (e) {
      this.lastError = e instanceof DeviceError ? e.message : String(e);
      this.driver.detach(this.lastError);
      this.#schedule();
    } finally {
      this.#opening = false;
    }
  }

  #schedule(): void {
    if (this.#stopped || this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.tryNow();
    }, this.#backoff);
    this.#backoff = Math.min(this.#backoff * 2, this.opts.maxRetryMs ?? 1000);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    const link = this.#link;
    this.#link = undefined;
    await link?.close();
  }
}
