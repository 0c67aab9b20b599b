// Notices devices coming and going without a restart: fs.watch on the directories of the
// configured paths (/dev, /dev/serial/by-path, /dev/input/by-id; udev creates and removes the
// symlinks there), a poll as a fallback (fs.watch misses events on some filesystems, and a
// directory that does not exist yet cannot be watched), and USB attach/detach from libusb.
import { existsSync, type FSWatcher, watch } from "node:fs";
import { dirname } from "node:path";

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

  /** Calls `cb` on every USB attach or detach (guarded: without libusb, polling retries instead). */
  async watchUsb(cb: () => void): Promise<void> {
    this.#usbListeners.push(cb);
    if (this.#usbOff) return;
    try {
      const mod = (await import("usb")) as unknown as {
        usb?: { on?(e: string, f: () => void): void; off?(e: string, f: () => void): void };
      };
      const emitter = mod.usb;
      if (typeof emitter?.on !== "function") return;
      const fire = () => {
        for (const l of this.#usbListeners) l();
      };
      emitter.on("attach", fire);
      emitter.on("detach", fire);
      this.#usbOff = () => {
        emitter.off?.("attach", fire);
        emitter.off?.("detach", fire);
      };
    } catch {
      // No libusb here.
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
