// Generates docs/protocol.md from the protocol package itself: every message type with its
// direction, topic, ledger flag and a validated example envelope. `--check` fails when the
// checked-in file is stale (run by `npm run lint`).
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import {
  BROADCAST_CHANNELS,
  DOWN_CHANNELS,
  EXAMPLE_PAYLOADS,
  LEDGER_TYPES,
  MAX_BATCH_EVENTS,
  MAX_ENVELOPE_BYTES,
  MAX_JSON_DEPTH,
  MAX_MQTT_PACKET_BYTES,
  MAX_MQTT_PAYLOAD_BYTES,
  MAX_SHIFT_FEN,
  MAX_STOCK_QTY,
  MESSAGE_TYPES,
  MESSAGES,
  MONEY_CAPS,
  makeEnvelope,
  UP_CHANNELS,
} from "@retail/protocol";

const root = resolve(import.meta.dir, "..");
const out = join(root, "docs/protocol.md");
const messagesDir = "protocol/src/messages";

/** Message type -> the file under protocol/src/messages that declares its schema (read from the source). */
function schemaFiles(): Record<string, string> {
  const declaredIn = new Map<string, string>();
  for (const file of readdirSync(join(root, messagesDir)).filter((f) => /^[a-z-]+\.ts$/.test(f))) {
    for (const m of readFileSync(join(root, messagesDir, file), "utf8").matchAll(
      /^export const (\w+V\d+) = /gm,
    ))
      declaredIn.set(m[1]!, `${messagesDir}/${file}`);
  }
  const registry = readFileSync(join(root, messagesDir, "registry.ts"), "utf8");
  const files: Record<string, string> = {};
  for (const m of registry.matchAll(/^\s*"?([\w.]+)"?: \{\s*v: \d+,\s*schema: (\w+),/gm)) {
    const file = declaredIn.get(m[2]!);
    if (!file) throw new Error(`gen-protocol-docs: no file under ${messagesDir} declares ${m[2]}`);
    files[m[1]!] = file;
  }
  return files;
}

const purpose: Record<string, string> = {
  "sale.completed":
    "A sale committed at the till: lines priced by `priceBasket`, each stamped with the catalog version it was sold at, tenders, member, training flag, and any manual order adjustment (`adjustment`: 整单折扣 amount or basis points, 抹零 to the jiao/yuan, `approvedBy`) which HQ re-prices with the same engine.",
  "sale.returned":
    "A return against a receipt (or, with a supervisor, without one); refunds follow the PRICING.md return rule.",
  "shift.opened": "A cashier opened a shift on a lane with a cash float.",
  "shift.closed": "Shift close: counted cash by denomination, expected cash, over/short, totals by tender.",
  "cash.moved": "Cash put into or taken out of the drawer during a shift (top-up, pick-up).",
  "stock.counted": "A stock count; HQ posts the difference as a count adjustment.",
  "member.enrolled":
    "A member signed up at the till: phone, name, the consents with the wording shown and their time (membership granted is required). HQ creates the member exactly once (a phone HQ already has is recorded as a duplicate naming the existing member) and sends it to every store.",
  "receiving.confirmed": "Goods received at the store against a purchase order or delivery.",
  "audit.recorded": "Void, no-sale, price override and other supervised actions, for loss prevention.",
  "day.digest":
    "The store's completeness proof for one business day (China time): receipt count, money by tender, returns, first/last seq and every receipt number (packed ranges) with a SHA-256 of the sorted list. Sent as a ledger event (exactly once); a later one for the same day replaces it. See sync.md.",
  "store.status": "Retained store status; the same topic carries the MQTT last-will with `state: offline`.",
  telemetry: "Periodic integer gauges and counters from the store.",
  "catalog.fetch":
    "The store asks for the next catalog change set (or a page of it) after the version it has.",
  "catalog.applied": "The store applied a catalog version (the whole change set, in one transaction).",
  "stock.query": "The till asks HQ for an item's stock in nearby stores.",
  "edge.hello":
    "On every (re)connect, before any event: the edge's instance (one per edge.db), last and acked seq, and the first event of each process run above the ack; HQ answers `edge.welcome`.",
  "certificate.request":
    'The edge asks HQ to sign a new key it made (renewal: HQ\'s `renew_certificate` command, or 30 days before its certificate expires); HQ answers `certificate.issued`. See appliance.md "Certificate renewal".',
  "certificate.issued":
    "Answer to `certificate.request`: the store's new certificate and the chain CA, or the field refused. The old certificate works until the new one is first used.",
  "catalog.pointer": "Retained: the newest catalog version released to this store.",
  "catalog.changeset": "One page of a catalog change set (delta) or of a full snapshot.",
  "events.ack":
    'HQ decided every ledger event up to `upToSeq`; `missing` asks for a resend. `held` (optional) lists the events HQ holds as conflicts awaiting a person, each `{seq, id}`: the store does not count its event delivered while its id is listed, nor resends it. `checks` (optional) lists every id HQ decided on at seqs it committed ahead of a gap: a store whose id is not listed there sends its event again (a forged one took the seq). See docs/sync.md "Conflicts".',
  command: "An instruction from HQ: re-sync the catalog, resend events, reload config, publish status.",
  "stock.movement": "Stock moved by HQ: transfers, receipts due, adjustments.",
  "stock.alert": "Stock of a SKU at this store fell to or below its reorder point.",
  "replenishment.status": "Where replenishment of items stands (suggested, ordered, in transit, received).",
  "stock.reply": "Answer to `stock.query`: on-hand in nearby stores.",
  "edge.welcome":
    "Answer to `edge.hello`: HQ's head and highest seq for the store and whether it holds each boot's first event; a restored or fresh edge re-bases its new events above `maxSeq` (sync.md).",
};

export function renderProtocolDoc(): string {
  const files = schemaFiles();
  const lines: string[] = [];
  lines.push("# Message catalogue");
  lines.push("");
  lines.push("Generated from `protocol/src` by `bun scripts/gen-protocol-docs.ts`; do not edit by hand.");
  lines.push("How the messages are used together is in [sync.md](sync.md).");
  lines.push("");
  lines.push("## Envelope");
  lines.push("");
  lines.push("Every message is one JSON envelope `{ v, id, type, storeId, seq, occurredAt, payload }`:");
  lines.push("");
  lines.push("- `v`: schema version of `type` (all are 1 today); an unknown version is refused.");
  lines.push("- `id`: a UUIDv7, unique chain-wide; HQ's inbox is keyed by it.");
  lines.push("- `type`: one of the types below; an unknown type is refused.");
  lines.push("- `storeId`: the sending store (up) or the addressee (down; `*` for a broadcast).");
  lines.push("- `seq`: the store's gapless counter for ledger events (>= 1); 0 for every other message.");
  lines.push("- `occurredAt`: ISO 8601 time with offset.");
  lines.push(
    "- `payload`: validated strictly by the type's zod schema: a missing, extra or mistyped field is refused with its path.",
  );
  lines.push("");
  lines.push(
    "All money is integer fen (1 元 = 100 fen), never decimals. Quantities are whole units, or grams for weighed goods (`weighed: true`, price per kg).",
  );
  lines.push("");
  lines.push(
    "Size limits: an envelope at most " +
      `${MAX_ENVELOPE_BYTES / 1024} KiB; an MQTT payload (an event batch, or one change-set page envelope, the only envelope allowed past the first limit) at most ${MAX_MQTT_PAYLOAD_BYTES / 1024} KiB; the embedded broker refuses packets above ${MAX_MQTT_PACKET_BYTES / 1024} KiB.`,
  );
  lines.push(
    "Ledger events travel on `up/events` as a JSON array of envelopes (a batch); each element is validated alone, so one bad event is dead-lettered without stopping the others.",
  );
  lines.push(
    `A batch holds at most ${MAX_BATCH_EVENTS.toLocaleString("en")} envelopes. Before any JSON is parsed it is checked in one bounded pass: nesting deeper than ${MAX_JSON_DEPTH} levels, or a lone UTF-16 surrogate (raw or as a \\u escape), refuses the message as \`bad_json\` naming the offset.`,
  );
  lines.push("");
  lines.push("## Money and quantity caps");
  lines.push("");
  const yuan = (fen: number) => `¥${(fen / 100).toLocaleString("en")}`;
  const fenCap = (fen: number) => `${fen.toLocaleString("en")} fen (${yuan(fen)})`;
  lines.push(
    "Every amount and quantity has a ceiling, so that no sum HQ keeps (a store-day, a month, the chain over years) can leave the exact integer range (2^53 in JavaScript, 2^63 in SQLite). A value above its cap is refused like any schema error, naming the field (`payload.lines.0.unitPrice: exceeds the protocol cap of ...`); the hub dead-letters the event.",
  );
  lines.push("");
  lines.push("| what | fields | cap |");
  lines.push("|---|---|---|");
  lines.push(
    `| quantity on a sale or return line (units, or grams when weighed) | \`lines[].qty\` | ${MONEY_CAPS.qty.toLocaleString("en")} |`,
  );
  lines.push(
    `| unit price (per unit, or per kg when weighed) | \`lines[].unitPrice\`, \`lines[].override.catalogPrice\` | ${fenCap(MONEY_CAPS.unitPriceFen)} |`,
  );
  lines.push(
    `| a line's money | \`gross\`, \`net\`, \`tax\`, \`discounts[].amount\`, a return line's \`refund\` and \`tax\` | ${fenCap(MONEY_CAPS.lineFen)} |`,
  );
  lines.push(
    `| a sale's or return's money | \`totals.*\`, each tender's \`amount\`, \`received\`, \`change\`; an audit's \`amount\` (absolute) | ${fenCap(MONEY_CAPS.saleFen)} |`,
  );
  lines.push(
    `| a shift's cash | \`float\`, \`counted\`, \`expected\`, \`overShort\` (absolute), \`sales.net\`, \`returns.refund\`, \`byTender\`, \`cashIn\`, \`cashOut\`; \`cash.moved\` \`amount\` | ${fenCap(MAX_SHIFT_FEN)} |`,
  );
  lines.push(
    `| stock quantities | \`stock.counted\` \`counted\`/\`expected\` (absolute), \`receiving.confirmed\` \`qty\`/\`expected\` | ${MAX_STOCK_QTY.toLocaleString("en")} |`,
  );
  lines.push("");
  lines.push(
    "Why these: a line of ¥100,000 is above any shelf item times a plausible quantity; a ¥1,000,000 sale is above the biggest till basket (a corporate gift-card order; beyond it is a B2B invoice). With them, 2^53 fen is some 90 million maximum sales: a chain-wide report over years stays exact. A chain may lower the four sale-level caps in `hq-hub.json` (`moneyCaps`: `qty`, `unitPriceFen`, `lineFen`, `saleFen`), never raise them; a sale above a chain's cap but within these is booked at HQ like any other and raised as a price finding naming the store, sale, field and cap, never dead-lettered (see [hq-hub.md](hq-hub.md)).",
  );
  lines.push("");
  lines.push("## Topics");
  lines.push("");
  lines.push("| topic | direction | channels | who may use it |");
  lines.push("|---|---|---|---|");
  lines.push(
    `| \`retail/v1/s/{storeId}/up/{channel}\` | store -> HQ | ${UP_CHANNELS.map((c) => `\`${c}\``).join(", ")} | only store {storeId} publishes; the hub subscribes (events as MQTT 5 shared subscription \`$share/hub/...\`) |`,
  );
  lines.push(
    `| \`retail/v1/s/{storeId}/down/{channel}\` | HQ -> store | ${DOWN_CHANNELS.map((c) => `\`${c}\``).join(", ")} | only store {storeId} subscribes |`,
  );
  lines.push(
    `| \`retail/v1/all/{channel}\` | HQ -> every store | ${BROADCAST_CHANNELS.map((c) => `\`${c}\``).join(", ")} | every store subscribes |`,
  );
  lines.push("");
  lines.push(
    "Store ids are 1-16 upper-case letters or digits. A store's subscription filter may use `+`/`#` only for the channel level.",
  );
  lines.push("");
  lines.push("## Messages");
  lines.push("");
  lines.push("| type | v | direction | channel | ledger (seq) |");
  lines.push("|---|---|---|---|---|");
  for (const type of MESSAGE_TYPES) {
    const m = MESSAGES[type];
    lines.push(
      `| [\`${type}\`](#${type.replace(/\./g, "")}) | ${m.v} | ${m.dir === "up" ? "store -> HQ" : "HQ -> store"} | \`${m.channel}\` | ${LEDGER_TYPES.includes(type) ? "yes" : "no"} |`,
    );
  }
  for (const type of MESSAGE_TYPES) {
    const m = MESSAGES[type];
    const file = files[type];
    if (!file) throw new Error(`gen-protocol-docs: ${type} is not in ${messagesDir}/registry.ts`);
    const env = makeEnvelope(type, EXAMPLE_PAYLOADS[type] as never, {
      storeId: "S001",
      seq: m.ledger ? 1234 : 0,
      id: "0193e0a0-6f00-7000-8000-00000000beef",
      occurredAt: "2026-11-25T09:30:00.000+08:00",
    });
    lines.push("");
    lines.push(`### ${type}`);
    lines.push("");
    lines.push(purpose[type] ?? "");
    lines.push("");
    const topic = m.dir === "up" ? `retail/v1/s/S001/up/${m.channel}` : `retail/v1/s/S001/down/${m.channel}`;
    lines.push(
      `Topic: \`${topic}\`${m.ledger ? " (inside a batch array)" : ""}. Schema: \`${type}\` v${m.v} in \`${file}\`.`,
    );
    lines.push("");
    lines.push("```json");
    lines.push(JSON.stringify(env, null, 2));
    lines.push("```");
  }
  lines.push("");
  return lines.join("\n");
}

if (import.meta.main) {
  const text = renderProtocolDoc();
  if (process.argv.includes("--check")) {
    let current = "";
    try {
      current = readFileSync(out, "utf8");
    } catch {}
    if (current !== text) {
      console.error("docs/protocol.md is stale: run `bun scripts/gen-protocol-docs.ts`");
      process.exit(1);
    }
    console.log("docs/protocol.md is current");
  } else {
    writeFileSync(out, text);
    console.log(`wrote ${out}`);
  }
}
