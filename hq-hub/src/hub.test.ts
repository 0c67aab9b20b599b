import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { api, connectStore, enrollStore, saleEvent, startTestHub } from "./test-kit.ts";

// Real processes and brokers on a shared 2-core machine: generous, never a timing assertion.
setDefaultTimeout(60_000);

let hub: Awaited<ReturnType<typeof startTestHub>>;
beforeAll(async () => {
  hub = await startTestHub();
});
afterAll(async () => {
  await hub.cleanup();
});

describe("enrollment and first contact", () => {
  test("a store enrolls once, connects with its credentials, and its sale is acked after commit", async () => {
    const creds = await enrollStore(hub, "S001", { region: "east" });
    expect(creds).toEqual({
      storeId: "S001",
      storeName: "门店 S001",
      region: "east",
      mqtt: {
        url: hub.mqtt.url,
        username: "store-S001",
        password: expect.any(String),
        clientId: "store-S001",
      },
      // The chain's release key (releases/): updates must verify under it.
      releaseKey: expect.stringMatching(/^[A-Za-z0-9+/]+=*$/),
    });
    const store = await connectStore(creds);
    const sale = saleEvent("S001", 1);
    await store.publishEvents([sale]);
    const ack = await store.next("events.ack");
    expect(ack.payload).toEqual({ upToSeq: 1, missing: [] });
    const row = hub.db
      .prepare("SELECT net_fen FROM sales WHERE store_id = 'S001' AND sale_id = ?")
      .get(sale.payload.saleId) as { net_fen: number };
    expect(row.net_fen).toBe(500);
    await store.close();
  });

  test("an enrollment code works once", async () => {
    await api(hub, "POST", "/api/v1/stores", { id: "S002", name: "二店", region: "east" });
    const code = (await api(hub, "POST", "/api/v1/stores/S002/enrollment-code")).body.code;
    expect((await api(hub, "POST", "/api/v1/enroll", { code }, "")).status).toBe(200);
    const again = await api(hub, "POST", "/api/v1/enroll", { code }, "");
    expect(again.status).toBe(400);
    expect(again.body.field).toBe("code");
  });
});
