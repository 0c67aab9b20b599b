// The real wallet clients under attack: wrong keys on either side, and a provider that does not
// answer. What the contract (provider.contract.ts) cannot say for the simulator.
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { generateKeyPairSync } from "node:crypto";
import { uuidv7 } from "@retail/protocol";
import { startWalletSandbox, type WalletSandbox } from "../testing/wallet-sandbox.ts";
import { WalletGatewayProvider } from "./wallet-gateway.ts";

setDefaultTimeout(60_000);
let sandbox: WalletSandbox;
beforeAll(async () => {
  sandbox = await startWalletSandbox({ timeoutMs: 1_000 });
});
afterAll(() => sandbox.close());

const otherKey = () => generateKeyPairSync("rsa", { modulusLength: 2048 });
const req = (provider: "wechat" | "alipay") => ({
  paymentId: uuidv7(),
  provider,
  authCode: provider === "wechat" ? "134567890123451234" : "284567890123451234",
  amount: 990,
  storeId: "S001",
});

test("a request signed with the wrong merchant key is refused by the provider: declined, nothing charged", async () => {
  const wrong = new WalletGatewayProvider({
    wechat: { ...sandbox.wechat, apiV2Key: "not-the-key", merchantKey: otherKey().privateKey },
    alipay: { ...sandbox.alipay, appPrivateKey: otherKey().privateKey },
  });
  for (const provider of ["wechat", "alipay"] as const) {
    const r = req(provider);
    const paid = await wrong.pay(r);
    expect(paid.status).toBe("declined");
    expect((paid as { reason: string }).reason).toMatch(/签名错误|invalid-signature/);
  }
  expect(sandbox.calls.at(-1)).toEqual({ api: "alipay.trade.pay", signed: false });
});

test("an answer whose signature does not verify is not trusted: the payment stays pending, never approved", async () => {
  const fooled = new WalletGatewayProvider({
    wechat: { ...sandbox.wechat, apiV2Key: sandbox.wechat.apiV2Key, platformPublicKey: otherKey().publicKey },
    alipay: { ...sandbox.alipay, alipayPublicKey: otherKey().publicKey },
  });
  const honest = new WalletGatewayProvider({ wechat: sandbox.wechat, alipay: sandbox.alipay });
  // WeChat: the v2 pay answer is HMAC-signed with the shared key (trusted); the v3 query answer
  // is checked against the platform key, which is wrong here.
  const w = req("wechat");
  expect((await honest.pay(w)).status).toBe("approved");
  expect(await fooled.query(w.paymentId)).toEqual({ status: "pending" });
  // Alipay: the approved pay answer itself is signed by a key this client does not trust.
  const a = req("alipay");
  expect(await fooled.pay(a)).toEqual({ status: "pending" });
  expect((await honest.query(a.paymentId)).status).toBe("approved");
});

test("a provider that is down: pay is pending (the till queries), reverse says retry, refund throws for a retry", async () => {
  const down = new WalletGatewayProvider({
    wechat: { ...sandbox.wechat, baseUrl: "http://127.0.0.1:9", timeoutMs: 500 },
    alipay: { ...sandbox.alipay, gatewayUrl: "http://127.0.0.1:9/gateway.do", timeoutMs: 500 },
  });
  for (const provider of ["wechat", "alipay"] as const) {
    const r = req(provider);
    expect(await down.pay(r)).toEqual({ status: "pending" });
    expect(await down.query(r.paymentId)).toEqual({ status: "pending" });
    expect(await down.reverse(provider, r.paymentId)).toEqual({ status: "retry" });
    // A refund without an answer is not "refused": it throws, and the checkout retries it later
    // with the same refund number.
    await expect(
      down.refund({
        provider,
        paymentId: r.paymentId,
        transactionId: "T1",
        refundNo: "R1",
        amount: 100,
        total: 990,
        reason: "退货",
        storeId: "S001",
      }),
    ).rejects.toThrow(/wechat|alipay/);
  }
});
