import { expect, test } from "bun:test";
import { openUsb, parseUsbId } from "./usb.ts";

test("USB ids are vendor:product in hex", () => {
  expect(parseUsbId("0416:5011")).toEqual({ vendorId: 0x0416, productId: 0x5011 });
  expect(() => parseUsbId("416:5011")).toThrow(/vendor:product/);
});

test("opening a USB device that is not there fails with a DeviceError naming it, never a crash", async () => {
  // Here (container, no /sys/bus/usb, or no such device) the `usb` package cannot list or find it.
  const err = await openUsb("0416:5011", "printer").catch((e: Error) => e);
  expect(err).toBeInstanceOf(Error);
  expect((err as Error).name).toBe("DeviceError");
  expect((err as Error).message).toMatch(/^0416:5011: usb: (not plugged in|cannot list USB devices)/);
});
