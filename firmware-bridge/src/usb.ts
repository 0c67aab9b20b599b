// USB transport through the `usb` package's WebUSB API: USB printer class (bulk OUT/IN) and HID
// POS scanners (interrupt IN). Loaded lazily and guarded: a machine without libusb, without
// /sys/bus/usb (containers) or without the device gets a DeviceError naming why, never a crash.
import { DeviceError } from "./errors.ts";
import { ByteLink } from "./link.ts";

export type UsbClass = "printer" | "hid";
const CLASS_CODE: Record<UsbClass, number> = { printer: 0x07, hid: 0x03 };

interface WebUsbLike {
  getDevices(): Promise<USBDeviceLike[]>;
}
interface USBDeviceLike {
  vendorId: number;
  productId: number;
  serialNumber?: string;
  configuration?: {
    interfaces: {
      interfaceNumber: number;
      alternate: {
        interfaceClass: number;
        endpoints: { endpointNumber: number; direction: "in" | "out"; packetSize: number }[];
      };
    }[];
  };
  open(): Promise<void>;
  close(): Promise<void>;
  selectConfiguration(n: number): Promise<void>;
  claimInterface(n: number): Promise<void>;
  releaseInterface(n: number): Promise<void>;
  transferOut(ep: number, data: Uint8Array): Promise<unknown>;
  transferIn(ep: number, len: number): Promise<{ data?: DataView; status: string }>;
}

let webusb: Promise<WebUsbLike> | undefined;

/** The WebUSB instance, or a DeviceError saying why USB cannot be used here. */
export function loadWebUsb(): Promise<WebUsbLike> {
  webusb ??= (async () => {
    try {
      const mod = (await import("usb")) as unknown as {
        WebUSB: new (o: { allowAllDevices: boolean }) => WebUsbLike;
      };
      return new mod.WebUSB({ allowAllDevices: true });
    } catch (e) {
      throw new DeviceError("usb", "libusb", `usb package unavailable: ${(e as Error).message}`);
    }
  })();
  return webusb;
}

export class UsbLink extends ByteLink {
  #open = true;
  constructor(
    readonly name: string,
    readonly device: USBDeviceLike,
    readonly iface: number,
    readonly epOut: number | undefined,
    readonly epIn: number | undefined,
    readonly packetSize: number,
  ) {
    super();
    if (epIn !== undefined) void this.#readLoop(epIn);
  }
  get isOpen(): boolean {
    return this.#open;
  }
  async #readLoop(ep: number): Promise<void> {
    while (this.#open) {
      try {
        const r = await this.device.transferIn(ep, this.packetSize);
        if (r.data?.byteLength)
          this.emit("data", new Uint8Array(r.data.buffer, r.data.byteOffset, r.data.byteLength));
      } catch (e) {
        this.#gone(`usb read: ${(e as Error).message}`);
      }
    }
  }
  #gone(reason: string | undefined): void {
    if (!this.#open) return;
    this.#open = false;
    void this.device
      .releaseInterface(this.iface)
      .catch(() => {})
      .then(() => this.device.close())
      .catch(() => {});
    this.emit("close", reason);
  }
  async write(bytes: Uint8Array): Promise<void> {
    if (!this.#open || this.epOut === undefined)
      throw new DeviceError(this.name, "connection", "no OUT endpoint");
    try {
      await this.device.transferOut(this.epOut, bytes);
    } catch (e) {
      this.#gone(`usb write: ${(e as Error).message}`);
      throw new DeviceError(this.name, "connection", (e as Error).message);
    }
  }
  async close(): Promise<void> {
    this.#gone(undefined);
  }
}

export function parseUsbId(id: string): { vendorId: number; productId: number } {
  const m = /^([0-9a-f]{4}):([0-9a-f]{4})$/i.exec(id);
  if (!m) throw new DeviceError(id, "usb", "expected vendor:product as 4 hex digits each, e.g. 0416:5011");
  return { vendorId: Number.parseInt(m[1]!, 16), productId: Number.parseInt(m[2]!, 16) };
}

/** Opens the first device with this vendor:product (and serial, when given) and claims its interface of `cls`. */
export async function openUsb(id: string, cls: UsbClass, serial?: string): Promise<UsbLink> {
  const { vendorId, productId } = parseUsbId(id);
  const usb = await loadWebUsb();
  let devices: USBDeviceLike[];
  try {
    devices = await usb.getDevices();
  } catch (e) {
    throw new DeviceError(id, "usb", `cannot list USB devices: ${(e as Error).message}`);
  }
  const dev = devices.find(
    (d) => d.vendorId === vendorId && d.productId === productId && (!serial || d.serialNumber === serial),
  );
  if (!dev) throw new DeviceError(id, "usb", "not plugged in");
  try {
    await dev.open();
    if (!dev.configuration) await dev.selectConfiguration(1);
    const iface = dev.configuration?.interfaces.find((i) => i.alternate.interfaceClass === CLASS_CODE[cls]);
    if (!iface) throw new Error(`no ${cls} interface`);
    await dev.claimInterface(iface.interfaceNumber);
    const eps = iface.alternate.endpoints;
    const out = eps.find((e) => e.direction === "out");
    const inp = eps.find((e) => e.direction === "in");
    return new UsbLink(
      id,
      dev,
      iface.interfaceNumber,
      out?.endpointNumber,
      inp?.endpointNumber,
      inp?.packetSize ?? 64,
    );
  } catch (e) {
    await dev.close().catch(() => {});
    throw new DeviceError(id, "usb", (e as Error).message);
  }
}
