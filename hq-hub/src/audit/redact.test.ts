import { describe, expect, test } from "bun:test";
import { auditJson, MAX_JSON_CHARS, REDACTED } from "./redact.ts";

describe("what the audit log keeps of a request or an answer", () => {
  test("a token shown once and an MQTT password are redacted wherever they are nested", () => {
    const kept = JSON.parse(
      auditJson("/api/v1/tokens", {
        id: 3,
        token: "hq_secret",
        name: "审计员",
        nested: [{ mqtt: { username: "S001", password: "pw" } }],
      })!,
    );
    expect(kept).toEqual({
      id: 3,
      token: REDACTED,
      name: "审计员",
      nested: [{ mqtt: { username: "S001", password: REDACTED } }],
    });
  });

  test("an enrollment code is a secret on the enrollment routes, a product's code is not elsewhere", () => {
    expect(
      JSON.parse(auditJson("/api/v1/stores/{id}/enrollment-code", { code: "ABCD-1234", expiresAt: "x" })!),
    ).toEqual({
      code: REDACTED,
      expiresAt: "x",
    });
    expect(JSON.parse(auditJson("/api/v1/enroll", { code: "ABCD-1234" })!)).toEqual({ code: REDACTED });
    expect(
      JSON.parse(auditJson("/api/v1/reports/categories/{code}", { code: "1001", name: "饮料" })!),
    ).toEqual({
      code: "1001",
      name: "饮料",
    });
  });

  test("a CSV body is kept as its size and head; bytes as their count", () => {
    const csv = `sku,name\n${"P1,可乐\n".repeat(10_000)}`;
    const kept = JSON.parse(auditJson("/api/v1/catalog/import", csv)!);
    expect(kept.chars).toBe(csv.length);
    expect(kept.text.length).toBe(2000);
    expect(JSON.parse(auditJson("/x", new Uint8Array(123))!)).toEqual({ bytes: 123 });
  });

  test("a huge or absurdly nested value is cut, never stored whole", () => {
    const huge = { rows: Array.from({ length: 50_000 }, (_, i) => ({ sku: `P${i}`, priceFen: i })) };
    const json = auditJson("/x", huge)!;
    expect(json.length).toBeLessThan(MAX_JSON_CHARS + 200);
    const kept = JSON.parse(json);
    expect(kept.truncated).toBe(true);
    expect(kept.chars).toBeGreaterThan(MAX_JSON_CHARS);
    let deep: unknown = "bottom";
    for (let i = 0; i < 1000; i++) deep = { d: deep };
    expect(auditJson("/x", deep)).toContain("[too deep]");
  });

  test("nothing to keep is null; null and numbers are kept as they are", () => {
    expect(auditJson("/x", undefined)).toBeNull();
    expect(auditJson("/x", null)).toBe("null");
    expect(auditJson("/x", 5)).toBe("5");
  });
});
