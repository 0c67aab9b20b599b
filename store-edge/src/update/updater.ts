// Signed updates (issue 20 item 3, docs/appliance.md "Updates"). HQ offers a release
// (release.offer); the edge downloads it with its own credentials, verifies checksum and
// signature (verify.ts) and that the build runs (`--version`), waits until no lane has a cart or a
// payment open, swaps it in (DATA/update/store-edge, the previous one kept beside it) and exits
// 75 so systemd starts it again through packaging/store-edge-boot. The new process is on trial
// (DATA/update/trial): it must reach HQ (welcomed) and answer its own HTTP status within the
// health window, or it puts the previous build back and exits again; a build that dies before it
// can check itself is rolled back by store-edge-boot after its trial boots. Every step is
// reported to HQ (update.report) and kept in DATA/update/state.json, so the step a restart
// interrupted is reported after it. A release refused or rolled back here is not tried again.
import { createHash } from "node:crypto";
import {
  chmodSync,
  copyFileSync,
  createWriteStream,
  existsSync,
  linkSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import type { Payload, UPDATE_STEPS } from "@retail/protocol";
import { verifyRelease } from "./verify.ts";

/** The exit status that asks the service manager to start the edge again (Restart=on-failure). */
export const RESTART_EXIT_CODE = 75;
/** Boots a just-installed release gets before store-edge-boot rolls it back. */
export const TRIAL_BOOTS = 2;

type Step = (typeof UPDATE_STEPS)[number];
type Offer = Payload<"release.offer">;

export interface UpdateState {
  releaseId: number;
  version: string;
  step: Step;
  reason?: string;
  at: string;
  /** The version that ran when the release was taken on. */
  fromVersion: string;
}

interface Persisted {
  current?: UpdateState;
  /** Releases refused or rolled back here: never tried again (HQ stops offering them too). */
  gaveUp: number[];
}

export interface UpdateHost {
  dataDir: string;
  enrollment(): { hq: string; mqtt: { username: string; password: string }; releaseKey?: string } | undefined;
  /** The HQ link, when enrolled and started. */
  link():
    | {
        online: boolean;
        state: { awaitingWelcome?: boolean };
        send(t: "update.report", c: "status", p: Payload<"update.report">): boolean;
      }
    | undefined;
  /** No lane has a cart, a return or a payment open. */
  lanesIdle(): boolean;
  /** Stops the edge cleanly and exits RESTART_EXIT_CODE. */
  restart(): void;
  /** The version this process runs (a compiled appliance), undefined from a source checkout. */
  runningVersion(): string | undefined;
  /** The executable this process runs from. */
  executable(): string;
  log(msg: string): void;
  now(): number;
}

export interface UpdateOptions {
  /** How long a release on trial has to prove itself (STORE_EDGE_UPDATE_HEALTH_SEC, default 120 s). */
  healthMs?: number;
  /** How often the lanes are looked at while waiting for a quiet moment (default 1 s). */
  quietPollMs?: number;
}

export class Updater {
  private readonly dir: string;
  private persisted: Persisted;
  private working = false;
  private unreported: Payload<"update.report"> | undefined;
  private timers = new Set<ReturnType<typeof setInterval>>();
  private stopped = false;
  private warnedSource = false;

  constructor(
    private readonly h: UpdateHost,
    private readonly o: UpdateOptions = {},
  ) {
    this.dir = join(h.dataDir, "update");
    this.persisted = this.load();
  }

  /** What the edge's status shows. */
  get state(): UpdateState | undefined {
    return this.persisted.current;
  }

  /** Settles what a restart interrupted, starts the health check of a release on trial. */
  start(): void {
    const cur = this.persisted.current;
    const running = this.h.runningVersion();
    const onTrial = existsSync(this.file("trial"));
    if (cur && running !== undefined) {
      if (cur.version === running && (onTrial || cur.step === "swapped")) this.checkHealth(cur);
      else if (cur.step === "swapped") {
        // The new build never came up: store-edge-boot put the previous one back.
        const note = this.read("rolled-back")?.trim();
        rmSync(this.file("rolled-back"), { force: true });
        this.giveUp(cur, "rolled_back", note || `the new build did not start; running ${running} again`);
      } else if (cur.step === "downloading" || cur.step === "verified" || cur.step === "waiting_quiet") {
        // Interrupted before the swap: nothing was installed. HQ offers it again.
        rmSync(this.file("trial"), { force: true });
        this.step(cur, "failed", "the edge restarted before the release was installed");
      } else this.report(cur);
    }
    this.every(5000, () => this.flush());
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    this.timers.clear();
  }

  /** HQ offers a release. Ignored when it runs it, is busy, gave up on it, or runs from source. */
  onOffer(offer: Offer): void {
    const running = this.h.runningVersion();
    if (running === undefined) {
      if (!this.warnedSource)
        this.h.log("update offered, but this edge runs from a source checkout: not installed");
      this.warnedSource = true;
      return;
    }
    if (offer.version === running || this.working || this.stopped) return;
    if (this.persisted.gaveUp.includes(offer.releaseId)) return;
    this.working = true;
    const st: UpdateState = {
      releaseId: offer.releaseId,
      version: offer.version,
      step: "downloading",
      at: this.iso(),
      fromVersion: running,
    };
    this.step(st, "downloading");
    this.install(offer, st).catch((e) => {
      this.working = false;
      this.step(st, "failed", (e as Error).message.slice(0, 300));
    });
  }

  private async install(offer: Offer, st: UpdateState): Promise<void> {
    const e = this.h.enrollment();
    if (!e) throw new Error("not enrolled");
    mkdirSync(this.dir, { recursive: true });
    const part = this.file("download.part");
    const got = await this.download(`${e.hq}${offer.path}`, e.mqtt, part, offer.size);
    const verdict = verifyRelease(offer, got, e.releaseKey);
    if (!verdict.ok) return this.refuse(st, part, verdict.reason);
    chmodSync(part, 0o755);
    const says = await this.versionOf(part);
    if (says !== `store-edge ${offer.version}`)
      return this.refuse(
        st,
        part,
        `the build does not run as ${offer.version} (--version: ${says.slice(0, 80) || "nothing"})`,
      );
    renameSync(part, this.file("store-edge.next"));
    this.step(st, "verified");
    this.step(st, "waiting_quiet");
    const poll = this.every(this.o.quietPollMs ?? 1000, () => {
      if (!this.h.lanesIdle()) return;
      this.cancel(poll);
      this.swap(st);
    });
  }

  /** Streams the artefact to `file`, hashing it; refuses more bytes than the offer said. */
  private async download(
    url: string,
    creds: { username: string; password: string },
    file: string,
    size: number,
  ): Promise<{ sha256: string; size: number }> {
    const basic = Buffer.from(`${creds.username}:${creds.password}`).toString("base64");
    const res = await fetch(url, { headers: { authorization: `Basic ${basic}` } });
    if (!res.ok || !res.body) throw new Error(`download: HQ answered ${res.status}`);
    const hash = createHash("sha256");
    const out = createWriteStream(file, { mode: 0o600 });
    let n = 0;
    try {
      for await (const chunk of res.body) {
        n += chunk.byteLength;
        if (n > size) throw new Error(`download: more than the ${size} bytes offered`);
        hash.update(chunk);
        if (!out.write(chunk)) await new Promise((r) => out.once("drain", r));
      }
      await new Promise<void>((resolve, reject) =>
        out.end((err?: Error | null) => (err ? reject(err) : resolve())),
      );
    } catch (err) {
      out.destroy();
      rmSync(file, { force: true });
      throw err;
    }
    return { sha256: hash.digest("hex"), size: n };
  }

  /**
   * What `<file> --version` prints (a build that does not even start prints nothing). Tried three
   * times: a file just written can be "busy" (ETXTBSY) while a process forked meanwhile still holds
   * the write descriptor.
   */
  private async versionOf(file: string): Promise<string> {
    for (let attempt = 1; ; attempt++) {
      try {
        const p = Bun.spawn([file, "--version"], { stdout: "pipe", stderr: "ignore", stdin: "ignore" });
        const kill = setTimeout(() => p.kill("SIGKILL"), 60_000);
        const out = await new Response(p.stdout).text();
        await p.exited;
        clearTimeout(kill);
        if (p.exitCode === 0) return out.trim();
      } catch {
        // ETXTBSY or not an executable at all
      }
      if (attempt === 3) return "";
      await Bun.sleep(300);
    }
  }

  /**
   * The swap, at a quiet moment: the running build is kept as store-edge.previous (a hard link
   * when it is the installed update, a copy of the factory binary otherwise), the trial boots are
   * written, then store-edge.next is renamed over store-edge (atomic), and the edge restarts.
   */
  private swap(st: UpdateState): void {
    try {
      const prevTmp = this.file("store-edge.previous.tmp");
      rmSync(prevTmp, { force: true });
      const exe = this.h.executable();
      if (exe === this.file("store-edge")) linkSync(exe, prevTmp);
      else copyFileSync(exe, prevTmp);
      chmodSync(prevTmp, 0o755);
      renameSync(prevTmp, this.file("store-edge.previous"));
      this.write("trial", String(TRIAL_BOOTS));
      renameSync(this.file("store-edge.next"), this.file("store-edge"));
    } catch (e) {
      rmSync(this.file("trial"), { force: true });
      this.working = false;
      this.step(st, "failed", `swap: ${(e as Error).message}`);
      return;
    }
    this.step(st, "swapped");
    this.flush();
    this.h.log(`update: ${st.version} installed; restarting into it`);
    this.h.restart();
  }

  /** On trial: HQ welcomed this edge and its own HTTP status answers, within the window. */
  private checkHealth(st: UpdateState): void {
    const deadline = this.h.now() + (this.o.healthMs ?? 120_000);
    const timer = this.every(500, () => {
      void this.healthy().then((ok) => {
        if (!this.timers.has(timer)) return;
        if (ok) {
          this.cancel(timer);
          rmSync(this.file("trial"), { force: true });
          this.step(st, "healthy");
          this.h.log(`update: ${st.version} is healthy`);
        } else if (this.h.now() > deadline) {
          this.cancel(timer);
          this.rollBack(st, `health check failed: ${this.whyUnhealthy}`);
        }
      });
    });
  }

  private whyUnhealthy = "";

  private async healthy(): Promise<boolean> {
    const link = this.h.link();
    if (!link?.online || link.state.awaitingWelcome) {
      this.whyUnhealthy = "HQ link not online and welcomed within the window";
      return false;
    }
    try {
      const run = JSON.parse(this.read("../run.json") ?? "{}") as { http?: string };
      if (!run.http) throw new Error("not serving");
      const res = await fetch(`${run.http}/api/v1/status`, { signal: AbortSignal.timeout(5000) });
      if (!res.ok) throw new Error(`status answered ${res.status}`);
      return true;
    } catch (e) {
      this.whyUnhealthy = `own HTTP status: ${(e as Error).message}`;
      return false;
    }
  }

  /** The release on trial failed its health check: the previous build back, restart into it. */
  private rollBack(st: UpdateState, reason: string): void {
    if (existsSync(this.file("store-edge.previous")))
      renameSync(this.file("store-edge.previous"), this.file("store-edge"));
    else rmSync(this.file("store-edge"), { force: true });
    rmSync(this.file("trial"), { force: true });
    this.giveUp(st, "rolled_back", reason);
    this.flush();
    this.h.log(`update: ${st.version} rolled back (${reason})`);
    this.h.restart();
  }

  private refuse(st: UpdateState, part: string, reason: string): void {
    rmSync(part, { force: true });
    this.working = false;
    this.giveUp(st, "refused", reason);
    this.h.log(`update: ${st.version} refused: ${reason}`);
  }

  private giveUp(st: UpdateState, step: "refused" | "rolled_back", reason: string): void {
    if (!this.persisted.gaveUp.includes(st.releaseId)) this.persisted.gaveUp.push(st.releaseId);
    this.step(st, step, reason);
  }

  private step(st: UpdateState, step: Step, reason?: string): void {
    st.step = step;
    st.at = this.iso();
    if (reason) st.reason = reason;
    else delete st.reason;
    this.persisted.current = { ...st };
    this.write("state.json", JSON.stringify(this.persisted));
    this.report(st);
  }

  private report(st: UpdateState): void {
    this.unreported = {
      releaseId: st.releaseId,
      version: st.version,
      step: st.step,
      runningVersion: this.h.runningVersion() ?? "source",
      ...(st.reason ? { reason: st.reason.slice(0, 300) } : {}),
      at: st.at,
    };
    this.flush();
  }

  /** Sends the last step if HQ is reachable (only the newest matters; sent again after a drop). */
  private flush(): void {
    const r = this.unreported;
    if (r && this.h.link()?.send("update.report", "status", r)) this.unreported = undefined;
  }

  private load(): Persisted {
    try {
      const p = JSON.parse(this.read("state.json") ?? "") as Persisted;
      return {
        gaveUp: Array.isArray(p.gaveUp) ? p.gaveUp : [],
        ...(p.current ? { current: p.current } : {}),
      };
    } catch {
      return { gaveUp: [] };
    }
  }

  private every(ms: number, fn: () => void): ReturnType<typeof setInterval> {
    const t = setInterval(fn, ms);
    this.timers.add(t);
    return t;
  }

  private cancel(t: ReturnType<typeof setInterval>): void {
    clearInterval(t);
    this.timers.delete(t);
  }

  private file(name: string): string {
    return join(this.dir, name);
  }

  private read(name: string): string | undefined {
    try {
      return readFileSync(this.file(name), "utf8");
    } catch {
      return undefined;
    }
  }

  /** A new file renamed over the old one: a power cut leaves one or the other, whole. */
  private write(name: string, text: string): void {
    mkdirSync(this.dir, { recursive: true });
    writeFileSync(this.file(`${name}.tmp`), text);
    renameSync(this.file(`${name}.tmp`), this.file(name));
  }

  private iso(): string {
    return new Date(this.h.now()).toISOString();
  }
}
