import { expect, test } from "bun:test";
import { resyncNotice } from "./resync-notice.ts";

const at = "2026-12-07T08:00:00.000Z";
const status = {
  identity: { instanceId: "i", lastResync: { kind: "diverged", at, moved: 6, hqMaxSeq: 20 } },
};

test("the status bar says the database was re-aligned for a day after it happened", () => {
  expect(resyncNotice(status, Date.parse(at) + 3600_000)).toEqual({ kind: "diverged", at });
  expect(resyncNotice(status, Date.parse(at) + 25 * 3600_000)).toBeUndefined();
  expect(resyncNotice({ identity: { instanceId: "i" } }, Date.parse(at))).toBeUndefined();
  expect(resyncNotice({}, Date.parse(at))).toBeUndefined();
  expect(resyncNotice(undefined, Date.parse(at))).toBeUndefined();
  const garbled = { identity: { instanceId: "i", lastResync: { ...status.identity.lastResync, at: "x" } } };
  expect(resyncNotice(garbled, Date.parse(at))).toBeUndefined();
});
