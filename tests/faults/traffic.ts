// Sales over an edge's HTTP lane API, the way the terminal rings them: sign in, open a shift,
// scan one to three products, pay cash. Every error (the edge killed, restarting, a session that
// ended) is ridden out: sign in again and go on with whatever cart the lane still holds. A sale
// counts as committed only when the edge answered the tender with the sale.
import { withCheckDigit } from "@retail/protocol";
import type { prng } from "./schedule.ts";

export const PRODUCTS = 6;
export const gtinOf = (i: number) => withCheckDigit(`69${String(i).padStart(10, "0")}`);
export const skuOf = (i: number) => `SKU${String(i).padStart(6, "0")}`;

export interface Lane {
  storeId: string;
  /** The edge's base URL now (it changes when the edge restarts). */
  http: () => string | undefined;
  token?: string;
  /** Sales the edge answered as committed: sale id -> when. */
  committed: Map<string, number>;
  errors: number;
  /** The edge's refusals (HTTP status and error code), newest last, the last 200. */
  refusals?: { at: number; status: number; code: string }[];
  /** The lane's number at the edge (default "1"). */
  laneId?: string;
}

/** The product kept out of the random traffic: the oversell fault sells its "last units". */
export const LAST_UNITS = PRODUCTS + 1;

async function call(lane: Lane, method: string, path: string, body?: unknown) {
  const http = lane.http();
  if (!http) throw new Error("edge down");
  const res = await fetch(`${http}/api/v1/lanes/${lane.laneId ?? "1"}${path}`, {
    method,
    headers: {
      "content-type": "application/json",
      ...(lane.token ? { authorization: `Bearer ${lane.token}` } : {}),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await res.text();
  if (res.status === 401) lane.token = undefined;
  if (!res.ok && lane.refusals) {
    const code = /"error":"([^"]+)"/.exec(text)?.[1] ?? "";
    lane.refusals.push({ at: Date.now(), status: res.status, code });
    if (lane.refusals.length > 200) lane.refusals.splice(0, lane.refusals.length - 200);
  }
  if (!res.ok) throw new Error(`${lane.storeId} ${method} ${path}: ${res.status} ${text.slice(0, 200)}`);
  return JSON.parse(text) as Record<string, unknown>;
}

async function signIn(lane: Lane) {
  lane.token = undefined;
  const r = await call(lane, "POST", "/login", { cashierId: "1001", pin: "1234" });
  lane.token = (r.session as { token: string }).token;
  const view = await call(lane, "GET", "");
  if (!view.shift) await call(lane, "POST", "/shift/open", { float: 20_000 });
}

/** One sale of exactly these barcodes (after whatever the lane's cart held); its id, or undefined. */
export async function sellCodes(lane: Lane, codes: string[]): Promise<string | undefined> {
  try {
    if (!lane.token) await signIn(lane);
    for (const code of codes) await call(lane, "POST", "/scan", { code });
    const paid = await call(lane, "POST", "/tenders", { kind: "cash", received: 1_000_000 });
    const saleId = /"saleId":"([^"]+)"/.exec(JSON.stringify(paid))?.[1];
    if (saleId) lane.committed.set(saleId, Date.now());
    return saleId;
  } catch {
    lane.errors++;
    return undefined;
  }
}

/** One sale; true when the edge answered it committed. */
export async function sellOnce(lane: Lane, rand: ReturnType<typeof prng>): Promise<boolean> {
  try {
    if (!lane.token) await signIn(lane);
    const view = await call(lane, "GET", "");
    if (!Number(view.remaining ?? 0)) {
      const items = 1 + Math.floor(rand() * 3);
      for (let i = 0; i < items; i++)
        await call(lane, "POST", "/scan", { code: gtinOf(1 + Math.floor(rand() * PRODUCTS)) });
    }
    const paid = await call(lane, "POST", "/tenders", { kind: "cash", received: 100_000 });
    const saleId = /"saleId":"([^"]+)"/.exec(JSON.stringify(paid))?.[1];
    if (saleId) lane.committed.set(saleId, Date.now());
    return saleId !== undefined;
  } catch {
    lane.errors++;
    return false;
  }
}
