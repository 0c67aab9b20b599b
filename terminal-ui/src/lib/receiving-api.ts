// The receiving screen's calls (收货与调拨; store-edge supply/routes.ts): deliveries the store
// waits for, what a scanned code counts, the store's transfers and a ship/receive step (both
// under the lane's session), and a delivery's receipt (the cashier's PIN in the body).
import type { Delivery, EdgeApi, ScannedCode, TillTransfer } from "./api.ts";

const lanePath = (lane: string, rest: string) => `/lanes/${encodeURIComponent(lane)}${rest}`;

/** What the shelf holds of a SKU by lot, first-expiring first (batches/); the undated rest has batch "". */
export const shelfLots = (api: EdgeApi, sku: string) =>
  api.request<{
    sku: string;
    onHand: number;
    lots: { batch: string; expiresOn?: string | null; qty: number }[];
  }>("GET", `/stock/${encodeURIComponent(sku)}/lots`);
export const deliveries = (api: EdgeApi) =>
  api.request<{ deliveries: Delivery[] }>("GET", "/stock/deliveries");
export const codeOf = (api: EdgeApi, code: string) =>
  api.request<ScannedCode>("GET", `/codes/${encodeURIComponent(code)}`);
export const tillTransfers = (api: EdgeApi, lane: string) =>
  api.request<{ transfers: TillTransfer[] }>("GET", lanePath(lane, "/transfers"));
export const stepTransfer = (
  api: EdgeApi,
  lane: string,
  id: string,
  step: "ship" | "receive",
  lines: { sku: string; qty: number }[],
) =>
  api.request<{ transferId: string; status: string }>(
    "POST",
    lanePath(lane, `/transfers/${encodeURIComponent(id)}/${step}`),
    { lines },
  );
export const receiveDelivery = (
  api: EdgeApi,
  body: {
    cashierId: string;
    pin: string;
    purchaseOrderId: string;
    lines: {
      sku: string;
      qty: number;
      expected: number;
      lots?: { batch: string; expiresOn: string; qty: number }[];
    }[];
  },
) => api.request<{ receivingId: string }>("POST", "/stock/receivings", body);
