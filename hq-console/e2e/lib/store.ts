// A store as HQ sees it on the wire: enrolled through the hub's API, then a real MQTT client
// publishing on its own up-topic. Envelopes are built here by hand (typed with the protocol's
// types) because hq-console may import @retail/protocol for types only.
import type { Envelope, SaleCompleted } from "@retail/protocol";
import mqtt, { type MqttClient } from "mqtt";

export interface Enrolled {
  storeId: string;
  mqtt: { url: string; username: string; password: string; clientId: string };
}

/** RFC 9562 UUIDv7 (the envelope's id must be one): 48-bit ms time, version, variant, random. */
export function uuidv7(): string {
  const b = crypto.getRandomValues(new Uint8Array(16));
  let ms = Date.now();
  for (let i = 5; i >= 0; i--) {
    b[i] = ms % 256;
    ms = Math.floor(ms / 256);
  }
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x70;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** A cash sale of `lines` (sku, unit price in fen, qty 1, VAT 13%) in a sale.completed envelope. */
export function saleEnvelope(
  storeId: string,
  seq: number,
  lines: { sku: string; name: string; priceFen: number }[],
  catalogVersion: number,
): Envelope<"sale.completed"> {
  const saleLines = lines.map((l, i) => {
    // Tax inside a tax-inclusive price, rounded half-up to the fen with integer math.
    const taxFen = Math.floor((l.priceFen * 13 * 2 + 113) / (113 * 2));
    return {
      lineId: `l${i + 1}`,
      sku: l.sku,
      name: l.name,
      category: "1001",
      qty: 1,
      weighed: false,
      unitPrice: l.priceFen,
      taxRate: 13 as const,
      priceVersion: catalogVersion,
      gross: l.priceFen,
      discounts: [],
      net: l.priceFen,
      tax: taxFen,
    };
  });
  const netFen = saleLines.reduce((s, l) => s + l.net, 0);
  const taxFen = saleLines.reduce((s, l) => s + l.tax, 0);
  const today = new Date().toISOString().slice(0, 10);
  const payload: SaleCompleted = {
    saleId: uuidv7(),
    receiptNo: `RC-${storeId}-01-${seq}`,
    laneId: "1",
    cashierId: "1001",
    shiftId: "shift-1",
    businessDay: today,
    training: false,
    catalogVersion,
    coupons: [],
    lines: saleLines,
    totals: { gross: netFen, discount: 0, net: netFen, tax: taxFen },
    applied: [],
    tenders: [{ kind: "cash", amount: netFen, received: netFen, change: 0 }],
    completedAt: new Date().toISOString(),
  } as SaleCompleted;
  return {
    v: 1,
    id: uuidv7(),
    type: "sale.completed",
    storeId,
    seq,
    occurredAt: new Date().toISOString(),
    payload,
  } as Envelope<"sale.completed">;
}

export interface StoreWire {
  client: MqttClient;
  /** Publishes on retail/v1/s/{id}/up/{channel}: JSON of the envelopes, or a raw string as is. */
  publish(channel: "events" | "status" | "query", body: unknown, retain?: boolean): Promise<void>;
  close(): Promise<void>;
}

export async function connectStore(e: Enrolled): Promise<StoreWire> {
  const client = await mqtt.connectAsync(e.mqtt.url, {
    clientId: e.mqtt.clientId,
    username: e.mqtt.username,
    password: e.mqtt.password,
    protocolVersion: 4,
    reconnectPeriod: 0,
    clean: true,
  });
  return {
    client,
    async publish(channel, body, retain = false) {
      await client.publishAsync(
        `retail/v1/s/${e.storeId}/up/${channel}`,
        typeof body === "string" ? body : JSON.stringify(body),
        { qos: 1, retain },
      );
    },
    close: () => client.endAsync(true),
  };
}

/** An envelope of `type` from `storeId` with its event seq (0 for status and query messages). */
export function eventEnvelope(storeId: string, seq: number, type: string, payload: unknown) {
  return { v: 1, id: uuidv7(), type, storeId, seq, occurredAt: new Date().toISOString(), payload };
}
