// The counting screen's calls to the store edge's stocktake API (store-edge/src/stocktake/
// routes.ts). No lane session: a counter signs in to the count with code and PIN and sends the
// token it got with each scan. Errors come back as the terminal's ApiError.
import { ApiError } from "./api.ts";

export interface StocktakeView {
  id: string;
  kind: "full" | "cycle";
  origin: "hq" | "store";
  status: "counting" | "recount" | "submitted" | "approved" | "rejected" | "cancelled";
  skus: string[];
  recountOver: number;
  openedBy: string;
  openedAt: string;
  recount: string[];
  lines: {
    sku: string;
    name: string | null;
    counted: number;
    recount: boolean;
    recounted: boolean;
    counters: string[];
    /** Dated goods: counted by lot; what each lot was counted at (batch "" the undated rest). */
    byLot: boolean;
    lots: { batch: string; expiresOn: string | null; counted: number }[];
  }[];
}

/** The lot a scan counts: batch and expiry, or batch "" for the undated rest. */
export interface CountLot {
  batch: string;
  expiresOn?: string;
}

/** A dated SKU's lots to pick from (no quantities: counting is blind). */
export interface LotChoices {
  sku: string;
  name: string;
  byLot: boolean;
  lots: { batch: string; expiresOn: string }[];
}

export interface ScanResult {
  sku: string;
  name: string;
  counted: number;
  qty: number;
  lot?: { batch: string; expiresOn: string | null };
}

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`/api/v1${path}`, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch {
    throw new ApiError(0, "network", "", "the store server cannot be reached");
  }
  const data = (await res.json().catch(() => ({}))) as {
    error?: string;
    field?: string;
    message?: string;
    reason?: string;
  };
  if (!res.ok)
    throw new ApiError(
      res.status,
      data.error ?? "http",
      data.field ?? "",
      data.message ?? res.statusText,
      data.reason,
    );
  return data as T;
}

const path = (id: string, rest = "") => `/stocktakes/${encodeURIComponent(id)}${rest}`;

export const stocktakeApi = {
  list: () => call<{ sessions: StocktakeView[] }>("GET", "/stocktakes"),
  view: (id: string) => call<StocktakeView>("GET", path(id)),
  open: (b: { cashierId: string; pin: string; kind: "full" | "cycle"; skus?: string[] }) =>
    call<StocktakeView>("POST", "/stocktakes", b),
  signIn: (id: string, cashierId: string, pin: string) =>
    call<{ token: string; cashierId: string }>("POST", path(id, "/counters"), { cashierId, pin }),
  scan: (id: string, token: string, code: string, qty: number, lot?: CountLot) =>
    call<ScanResult>("POST", path(id, "/scans"), { token, code, qty, ...(lot ?? {}) }),
  lots: (id: string, code: string) => call<LotChoices>("GET", path(id, `/lots/${encodeURIComponent(code)}`)),
  finish: (id: string, token: string) => call<StocktakeView>("POST", path(id, "/finish"), { token }),
  cancel: (id: string, token: string) => call<StocktakeView>("POST", path(id, "/cancel"), { token }),
};
