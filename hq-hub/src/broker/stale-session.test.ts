// The rule that tells a store's own reconnect over a half-open session from a takeover.
import { describe, expect, test } from "bun:test";
import { isStaleSameHost } from "./embedded.ts";

describe("isStaleSameHost", () => {
  test("same host, old session silent past half its keepalive: a reconnect", () => {
    expect(isStaleSameHost("10.0.0.5:50001", "10.0.0.5:49000", 15_001, 30_000)).toBe(true);
    expect(isStaleSameHost("::ffff:10.0.0.5:50001", "::ffff:10.0.0.5:49000", 40_000, 30_000)).toBe(true);
  });
  test("same host but the old one spoke within half its keepalive: a takeover", () => {
    expect(isStaleSameHost("10.0.0.5:50001", "10.0.0.5:49000", 15_000, 30_000)).toBe(false);
    expect(isStaleSameHost("10.0.0.5:50001", "10.0.0.5:49000", 200, 30_000)).toBe(false);
  });
  test("another host, however silent the old one: a takeover", () => {
    expect(isStaleSameHost("10.0.0.6:50001", "10.0.0.5:49000", 600_000, 30_000)).toBe(false);
    expect(isStaleSameHost("::ffff:10.0.0.50:1", "::ffff:10.0.0.5:1", 600_000, 30_000)).toBe(false);
  });
  test("no keepalive: silent 30 s; an unknown address is never the same host", () => {
    expect(isStaleSameHost("10.0.0.5:2", "10.0.0.5:1", 29_000, 0)).toBe(false);
    expect(isStaleSameHost("10.0.0.5:2", "10.0.0.5:1", 31_000, 0)).toBe(true);
    expect(isStaleSameHost("unknown", "unknown", 600_000, 30_000)).toBe(false);
  });
});
