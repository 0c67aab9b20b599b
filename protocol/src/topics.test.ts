import { describe, expect, test } from "bun:test";
import {
  broadcastTopic,
  downTopic,
  hubSubscriptions,
  mayStorePublish,
  mayStoreSubscribe,
  mosquittoAclFor,
  parseTopic,
  storeSubscriptions,
  TopicError,
  upTopic,
} from "./topics.ts";

describe("topics", () => {
  test("build and parse round trip", () => {
    expect(upTopic("S001", "events")).toBe("retail/v1/s/S001/up/events");
    expect(downTopic("S001", "ack")).toBe("retail/v1/s/S001/down/ack");
    expect(broadcastTopic("command")).toBe("retail/v1/all/command");
    expect(parseTopic("retail/v1/s/S001/up/events")).toEqual({
      direction: "up",
      storeId: "S001",
      channel: "events",
    });
    expect(parseTopic("retail/v1/s/S001/down/pointer")).toEqual({
      direction: "down",
      storeId: "S001",
      channel: "pointer",
    });
    expect(parseTopic("retail/v1/all/catalog")).toEqual({ direction: "broadcast", channel: "catalog" });
  });
  test("foreign or malformed topics do not parse", () => {
    for (const t of [
      "retail/v2/s/S001/up/events",
      "retail/v1/s/s001/up/events",
      "retail/v1/s/S001/up/nope",
      "retail/v1/s/S001/sideways/events",
      "retail/v1/s/S001/up/events/extra",
      "retail/v1/all/ack",
      "other",
    ]) {
      expect(parseTopic(t)).toBeUndefined();
    }
  });
  test("bad store ids and channels are typed errors", () => {
    expect(() => upTopic("s-1", "events")).toThrow(TopicError);
    expect(() => upTopic("S1", "ack" as never)).toThrow("unknown up channel");
    expect(() => downTopic("S1", "events" as never)).toThrow("unknown down channel");
  });
  test("a store publishes only on its own up-topics", () => {
    expect(mayStorePublish("S001", "retail/v1/s/S001/up/events")).toBe(true);
    expect(mayStorePublish("S001", "retail/v1/s/S002/up/events")).toBe(false);
    expect(mayStorePublish("S001", "retail/v1/s/S001/down/ack")).toBe(false);
    expect(mayStorePublish("S001", "retail/v1/all/command")).toBe(false);
    expect(mayStorePublish("S001", "retail/v1/s/+/up/events")).toBe(false);
  });
  test("a store subscribes only to its own down-topics and broadcasts", () => {
    for (const f of storeSubscriptions("S001")) expect(mayStoreSubscribe("S001", f)).toBe(true);
    expect(mayStoreSubscribe("S001", "retail/v1/s/S001/down/#")).toBe(true);
    expect(mayStoreSubscribe("S001", "retail/v1/all/#")).toBe(true);
    expect(mayStoreSubscribe("S001", "retail/v1/s/S002/down/ack")).toBe(false);
    expect(mayStoreSubscribe("S001", "retail/v1/s/+/down/ack")).toBe(false);
    expect(mayStoreSubscribe("S001", "retail/v1/s/S001/+/ack")).toBe(false);
    expect(mayStoreSubscribe("S001", "retail/v1/s/S001/up/events")).toBe(false);
    expect(mayStoreSubscribe("S001", "retail/v1/#")).toBe(false);
    expect(mayStoreSubscribe("S001", "#")).toBe(false);
    expect(mayStoreSubscribe("S001", "$share/g/retail/v1/s/S001/down/ack")).toBe(false);
  });
  test("hub subscriptions, shared only for events", () => {
    expect(hubSubscriptions()).toContain("retail/v1/s/+/up/events");
    const shared = hubSubscriptions("hub");
    expect(shared).toContain("$share/hub/retail/v1/s/+/up/events");
    expect(shared).toContain("retail/v1/s/+/up/status");
  });
  test("mosquitto ACL lines", () => {
    expect(mosquittoAclFor("S001", "store-S001")).toBe(
      "user store-S001\ntopic write retail/v1/s/S001/up/#\ntopic read retail/v1/s/S001/down/#\ntopic read retail/v1/all/#\n",
    );
  });
});
