// Which PaymentProvider an edge runs (store-edge.json `payments.provider`): the simulator, or
// the real WeChat Pay / Alipay clients (wallet-gateway.ts) with the merchant's keys read from
// PEM files (paths relative to the data directory). A missing or unreadable key fails the start
// naming the field.
import { createPrivateKey, createPublicKey } from "node:crypto";
import { appendFileSync, readFileSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import { invalid } from "../errors.ts";
import { type PaymentProvider, SimulatedPaymentProvider, type SimulatedSettlement } from "./provider.ts";
import { WalletGatewayProvider } from "./wallet-gateway.ts";
import type { WalletSettings } from "./wallet-settings.ts";

function read(dataDir: string, file: string, field: string): string {
  try {
    return readFileSync(isAbsolute(file) ? file : join(dataDir, file), "utf8");
  } catch (e) {
    throw invalid(field, `cannot read ${file}: ${(e as Error).message}`);
  }
}

function key(kind: "private" | "public", pem: string, field: string) {
  try {
    return kind === "private" ? createPrivateKey(pem) : createPublicKey(pem);
  } catch (e) {
    throw invalid(field, `not a PEM ${kind} key: ${(e as Error).message}`);
  }
}

export function paymentProviderFor(
  settings: { provider: "simulated" | "wallet"; timeoutMs: number; wallet?: WalletSettings | undefined },
  dataDir: string,
): PaymentProvider {
  if (settings.provider === "simulated")
    return new SimulatedPaymentProvider(5, simulatedSettlementJournal(dataDir));
  const w = settings.wallet;
  if (!w) throw invalid("payments.wallet", 'provider "wallet" needs the merchant settings (wechat, alipay)');
  const f = (file: string, field: string) => read(dataDir, file, `payments.wallet.${field}`);
  const { wechat, alipay } = w;
  return new WalletGatewayProvider({
    wechat: {
      baseUrl: wechat.baseUrl,
      appId: wechat.appId,
      mchId: wechat.mchId,
      merchantKey: key(
        "private",
        f(wechat.merchantKeyFile, "wechat.merchantKeyFile"),
        "payments.wallet.wechat.merchantKeyFile",
      ),
      merchantSerialNo: wechat.merchantSerialNo,
      platformPublicKey: key(
        "public",
        f(wechat.platformPublicKeyFile, "wechat.platformPublicKeyFile"),
        "payments.wallet.wechat.platformPublicKeyFile",
      ),
      apiV2Key: f(wechat.apiV2KeyFile, "wechat.apiV2KeyFile").trim(),
      timeoutMs: settings.timeoutMs,
    },
    alipay: {
      gatewayUrl: alipay.gatewayUrl,
      appId: alipay.appId,
      appPrivateKey: key(
        "private",
        f(alipay.appPrivateKeyFile, "alipay.appPrivateKeyFile"),
        "payments.wallet.alipay.appPrivateKeyFile",
      ),
      alipayPublicKey: key(
        "public",
        f(alipay.alipayPublicKeyFile, "alipay.alipayPublicKeyFile"),
        "payments.wallet.alipay.alipayPublicKeyFile",
      ),
      timeoutMs: settings.timeoutMs,
    },
  });
}

/**
 * The simulated provider's settlement journal: one JSON line per payment, refund and reversal in
 * `simulated-settlements.jsonl` of the data folder, from which the demo renders the day's
 * WeChat Pay and Alipay settlement files (scripts/demo/reconciliation.ts).
 */
export function simulatedSettlementJournal(dataDir: string): (s: SimulatedSettlement) => void {
  const file = join(dataDir, "simulated-settlements.jsonl");
  return (s) => appendFileSync(file, `${JSON.stringify(s)}\n`);
}
