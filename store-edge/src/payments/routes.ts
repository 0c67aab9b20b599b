// A wallet payment that got no answer, over the LAN API: ask the provider again, or reverse it
// so the customer can pay another way. (Charging a code is a tender: sale/routes.ts.)
import { type Api, newApi } from "../http/body.ts";
import type { WalletPayments } from "./wallet.ts";

export function paymentRoutes(wallet: WalletPayments): Api {
  const api = newApi();
  api.post("/lanes/:lane/payments/:paymentId/query", async (c) =>
    c.json(await wallet.queryPayment(c.req.param("lane"), c.req.param("paymentId"))),
  );
  api.post("/lanes/:lane/payments/:paymentId/reverse", async (c) =>
    c.json(await wallet.reversePayment(c.req.param("lane"), c.req.param("paymentId"))),
  );
  return api;
}
