// USB hot-plug wiring: the `usb` package 3.x announces devices as WebUSB "connect"/"disconnect"
// events (its 2.x API was usb.on("attach"/"detach")). Real attach events need a USB bus; these
// tests check the subscription against stand-ins of both APIs and the guard on this machine.
import { afterEach, expect, test } from "bun:test";
import { EventEmitter } from "node:events";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { HotplugWatcher } from "./hotplug.ts";

const sysfs = mkdtempSync(`${tmpdir()}/sysfs-usb-`);
let w: HotplugWatcher | undefined;
afterEach(() => {
  w?.close();
  w = undefined;
});

test("usb 3.x (WebUSB): connect and disconnect events wake the supervisors; close() unsubscribes", async () => {
  const usb = new EventTarget();
  w = new HotplugWatcher(60_000);
  let calls = 0;
  await w.watchUsb(() => calls++, { load: async () => ({ usb }), sysfs });
  await w.watchUsb(() => calls++, { load: async () => ({ usb }), sysfs }); // a second device, one subscription
  expect(w.usbHotplug).toBe("webusb");
  usb.dispatchEvent(new Event("connect"));
  expect(calls).toBe(2);
  usb.dispatchEvent(new Event("disconnect"));
  expect(calls).toBe(4);
  w.close();
  usb.dispatchEvent(new Event("connect"));
  expect(calls).toBe(4);
});

test("usb 2.x (EventEmitter): attach and detach", async () => {
  const usb = new EventEmitter();
  w = new HotplugWatcher(60_000);
  let calls = 0;
  await w.watchUsb(() => calls++, { load: async () => ({ usb }), sysfs });
  expect(w.usbHotplug).toBe("legacy");
  usb.emit("attach");
  usb.emit("detach");
  expect(calls).toBe(2);
});

test("no sysfs USB tree (this container): not subscribed, said why; the supervisors' retries cover it", async () => {
  w = new HotplugWatcher(60_000);
  await w.watchUsb(() => {}, { sysfs: `${sysfs}/missing` });
  expect(w.usbHotplug).toBe(`unavailable: no ${sysfs}/missing`);
  // The real package on this machine: subscribed when the machine has a USB bus.
  const real = new HotplugWatcher(60_000);
  await real.watchUsb(() => {});
  expect(real.usbHotplug).toBe(
    existsSync("/sys/bus/usb/devices") ? "webusb" : "unavailable: no /sys/bus/usb/devices",
  );
  real.close();
});
