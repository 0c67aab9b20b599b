import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { EXAMPLE_PAYLOADS } from "./examples.ts";
import { jsonValueProblem, MAX_JSON_DEPTH } from "./json-guard.ts";
import { MAX_BATCH_EVENTS, MessageError, parseEnvelope, parseEventBatch } from "./messages/index.ts";

const nested = (d: number) => `${"[".repeat(d)}${"]".repeat(d)}`;
const sale = {
  v: 1,
  id: "0193e0a0-6f00-7000-8000-000000000009",
  type: "sale.completed",
  storeId: "S001",
  seq: 1,
  occurredAt: "2026-11-25T09:30:00.000+08:00",
  payload: EXAMPLE_PAYLOADS["sale.completed"],
};
const refused = (f: () => unknown): MessageError => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(MessageError);
    return e as MessageError;
  }
  throw new Error("accepted");
};

describe("jsonValueProblem: a bounded walk of a parsed value", () => {
  test("nesting up to MAX_JSON_DEPTH passes, one more is refused naming where", () => {
    expect(jsonValueProblem(JSON.parse(nested(MAX_JSON_DEPTH)))).toBeUndefined();
    expect(jsonValueProblem(JSON.parse(nested(MAX_JSON_DEPTH + 1)))).toEqual({
      path: "0.0.0.0.0.0.0.0.…",
      message: `nested deeper than ${MAX_JSON_DEPTH} levels`,
    });
    const deepObject = JSON.parse(`{"a":${'{"b":'.repeat(40)}1${"}".repeat(41)}`);
    expect(jsonValueProblem(deepObject)?.path).toBe("a.b.b.b.b.b.b.b.…");
    expect(jsonValueProblem(JSON.parse(nested(100_000)))?.message).toContain("nested");
  });

  test("lone surrogates in values and keys are refused, pairs pass", () => {
    expect(jsonValueProblem(JSON.parse('["\\ud83d\\ude00", "😀"]'))).toBeUndefined();
    expect(jsonValueProblem(JSON.parse('{"a":["x","\\ud800"]}'))).toEqual({
      path: "a.1",
      message: "a lone UTF-16 surrogate is not text",
    });
    expect(jsonValueProblem(JSON.parse('{"\\udc00":1}'))).toEqual({
      path: "?",
      message: "a lone UTF-16 surrogate is not text",
    });
    expect(jsonValueProblem(JSON.parse('["\\\\ud800"]'))).toBeUndefined(); // a backslash, then text
  });

  test("property: any JSON value within the depth passes; wrapped past it, it is refused", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 10 }), fc.integer({ min: 33, max: 200 }), (value, wraps) => {
        expect(jsonValueProblem(value)).toBeUndefined();
        let deep: unknown = [value];
        for (let i = 1; i < wraps; i++) deep = i % 2 ? { k: deep } : [deep];
        expect(jsonValueProblem(deep)?.message).toBe("nested deeper than 32 levels");
      }),
      { numRuns: 300 },
    );
  });
});

describe("parsing refuses hostile shapes with a MessageError, never anything else", () => {
  test("nesting 100,000 deep: bad_json, for a batch and for an element", () => {
    expect(refused(() => parseEventBatch(nested(100_000))).code).toBe("bad_json");
    const inElement = refused(() => parseEventBatch(`[{"v":1,"payload":${nested(60_000)}}]`));
    expect(inElement).toMatchObject({ code: "bad_json", field: "0.payload.0.0.0.0.0.0.…" });
    expect(inElement.message).toContain("nested deeper than 32 levels");
    // One envelope: its schema never descends into the unknown field, so it is refused as such.
    expect(refused(() => parseEnvelope(`{"v":1,"payload":${nested(50_000)}}`)).code).toBe("invalid");
  });

  test("a lone surrogate anywhere is bad_json naming the field; as raw text too", () => {
    const text = JSON.stringify([sale]).replace('"可口可乐 500ml"', '"\\ud800 500ml"');
    expect(refused(() => parseEventBatch(text))).toMatchObject({
      code: "bad_json",
      field: "0.payload.lines.0.name",
    });
    expect(refused(() => parseEventBatch(Buffer.from(text))).field).toBe("0.payload.lines.0.name");
    const raw = JSON.stringify([sale]).replace("可口可乐", "\ud800");
    expect(refused(() => parseEventBatch(raw)).field).toBe("0.payload.lines.0.name");
    expect(parseEventBatch(JSON.stringify([sale])).events).toHaveLength(1);
  });

  test("a batch of more than MAX_BATCH_EVENTS elements is refused whole (too_large)", () => {
    const huge = `[${Array(MAX_BATCH_EVENTS + 1)
      .fill("0")
      .join(",")}]`;
    expect(refused(() => parseEventBatch(huge)).code).toBe("too_large");
  });
});
