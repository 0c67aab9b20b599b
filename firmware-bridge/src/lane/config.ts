// A lane's devices, by stable addresses only: /dev/serial/by-path/..., /dev/input/by-id/...,
// USB vendor:product (+ serial), host:port. Never /dev/ttyUSB0 by plug order.
import { z } from "zod";
import { SCALE_PROTOCOLS } from "../scale/codecs.ts";

const SerialPort = z.object({
  type: z.literal("serial"),
  path: z.string().startsWith("/", "an absolute device path, e.g. /dev/serial/by-path/..."),
  baud: z.number().int().positive().optional(),
});
const InputPort = z.object({ type: z.literal("input"), path: z.string().startsWith("/") });
const UsbPort = z.object({
  type: z.literal("usb"),
  id: z.string().regex(/^[0-9a-fA-F]{4}:[0-9a-fA-F]{4}$/, "vendor:product, 4 hex digits each"),
  serial: z.string().optional(),
});
const TcpPort = z.object({
  type: z.literal("tcp"),
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535).default(9100),
});

export const ScannerConfig = z.object({
  id: z.string().min(1),
  port: z.discriminatedUnion("type", [SerialPort, InputPort, UsbPort]),
  wire: z.enum(["keyboard", "serial", "hidpos"]),
  layout: z.enum(["us", "de", "fr"]).default("us"),
  suffix: z.enum(["\r", "\n", "\r\n", "\t", ""]).default("\r"),
  interKeyTimeoutMs: z.number().int().positive().default(60),
  dedupWindowMs: z.number().int().min(0).default(300),
});

export const ScaleConfig = z.object({
  id: z.string().min(1),
  port: SerialPort,
  protocol: z.enum(SCALE_PROTOCOLS as [string, ...string[]]),
  continuous: z.boolean().default(false),
  pollMs: z.number().int().positive().default(150),
  timeoutMs: z.number().int().positive().max(2000).default(1000),
});

export const PrinterConfig = z.object({
  id: z.string().min(1),
  port: z.discriminatedUnion("type", [TcpPort, UsbPort, SerialPort]),
  paper: z.union([z.literal(58), z.literal(80)]).default(80),
  /** Directory of the persistent print queue. */
  queueDir: z.string().min(1),
  drawer: z
    .object({
      pin: z.union([z.literal(2), z.literal(5)]).default(2),
      onMs: z.number().int().default(100),
      offMs: z.number().int().default(500),
    })
    .default({ pin: 2, onMs: 100, offMs: 500 }),
});

export const DisplayConfig = z.object({ id: z.string().min(1), port: SerialPort });

export const LaneDevicesConfig = z.object({
  lane: z.string().min(1),
  scanners: z.array(ScannerConfig).default([]),
  scale: ScaleConfig.optional(),
  printer: PrinterConfig.optional(),
  display: DisplayConfig.optional(),
  /** Scale label layouts passed to parseScan (defaults: the protocol's). */
  scaleLayouts: z
    .array(
      z.object({
        name: z.string().optional(),
        pattern: z.string(),
        value: z.enum(["price_fen", "weight_g"]),
      }),
    )
    .optional(),
});

export type LaneDevicesConfig = z.infer<typeof LaneDevicesConfig>;
export type LaneDevicesConfigInput = z.input<typeof LaneDevicesConfig>;
