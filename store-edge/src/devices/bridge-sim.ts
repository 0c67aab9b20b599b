// "bridge-sim" lanes (demos and tests): the edge starts firmware-bridge's wire simulators for the
// lane in-process (a receipt printer on TCP 127.0.0.1:<any port>, a scale on a PTY speaking the
// chosen protocol, a serial scanner on a PTY, a pole display on a PTY), builds the
// LaneDevicesConfig pointing at them and opens it through the bridge adapter, so the real codecs
// and transports carry every byte. The API's /sim routes drive the simulators (`SimControls`).
import type {
  DisplaySimulator,
  LaneDevicesConfigInput,
  LaneEvent,
  PaperWidth,
  PrinterSimulator,
  ScaleProtocol,
  ScaleSimulator,
  ScannerSimulator,
} from "@retail/firmware-bridge";
import { invalid } from "../errors.ts";
import { type BridgeContext, BridgeDevices, loadBridge, type PlannedDevice } from "./bridge.ts";
import { type DeviceEvent, type LaneDevices, NoDevices, SimulatedDevices } from "./port.ts";

export interface WireSimOptions {
  scaleProtocol: ScaleProtocol;
  paper: PaperWidth;
}

/** Checks a lane's `sim` section at start; a bad field is reported with its path. */
export function parseSimOptions(
  raw: { scaleProtocol?: string; paper?: 58 | 80 } | undefined,
  where: string,
): WireSimOptions {
  const protocols = loadBridge().SCALE_PROTOCOLS as string[];
  const scaleProtocol = raw?.scaleProtocol ?? "toledo8217";
  if (!protocols.includes(scaleProtocol))
    throw invalid(`${where}.sim.scaleProtocol`, `one of ${protocols.join(", ")}`);
  return { scaleProtocol: scaleProtocol as ScaleProtocol, paper: raw?.paper ?? 80 };
}

/** The four simulators of one lane. */
export class WireSimulators {
  private constructor(
    readonly printer: PrinterSimulator,
    readonly scale: ScaleSimulator,
    readonly scanner: ScannerSimulator,
    readonly display: DisplaySimulator,
    readonly options: WireSimOptions,
  ) {}

  static async start(o: WireSimOptions): Promise<WireSimulators> {
    const fb = loadBridge();
    const started: { close(): Promise<void> }[] = [];
    const keep = <T extends { close(): Promise<void> }>(x: T) => {
      started.push(x);
      return x;
    };
    try {
      const printer = keep(await fb.PrinterSimulator.start({ paper: o.paper }));
      const scale = keep(await fb.ScaleSimulator.start(o.scaleProtocol));
      const scanner = keep(await fb.ScannerSimulator.start("serial", { suffix: "\r" }));
      const display = keep(await fb.DisplaySimulator.start());
      return new WireSimulators(printer, scale, scanner, display, o);
    } catch (e) {
      for (const s of started) await s.close().catch(() => {});
      throw e;
    }
  }

  /** What a real store would write for this lane, with the simulators' addresses. */
  config(lane: string, queueDir: string): LaneDevicesConfigInput {
    return {
      lane,
      scanners: [
        { id: "scanner", wire: "serial", suffix: "\r", port: { type: "serial", path: this.scanner.path } },
      ],
      scale: {
        id: "scale",
        protocol: this.options.scaleProtocol,
        port: { type: "serial", path: this.scale.path },
      },
      printer: {
        id: "printer",
        paper: this.options.paper,
        queueDir,
        port: { type: "tcp", host: "127.0.0.1", port: this.printer.port },
      },
      display: { id: "display", port: { type: "serial", path: this.display.path } },
    };
  }

  async close(): Promise<void> {
    for (const s of [this.scanner, this.scale, this.display, this.printer]) await s.close().catch(() => {});
  }
}

export const SIM_DEVICES: PlannedDevice[] = [
  { kind: "scanner", device: "scanner" },
  { kind: "scale", device: "scale" },
  { kind: "printer", device: "printer" },
  { kind: "drawer", device: "printer:drawer" },
  { kind: "display", device: "display" },
];

/** A printed receipt as the simulator decoded it. */
export interface PrintedView {
  index: number;
  receiptNo: string;
  /** Kept for callers of the simulated port's `printed` list. */
  title: string;
  training: boolean;
  reprint: boolean;
  text: string;
  /** GET this for the rendered PNG. */
  png: string;
}

export class BridgeSimDevices extends BridgeDevices {
  readonly sims: Promise<WireSimulators>;

  constructor(lane: string, options: WireSimOptions, queueDir: string, ctx: BridgeContext = {}) {
    const sims = WireSimulators.start(options);
    sims.catch(() => {});
    super(
      lane,
      async () => loadBridge().openLaneDevices((await sims).config(lane, queueDir)),
      ctx,
      SIM_DEVICES,
    );
    this.sims = sims;
  }

  /** Waits (up to `ms`) for a device event matching `match` after `act`; true when it came. */
  #expect(act: () => Promise<void>, match: (e: DeviceEvent) => boolean, ms: number): Promise<boolean> {
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => done(false), ms);
      const off = this.subscribe((e) => {
        if (match(e)) done(true);
      });
      const done = (seen: boolean) => {
        clearTimeout(t);
        off();
        resolve(seen);
      };
      act().catch((e) => {
        clearTimeout(t);
        off();
        reject(e);
      });
    });
  }

  /** The scanner's trigger: the code (with its AIM id, if any) and CR go into the scanner PTY. */
  async simulateScan(code: string, aim?: string): Promise<{ seen: boolean }> {
    const sims = await this.sims;
    await this.ready;
    const bytes = Uint8Array.from(`${aim ?? ""}${code}\r`, (c) => c.charCodeAt(0) & 0xff);
    // A real scanner's dedup window can swallow a repeat: then no scan event comes.
    const seen = await this.#expect(
      () => sims.scanner.write(bytes),
      (e) => e.type === "scan" && e.code === code,
      3000,
    );
    return { seen };
  }

  /**
   * Goods on the scale: the simulator shows `grams` (in motion unless `stable`); undefined grams
   * is a scale that stops answering. Resolves once the driver read the new state (or after 3 s).
   */
  async simulateWeight(grams: number | undefined, stable: boolean): Promise<{ seen: boolean }> {
    const sims = await this.sims;
    await this.ready;
    const scale = sims.scale;
    if (grams === undefined) {
      scale.silent = true;
      const end = Date.now() + 3000;
      while (this.weight() !== undefined && Date.now() < end) await Bun.sleep(20);
      return { seen: this.weight() === undefined };
    }
    scale.silent = false;
    scale.set({ grams, motion: !stable, overCapacity: false });
    const shown = grams - scale.state.tareG;
    // The second reading after the change answers a request sent after it (the first may answer
    // one sent before). Protocols with 10 g divisions (NCI) show 1431 g as 1.43 kg.
    const lane = await this.ready;
    const fresh = await new Promise<boolean>((resolve) => {
      let readings = 0;
      const finish = (ok: boolean) => {
        clearTimeout(timer);
        lane.events.off("event", on);
        resolve(ok);
      };
      const on = (e: LaneEvent) => {
        if (e.type === "weight" && ++readings >= 2) finish(true);
      };
      const timer = setTimeout(() => finish(false), 3000);
      lane.events.on("event", on);
    });
    const w = this.weight();
    const seen =
      fresh &&
      !!w &&
      (stable ? w.stable && w.grams !== undefined && Math.abs(w.grams - shown) < 10 : !w.stable);
    return { seen };
  }

  /** Receipts the printer simulator printed and cut, decoded from the ESC/POS bytes. */
  async printed(): Promise<PrintedView[]> {
    const sims = await this.sims;
    return sims.printer.receipts.map((r, index) => {
      const receiptNo = /单号\s+(\S+)/.exec(r.text)?.[1] ?? "";
      return {
        index,
        receiptNo,
        title: receiptNo,
        // The 培训 TRAINING banner is double width (spaced out); its second line is plain.
        training: r.text.includes("非销售单据 NOT A SALE"),
        reprint: r.text.includes("重印 REPRINT"),
        text: r.text,
        png: `/api/v1/lanes/${this.laneId}/sim/printed/${index}/png`,
      };
    });
  }

  async printedPng(index: number): Promise<Uint8Array | undefined> {
    const sims = await this.sims;
    const r = sims.printer.receipts[index];
    return r ? new Uint8Array(await r.png()) : undefined;
  }

  override async close(): Promise<void> {
    await super.close();
    const sims = await this.sims.catch(() => undefined);
    await sims?.close();
  }
}

/** What the API's /sim routes do on a lane, whichever simulation it runs. */
export interface SimControls {
  scan(code: string, aim?: string): Promise<{ ok: true; seen?: boolean }>;
  weight(grams: number | undefined, stable: boolean): Promise<{ ok: true; seen?: boolean }>;
  printed(): Promise<unknown[]>;
  printedPng(index: number): Promise<Uint8Array | undefined>;
  /**
   * A printer fault on a bridge-sim lane: "drop-after-cut" drops the printer's connection right
   * after the next receipt's cut, before its confirmation (the receipt becomes uncertain).
   */
  printerFault(fault: "drop-after-cut"): Promise<{ ok: true }>;
}

/** Whether the lane's devices are simulators a person may drive (not a lane without devices). */
export function isSimulated(d: LaneDevices): boolean {
  return simControls(d) !== undefined && !(d instanceof NoDevices);
}

export function simControls(d: LaneDevices): SimControls | undefined {
  if (d instanceof BridgeSimDevices)
    return {
      scan: async (code, aim) => ({ ok: true, ...(await d.simulateScan(code, aim)) }),
      weight: async (grams, stable) => ({ ok: true, ...(await d.simulateWeight(grams, stable)) }),
      printed: () => d.printed(),
      printedPng: (i) => d.printedPng(i),
      printerFault: async () => {
        (await d.sims).printer.dropAfterCut();
        return { ok: true };
      },
    };
  if (d instanceof SimulatedDevices)
    return {
      scan: async (code, aim) => {
        d.simulateScan(code, aim);
        return { ok: true };
      },
      weight: async (grams, stable) => {
        d.simulateWeight(grams, stable);
        return { ok: true };
      },
      printed: async () => d.printed,
      printedPng: async () => undefined,
      printerFault: async () => {
        throw invalid("lane", "printer faults need a bridge-sim lane (firmware-bridge's printer simulator)");
      },
    };
  return undefined;
}
