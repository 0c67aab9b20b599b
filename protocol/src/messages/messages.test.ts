import { describe, expect, test } from "bun:test";
import { gzipSync } from "node:zlib";
import fc from "fast-check";
import { EXAMPLE_PAYLOADS } from "../examples.ts";
import {
  type CatalogChangeSet,
  canonicalJson,
  encodeEnvelope,
  gunzipItems,
  gzipItems,
  LEDGER_TYPES,
  MAX_ENVELOPE_BYTES,
  MAX_GUNZIPPED_ITEMS_BYTES,
  MAX_MQTT_PAYLOAD_BYTES,
  MESSAGE_TYPES,
  MessageError,
  type MessageType,
  makeEnvelope,
  parseEnvelope,
  parseEventBatch,
  safeParseEnvelope,
  uuidv7,
  uuidv7Time,
} from "./index.ts";

function example(type: MessageType, seq = LEDGER_TYPES.includes(type) ? 7 : 0) {
  return makeEnvelope(type, EXAMPLE_PAYLOADS[type] as never, {
    storeId: "S001",
    seq,
    occurredAt: "2026-11-25T01:30:00.000Z",
  });
}

function expectError(fn: () => unknown, code: string, field: string): MessageError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(MessageError);
    expect((e as MessageError).code).toBe(code as never);
    expect((e as MessageError).field).toBe(field);
    return e as MessageError;
  }
  throw new Error(`expected a MessageError ${code} at ${field}`);
}

describe("envelope", () => {
  test("every message type has a valid example that round-trips through the wire", () => {
    expect(Object.keys(EXAMPLE_PAYLOADS).sort()).toEqual([...MESSAGE_TYPES].sort());
    for (const type of MESSAGE_TYPES) {
      const env = example(type);
      const back = parseEnvelope(encodeEnvelope(env));
      expect(back as unknown).toEqual(env);
      expect(back.type).toBe(type);
    }
  });
  test("bytes in, UTF-8 out (Chinese names survive)", () => {
    const env = example("sale.completed");
    const back = parseEnvelope(new TextEncoder().encode(JSON.stringify(env)));
    expect(back.type === "sale.completed" && back.payload.lines[0]!.name).toBe("可口可乐 500ml");
  });
  test("unknown type and unknown version", () => {
    const env = { ...example("telemetry"), type: "sale.deleted" };
    expectError(() => parseEnvelope(JSON.stringify(env)), "unknown_type", "type");
    const v2 = { ...example("telemetry"), v: 2 };
    expectError(() => parseEnvelope(JSON.stringify(v2)), "unknown_version", "v");
  });
  test("missing and extra fields name the field", () => {
    const env = example("sale.completed") as { payload: Record<string, unknown> };
    const { receiptNo: _drop, ...rest } = env.payload;
    expectError(
      () => parseEnvelope(JSON.stringify({ ...env, payload: rest })),
      "invalid",
      "payload.receiptNo",
    );
    const { seq: _seq, ...noSeq } = env as unknown as Record<string, unknown>;
    expectError(() => parseEnvelope(JSON.stringify(noSeq)), "invalid", "seq");
    expectError(() => parseEnvelope(JSON.stringify({ ...env, extra: 1 })), "invalid", "");
  });
  test("money must be integer fen", () => {
    const env = example("sale.completed");
    const bad = structuredClone(env) as unknown as { payload: { lines: { unitPrice: number }[] } };
    bad.payload.lines[1]!.unitPrice = 12.8;
    expectError(() => parseEnvelope(JSON.stringify(bad)), "invalid", "payload.lines.1.unitPrice");
    const neg = structuredClone(env) as unknown as { payload: { totals: { net: number } } };
    neg.payload.totals.net = -1;
    expectError(() => parseEnvelope(JSON.stringify(neg)), "invalid", "payload.totals.net");
  });
  test("ledger events need seq >= 1, others seq 0", () => {
    expectError(() => example("sale.completed", 0), "invalid", "seq");
    expectError(() => example("store.status", 3), "invalid", "seq");
  });
  test("id must be a UUIDv7 and occurredAt an ISO time", () => {
    const env = example("telemetry");
    expectError(() => parseEnvelope(JSON.stringify({ ...env, id: crypto.randomUUID() })), "invalid", "id");
    expectError(
      () => parseEnvelope(JSON.stringify({ ...env, occurredAt: "yesterday" })),
      "invalid",
      "occurredAt",
    );
  });
  test("store messages need a real store id", () => {
    const env = example("telemetry");
    expectError(() => parseEnvelope(JSON.stringify({ ...env, storeId: "*" })), "invalid", "storeId");
    expectError(() => parseEnvelope(JSON.stringify({ ...env, storeId: "s 1" })), "invalid", "storeId");
  });
  test("oversized, non-JSON and non-UTF-8 payloads", () => {
    const big = JSON.stringify({ ...example("telemetry"), pad: "x".repeat(MAX_ENVELOPE_BYTES) });
    expectError(() => parseEnvelope(big), "too_large", "");
    expectError(() => parseEnvelope("{not json"), "bad_json", "");
    expectError(() => parseEnvelope(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d])), "bad_json", "");
    const r = safeParseEnvelope("[]");
    expect(r.ok).toBe(false);
  });
  test("a change-set page may fill the MQTT payload; other envelopes may not", () => {
    const base = example("catalog.changeset");
    const items = Array.from({ length: 1500 }, (_, i) => ({
      op: "upsert" as const,
      entity: "price" as const,
      data: {
        sku: `SKU${i}`,
        windows: [{ price: 100 + i, source: "chain" as const, startsAt: "2026-11-26T00:00:00.000+08:00" }],
      },
    }));
    const page = { ...base, payload: { ...base.payload, items } };
    const text = encodeEnvelope(page as never);
    expect(text.length).toBeGreaterThan(MAX_ENVELOPE_BYTES);
    expect(parseEnvelope(text).type).toBe("catalog.changeset");
    const tele = example("telemetry");
    const fat = JSON.stringify({
      ...tele,
      payload: { ...tele.payload, pad: "x".repeat(MAX_ENVELOPE_BYTES) },
    });
    expectError(() => parseEnvelope(fat), "too_large", "");
    expectError(() => parseEnvelope(`${" ".repeat(MAX_MQTT_PAYLOAD_BYTES)}{}`), "too_large", "");
  });
  test("encodeEnvelope refuses to send what the other side would refuse", () => {
    const env = example("telemetry");
    const fat = {
      ...env,
      payload: {
        ...env.payload,
        metrics: Object.fromEntries(Array.from({ length: 6000 }, (_, i) => [`m${i}_${"x".repeat(20)}`, i])),
      },
    };
    expect(() => encodeEnvelope(fat as never)).toThrow(MessageError);
  });
  test("fuzz: arbitrary JSON never throws anything but MessageError", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const r = safeParseEnvelope(JSON.stringify(v) ?? "null");
        expect(r.ok).toBe(false);
      }),
    );
  });
});

describe("event batches", () => {
  test("good events pass, a bad one is rejected alone with its index and raw text", () => {
    const a = example("sale.completed", 1);
    const b = { ...example("sale.completed", 2), payload: { nope: true } };
    const c = example("cash.moved", 3);
    const { events, rejected } = parseEventBatch(JSON.stringify([a, b, c]));
    expect(events.map((e) => e.seq)).toEqual([1, 3]);
    expect(rejected).toHaveLength(1);
    expect(rejected[0]!.index).toBe(1);
    expect(rejected[0]!.error.field).toMatch(/^payload\./);
    expect(JSON.parse(rejected[0]!.raw).seq).toBe(2);
  });
  test("an element over the envelope limit is rejected alone as too_large; the rest of its batch passes", () => {
    const a = example("sale.completed", 1);
    const fat = { ...example("cash.moved", 2), pad: "x".repeat(MAX_ENVELOPE_BYTES) };
    const c = example("cash.moved", 3);
    const { events, rejected } = parseEventBatch(JSON.stringify([a, fat, c]));
    expect(events.map((e) => e.seq)).toEqual([1, 3]);
    expect(rejected.map((r) => [r.index, r.error.code])).toEqual([[1, "too_large"]]);
    expect(JSON.parse(rejected[0]!.raw).seq).toBe(2);
  });
  test("a batch must be an array and within the payload limit", () => {
    expectError(() => parseEventBatch(JSON.stringify(example("telemetry"))), "invalid", "");
    expectError(() => parseEventBatch(`[${" ".repeat(MAX_MQTT_PAYLOAD_BYTES)}]`), "too_large", "");
  });
});

describe("uuidv7", () => {
  test("format, embedded time, and strict order within one millisecond", () => {
    const ids = Array.from({ length: 1000 }, () => uuidv7(1764034200000));
    for (const id of ids)
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(uuidv7Time(ids[0]!)).toBeGreaterThanOrEqual(1764034200000);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe("canonicalJson", () => {
  test("key order does not matter, values do", () => {
    expect(canonicalJson({ b: 1, a: [1, { d: 2, c: 3 }] })).toBe(
      canonicalJson({ a: [1, { c: 3, d: 2 }], b: 1 }),
    );
    expect(canonicalJson({ a: 1 })).not.toBe(canonicalJson({ a: 2 }));
    expect(canonicalJson({ a: undefined, b: null })).toBe('{"b":null}');
  });
});

describe("compressed catalog pages (itemsGzip)", () => {
  const items = Array.from({ length: 300 }, (_, i) => ({
    op: "upsert" as const,
    entity: "price" as const,
    data: { sku: `SKU${i}`, windows: [{ price: 100 + i, source: "chain" as const }] },
  }));
  const b64 = (text: string) => Buffer.from(gzipSync(text)).toString("base64");

  test("items round-trip through gzipItems / gunzipItems, and a page with itemsGzip parses", () => {
    const gz = gzipItems(items);
    expect(gunzipItems(gz)).toEqual(items);
    expect(gz.length).toBeLessThan(JSON.stringify(items).length / 4);
    const base = example("catalog.changeset");
    const { items: _, ...head } = base.payload as CatalogChangeSet;
    const page = { ...base, payload: { ...head, itemsGzip: gz } };
    const env = parseEnvelope(encodeEnvelope(page as never));
    expect(env.type === "catalog.changeset" && gunzipItems(env.payload.itemsGzip!)).toEqual(items);
    expect(gunzipItems(gzipItems([]))).toEqual([]);
  });

  test("bad base64, bad gzip, bad JSON and bad items are refused, naming the field", () => {
    expectError(() => gunzipItems("not base64!"), "invalid", "payload.itemsGzip");
    expectError(() => gunzipItems("abc"), "invalid", "payload.itemsGzip");
    expectError(
      () => gunzipItems(Buffer.from("plain text").toString("base64")),
      "invalid",
      "payload.itemsGzip",
    );
    expectError(() => gunzipItems(b64("[{")), "invalid", "payload.itemsGzip");
    expectError(() => gunzipItems(b64("{}")), "invalid", "payload.itemsGzip");
    expectError(
      () => gunzipItems(b64(JSON.stringify([{ op: "upsert", entity: "price", data: { sku: "" } }]))),
      "invalid",
      "payload.itemsGzip.0",
    );
  });

  test("a zip bomb is refused as too_large before it is inflated whole", () => {
    const bomb = Buffer.from(gzipSync(Buffer.alloc(MAX_GUNZIPPED_ITEMS_BYTES + 1024, 0x20))).toString(
      "base64",
    );
    expect(bomb.length).toBeLessThan(64 * 1024);
    expectError(() => gunzipItems(bomb), "too_large", "payload.itemsGzip");
  });

  test("a page carries exactly one of items and itemsGzip; a fetch may accept gzip", () => {
    const base = example("catalog.changeset");
    const { items: _, ...head } = base.payload as CatalogChangeSet;
    expectError(
      () => makeEnvelope("catalog.changeset", head as never, { storeId: "S001" }),
      "invalid",
      "payload.items",
    );
    expectError(
      () =>
        makeEnvelope(
          "catalog.changeset",
          { ...head, items: [], itemsGzip: gzipItems([]) },
          { storeId: "S001" },
        ),
      "invalid",
      "payload.itemsGzip",
    );
    const fetch = makeEnvelope(
      "catalog.fetch",
      { fromVersion: 3, page: 0, accept: ["gzip"] },
      { storeId: "S001" },
    );
    expect(fetch.payload.accept).toEqual(["gzip"]);
    expectError(
      () =>
        makeEnvelope("catalog.fetch", { fromVersion: 3, page: 0, accept: ["br"] } as never, {
          storeId: "S001",
        }),
      "invalid",
      "payload.accept.0",
    );
  });
});
