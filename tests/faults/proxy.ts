// A TCP proxy between one store edge and the hub's MQTT port: the edge is configured with the
// proxy's port (STORE_EDGE_MQTT_URL), so the runner can cut the link (every connection dropped
// and new ones refused), add latency to every chunk in both directions, or make it half-open
// (the sockets stay open but nothing passes, as when a NAT or a 4G router silently loses state).
import { connect, createServer, type Server, type Socket } from "node:net";

export type LinkMode =
  | { kind: "ok" }
  | { kind: "cut" }
  | { kind: "latency"; ms: number }
  | { kind: "halfopen" };

export class LinkProxy {
  private server?: Server;
  private pairs = new Set<[Socket, Socket]>();
  mode: LinkMode = { kind: "ok" };
  port = 0;

  constructor(private readonly targetPort: number) {}

  async listen(): Promise<number> {
    this.server = createServer((client) => this.accept(client));
    await new Promise<void>((res) => this.server!.listen(0, "127.0.0.1", () => res()));
    this.port = (this.server!.address() as { port: number }).port;
    return this.port;
  }

  private accept(client: Socket) {
    if (this.mode.kind === "cut") {
      client.destroy();
      return;
    }
    const upstream = connect(this.targetPort, "127.0.0.1");
    const pair: [Socket, Socket] = [client, upstream];
    this.pairs.add(pair);
    const forward = (from: Socket, to: Socket) =>
      from.on("data", (chunk) => {
        const m = this.mode;
        if (m.kind === "halfopen" || m.kind === "cut") return; // swallowed: nothing passes
        if (m.kind === "latency") setTimeout(() => to.destroyed || to.write(chunk), m.ms);
        else to.write(chunk);
      });
    forward(client, upstream);
    forward(upstream, client);
    const close = () => {
      client.destroy();
      upstream.destroy();
      this.pairs.delete(pair);
    };
    client.on("close", close).on("error", close);
    upstream.on("close", close).on("error", close);
  }

  set(mode: LinkMode) {
    this.mode = mode;
    if (mode.kind === "cut") this.dropAll();
  }

  /** Back to a clean link; a half-open connection is dropped so that both ends notice. */
  heal() {
    const was = this.mode.kind;
    this.mode = { kind: "ok" };
    if (was === "halfopen") this.dropAll();
  }

  private dropAll() {
    for (const [a, b] of this.pairs) {
      a.destroy();
      b.destroy();
    }
  }

  close() {
    this.dropAll();
    this.server?.close();
  }
}
