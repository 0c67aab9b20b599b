// The exceptions screen's event conflicts (issue 13 item 2): a store's sale HQ holds because a
// forged sale (published with the store's own credentials) took its seq first. The screen shows
// both versions; an admin takes the store's: the forged sale's effects are reversed, the real one
// is applied, and the store gets an ack that no longer holds the seq (so its outbox row counts
// as delivered). The three choices against a real edge: store-edge/src/link/conflicts.test.ts.
import type { Page } from "playwright-core";
import { hubApi, until } from "./lib/procs.ts";
import { connectStore, type Enrolled, saleEnvelope } from "./lib/store.ts";

function assert(cond: unknown, what: string): asserts cond {
  if (!cond) throw new Error(`expected: ${what}`);
}

export async function conflictResolvedFromScreen(ctx: { page: Page; http: string; sku: string }) {
  const { page, http, sku } = ctx;
  const api = <T = Record<string, unknown>>(method: string, path: string, body?: unknown) =>
    hubApi<T>(http, method, path, body);
  const storeId = "S020";
  await api("POST", "/api/v1/stores", { id: storeId, name: "冲突测试店", region: "east" });
  const { code } = await api<{ code: string }>("POST", `/api/v1/stores/${storeId}/enrollment-code`);
  const enrolled = await hubApi<Enrolled>(http, "POST", "/api/v1/enroll", { code }, "");
  const wire = await connectStore(enrolled);
  const acks: { upToSeq: number; held?: { seq: number; id: string }[] }[] = [];
  await wire.client.subscribeAsync(`retail/v1/s/${storeId}/down/ack`, { qos: 1 });
  wire.client.on("message", (_topic, payload) => acks.push(JSON.parse(payload.toString()).payload));
  try {
    const line = [{ sku, name: "可口可乐 500ml", priceFen: 1234 }];
    await wire.publish("events", [saleEnvelope(storeId, 1, line, 1)]);
    // The forger: seq 3 (the store's next + 1) before the store's own 2 and 3 arrive.
    const forged = saleEnvelope(storeId, 3, [{ sku, name: "可口可乐 500ml", priceFen: 88_800 }], 1);
    forged.payload.receiptNo = "FORGED-0003";
    await wire.publish("events", [forged]);
    const real = [saleEnvelope(storeId, 2, line, 1), saleEnvelope(storeId, 3, line, 1)];
    await wire.publish("events", real);
    await until(
      async () => acks.some((a) => a.upToSeq === 3 && a.held?.some((h) => h.id === real[1]!.id)),
      15_000,
      "an ack holding the store's seq 3",
    );

    await page.getByRole("link", { name: "数据异常", exact: true }).click();
    await page.getByRole("button", { name: "冲突", exact: true }).click();
    const row = page.locator(`[data-testid="conflicts"] tr[data-seq="3"]`, { hasText: storeId });
    await row.getByRole("button", { name: "查看" }).click();
    const box = page.getByTestId("conflict");
    const committed = await box.getByTestId("committed-version").innerText();
    const incoming = await box.getByTestId("incoming-version").innerText();
    assert(/FORGED-0003/.test(committed) && /888\.00/.test(committed), `HQ's version shown: ${committed}`);
    assert(
      incoming.includes(real[1]!.payload.receiptNo) && /12\.34/.test(incoming),
      `the store's version shown: ${incoming}`,
    );
    await box.locator('input[name="conflict-note"]').fill("伪造交易，采用门店版本");
    await box.getByRole("button", { name: "采用门店版本" }).click();
    const done = page.getByTestId("conflict-resolution");
    await done.waitFor();
    assert(
      /采用门店版本/.test(await done.innerText()) && /admin/.test(await done.innerText()),
      "who and which",
    );

    // HQ holds the store's three sales and not the forged one; the store is acked without a hold.
    const sales = await api<{ receipt_no: string; net_fen: number }[]>(
      "GET",
      `/api/v1/stores/${storeId}/sales`,
    );
    assert(
      sales.length === 3 && !sales.some((s) => s.receipt_no === "FORGED-0003"),
      `the store's own sales at HQ: ${JSON.stringify(sales)}`,
    );
    await until(
      async () => acks.some((a) => a.upToSeq === 3 && !a.held),
      15_000,
      "an ack that no longer holds seq 3",
    );
    const list = await api<{ status: string; resolved_by: string }[]>(
      "GET",
      `/api/v1/conflicts?store=${storeId}`,
    );
    assert(
      list.length === 1 && list[0]!.status === "take_store" && /admin/.test(list[0]!.resolved_by),
      `audited: ${JSON.stringify(list)}`,
    );
  } finally {
    await wire.close().catch(() => {});
  }
}
