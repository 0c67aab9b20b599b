// The real Debian mosquitto for the external-broker tests (broker/mosquitto*.test.ts): where it
// is installed, and a wait until it answers the hub's user on a port.
import { existsSync } from "node:fs";
import mqtt from "mqtt";
import { waitFor } from "../test-kit.ts";

export const MOSQUITTO = ["/usr/sbin/mosquitto", "/usr/local/sbin/mosquitto", "/usr/bin/mosquitto"].find(
  (p) => existsSync(p),
);

/** Resolves once Mosquitto on `port` lets `username` in (MQTT 5); `alive` fails fast if it died. */
export function mosquittoListening(
  port: number,
  username: string,
  password: string,
  alive: () => void = () => {},
): Promise<boolean> {
  return waitFor(async () => {
    alive();
    const c = await mqtt
      .connectAsync(`mqtt://127.0.0.1:${port}`, {
        username,
        password,
        reconnectPeriod: 0,
        connectTimeout: 1000,
        protocolVersion: 5,
      })
      .catch(() => undefined);
    await c?.endAsync();
    return c !== undefined;
  }, "mosquitto to listen");
}
