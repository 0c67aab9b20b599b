import { expect, test } from "bun:test";
import { errorFrom, qs } from "./errors.ts";

test("a validation error keeps the field at fault", () => {
  const e = errorFrom(
    400,
    JSON.stringify({ error: "validation", field: "sku", message: "sku: unknown SKU P9" }),
  );
  expect(e.status).toBe(400);
  expect(e.field).toBe("sku");
  expect(e.message).toBe("sku: unknown SKU P9");
});

test("a 403 carries the hub's reason in plain words", () => {
  const e = errorFrom(403, JSON.stringify({ error: "forbidden", reason: "auditor is read-only" }));
  expect(e.code).toBe("forbidden");
  expect(e.message).toBe("auditor is read-only");
  expect(e.missing).toBe(false);
});

test("a route the hub does not have is 'missing', an unknown record is not", () => {
  expect(
    errorFrom(404, JSON.stringify({ error: "not_found", message: "no route GET /api/v1/x" })).missing,
  ).toBe(true);
  expect(errorFrom(404, JSON.stringify({ error: "not_found", message: "no store S9" })).missing).toBe(false);
});

test("non-JSON bodies still give a message", () => {
  expect(errorFrom(502, "<html>bad gateway</html>").message).toContain("bad gateway");
  expect(errorFrom(500, "").message).toBe("HTTP 500");
});

test("qs drops empty values", () => {
  expect(qs({ from: "2026-12-01", store: undefined, by: "" })).toBe("?from=2026-12-01");
  expect(qs({})).toBe("");
});
