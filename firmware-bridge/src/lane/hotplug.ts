// Notices devices coming and going without a restart: fs.watch on the directories of the
// configured paths (/dev, /dev/serial/by-path, /dev/input/by-id; udev creates and removes the
// symlinks there), a poll as a fallback (fs.watch misses events on some filesystems, and a
// directory that does not exist yet cannot be watched), and USB connect/disconnect from the
// `usb` package (3.x: WebUSB events over its native hot-plug watch).
import { existsSync, type FSWatcher, watch } from "node:fs";
import { dirname } from "node:path";

/** The `usb` package's default object: WebUSB events (usb >= 3) or an EventEmitter (usb 2.x). */
interface UsbEvents {
  addEventListener?(type: string, f: () => void): void;
  removeEventListener?(type: string, f: () => void): void;
  on?(e: string, f: () => void): void;
  off?(e: string, f: () => void): void;
}

export class HotplugWatcher {
  #paths = new Map<string, { present: boolean; cb: (present: boolean) => void }>();
  #watchers = new Map<string, FSWatcher>();
  #timer: ReturnType<typeof setInterval>;
  #usbListeners: (() => void)[] = [];
  #usbOff: (() => void) | undefined;

  constructor(readonly pollMs = 500) {
    this.#timer = setInterval(() => this.check(), pollMs);
  }

  /** Calls `cb(true)` when `path` appears and `cb(false)` when it goes. */
  watchPath(path: string, cb: (present: boolean) => void): void {
    this.#paths.set(path, { present: existsSync(path), cb });
    const dir = dirname(path);
    if (this.#watchers.has(dir)) return;
    try {
      const w = watch(dir, () => this.check());
      w.on("error", () => {
        w.close();
        this.#watchers.delete(dir);
      });
      this.#watchers.set(dir, w);
    } catch {
      // Directory missing (no serial adapter yet): the poll covers it.
    }
  }

  /**
   * How USB hot-plug is watched: "webusb" (usb >= 3: `usb.addEventListener("connect" |
   * "disconnect")`), "legacy" (usb 2.x: `usb.on("attach" | "detach")`), or why not, in which
   * case the supervisors' retries (100 ms to 2 s backoff) find a device that comes back.
   */
  usbHotplug = "not requested";

  /**
   * Calls `cb` on every USB attach or detach. Guarded: without sysfs's USB tree (containers,
   * machines without a USB bus) the `usb` package can neither list nor watch devices, and
   * subscribing would leave a rejected promise inside it; the supervisors' retries cover that.
   */
  async watchUsb(
    cb: () => void,
    opts: { load?: () => Promise<unknown>; sysfs?: string } = {},
  ): Promise<void> {
    this.#usbListeners.push(cb);
    if (this.#usbOff || this.usbHotplug === "watching") return;
    const sysfs = opts.sysfs ?? "/sys/bus/usb/devices";
    if (!existsSync(sysfs)) {
      this.usbHotplug = `unavailable: no ${sysfs}`;
      return;
    }
    this.usbHotplug = "watching";
    const fire = () => {
      for (const l of this.#usbListeners) l();
    };
    try {
      const mod = (await (opts.load ?? (() => import("usb")))()) as { usb?: UsbEvents };
      const u = mod.usb;
      if (typeof u?.addEventListener === "function" && typeof u.removeEventListener === "function") {
        u.addEventListener("connect", fire);
        u.addEventListener("disconnect", fire);
        this.#usbOff = () => {
          u.removeEventListener!("connect", fire);
          u.removeEventListener!("disconnect", fire);
        };
        this.usbHotplug = "webusb";
      } else if (typeof u?.on === "function") {
        u.on("attach", fire);
        u.on("detach", fire);
        this.#usbOff = () => {
          u.off?.("attach", fire);
          u.off?.("detach", fire);
        };
        this.usbHotplug = "legacy";
      } else this.usbHotplug = "unavailable: the usb package has no hot-plug events";
    } catch (e) {
      this.usbHotplug = `unavailable: ${(e as Error).message}`;
    }
  }

  check(): void {
    for (const [path, entry] of this.#paths) {
      const present = existsSync(path);
      if (present !== entry.present) {
        entry.present = present;
        entry.cb(present);
      }
    }
  }

  close(): void {
    clearInterval(this.#timer);
    for (const w of this.#watchers.values()) w.close();
    this.#watchers.clear();
    this.#usbOff?.();
  }
}
