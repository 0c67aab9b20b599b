// The daily expiry markdown run: the rule (pure) and the hub's scheduled run with its clock
// passed in: due from the slot, once a day also across a restart of the hub on the same
// database, again after a run that stopped half way, audited as `markdown-schedule`; hostile
// schedules refused naming the field.
import { afterAll, expect, setDefaultTimeout, test } from "bun:test";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { loadConfig } from "../config.ts";
import { type Hub, startHub } from "../hub.ts";
import { ADMIN_TOKEN, api, tempDir } from "../test-kit.ts";
import { dueMarkdownDay, slotOf } from "./markdown-schedule.ts";

setDefaultTimeout(60_000);

test("due from the day's slot (China time) until that day's run finished; never when off", () => {
  const s = { enabled: true, atMinute: 7 * 60 + 30 };
  // 2026-12-08 07:30 in Shanghai is 2026-12-07T23:30Z.
  expect(slotOf("2026-12-08", s.atMinute).toISOString()).toBe("2026-12-07T23:30:00.000Z");
  const none = new Set<string>();
  expect(dueMarkdownDay(s, none, new Date("2026-12-07T23:29:59Z"))).toBeNull();
  expect(dueMarkdownDay(s, none, new Date("2026-12-07T23:30:00Z"))).toBe("2026-12-08");
  // Down at the slot, back in the afternoon: still that day's run.
  expect(dueMarkdownDay(s, none, new Date("2026-12-08T07:00:00Z"))).toBe("2026-12-08");
  expect(dueMarkdownDay(s, new Set(["2026-12-08"]), new Date("2026-12-08T07:00:00Z"))).toBeNull();
  // Just after midnight China time: the new day's slot has not come yet.
  expect(dueMarkdownDay(s, new Set(["2026-12-08"]), new Date("2026-12-08T16:05:00Z"))).toBeNull();
  expect(dueMarkdownDay({ ...s, enabled: false }, none, new Date("2026-12-08T07:00:00Z"))).toBeNull();
  expect(dueMarkdownDay(undefined, none, new Date("2026-12-08T07:00:00Z"))).toBeNull();
});

const dir = tempDir("markdown-schedule-");
let clock = new Date("2026-12-07T22:59:00Z"); // 06:59 in Shanghai, 2026-12-08
let hub: Hub | undefined;
afterAll(async () => {
  await hub?.stop();
  dir.remove();
});

async function start() {
  const config = loadConfig({
    env: {},
    cwd: dir.path,
    overrides: {
      port: 0,
      mqttPort: 0,
      dataDir: join(dir.path, "data"),
      adminToken: ADMIN_TOKEN,
      memberSyncMs: 0,
    },
  });
  hub = await startHub(config, { now: () => clock, log: () => {} });
  return hub;
}

test("the hub runs the day's markdowns once at the slot, not again after a restart, again after a half-done run; audited", async () => {
  let h = await start();
  expect((await api(h, "GET", "/api/v1/batches/markdown-schedule")).body).toMatchObject({ enabled: false });
  // Hostile or wrong schedules are refused naming the field; an auditor may not set it.
  for (const at of ["24:00", "7:00", "07:60", "0700", "07:00:00", ""]) {
    const bad = await api(h, "PUT", "/api/v1/batches/markdown-schedule", { enabled: true, at });
    expect([bad.status, bad.body.field]).toEqual([400, "at"]);
  }
  expect(
    (await api(h, "PUT", "/api/v1/batches/markdown-schedule", { enabled: "yes", at: "07:00" })).status,
  ).toBe(400);
  const auditor = (await api(h, "POST", "/api/v1/tokens", { name: "audit", role: "auditor" })).body.token;
  expect(
    (await api(h, "PUT", "/api/v1/batches/markdown-schedule", { enabled: true, at: "07:00" }, auditor))
      .status,
  ).toBe(403);
  expect(
    (
      await api(h, "POST", "/api/v1/batches/markdown-rules", {
        name: "临期3天7折",
        maxDaysLeft: 3,
        minQty: 1,
        percent: 30,
      })
    ).status,
  ).toBe(200);
  const set = await api(h, "PUT", "/api/v1/batches/markdown-schedule", { enabled: true, at: "07:00" });
  expect(set.body).toMatchObject({ enabled: true, at: "07:00", updatedBy: expect.stringContaining("admin") });

  expect(await h.markdownRuns.runDue()).toBeNull(); // 06:59
  clock = new Date("2026-12-07T23:00:00Z"); // 07:00
  expect(await h.markdownRuns.runDue()).toMatchObject({ day: "2026-12-08", markdowns: [] });
  expect(await h.markdownRuns.runDue()).toBeNull();

  // A restart on the same database later that morning: the day's run is done.
  await h.stop();
  clock = new Date("2026-12-08T01:30:00Z");
  h = await start();
  expect(await h.markdownRuns.runDue()).toBeNull();
  // The next day at 07:00 it runs again, once.
  clock = new Date("2026-12-08T23:00:30Z");
  expect(await h.markdownRuns.runDue()).toMatchObject({ day: "2026-12-09" });
  expect(await h.markdownRuns.runDue()).toBeNull();
  // A run that started but never finished (the hub stopped half way) is run again.
  h.db.prepare("UPDATE markdown_runs SET finished_at = NULL WHERE day = '2026-12-09'").run();
  expect(await h.markdownRuns.runDue()).toMatchObject({ day: "2026-12-09" });
  expect(await h.markdownRuns.runDue()).toBeNull();

  const runs = (await api(h, "GET", "/api/v1/batches/markdown-runs")).body;
  expect(runs.map((r: { day: string; finishedAt: string | null }) => [r.day, r.finishedAt !== null])).toEqual(
    [
      ["2026-12-09", true],
      ["2026-12-08", true],
    ],
  );
  const audit = (await api(h, "GET", "/api/v1/audit?actor=markdown-schedule")).body;
  expect(audit.total).toBe(3);
  expect(audit.rows[0]).toMatchObject({
    actor: "markdown-schedule",
    status: 200,
    summary: expect.stringContaining("2026-12-09"),
  });
  // Setting the schedule is audited like any write.
  const puts = (await api(h, "GET", "/api/v1/audit?q=markdown-schedule")).body;
  expect(puts.rows.some((r: { method: string }) => r.method === "PUT")).toBe(true);
});
