// A receipt printer on TCP (127.0.0.1, port picked at run time) that decodes ESC/POS, answers
// DLE EOT and GS r, keeps each receipt as text and PNG, and can run out of paper, open its
// cover, drop the connection mid-receipt, and report its drawer open or closed.
import { createServer, type Server, type Socket } from "node:net";
import type { PrinterStatus } from "../events.ts";
import { type DecodedItem, EscPosDecoder, type PrintBlock } from "./decoder.ts";
import type { PaperWidth } from "./receipt.ts";
import { renderPng, renderText } from "./render.ts";
import { encodeStatus } from "./status.ts";

export interface PrintedReceipt {
  blocks: PrintBlock[];
  text: string;
  png(): Promise<Buffer>;
}

export class PrinterSimulator {
  readonly status: PrinterStatus = {
    online: true,
    coverOpen: false,
    paperNearEnd: false,
    paperOut: false,
    drawerOpen: false,
  };
  /** Receipts printed and cut, in order. */
  readonly receipts: PrintedReceipt[] = [];
  /** Receipts cut short (paper ran out, connection dropped) before their cut. */
  readonly torn: PrintBlock[][] = [];
  drawerKicks = 0;
  /** Bytes the printer threw away because it was offline (paper out / cover open). */
  discardedBytes = 0;
  /** Real-time requests answered. */
  statusRequests = 0;
  #server: Server;
  #sockets = new Set<Socket>();
  #current: PrintBlock[] = [];
  #dropAfter: number | undefined;
  #dropAfterCut = false;
  #paperOutAfterBlocks: number | undefined;

  private constructor(readonly paper: PaperWidth) {
    this.#server = createServer((s) => this.#accept(s));
  }

  static async start(opts: { paper?: PaperWidth; port?: number } = {}): Promise<PrinterSimulator> {
    const sim = new PrinterSimulator(opts.paper ?? 80);
    await new Promise<void>((resolve) => sim.#server.listen(opts.port ?? 0, "127.0.0.1", resolve));
    return sim;
  }

  get port(): number {
    const a = this.#server.address();
    return typeof a === "object" && a ? a.port : 0;
  }

  get connections(): number {
    return this.#sockets.size;
  }

  setPaperOut(out: boolean): void {
    this.status.paperOut = out;
  }
  setPaperNearEnd(near: boolean): void {
    this.status.paperNearEnd = near;
  }
  setCoverOpen(open: boolean): void {
    this.status.coverOpen = open;
  }
  /** The cashier pushed the drawer shut. */
  closeDrawer(): void {
    this.status.drawerOpen = false;
  }
  /** Drops every connection now. */
  dropConnections(): void {
    for (const s of this.#sockets) s.destroy();
  }
  /** Drops the connection once this many more print bytes arrived (offline mid-receipt). */
  dropAfterBytes(n: number): void {
    this.#dropAfter = n;
  }
  /**
   * Drops the connection right after the next cut: the receipt is printed and cut, but nothing
   * after the cut in the same data (the host's GS r) is read or answered.
   */
  dropAfterCut(): void {
    this.#dropAfterCut = true;
  }
  /** Runs out of paper after printing this many more blocks (paper out mid-receipt). */
  paperOutAfterBlocks(n: number): void {
    this.#paperOutAfterBlocks = n;
  }

  #accept(socket: Socket): void {
    this.#sockets.add(socket);
    const decoder = new EscPosDecoder();
    socket.on("close", () => {
      this.#sockets.delete(socket);
      if (this.#current.length) this.torn.push(this.#current.splice(0));
    });
    socket.on("error", () => {});
    socket.on("data", (chunk: Buffer) => {
      let bytes = new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length);
      if (this.#dropAfter !== undefined) {
        if (bytes.length >= this.#dropAfter) {
          bytes = bytes.subarray(0, this.#dropAfter);
          this.#dropAfter = undefined;
          for (const item of decoder.push(bytes)) if (this.#handle(item, socket, decoder) === "drop") break;
          socket.destroy();
          return;
        }
        this.#dropAfter -= bytes.length;
      }
      for (const item of decoder.push(bytes))
        if (this.#handle(item, socket, decoder) === "drop") {
          socket.destroy();
          return;
        }
    });
  }

  #offline(): boolean {
    return this.status.paperOut || this.status.coverOpen || !this.status.online;
  }

  #handle(item: DecodedItem, socket: Socket, decoder: EscPosDecoder): "drop" | undefined {
    if (item.kind === "request") {
      const r = item.request;
      const { s1, s2, s4 } = encodeStatus(this.status);
      if (r.type === "dle-eot") {
        this.statusRequests++;
        const n = r.n;
        socket.write(Uint8Array.of(n === 1 ? s1 : n === 2 ? s2 : n === 4 ? s4 : 0x12));
      } else if (r.type === "gs-r") {
        this.statusRequests++;
        // GS r 1 paper sensor: bits 0-1 near end, bits 2-3 paper end.
        if (!this.#offline())
          socket.write(
            Uint8Array.of((this.status.paperNearEnd ? 0x03 : 0) | (this.status.paperOut ? 0x0c : 0)),
          );
      } else if (r.type === "dle-enq" && r.n === 2) {
        // Recover after clearing the buffers: whatever was half printed is torn off.
        decoder.clear();
        if (this.#current.length) this.torn.push(this.#current.splice(0));
      }
      return;
    }
    const b = item.block;
    if (b.type === "drawer") {
      // The drawer kick works while the paper is out: the solenoid has its own driver.
      this.drawerKicks++;
      this.status.drawerOpen = true;
      return;
    }
    if (this.#offline()) {
      this.discardedBytes++;
      return;
    }
    if (b.type === "cut") {
      this.#current.push(b);
      const blocks = this.#current.splice(0);
      const paper = this.paper;
      this.receipts.push({ blocks, text: renderText(blocks, paper), png: () => renderPng(blocks, paper) });
      if (this.#dropAfterCut) {
        this.#dropAfterCut = false;
        return "drop";
      }
      return;
    }
    this.#current.push(b);
    if (this.#paperOutAfterBlocks !== undefined && --this.#paperOutAfterBlocks <= 0) {
      this.#paperOutAfterBlocks = undefined;
      this.status.paperOut = true;
    }
  }

  async close(): Promise<void> {
    this.dropConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
