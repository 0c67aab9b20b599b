// The test bed every console story starts from: the built console served by a real hub in a
// temp folder, its admin API, stores created, enrolled with their one-time code and on MQTT with
// their own credentials, products imported, and a signed-in browser. One place for the set-up the
// stories used to write out each (start the hub, enrol a store, sign in), and one `close()` for
// afterAll that closes what the bed opened: browser contexts, store connections, the hub, the
// folder.
import { rmSync } from "node:fs";
import { join } from "node:path";
import type { Browser, BrowserContext, BrowserContextOptions, Page } from "playwright-core";
import { ensureConsoleBuild } from "../../scripts/ensure-build.ts";
import { importProducts, openScreen, signInPage } from "./console.ts";
import { hubApi, type Proc, startHub, stop, tempDir } from "./procs.ts";
import { connectStore, type Enrolled, type StoreWire } from "./store.ts";

/** A store as POST /api/v1/stores takes it. */
export interface StoreInit {
  id: string;
  name: string;
  region?: string;
  ring?: string;
}

/** The browser context's options (1280x800 and zh-CN unless said), and: */
export interface SignIn extends BrowserContextOptions {
  /** The page's default timeout for actions and waits (ms), 15 s unless said. */
  timeout?: number;
  /** Before the sign-in (e.g. page.clock.install() for a screen's refresh timer). */
  before?: (page: Page) => Promise<void>;
  /** After the sign-in, the navigation link to click: the screen's heading (the same words) is waited for. */
  open?: string;
}

export interface Bed {
  readonly dir: string;
  readonly hub: Proc;
  /** The hub's HTTP base, e.g. http://127.0.0.1:41234 (the console is at its root). */
  readonly http: string;
  /** The hub's admin REST API (JSON, or CSV when the body is a string). */
  api<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<T>;
  /** Creates the store and enrols it with its one-time code (the store is not connected). */
  enrol(store: StoreInit): Promise<Enrolled>;
  /** Connects an enrolled store to MQTT, enrolling it first if it is new (closed by close()). */
  connect(store: StoreInit | Enrolled): Promise<StoreWire>;
  /** Imports a products CSV (header sku,name,category,unit,taxRate,weighed,status), waited for. */
  importProducts(csv: string): Promise<void>;
  /**
   * Creates a supplier (lead time 2 days, order and pack 1 unless said) and its price list from
   * 2026-01-01 (VAT 13% unless said): `costs` maps SKU to cost in fen.
   */
  supplier(
    s: { id: string; name: string; leadTimeDays?: number; minOrderQty?: number; packSize?: number },
    costs?: Record<string, number>,
    taxRate?: number,
  ): Promise<void>;
  /** A new browser context and its page, not signed in (closed by close()). */
  browse(browser: Browser, o?: SignIn): Promise<{ context: BrowserContext; page: Page }>;
  /** A new browser context signed in as the admin, on the dashboard (closed by close()). */
  signIn(browser: Browser, o?: SignIn): Promise<{ context: BrowserContext; page: Page }>;
  /** Closes the contexts and store connections opened through the bed, stops the hub, removes the folder. */
  close(): Promise<void>;
}

/**
 * Starts a hub serving the built console in a new temp folder named after `name`. `env` is added
 * to the hub's environment (the admin token, console folder and loopback host are set).
 */
export async function startBed(name: string, env: Record<string, string> = {}): Promise<Bed> {
  const consoleDir = ensureConsoleBuild(); // built by the global set-up: this only finds it
  const dir = tempDir(`hq-console-${name}-`);
  let hub: Proc;
  try {
    hub = await startHub(join(dir, "hq"), consoleDir, env);
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  const http = hub.ready.http!;
  const contexts: BrowserContext[] = [];
  const wires: StoreWire[] = [];
  const api = <T = Record<string, unknown>>(method: string, path: string, body?: unknown) =>
    hubApi<T>(http, method, path, body);
  const enrol = async (store: StoreInit) => {
    await api("POST", "/api/v1/stores", store);
    const { code } = await api<{ code: string }>("POST", `/api/v1/stores/${store.id}/enrollment-code`);
    return hubApi<Enrolled>(http, "POST", "/api/v1/enroll", { code }, "");
  };
  const browse = async (browser: Browser, o: SignIn = {}) => {
    const { timeout, before, open, ...options } = o;
    const context = await browser.newContext({
      viewport: { width: 1280, height: 800 },
      locale: "zh-CN",
      ...options,
    });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(timeout ?? 15_000);
    await before?.(page);
    return { context, page };
  };
  return {
    dir,
    hub,
    http,
    api,
    enrol,
    async connect(store) {
      const wire = await connectStore("mqtt" in store ? store : await enrol(store));
      wires.push(wire);
      return wire;
    },
    importProducts: (csv) => importProducts(http, csv),
    async supplier(sup, costs = {}, taxRate = 13) {
      await api("POST", "/api/v1/suppliers", { leadTimeDays: 2, minOrderQty: 1, packSize: 1, ...sup });
      const prices = Object.entries(costs).map(([sku, costFen]) => ({
        sku,
        costFen,
        taxRate,
        effectiveFrom: "2026-01-01",
      }));
      if (prices.length) await api("POST", `/api/v1/suppliers/${sup.id}/prices`, { prices });
    },
    browse,
    async signIn(browser, o = {}) {
      const { context, page } = await browse(browser, o);
      await signInPage(page, http);
      if (o.open) await openScreen(page, o.open);
      return { context, page };
    },
    async close() {
      for (const c of contexts) await c.close().catch(() => {});
      for (const w of wires) await w.close().catch(() => {});
      await stop(hub);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
