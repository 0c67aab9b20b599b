// The payment provider contract on the simulated provider (demos, tests, the default).
import { paymentProviderContract } from "./provider.contract.ts";
import { SimulatedPaymentProvider } from "./provider.ts";

paymentProviderContract("simulated", async () => ({
  provider: new SimulatedPaymentProvider(1),
  close: async () => {},
}));
