// TCP transport (network receipt printers on port 9100, serial-over-IP adapters).
import { connect, type Socket } from "node:net";
import { DeviceError } from "./errors.ts";
import { ByteLink } from "./link.ts";

export class TcpLink extends ByteLink {
  #socket: Socket | undefined;
  constructor(
    readonly name: string,
    socket: Socket,
  ) {
    super();
    this.#socket = socket;
    socket.setNoDelay(true);
    socket.on("data", (b: Buffer) => this.emit("data", new Uint8Array(b.buffer, b.byteOffset, b.length)));
    socket.on("error", (e) => this.#gone(e.message));
    socket.on("close", () => this.#gone("connection closed by the printer"));
  }
  get isOpen(): boolean {
    return this.#socket !== undefined;
  }
  #gone(reason: string | undefined) {
    if (!this.#socket) return;
    const s = this.#socket;
    this.#socket = undefined;
    s.destroy();
    this.emit("close", reason);
  }
  write(bytes: Uint8Array): Promise<void> {
    const s = this.#socket;
    if (!s) return Promise.reject(new DeviceError(this.name, "connection", "closed"));
    return new Promise((resolve, reject) =>
      s.write(bytes, (e) => (e ? reject(new DeviceError(this.name, "connection", e.message)) : resolve())),
    );
  }
  async close(): Promise<void> {
    this.#gone(undefined);
  }
}

export function openTcp(host: string, port: number, timeoutMs = 3000): Promise<TcpLink> {
  const name = `${host}:${port}`;
  return new Promise((resolve, reject) => {
    const s = connect({ host, port });
    const t = setTimeout(() => {
      s.destroy();
      reject(new DeviceError(name, "connection", `no connection within ${timeoutMs} ms`));
    }, timeoutMs);
    s.once("connect", () => {
      clearTimeout(t);
      resolve(new TcpLink(name, s));
    });
    s.once("error", (e) => {
      clearTimeout(t);
      reject(new DeviceError(name, "connection", e.message));
    });
  });
}
