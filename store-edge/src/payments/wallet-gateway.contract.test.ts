// The payment provider contract on the real clients: WeChat Pay (API v2 micropay/reverse, v3
// query/refund) and Alipay (gateway.do), over HTTP with their signatures, against the local
// sandbox (testing/wallet-sandbox.ts) that checks every signature as the providers do.
import { expect, test } from "bun:test";
import { startWalletSandbox } from "../testing/wallet-sandbox.ts";
import { paymentProviderContract } from "./provider.contract.ts";
import { WalletGatewayProvider } from "./wallet-gateway.ts";

let calls: { api: string; signed: boolean }[] = [];

paymentProviderContract("WeChat Pay + Alipay clients (HTTP sandbox)", async () => {
  // The clients give up on a pay call after 1 s (the till then queries), under its 3 s patience.
  const sandbox = await startWalletSandbox({ timeoutMs: 1_000 });
  calls = sandbox.calls;
  return {
    provider: new WalletGatewayProvider({ wechat: sandbox.wechat, alipay: sandbox.alipay }),
    close: () => sandbox.close(),
  };
});

test("every call the clients made carried a signature the provider accepted, on every API", () => {
  expect(calls.length).toBeGreaterThan(0);
  expect(calls.filter((c) => !c.signed)).toEqual([]);
  expect(new Set(calls.map((c) => c.api.replace(/out-trade-no\/.*/, "out-trade-no")))).toEqual(
    new Set([
      "/pay/micropay",
      "GET /v3/pay/transactions/out-trade-no",
      "POST /v3/refund/domestic/refunds",
      "/secapi/pay/reverse",
      "alipay.trade.pay",
      "alipay.trade.query",
      "alipay.trade.refund",
      "alipay.trade.cancel",
    ]),
  );
});
