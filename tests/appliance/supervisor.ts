// What systemd does for the retail-edge unit, for tests with no systemd manager: runs the unit's
// ExecStart (packaging/store-edge-boot FACTORY DATA ..., or any edge command) and, like Restart=on-failure with
// RestartSec, starts it again whenever it exits with a status other than 0 (an update exits 75;
// a broken build 1). Every exit status is kept, in order.

import { join } from "node:path";
import { type Proc, ROOT, startCommand } from "@retail/test-support";

export const BOOT = join(ROOT, "packaging/store-edge-boot");

export class Supervised {
  readonly exits: number[] = [];
  starts = 0;
  current: Proc | undefined;
  /** Every start's output, oldest first (for a failure's message). */
  readonly logs: string[] = [];
  private stopping = false;
  private loop: Promise<void> | undefined;
  private readyOnce: Promise<void>;
  private markReady!: () => void;

  constructor(
    private readonly cmd: string[],
    private readonly env: Record<string, string>,
  ) {
    this.readyOnce = new Promise((r) => {
      this.markReady = r;
    });
  }

  /** Resolves once the first start printed EDGE_READY. */
  start(): Promise<void> {
    this.loop = this.run();
    return this.readyOnce;
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      this.starts++;
      try {
        const p = await startCommand(this.cmd, "EDGE_READY", this.env, 90_000);
        this.current = p;
        this.markReady();
        // Stopped while this start was coming up: end it too.
        if (this.stopping) p.proc.kill("SIGTERM");
        const code = await p.proc.exited;
        this.logs.push(p.log());
        this.exits.push(code);
        if (code === 0) return;
      } catch (e) {
        const m = /exited \((\d+)\)/.exec((e as Error).message);
        this.logs.push((e as Error).message);
        this.exits.push(m ? Number(m[1]) : -1);
      }
      if (this.stopping) return;
      await Bun.sleep(300);
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    const p = this.current;
    if (p && p.proc.exitCode === null && !p.proc.signalCode) {
      p.proc.kill("SIGTERM");
      const t = setTimeout(() => p.proc.kill("SIGKILL"), 10_000);
      await p.proc.exited;
      clearTimeout(t);
    }
    await this.loop;
  }

  lastLog(): string {
    return (this.current?.log() ?? this.logs.at(-1) ?? "").slice(-4000);
  }
}
