// The broker contract against an external Mosquitto 2 started for real, as a chain runs it:
// the password and ACL files the hub exports, persistence on disk, and the hub connected as an
// MQTT 5 client with its persistent session and $share subscription (external.ts). The restart
// is a kill -9 after Mosquitto saved its state, then a start from that save (issue 21). Stores
// and the hub use separate listeners, the stores' one with use_username_as_clientid (without it
// a store takes over another store's session by using its client id: a contract failure found
// here, now in the documented configuration).
import { statSync } from "node:fs";
import { join } from "node:path";
import { freePort, killMosquitto, startMosquitto } from "@retail/test-support";
import { mosquittoHash } from "../stores/stores.ts";
import { tempDir, waitFor } from "../test-kit.ts";
import { brokerContract } from "./broker.contract.ts";
import { connectExternalBroker, mosquittoAclFile } from "./external.ts";

brokerContract("external Mosquitto (persistence on)", async (stores) => {
  const dir = tempDir("hq-mosq-contract-");
  const port = await freePort();
  const hubPort = await freePort();
  const hubPass = `hub-${crypto.randomUUID()}`;
  await Bun.write(
    join(dir.path, "mosquitto.passwd"),
    [
      `hub:${mosquittoHash(hubPass)}`,
      ...stores.map((s) => `${s.username}:${mosquittoHash(s.password)}`),
      "",
    ].join("\n"),
  );
  await Bun.write(
    join(dir.path, "mosquitto.acl"),
    mosquittoAclFile(
      "hub",
      stores.map((s) => s.storeId),
    ),
  );
  let broker = await startMosquitto(dir.path, port, true, hubPort);
  const received: { topic: string; payload: string }[] = [];
  const bus = await connectExternalBroker({
    url: `mqtt://hub:${hubPass}@127.0.0.1:${hubPort}`,
    shareGroup: "contract",
    workerId: "w1",
    onMessage: (topic, payload) => {
      received.push({ topic, payload: payload.toString() });
    },
    log: () => {},
  });
  const subscribedAt = Date.now();
  return {
    url: `mqtt://127.0.0.1:${port}`,
    received,
    bus: () => bus,
    async restart() {
      // Mosquitto autosaves every 5 s (startMosquitto): wait for a save that holds the hub's
      // session and subscriptions, so the restart resumes it rather than starting empty.
      const db = join(dir.path, "mosquitto.db");
      await waitFor(
        () => {
          try {
            return statSync(db).mtimeMs > subscribedAt + 100;
          } catch {
            return false;
          }
        },
        "mosquitto to save its state",
        30_000,
      );
      await killMosquitto(broker);
      broker = await startMosquitto(dir.path, port, true, hubPort);
    },
    async stop() {
      await bus.close().catch(() => {});
      await killMosquitto(broker);
      dir.remove();
    },
  };
});
