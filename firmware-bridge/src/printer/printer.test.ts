import { expect, test } from "bun:test";
import { ByteLink } from "../link.ts";
import { mayOpenDrawer } from "./drawer.ts";
import { PrinterDriver, PrintUncertainError } from "./driver.ts";
import { printerContract } from "./printer.contract.ts";
import { combineStatus, encodeStatus, isStatusByte, notReadyReason } from "./status.ts";

test("DLE EOT status bytes: fixed bits, paper, cover, drawer", () => {
  expect(isStatusByte(0x12)).toBe(true);
  expect(isStatusByte(0x00)).toBe(false);
  const ok = encodeStatus({
    online: true,
    coverOpen: false,
    paperNearEnd: false,
    paperOut: false,
    drawerOpen: false,
  });
  expect(ok).toEqual({ s1: 0x12, s2: 0x12, s4: 0x12 });
  expect(combineStatus(0x16, 0x12, 0x1e)).toEqual({
    online: true,
    coverOpen: false,
    paperNearEnd: true,
    paperOut: false,
    drawerOpen: true,
  });
  const out = combineStatus(0x1a, 0x32, 0x7e);
  expect(notReadyReason(out)).toBe("paper out");
  expect(notReadyReason(combineStatus(0x1a, 0x16, 0x12))).toBe("cover open");
});

test("the drawer opens for cash and for a supervised no-sale only", () => {
  expect(mayOpenDrawer({ kind: "tender", tender: "cash" })).toEqual({ allowed: true });
  expect(mayOpenDrawer({ kind: "tender", tender: "wechat" }).allowed).toBe(false);
  expect(mayOpenDrawer({ kind: "refund", tender: "card" }).allowed).toBe(false);
  expect(mayOpenDrawer({ kind: "no_sale" })).toEqual({ allowed: false, why: "no_sale needs a supervisor" });
  expect(mayOpenDrawer({ kind: "no_sale" }, { supervisorApproved: true })).toEqual({ allowed: true });
});

/** A printer link that answers DLE EOT "ready" and does what `job` says with a print job. */
class ScriptedLink extends ByteLink {
  readonly name = "scripted";
  isOpen = true;
  constructor(readonly job: "drop-after-write" | "write-fails") {
    super();
  }
  async write(b: Uint8Array): Promise<void> {
    if (!this.isOpen) throw new Error("closed");
    if (b.length === 3 && b[0] === 0x10 && b[1] === 0x04) {
      queueMicrotask(() => this.emit("data", Uint8Array.of(0x12)));
      return;
    }
    if (this.job === "write-fails") {
      this.gone();
      throw new Error("EPIPE");
    }
    setTimeout(() => this.gone(), 5); // written in full, then the link drops before GS r
  }
  gone(): void {
    if (!this.isOpen) return;
    this.isOpen = false;
    this.emit("close", "connection closed by the printer");
  }
  async close(): Promise<void> {
    this.gone();
  }
}

test("a job written in full, then the link dropped before GS r: uncertain; a job whose write failed: retried", async () => {
  for (const [job, uncertain] of [
    ["drop-after-write", true],
    ["write-fails", false],
  ] as const) {
    const d = new PrinterDriver({ id: "p", pollMs: 60_000, statusTimeoutMs: 200, jobTimeoutMs: 500 });
    d.attach(new ScriptedLink(job));
    const err = await d.print(Uint8Array.of(0x41, 0x0a, 0x1d, 0x56, 0x42, 0x03)).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect(err instanceof PrintUncertainError).toBe(uncertain);
    await d.close();
  }
  // No link at all when the job would go out: nothing was sent, so not uncertain.
  const d = new PrinterDriver({ id: "p" });
  const err = await d.print(Uint8Array.of(0x41)).catch((e: Error) => e);
  expect(err instanceof PrintUncertainError).toBe(false);
});

printerContract("80 mm TCP simulator", { paper: 80 });
printerContract("58 mm TCP simulator", { paper: 58 });

// Real printer: PRINTER_HOST=192.168.1.50:9100 [PRINTER_PAPER=58]
const address = process.env.PRINTER_HOST;
printerContract(
  `hardware at ${address ?? "(set PRINTER_HOST to run)"}`,
  { paper: process.env.PRINTER_PAPER === "58" ? 58 : 80, address: address ?? "127.0.0.1:9" },
  !!address,
);
