// A pole display on a PTY: decodes what the host sends and records every screen it showed.
import { openPtyPair, type PtyPair } from "../serial/pty.ts";
import { openTty, type TtyLink } from "../serial/tty.ts";
import { DisplayScreen } from "./display.ts";

export class DisplaySimulator {
  readonly screen = new DisplayScreen();
  /** Each distinct screen shown, in order. */
  readonly shown: [string, string][] = [];
  #pair: PtyPair | undefined;
  #tty: TtyLink | undefined;
  private constructor(readonly link?: string) {}

  static async start(link?: string): Promise<DisplaySimulator> {
    const sim = new DisplaySimulator(link);
    await sim.plug();
    return sim;
  }
  get path(): string {
    return this.#pair!.host;
  }
  async plug(): Promise<void> {
    this.#pair = await openPtyPair(this.link);
    this.#tty = await openTty(this.#pair.device);
    const record = () => {
      const now = this.screen.text();
      const prev = this.shown.at(-1);
      if (!prev || prev[0] !== now[0] || prev[1] !== now[1]) this.shown.push(now);
    };
    this.screen.onCursorMove = record;
    this.#tty.on("data", (b) => {
      this.screen.push(b);
      record();
    });
  }
  async unplug(): Promise<void> {
    await this.#tty?.close();
    await this.#pair?.close();
    this.#pair = undefined;
  }
  async close(): Promise<void> {
    await this.unplug();
  }
}
