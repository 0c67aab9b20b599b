// The demo's payables (`npm start`, console 应付账款): a supplier with a price list, a purchase
// order for store S001 sent through the hub API, received at the store's door through the edge's
// LAN API (a cashier's code and PIN, as the till's receiving screen does), then the supplier's
// VAT invoice for it entered, three-way matched, approved (Dr GRNI + input VAT / Cr payables) and
// paid (Dr payables / Cr bank). Done once: a later start finds the paid invoice and says so, or
// picks up where a stopped one left off. A failing step is logged and the rest of the demo runs on.
import { demoCatalog } from "./catalog.ts";

const SUPPLIER = {
  id: "SUP-DEMO01",
  name: "华东食品供应链有限公司",
  leadTimeDays: 2,
  minOrderQty: 1,
  packSize: 1,
};
const STORE = "S001";
const CASHIER = { cashierId: "1001", pin: "1234" };
const chinaDay = (ms = Date.now()) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10);

interface Order {
  id: string;
  storeId: string;
  supplierId: string;
  status: string;
  lines: { sku: string; qty: number; received: number }[];
}
interface Invoice {
  id: string;
  invoiceNo: string;
  purchaseOrderId: string;
  status: string;
  grossFen: number;
  outstandingFen: number;
  voucherId: number | null;
  actions: string[];
  match: { matched: boolean; lines: { differences: { reason?: string }[] }[] } | null;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export async function runPayables(
  hq: string,
  token: string,
  edges: { id: string; http: string }[],
  stopped: () => boolean,
): Promise<void> {
  const call = async <T>(base: string, method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${base}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (!res.ok) throw new HttpError(res.status, `${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
    return (text ? JSON.parse(text) : {}) as T;
  };
  const hub = <T>(method: string, path: string, body?: unknown) => call<T>(hq, method, path, body);
  const log = (msg: string) => console.log(`[payables] ${msg}`);
  /** Retry while the condition may still come true (the edge's catalog arriving, receipts summed). */
  async function until<T>(what: string, fn: () => Promise<T | undefined>, ms = 180_000): Promise<T> {
    let last = "";
    for (const end = Date.now() + ms; Date.now() < end && !stopped(); await Bun.sleep(2000))
      try {
        const v = await fn();
        if (v !== undefined) return v;
      } catch (e) {
        last = (e as Error).message;
      }
    throw new Error(`${what}: not done in ${ms / 1000} s${last ? ` (${last})` : ""}`);
  }

  try {
    const done = (await hub<Invoice[]>("GET", `/payables/invoices?supplier=${SUPPLIER.id}&status=paid`))[0];
    if (done) return log(`invoice ${done.invoiceNo} already paid (console 应付账款)`);

    // The supplier and its price list: two packaged goods of the demo catalog at 70% of shelf price.
    try {
      await hub("GET", `/suppliers/${SUPPLIER.id}`);
    } catch (e) {
      if ((e as HttpError).status !== 404) throw e;
      await hub("POST", "/suppliers", SUPPLIER);
    }
    const cat = demoCatalog();
    const goods = cat.products.filter((p) => p.status === "active" && !p.weighed).slice(0, 2);
    const shelf = new Map(cat.prices.map((p) => [p.sku, p.windows[0]!.price]));
    const cost = (sku: string) => Math.max(1, Math.floor(((shelf.get(sku) ?? 100) * 7) / 10));
    await hub("POST", `/suppliers/${SUPPLIER.id}/prices`, {
      prices: goods.map((p) => ({
        sku: p.sku,
        costFen: cost(p.sku),
        taxRate: p.taxRate,
        effectiveFrom: "2026-01-01",
      })),
    });

    // The purchase order: the one a stopped start left open, else a new one, sent.
    const orders = await hub<Order[]>("GET", `/purchase-orders?store=${STORE}`);
    let po = orders.find((o) => o.supplierId === SUPPLIER.id && ["ordered", "received"].includes(o.status));
    const invoices = await hub<Invoice[]>("GET", `/payables/invoices?supplier=${SUPPLIER.id}`);
    if (po && invoices.some((i) => i.purchaseOrderId === po!.id && i.status === "rejected")) po = undefined;
    if (!po) {
      const draft = await hub<Order>("POST", "/purchase-orders", {
        storeId: STORE,
        supplierId: SUPPLIER.id,
        note: "演示采购单 demo purchase order",
        lines: goods.map((p, i) => ({ sku: p.sku, qty: i === 0 ? 24 : 12 })),
      });
      po = await hub<Order>("POST", `/purchase-orders/${draft.id}/send`);
      log(`purchase order ${po.id} sent to ${SUPPLIER.name}`);
    }

    // Received at the store's door (retried until the store's catalog and cashiers have arrived).
    if (po.status === "ordered") {
      const edge = edges.find((e) => e.id === STORE);
      if (!edge) throw new Error(`no running edge for ${STORE}`);
      const open = po.lines.filter((l) => l.qty > l.received);
      const orderId = po.id;
      await until(`${STORE} receiving ${orderId}`, () =>
        call(edge.http, "POST", "/stock/receivings", {
          ...CASHIER,
          purchaseOrderId: orderId,
          supplierId: SUPPLIER.id,
          lines: open.map((l) => ({ sku: l.sku, qty: l.qty - l.received, expected: l.qty - l.received })),
        }),
      );
      po = await until(`${orderId} received at HQ`, async () => {
        const o = await hub<Order>("GET", `/purchase-orders/${orderId}`);
        return o.status === "received" ? o : undefined;
      });
      log(`purchase order ${po.id} received at ${STORE}`);
    }

    // The supplier's VAT invoice for what arrived, at the order's prices: matched at once.
    const orderId = po.id;
    let inv = invoices.find((i) => i.purchaseOrderId === orderId && i.status !== "rejected");
    if (!inv) {
      const lines = po.lines.map((l) => {
        const p = goods.find((g) => g.sku === l.sku);
        return { sku: l.sku, qty: l.received, unitPriceFen: cost(l.sku), taxRate: p?.taxRate ?? 13 };
      });
      inv = await hub<Invoice>("POST", "/payables/invoices", {
        supplierId: SUPPLIER.id,
        invoiceNo: `FP${orderId.replace(/[^A-Za-z0-9]/g, "").slice(-16)}`,
        purchaseOrderId: orderId,
        invoiceDate: chinaDay(),
        lines,
      });
      log(`invoice ${inv.invoiceNo} entered: ${inv.status}`);
    }
    if (inv.actions.includes("match") && inv.status !== "matched")
      inv = await hub<Invoice>("POST", `/payables/invoices/${inv.id}/match`);
    if (inv.status === "matched") {
      inv = await hub<Invoice>("POST", `/payables/invoices/${inv.id}/approve`);
      log(`invoice ${inv.invoiceNo} approved, voucher ${inv.voucherId}`);
    }
    if (inv.status === "approved" && inv.outstandingFen > 0) {
      inv = await hub<Invoice>("POST", `/payables/invoices/${inv.id}/payments`, {
        amountFen: inv.outstandingFen,
        paidOn: chinaDay(),
        reference: `DEMO-BANK-${orderId.slice(-8)}`,
      });
    }
    if (inv.status !== "paid")
      throw new Error(
        `invoice ${inv.invoiceNo} is ${inv.status}: ${JSON.stringify(inv.match?.lines.map((l) => l.differences) ?? []).slice(0, 300)}`,
      );
    log(`invoice ${inv.invoiceNo} paid, ${(inv.grossFen / 100).toFixed(2)} 元 (console 应付账款)`);
  } catch (e) {
    log(`stopped: ${(e as Error).message}`);
  }
}
