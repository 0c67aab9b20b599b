// The lane as the screen sees it: the edge's view of the cart (pushed over the lane WebSocket,
// fetched once on load), device state, the store status for the status bar, and the last sale.
// Nothing here is the truth: the edge holds the cart, so a reload rebuilds all of it. The one
// thing kept in the browser is the cashier's session token (localStorage, per lane), so a
// reload mid-basket stays signed in; without it, or once the edge refuses it, the screen is the
// sign-in.
import {
  ApiError,
  type DeviceHealth,
  EdgeApi,
  type EdgeStatus,
  isTokenKey,
  type LaneMessage,
  LaneSocket,
  type LaneView,
  loadToken,
  type PrintResolution,
  type SignedIn,
  saveToken,
  type UncertainPrint,
  type Weight,
} from "./api.ts";
import { type PlainError, plain, plainFromMessage } from "./errors.ts";

export interface PrinterState {
  online: boolean;
  paperOut: boolean;
  coverOpen: boolean;
}

export class Terminal {
  readonly api: EdgeApi;
  view = $state<LaneView | undefined>(undefined);
  socketOpen = $state(false);
  status = $state<EdgeStatus | undefined>(undefined);
  statusError = $state<PlainError | undefined>(undefined);
  devices = $state<DeviceHealth[]>([]);
  weight = $state<Weight | null>(null);
  /** The lane's devices are simulators (the demo): the device panel offers the scale's controls. */
  simulated = $state(false);
  printer = $state<PrinterState>({ online: true, paperOut: false, coverOpen: false });
  /** Receipts that may or may not be on the paper: a banner each until the cashier answers. */
  uncertainPrints = $state<UncertainPrint[]>([]);
  /** Why the last answer to an uncertain receipt failed (shown in its banner). */
  uncertainError = $state<PlainError | undefined>(undefined);
  lastSale = $state<{ receiptNo: string; change: number; training: boolean; at: number } | undefined>(
    undefined,
  );
  /** What became of the sale in progress when the edge restarted (checkOutcome). */
  recovered = $state<
    | { outcome: "committed"; receiptNo: string; net: number }
    | { outcome: "not_committed"; lines: number }
    | undefined
  >(undefined);
  lastPrint = $state<{ receiptNo: string; ok: boolean; error?: string } | undefined>(undefined);
  /** An error that arrived over the socket (a device scan that failed): shown at the scan field. */
  scanError = $state<PlainError | undefined>(undefined);
  /** The lane session's token: none means the sign-in screen. */
  token = $state<string | undefined>(undefined);
  /** Why the last session ended without the cashier signing out (shown at the sign-in). */
  sessionEnded = $state<PlainError | undefined>(undefined);
  /** Bumps on every cart message, for the scan-to-paint measurement. */
  cartSeq = $state(0);
  /** performance.now() when the first lane view arrived and when it was painted (first load). */
  firstViewAt: number | undefined;
  firstPaintAt: number | undefined;
  private socket: LaneSocket | undefined;
  private poll: ReturnType<typeof setInterval> | undefined;
  private listeners = new Set<(m: LaneMessage) => void>();
  /** Set while the cashier ends the session (sign-out, shift close): its 401s are expected. */
  private ending = false;
  private readonly onStorage = (e: StorageEvent) => {
    if (isTokenKey(this.lane, e.key)) this.useToken(loadToken(this.lane));
  };

  /**
   * `display`: the customer display, a second window of the lane's browser: it uses the
   * cashier's token from storage (following it as it changes) and never signs anyone out.
   */
  constructor(
    readonly lane: string,
    base = "",
    readonly display = false,
  ) {
    this.api = new EdgeApi(base);
    this.api.onUnauthorized = (e) => this.sessionLost(e);
  }

  start(): void {
    this.useToken(loadToken(this.lane));
    if (this.display) addEventListener("storage", this.onStorage);
    void this.refreshStatus();
    this.poll = setInterval(() => void this.refreshStatus(), 2000);
  }

  stop(): void {
    this.socket?.close();
    this.socket = undefined;
    clearInterval(this.poll);
    if (this.display) removeEventListener("storage", this.onStorage);
  }

  /** Connects the lane with this token (or disconnects without one). */
  private useToken(token: string | undefined): void {
    this.socket?.close();
    this.socket = undefined;
    this.socketOpen = false;
    this.token = token;
    this.api.token = token;
    if (!token) {
      this.view = undefined;
      return;
    }
    this.socket = new LaneSocket(
      LaneSocket.urlFor(this.lane, token),
      (m) => this.onMessage(m),
      (open) => {
        this.socketOpen = open;
        // After a reconnect the edge sends the current cart first; devices are fetched again.
        if (open) void this.refreshDevices();
        if (open && !this.display) void this.checkOutcome();
      },
      (e) => this.sessionLost(e),
    );
    void this.refresh();
  }

  /** The sign-in's answer: keeps the token (for reloads too) and shows the lane. */
  signedIn(r: SignedIn): void {
    const { session, ...view } = r;
    this.sessionEnded = undefined;
    saveToken(this.lane, session.token);
    this.useToken(session.token);
    this.setView(view);
  }

  /**
   * Runs the cashier's own end of the session (sign-out, shift close; the edge ends the session
   * with it), so its refusals on the way are no surprise, then forgets the token.
   */
  async endSession<T>(fn: () => Promise<T>): Promise<T> {
    this.ending = true;
    try {
      const r = await fn();
      this.signedOut();
      return r;
    } finally {
      this.ending = false;
    }
  }

  /** Forgets the session: back to the sign-in screen. */
  signedOut(): void {
    saveToken(this.lane, undefined);
    this.useToken(undefined);
  }

  /** The edge refused the session (expired, ended elsewhere): back to the sign-in, saying so. */
  private sessionLost(e: ApiError): void {
    if (this.display) {
      // Not the display's to sign anyone out: it waits for the cashier's next token.
      this.socket?.close();
      this.socket = undefined;
      this.socketOpen = false;
      this.view = undefined;
      return;
    }
    if (this.ending || !this.token) return;
    this.sessionEnded = plain(e);
    this.signedOut();
  }

  onLaneMessage(fn: (m: LaneMessage) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  async refresh(): Promise<void> {
    if (!this.token) return;
    try {
      this.setView(await this.api.view(this.lane));
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) return; // handled: back to the sign-in
      this.scanError = plain(e);
    }
  }

  async refreshDevices(): Promise<void> {
    if (!this.token) return;
    try {
      const d = await this.api.devices(this.lane);
      this.devices = d.devices;
      this.weight = d.weight;
      this.simulated = d.simulated === true;
      if (d.uncertainPrints) this.uncertainPrints = d.uncertainPrints;
    } catch {
      // the status bar shows the lane as down
    }
  }

  async refreshStatus(): Promise<void> {
    try {
      this.status = await this.api.status();
      this.statusError = undefined;
    } catch (e) {
      this.statusError = plain(e);
    }
  }

  /** Takes a view from any edge answer (the socket brings the same view too). */
  take(v: LaneView | undefined): void {
    if (v) this.setView(v);
  }

  private get payingKey(): string {
    return `retail.paying.lane.${this.lane}`;
  }

  /**
   * The edge went away while a cart was being rung up or paid (kill -9, power) and the till
   * never heard of its sale: ask what became of it (committed with its receipt, or not, the
   * basket restored) and say so until the cashier dismisses it.
   */
  private async checkOutcome(): Promise<void> {
    const cartId = localStorage.getItem(this.payingKey);
    if (!cartId) return;
    try {
      const r = await this.api.lastSale(this.lane, cartId);
      if (r.outcome === "committed") {
        this.recovered = { outcome: "committed", receiptNo: r.sale.receiptNo, net: r.sale.net };
        localStorage.removeItem(this.payingKey);
      } else if (r.outcome === "not_committed" && r.afterRestart)
        this.recovered = { outcome: "not_committed", lines: r.lines };
      else if (r.outcome === "unknown") localStorage.removeItem(this.payingKey);
    } catch {
      // Asked again at the next reconnect.
    }
  }

  private setView(v: LaneView): void {
    this.view = v;
    // The cart being rung up: asked after when the edge comes back (checkOutcome).
    if (!this.display && v.mode === "sale" && v.cart.lines.length > 0)
      localStorage.setItem(this.payingKey, v.cart.cartId);
    if (this.firstViewAt === undefined) {
      this.firstViewAt = performance.now();
      requestAnimationFrame(() => {
        this.firstPaintAt = performance.now();
      });
    }
  }

  private onMessage(m: LaneMessage): void {
    switch (m.type) {
      case "cart":
        this.setView(m.view);
        this.cartSeq++;
        break;
      case "device": {
        const e = m.event;
        if (e.type === "weight") this.weight = e.weight;
        else if (e.type === "printer")
          this.printer = { online: e.online, paperOut: e.paperOut, coverOpen: e.coverOpen };
        else if (e.type === "health") {
          const others = this.devices.filter(
            (d) => !(d.kind === e.health.kind && d.device === e.health.device),
          );
          this.devices = [...others, e.health];
        } else if (e.type === "print-uncertain") {
          const p = e.print;
          this.uncertainPrints = [...this.uncertainPrints.filter((u) => u.jobId !== p.jobId), p];
          this.uncertainError = undefined;
        } else if (e.type === "print-resolved")
          this.uncertainPrints = this.uncertainPrints.filter((u) => u.jobId !== e.jobId);
        else if (e.type === "scan") this.scanError = undefined;
        break;
      }
      case "error":
        this.scanError = plainFromMessage(m);
        break;
      case "sale":
        this.lastSale = { receiptNo: m.receiptNo, change: m.change, training: m.training, at: Date.now() };
        if (!this.display) localStorage.removeItem(this.payingKey);
        break;
      case "print":
        this.lastPrint = m.error === undefined ? { receiptNo: m.receiptNo, ok: m.ok } : { ...m };
        break;
    }
    for (const l of this.listeners) l(m);
  }

  /**
   * A scanned code sent over the lane WebSocket (the edge takes scans there too): resolves on
   * the cart or error message that answers it. Saves the HTTP request per scan, which is most of
   * the scan-to-paint time in the browser. False when the socket is not open (use HTTP).
   */
  scanViaSocket(code: string, timeoutMs = 5000): Promise<"cart" | "error" | "timeout"> | false {
    if (!this.socketOpen) return false;
    return new Promise((resolve) => {
      let off = () => {};
      const timer = setTimeout(() => {
        off();
        resolve("timeout");
      }, timeoutMs);
      off = this.onLaneMessage((m) => {
        if (m.type !== "cart" && m.type !== "error") return;
        clearTimeout(timer);
        off();
        resolve(m.type);
      });
      if (!this.socket?.sendScan(code)) {
        clearTimeout(timer);
        off();
        resolve("timeout");
      }
    });
  }

  /**
   * The cashier's answer for an uncertain receipt: "printed" (it is on the paper) or "reprint"
   * (print a marked copy). The banner goes when the edge confirms; a failure stays in it.
   */
  async resolvePrint(jobId: number, resolution: PrintResolution): Promise<void> {
    try {
      await this.api.resolvePrint(this.lane, jobId, resolution);
      this.uncertainError = undefined;
      this.uncertainPrints = this.uncertainPrints.filter((u) => u.jobId !== jobId);
    } catch (e) {
      this.uncertainError = plain(e);
      // Resolved elsewhere (another thin client on the lane) or gone: take the edge's list.
      void this.refreshDevices();
    }
  }

  /** Devices that need a banner: unplugged or failing. */
  get deviceProblems(): DeviceHealth[] {
    return this.devices.filter((d) => d.state === "error" || d.state === "absent");
  }
}

export function laneFromUrl(): string {
  const q = new URLSearchParams(location.search).get("lane");
  return q && /^[0-9]{1,2}$/.test(q) ? q : "1";
}

export { ApiError };
