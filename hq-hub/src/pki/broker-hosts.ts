// The names the broker's certificate carries: whatever stores may use to reach it. Edges check
// the name they dialled against it (and the certificate's CN), as any TLS client does.
import { hostname, networkInterfaces } from "node:os";
import type { HubConfig } from "../config.ts";

export function brokerHosts(
  config: Pick<HubConfig, "host" | "publicMqttsUrl" | "mqttsHosts">,
  os: { hostname: () => string; interfaces: () => string[] } = {
    hostname,
    interfaces: () =>
      Object.values(networkInterfaces())
        .flat()
        .filter((i) => i && i.family === "IPv4")
        .map((i) => i!.address),
  },
): string[] {
  const hosts = ["localhost", "127.0.0.1", os.hostname()];
  const wildcard = config.host === "0.0.0.0" || config.host === "::";
  if (wildcard) hosts.push(...os.interfaces());
  else hosts.push(config.host);
  if (config.publicMqttsUrl) {
    try {
      hosts.push(new URL(config.publicMqttsUrl).hostname);
    } catch {
      // the config's own check names a bad URL
    }
  }
  hosts.push(...(config.mqttsHosts ?? []));
  return [...new Set(hosts.filter(Boolean))];
}
