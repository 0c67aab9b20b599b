// The edge on the store's LAN over HTTPS (docs/appliance.md "The LAN over HTTPS"): an enrolled
// edge that holds its store certificate from the chain CA serves the API and the terminal UI
// with it (names: its private IPv4 addresses and .local/.lan names, localhost, 127.0.0.1), and
// plain HTTP only on 127.0.0.1 (the box's own health checks and CLI) unless the operator asks
// for plain HTTP on the LAN too (`--plain-http`, config http.plainLan). Without a certificate
// (not enrolled yet: the first-boot setup page; or enrolled with --no-tls) it serves plain HTTP
// as before. A renewed certificate (link/renewal.ts) replaces the HTTPS listener's.
import type { Server } from "bun";
import type { Edge } from "../edge.ts";
import type { StoreTls } from "../link/tls.ts";
import { edgeHandlers } from "./server.ts";

export interface LanServers {
  /** Plain HTTP: 127.0.0.1 only when HTTPS serves the LAN, else the configured host. */
  readonly http: Server<unknown>;
  readonly https: Server<unknown> | undefined;
  /** Serve a renewed certificate from now on (same port). */
  useCertificate(tls: StoreTls): void;
  stop(): void;
}

export function serveLan(
  edge: Edge,
  o: {
    host: string;
    port: number;
    /** 0 picks a free port. */
    httpsPort: number;
    tls: StoreTls | undefined;
    plainLan: boolean;
    staticDir?: string;
  },
): LanServers {
  const handlers = edgeHandlers(edge, o.staticDir);
  const listen = (port: number, hostname: string, tls?: StoreTls) =>
    Bun.serve({
      ...handlers,
      port,
      hostname,
      ...(tls ? { tls: { cert: tls.certPem, key: tls.keyPem } } : {}),
    }) as unknown as Server<unknown>;
  const http = listen(o.port, o.tls && !o.plainLan ? "127.0.0.1" : o.host);
  let https = o.tls ? listen(o.httpsPort, o.host, o.tls) : undefined;
  return {
    http,
    get https() {
      return https;
    },
    useCertificate(tls) {
      if (!https) return;
      const port = https.port ?? o.httpsPort;
      // Connections open on the old listener finish on it; new ones get the new certificate.
      https.stop(false);
      https = listen(port, o.host, tls);
    },
    stop() {
      http.stop(true);
      https?.stop(true);
    },
  };
}
