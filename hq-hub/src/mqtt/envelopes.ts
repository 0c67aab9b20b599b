// HQ -> store traffic: every down message built as an envelope on the store's channel, and the
// two built by hand on the hot paths (the ack after each commit, a catalog page per fetch),
// published QoS 1 with failures counted and logged, and awaited at shutdown.
import {
  downTopic,
  type EventsAck,
  MESSAGES,
  type MessageType,
  makeEnvelope,
  type Payload,
  uuidv7,
} from "@retail/protocol";
import type { Bus } from "../broker/bus.ts";

const CLOSE_BRACE = 0x7d; // "}"
const ACK_V = MESSAGES["events.ack"].v;

const CHANNEL_OF: Partial<Record<MessageType, Parameters<typeof downTopic>[1]>> = {
  "catalog.pointer": "pointer",
  "catalog.changeset": "catalog",
  "events.ack": "ack",
  command: "command",
  "release.offer": "command",
  "stock.movement": "stock",
  "stock.alert": "stock",
  "stocktake.update": "stock",
  "replenishment.status": "replenishment",
  "stock.reply": "reply",
  "edge.welcome": "reply",
  "transfer.reply": "reply",
  "supply.reply": "reply",
  "transfers.reply": "reply",
  "certificate.issued": "reply",
};

export interface DownlinkStats {
  acks: number;
  pagesSent: number;
  errors: number;
}

export function createDownlink(opts: { now: () => Date; log: (line: string) => void; stats: DownlinkStats }) {
  const { now, log, stats } = opts;
  let bus: Bus | undefined;
  const pending = new Set<Promise<unknown>>();
  const track = (p: Promise<unknown>) => {
    pending.add(p);
    p.catch((e) => {
      stats.errors++;
      log(`hq-hub: publish failed: ${(e as Error).message}`);
    }).finally(() => pending.delete(p));
  };

  const publishText = (topic: string, text: string | Buffer, retain = false, qos: 0 | 1 = 1) => {
    if (bus) track(bus.publish(topic, text, { qos, retain }));
  };
  const envelopeText = <T extends MessageType>(storeId: string, type: T, payload: Payload<T>) =>
    JSON.stringify(makeEnvelope(type, payload, { storeId, occurredAt: now().toISOString() }));
  const send = async <T extends MessageType>(
    storeId: string,
    type: T,
    payload: Payload<T>,
    o: { retain?: boolean } = {},
  ) => {
    const channel = CHANNEL_OF[type];
    if (!channel) throw new Error(`${type} is not an HQ -> store message`);
    if (bus)
      await bus.publish(downTopic(storeId, channel), envelopeText(storeId, type, payload), {
        qos: 1,
        retain: o.retain ?? false,
      });
  };

  /** The retained pointer of a store (after a release reaches it). */
  function publishPointer(storeId: string, pointer: Payload<"catalog.pointer">) {
    publishText(downTopic(storeId, "pointer"), envelopeText(storeId, "catalog.pointer", pointer), true);
  }

  /** A store's ack, after the commit, and a resend command when seqs are missing. */
  function publishAck(out: {
    storeId: string;
    ack: EventsAck;
    confirm?: { fromSeq: number; toSeq: number };
  }) {
    const s = out.storeId;
    // Only now, after the commit, does the store learn its events are safe.
    // Built directly: the ack is made here from integers (validating it through the schema
    // cost as much as a sale's SQL); hub.test checks it parses as a valid events.ack.
    publishText(
      downTopic(s, "ack"),
      `{"v":${ACK_V},"id":"${uuidv7()}","type":"events.ack","storeId":${JSON.stringify(s)},"seq":0,"occurredAt":"${now().toISOString()}","payload":${JSON.stringify(out.ack)}}`,
    );
    stats.acks++;
    if (out.ack.missing.length > 0) {
      publishText(
        downTopic(s, "command"),
        envelopeText(s, "command", {
          commandId: uuidv7(),
          name: "resend_events",
          args: { fromSeq: out.ack.missing[0]!.from },
        }),
      );
    }
    // Events HQ committed ahead of a gap: the store replays the run from the one below them,
    // which confirms them as its own (conflicts/ahead.ts). An edge that ignores toSeq replays
    // up to its cursor: more traffic, same effect.
    if (out.confirm) {
      publishText(
        downTopic(s, "command"),
        envelopeText(s, "command", {
          commandId: uuidv7(),
          name: "resend_events",
          args: { fromSeq: out.confirm.fromSeq, toSeq: out.confirm.toSeq },
        }),
      );
    }
  }

  function publishAlert(s: string, a: { sku: string; onHand: number; reorderPoint: number }) {
    publishText(
      downTopic(s, "stock"),
      envelopeText(s, "stock.alert", {
        sku: a.sku,
        onHand: a.onHand,
        reorderPoint: a.reorderPoint,
        at: now().toISOString(),
      }),
    );
  }

  /** A catalog page whose payload JSON was validated once when built; only the head is new. */
  function publishPage(storeId: string, page: Buffer) {
    stats.pagesSent++;
    const head = `{"v":1,"id":"${uuidv7()}","type":"catalog.changeset","storeId":"${storeId}","seq":0,"occurredAt":"${now().toISOString()}","payload":`;
    // One uninitialised buffer filled by copy: Buffer.concat cost twice as much per store
    // and page (a 500 KB page to 1,000 stores is 1 GB of these).
    const headBytes = Buffer.byteLength(head);
    const body = Buffer.allocUnsafeSlow(headBytes + page.length + 1);
    body.write(head, 0, "utf8");
    page.copy(body, headBytes);
    body[headBytes + page.length] = CLOSE_BRACE;
    publishText(downTopic(storeId, "catalog"), body);
  }

  return {
    /** The broker, once it listens (publishing before that is a no-op, as before). */
    attach: (b: Bus) => {
      bus = b;
    },
    track,
    send,
    publishPointer,
    publishAck,
    publishAlert,
    publishPage,
    /** Waits for the publishes in flight (at shutdown). */
    settle: () => Promise.allSettled([...pending]),
  };
}

export type Downlink = ReturnType<typeof createDownlink>;
