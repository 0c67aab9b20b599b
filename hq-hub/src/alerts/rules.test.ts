// The alert rules over one store's facts: each condition at its threshold, nothing for a store
// never seen, a store's devices and clock not judged while it is offline.
import { expect, test } from "bun:test";
import { conditionsOf, DEFAULT_THRESHOLDS, type StoreFacts } from "./rules.ts";
import { retryDelayMs, webhookBody } from "./webhook.ts";

const NOW = new Date("2026-12-07T12:00:00Z");
const healthy: StoreFacts = {
  storeId: "S1",
  state: "online",
  lastSeenAt: "2026-12-07T11:59:30Z",
  outboxBacklog: 0,
  oldestUnackedAgeSec: 0,
  diskFreeBytes: 50e9,
  diskTotalBytes: 100e9,
  clockSkewSec: 1,
  devices: [{ laneId: "1", kind: "printer", device: "tcp://p", state: "ready" }],
  catalogVersion: 7,
  pointerVersion: 7,
};
const kinds = (f: Partial<StoreFacts>) =>
  conditionsOf({ ...healthy, ...f }, NOW, DEFAULT_THRESHOLDS).map((c) => c.kind);

test("a healthy store has no condition; a store never seen has none either", () => {
  expect(kinds({})).toEqual([]);
  expect(kinds({ state: "never_seen", lastSeenAt: undefined, outboxBacklog: 10_000 })).toEqual([]);
});

test("each rule at its threshold", () => {
  expect(kinds({ lastSeenAt: "2026-12-07T11:57:00Z" })).toEqual([]); // 180 s: not past it
  expect(kinds({ lastSeenAt: "2026-12-07T11:56:59Z" })).toEqual(["store_offline"]);
  expect(kinds({ state: "offline" })).toEqual(["store_offline"]);
  expect(kinds({ outboxBacklog: 500 })).toEqual([]);
  expect(kinds({ outboxBacklog: 501 })).toEqual(["outbox_backlog"]);
  expect(kinds({ oldestUnackedAgeSec: 901 })).toEqual(["unacked_age"]);
  expect(kinds({ diskFreeBytes: 10e9 })).toEqual([]);
  expect(kinds({ diskFreeBytes: 9.99e9 })).toEqual(["disk_low"]);
  expect(kinds({ clockSkewSec: -121 })).toEqual(["clock_skew"]);
  expect(kinds({ clockSkewSec: 120 })).toEqual([]);
  expect(kinds({ catalogVersion: 6 })).toEqual(["catalog_behind"]);
  const dev = conditionsOf(
    {
      ...healthy,
      devices: [{ laneId: "2", kind: "scale", device: "/dev/ttyS0", state: "error", reason: "no answer" }],
    },
    NOW,
    DEFAULT_THRESHOLDS,
  );
  expect(dev).toEqual([
    {
      kind: "device_error",
      subject: "2/scale",
      detail: { lane: "2", device: "/dev/ttyS0", deviceKind: "scale", reason: "no answer" },
      graceSec: 0,
    },
  ]);
  // A version being applied is not an alert at once: catalog_behind waits its grace time.
  expect(conditionsOf({ ...healthy, catalogVersion: 6 }, NOW, DEFAULT_THRESHOLDS)[0]?.graceSec).toBe(600);
});

test("offline: the store's last devices and clock are old news, its backlog still counts", () => {
  expect(
    kinds({
      state: "offline",
      clockSkewSec: 9999,
      outboxBacklog: 600,
      catalogVersion: 1,
      devices: [{ laneId: "1", kind: "printer", device: "p", state: "error" }],
    }),
  ).toEqual(["store_offline", "outbox_backlog"]);
});

test("webhook body: WeCom and DingTalk markdown in zh-CN; backoff doubles to 10 min", () => {
  const a = {
    id: 7,
    kind: "store_offline" as const,
    storeId: "S1",
    subject: "",
    openedAt: "2026-12-07T12:00:00Z",
    lastAt: "2026-12-07T12:00:00Z",
    count: 1,
    detail: { silentSec: 400 },
  };
  const wecom = webhookBody(a, "raised", "上海徐汇店", "wecom") as {
    msgtype: string;
    markdown: { content: string };
  };
  expect(wecom.msgtype).toBe("markdown");
  expect(wecom.markdown.content).toContain("【告警】S1 上海徐汇店 门店离线");
  const ding = webhookBody(a, "cleared", undefined, "dingtalk") as {
    markdown: { title: string; text: string };
  };
  expect(ding.markdown.title).toBe("【已恢复】S1 门店离线");
  expect(ding.markdown.text).toContain("silentSec: 400");
  expect([1, 2, 3, 20].map(retryDelayMs)).toEqual([5000, 10_000, 20_000, 600_000]);
});
