// store-edge.json `payments.wallet`: the merchant's WeChat Pay and Alipay settings for the real
// clients (wallet-config.ts reads the key files). Key files are PEM, paths relative to the data
// directory; the files stay on the appliance, never in the JSON.
import { z } from "zod";

export const WalletSettings = z.strictObject({
  wechat: z.strictObject({
    baseUrl: z.url().default("https://api.mch.weixin.qq.com"),
    appId: z.string().min(1),
    mchId: z.string().min(1),
    merchantKeyFile: z.string().min(1),
    merchantSerialNo: z.string().min(1),
    platformPublicKeyFile: z.string().min(1),
    /** A file holding the API v2 key (micropay, reverse). */
    apiV2KeyFile: z.string().min(1),
  }),
  alipay: z.strictObject({
    gatewayUrl: z.url().default("https://openapi.alipay.com/gateway.do"),
    appId: z.string().min(1),
    appPrivateKeyFile: z.string().min(1),
    alipayPublicKeyFile: z.string().min(1),
  }),
});
export type WalletSettings = z.infer<typeof WalletSettings>;
