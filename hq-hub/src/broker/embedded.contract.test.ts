// The broker contract against the embedded aedes (in-process hub side, stores over loopback).
import { brokerContract } from "./broker.contract.ts";
import { type EmbeddedBus, startEmbeddedBroker } from "./embedded.ts";

brokerContract("embedded aedes", async (stores) => {
  const received: { topic: string; payload: string }[] = [];
  const open = (port: number) =>
    startEmbeddedBroker({
      host: "127.0.0.1",
      port,
      verify: async (username, password) =>
        stores.find((s) => s.username === username && s.password === password)?.storeId,
      onMessage: (topic, payload) => {
        received.push({ topic, payload: payload.toString() });
      },
    });
  let bus: EmbeddedBus = await open(0);
  const port = bus.port;
  return {
    url: bus.url,
    received,
    bus: () => bus,
    // The embedded broker lives in the hub's process: it dies and comes back with it, empty.
    async restart() {
      await bus.close();
      bus = await open(port);
    },
    stop: () => bus.close(),
  };
});
