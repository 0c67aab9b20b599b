// Builds a "bridge" or "bridge-sim" lane's devices for the edge: validates the lane's section of
// store-edge.json (a bad field fails the start with its path) and wires the adapter to the
// edge's sales, returns, cashiers and cart view (what the printer prints and the customer sees).
import { join } from "node:path";
import type { CatalogReplica } from "../catalog/replica.ts";
import type { EdgeConfig } from "../config.ts";
import type { Lanes } from "../lanes/lanes.ts";
import type { Returns } from "../returns/service.ts";
import type { SaleCommit } from "../sale/commit.ts";
import {
  type BridgeContext,
  BridgeDevices,
  loadBridge,
  parseBridgeConfig,
  plannedDevices,
} from "./bridge.ts";
import { BridgeSimDevices, parseSimOptions } from "./bridge-sim.ts";
import type { LaneDevices } from "./port.ts";

export type LaneDeviceSetting = EdgeConfig["defaultDevices"];

/** What a lane's devices need of the edge (edge.ts builds them: importing Edge was a cycle). */
export interface DeviceHost {
  storeId: string;
  options: { dataDir: string; config: Pick<EdgeConfig, "enrollment"> };
  replica: Pick<CatalogReplica, "lookup">;
  sales: Pick<SaleCommit, "saleByReceipt">;
  returns: Pick<Returns, "returnByReceipt">;
  lanes: Pick<Lanes, "view">;
}

/** Demo receipts carry a QR code like a real e-invoice link would. */
const DEMO_QR = { qrUrl: "https://einvoice.example.com/r/{receiptNo}", qrCaption: "扫码开发票 E-invoice" };

export function bridgeLaneDevices(
  edge: DeviceHost,
  lane: string,
  setting: LaneDeviceSetting,
  where: string,
): LaneDevices {
  const dataDir = edge.options.dataDir;
  if (setting.mode === "bridge-sim") {
    const options = parseSimOptions(setting.sim, where);
    const ctx = bridgeContext(edge, lane, { ...DEMO_QR, ...setting.receipt });
    return new BridgeSimDevices(lane, options, join(dataDir, "print-queue", `lane-${lane}`), ctx);
  }
  const config = parseBridgeConfig(lane, setting.bridge, where, dataDir);
  const ctx = bridgeContext(edge, lane, setting.receipt ?? {});
  return new BridgeDevices(lane, () => loadBridge().openLaneDevices(config), ctx, plannedDevices(config));
}

function bridgeContext(
  edge: DeviceHost,
  lane: string,
  receipt: NonNullable<LaneDeviceSetting["receipt"]>,
): BridgeContext {
  const lookup = () => edge.replica.lookup;
  return {
    receipts: {
      context: () => ({
        storeName: receipt.storeName ?? (edge.options.config.enrollment?.storeName || edge.storeId),
        cashierName: (id) => lookup().cashiers.get(id)?.name,
        productName: (sku) => lookup().products.get(sku)?.name,
        promotionKind: (id) => lookup().promotions.get(id)?.kind,
        promotionName: (id) => lookup().promotions.get(id)?.name,
        ...(receipt.qrUrl ? { qrUrl: receipt.qrUrl } : {}),
        ...(receipt.qrCaption ? { qrCaption: receipt.qrCaption } : {}),
        ...(receipt.footer ? { footer: receipt.footer } : {}),
      }),
      sale: (receiptNo) => edge.sales.saleByReceipt(receiptNo),
      returned: (receiptNo) => edge.returns.returnByReceipt(receiptNo),
    },
    customer: () => {
      const v = edge.lanes.view(lane);
      const last = v.cart.lines.at(-1);
      if (!last) return { dueFen: v.due };
      const priced = v.priced.lines.find((l) => l.lineId === last.lineId);
      return { item: { name: last.name, amountFen: priced?.net ?? 0 }, dueFen: v.due };
    },
  };
}
