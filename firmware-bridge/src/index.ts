// Public API of @retail/firmware-bridge: what the store edge uses to drive a lane's devices,
// plus the simulators the demo and the tests run against.
export { CustomerDisplay, DisplayScreen, itemAndTotal } from "./display/display.ts";
export { DisplaySimulator } from "./display/simulator.ts";
export { DeviceError, DeviceTimeoutError, FrameError } from "./errors.ts";
export type {
  DeviceHealth,
  DeviceKind,
  HealthState,
  LaneEvent,
  PrinterStatus,
  UncertainPrint,
} from "./events.ts";
export { LaneDevicesConfig, type LaneDevicesConfigInput } from "./lane/config.ts";
export { type LaneDevices, openLaneDevices } from "./lane/lane.ts";
export { waitFor } from "./link.ts";
export { EscPosDecoder, type PrintBlock } from "./printer/decoder.ts";
export { type DrawerReason, mayOpenDrawer } from "./printer/drawer.ts";
export { EscPos } from "./printer/escpos.ts";
export type { PrintJob, PrintResolution } from "./printer/queue.ts";
export { layoutReceipt, type PaperWidth, type Receipt, type ReceiptLine } from "./printer/receipt.ts";
export { referenceReceipt } from "./printer/reference-receipt.ts";
export { renderPng, renderText } from "./printer/render.ts";
export { layoutReport, type PrintReport } from "./printer/report.ts";
export { type PrintedReceipt, PrinterSimulator } from "./printer/simulator.ts";
export { SCALE_CODECS, SCALE_PROTOCOLS, type ScaleProtocol } from "./scale/codecs.ts";
export { ScaleSimulator } from "./scale/simulator.ts";
export { isSellableWeight, type ScaleStatus, type WeightReading } from "./scale/weight.ts";
export type { ScanEvent } from "./scanner/scanner.ts";
export { ScannerSimulator } from "./scanner/simulator.ts";
