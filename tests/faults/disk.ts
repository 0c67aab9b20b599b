// Full and read-only disks for real: each store's data directory and the hub's sit on their own
// small ext4 filesystem, loop-mounted from a sparse image in the run directory (root only).
// Full: a ballast file takes every free block (fallocate, then 4 KiB writes to the last block),
// removed to give the space back. Read-only: ext4's own error path (`trigger_fs_error` in sysfs,
// mounted errors=remount-ro), which is what the kernel does when a disk starts failing: the
// filesystem flips to read-only under the open files, the journal is aborted, and it only comes
// back through unmount, e2fsck and mount (a technician's reboot): the runner does exactly that.
import { closeSync, existsSync, mkdirSync, openSync, rmSync, statfsSync, writeSync } from "node:fs";
import { basename, join } from "node:path";

const run = (cmd: string[]) => {
  const r = Bun.spawnSync(cmd, { stdout: "pipe", stderr: "pipe" });
  return { ok: r.exitCode === 0, out: `${r.stdout.toString()}${r.stderr.toString()}`.trim() };
};

let reason: string | undefined | null = null;

/** Why full and read-only disks cannot be injected here, or undefined when they can. */
export function diskSkipReason(): string | undefined {
  if (reason !== null) return reason;
  reason = undefined;
  if (process.getuid?.() !== 0) reason = "not root: full and read-only disks need loop-mounted filesystems";
  else if (!Bun.which("mkfs.ext4") || !Bun.which("mount") || !Bun.which("e2fsck"))
    reason = "mkfs.ext4, mount or e2fsck missing (apt-get install e2fsprogs mount)";
  else {
    // One probe mount: a container without loop devices or CAP_SYS_ADMIN says so here.
    const probe = join(process.env.TMPDIR ?? "/tmp", `faults-disk-probe-${process.pid}`);
    try {
      const v = new Volume(`${probe}.img`, probe, 32);
      const err = v.mount();
      if (err) reason = `cannot loop-mount an ext4 image: ${err}`;
      else if (!existsSync(v.errorTrigger()))
        reason = `no ${v.errorTrigger()}: cannot make the filesystem read-only under open files`;
      v.unmount();
    } finally {
      rmSync(probe, { recursive: true, force: true });
      rmSync(`${probe}.img`, { force: true });
    }
  }
  return reason;
}

export class Volume {
  private dev = "";

  constructor(
    readonly image: string,
    readonly mountPoint: string,
    readonly sizeMiB: number,
  ) {}

  /** Creates the filesystem (first time) and mounts it; an error message, or undefined. */
  mount(): string | undefined {
    mkdirSync(this.mountPoint, { recursive: true });
    if (!existsSync(this.image)) {
      const t = run(["truncate", "-s", `${this.sizeMiB}M`, this.image]);
      if (!t.ok) return t.out;
      // No reserved blocks, so "full" is full for the edge too; small journal for a small disk.
      const m = run(["mkfs.ext4", "-q", "-F", "-m", "0", "-J", "size=4", this.image]);
      if (!m.ok) return m.out;
    }
    const r = run(["mount", "-o", "loop,errors=remount-ro", this.image, this.mountPoint]);
    if (!r.ok) return r.out;
    this.dev = basename(run(["findmnt", "-no", "SOURCE", this.mountPoint]).out);
    return undefined;
  }

  unmount(): void {
    if (!run(["umount", this.mountPoint]).ok) run(["umount", "-l", this.mountPoint]);
  }

  errorTrigger(): string {
    return `/sys/fs/ext4/${this.dev}/trigger_fs_error`;
  }

  private get ballast(): string {
    return join(this.mountPoint, "ballast");
  }

  /** Takes every free block. */
  fill(): void {
    const free = () => {
      const s = statfsSync(this.mountPoint);
      return s.bavail * s.bsize;
    };
    run(["fallocate", "-l", String(Math.max(0, free() - 64 * 1024)), this.ballast]);
    // The last blocks one by one: fallocate leaves what its extent rounding could not take.
    const fd = openSync(`${this.ballast}2`, "w");
    const block = Buffer.alloc(4096);
    try {
      for (let i = 0; i < 100_000; i++) writeSync(fd, block);
    } catch {
      // ENOSPC: full
    } finally {
      closeSync(fd);
    }
  }

  /** Gives the space back. */
  free(): void {
    rmSync(this.ballast, { force: true });
    rmSync(`${this.ballast}2`, { force: true });
  }

  /** The kernel's read-only flip on a disk error, under the open files. */
  failReadOnly(): string | undefined {
    const r = run(["sh", "-c", `echo 1 > ${this.errorTrigger()}`]);
    return r.ok ? undefined : r.out;
  }

  /** The technician's repair, with every process on it stopped: unmount, e2fsck, mount. */
  repair(): string | undefined {
    this.unmount();
    const f = Bun.spawnSync(["e2fsck", "-fy", this.image], { stdout: "pipe", stderr: "pipe" });
    // 0: clean, 1: errors corrected; above that e2fsck could not fix it.
    if ((f.exitCode ?? 8) > 1)
      return `e2fsck ${this.image}: exit ${f.exitCode}: ${f.stdout.toString().slice(-500)}`;
    return this.mount();
  }
}
