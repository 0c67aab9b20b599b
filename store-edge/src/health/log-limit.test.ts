import { expect, test } from "bun:test";
import { RateLimitedLog } from "./log-limit.ts";

test("the same line is written once per interval, then once with how often it repeated", () => {
  const lines: string[] = [];
  let now = 0;
  const log = new RateLimitedLog(
    (l) => lines.push(l),
    60_000,
    () => now,
  );
  for (let i = 0; i < 1000; i++) log.log("full", "disk full");
  log.log("other", "something else");
  expect(lines).toEqual(["disk full", "something else"]);
  now = 61_000;
  log.log("full", "disk full");
  expect(lines[2]).toBe("disk full (repeated 999 times in the last 61 s)");
});

test("keys are bounded: a flood of distinct lines cannot grow the map past its cap", () => {
  const lines: string[] = [];
  const log = new RateLimitedLog(
    (l) => lines.push(l),
    60_000,
    () => 0,
    10,
  );
  for (let i = 0; i < 100; i++) log.log(`k${i}`, `line ${i}`);
  expect(lines.length).toBe(100);
  expect((log as unknown as { seen: Map<string, unknown> }).seen.size).toBe(10);
});
