// The real wallet clients wired into a till: store-edge.json `payments.provider: "wallet"` with
// the merchant's key files, a WeChat Pay sale, an Alipay sale and a refund through the lane API,
// every call signed over HTTP to the provider sandbox (testing/wallet-sandbox.ts).
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import type { KeyObject } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { manualClock } from "../clock.ts";
import { ConfigSchema } from "../config.ts";
import { Edge } from "../edge.ts";
import { applyPages, catalogItems, gtinOf, pagesOf, T0, tempDir, testConfig } from "../testing/fixtures.ts";
import { laneApi } from "../testing/lane-api.ts";
import { startWalletSandbox, type WalletSandbox } from "../testing/wallet-sandbox.ts";

setDefaultTimeout(60_000);
let sandbox: WalletSandbox;
const edges: Edge[] = [];
beforeAll(async () => {
  sandbox = await startWalletSandbox();
});
afterAll(async () => {
  for (const e of edges) await e.stop().catch(() => {});
  await sandbox.close();
});

/** The merchant's files on the appliance, as an installer would put them, and the settings. */
function walletSettings(dataDir: string) {
  const pem = (k: string | KeyObject, type: "pkcs8" | "spki") =>
    (k as KeyObject).export({ type, format: "pem" }) as string;
  writeFileSync(join(dataDir, "wechat-merchant.pem"), pem(sandbox.wechat.merchantKey, "pkcs8"));
  writeFileSync(join(dataDir, "wechat-platform.pem"), pem(sandbox.wechat.platformPublicKey, "spki"));
  writeFileSync(join(dataDir, "wechat-v2.key"), `${sandbox.wechat.apiV2Key}\n`);
  writeFileSync(join(dataDir, "alipay-app.pem"), pem(sandbox.alipay.appPrivateKey, "pkcs8"));
  writeFileSync(join(dataDir, "alipay-public.pem"), pem(sandbox.alipay.alipayPublicKey, "spki"));
  return {
    wechat: {
      baseUrl: sandbox.wechat.baseUrl,
      appId: sandbox.wechat.appId,
      mchId: sandbox.wechat.mchId,
      merchantKeyFile: "wechat-merchant.pem",
      merchantSerialNo: sandbox.wechat.merchantSerialNo,
      platformPublicKeyFile: "wechat-platform.pem",
      apiV2KeyFile: "wechat-v2.key",
    },
    alipay: {
      gatewayUrl: sandbox.alipay.gatewayUrl,
      appId: sandbox.alipay.appId,
      appPrivateKeyFile: "alipay-app.pem",
      alipayPublicKeyFile: "alipay-public.pem",
    },
  };
}

async function till() {
  const dataDir = tempDir();
  const payments = ConfigSchema.shape.payments.parse({
    provider: "wallet",
    timeoutMs: 2_000,
    queryIntervalMs: 5,
    queryAttempts: 3,
    wallet: walletSettings(dataDir),
  });
  const edge = new Edge({ dataDir, config: testConfig({ payments }), clock: manualClock(T0) });
  edges.push(edge);
  applyPages(edge, pagesOf("snapshot", 1, 0, catalogItems({ products: 20 })));
  const api = laneApi(edge);
  await api.signInWithShift();
  return { edge, call: api.call };
}

describe("a till on the real wallet clients", () => {
  test("WeChat Pay and Alipay sales are charged, and a return is refunded to WeChat Pay, all signed", async () => {
    const t = await till();
    const from = sandbox.calls.length;
    const sell = async (code: string) => {
      await t.call("POST", "/lanes/1/scan", { code: gtinOf(5) });
      const r = await t.call("POST", "/lanes/1/scan", { code });
      expect(r.status).toBe(200);
      return r.body.sale;
    };
    const wx = await sell("134567890123451234");
    expect(wx.tenders).toEqual([
      { kind: "wechat", amount: wx.totals.net, reference: expect.stringMatching(/^SIM/) },
    ]);
    const ali = await sell("284567890123451234");
    expect(ali.tenders).toEqual([
      { kind: "alipay", amount: ali.totals.net, reference: expect.stringMatching(/^SIM/) },
    ]);

    expect((await t.call("POST", "/lanes/1/returns", { receiptNo: wx.receiptNo })).status).toBe(200);
    expect((await t.call("PUT", "/lanes/1/returns/lines/l1", { units: 1, restock: true })).status).toBe(200);
    const done = await t.call("POST", "/lanes/1/returns/complete", {});
    expect(done.status).toBe(200);
    expect(done.body.returned.tenders).toEqual([
      { kind: "wechat", amount: wx.lines[0].net, reference: expect.any(String) },
    ]);
    const calls = sandbox.calls.slice(from);
    expect(calls.map((c) => c.api)).toEqual([
      "/pay/micropay",
      "alipay.trade.pay",
      "POST /v3/refund/domestic/refunds",
    ]);
    expect(calls.every((c) => c.signed)).toBe(true);
  });

  test("a declined code is declined at the till with the provider's reason", async () => {
    const t = await till();
    await t.call("POST", "/lanes/1/scan", { code: gtinOf(6) });
    const r = await t.call("POST", "/lanes/1/scan", { code: "284567890123450000" });
    expect(r.status).toBe(402);
    expect(JSON.stringify(r.body)).toContain("ACQ.PAYMENT_AUTH_CODE_INVALID");
  });

  test("a key file that is missing fails the start, naming the field", () => {
    const dataDir = tempDir();
    const wallet = walletSettings(dataDir);
    wallet.alipay.appPrivateKeyFile = "nowhere.pem";
    const payments = ConfigSchema.shape.payments.parse({ provider: "wallet", wallet });
    expect(() => new Edge({ dataDir, config: testConfig({ payments }), clock: manualClock(T0) })).toThrow(
      /nowhere\.pem/,
    );
    try {
      new Edge({ dataDir, config: testConfig({ payments }), clock: manualClock(T0) });
    } catch (e) {
      expect((e as { field?: string }).field).toBe("payments.wallet.alipay.appPrivateKeyFile");
    }
  });
});
