// The updater against a local "HQ" (Bun.serve serving the artefact) and a fake edge host: what it
// refuses (a forged signature, other bytes, a build that does not run as the offered version, no
// release key), that it never swaps while a lane is busy, that a release on trial which fails its
// health check puts the previous build back, and that what it gave up on is not tried again.
// The "builds" are shell scripts answering --version; the real compiled edge is updated in
// tests/appliance/update.test.ts.
import { afterAll, afterEach, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { createHash, generateKeyPairSync, sign } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Payload, releaseManifest } from "@retail/protocol";
import { type UpdateHost, Updater } from "./updater.ts";

setDefaultTimeout(90_000);
const { privateKey, publicKey } = generateKeyPairSync("ed25519");
const releaseKey = (publicKey.export({ type: "spki", format: "der" }) as Buffer).toString("base64");
const other = generateKeyPairSync("ed25519");

const script = (version: string) =>
  `#!/bin/sh\nif [ "$1" = --version ]; then echo "store-edge ${version}"; exit 0; fi\nexit 1\n`;
const files = new Map<number, Uint8Array>();
let server: ReturnType<typeof Bun.serve>;
const dirs: string[] = [];

beforeAll(() => {
  server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    fetch(req) {
      if (req.headers.get("authorization") !== `Basic ${Buffer.from("store-S1:pw").toString("base64")}`)
        return new Response("no", { status: 401 });
      const id = Number(/releases\/(\d+)\/artefact/.exec(new URL(req.url).pathname)?.[1]);
      const f = files.get(id);
      return f ? new Response(f) : new Response("no", { status: 404 });
    },
  });
});
afterAll(() => {
  server.stop(true);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function offerFor(
  id: number,
  version: string,
  bytes: Uint8Array,
  key = privateKey,
): Payload<"release.offer"> {
  files.set(id, bytes);
  const r = {
    releaseId: id,
    version,
    sha256: createHash("sha256").update(bytes).digest("hex"),
    size: bytes.byteLength,
  };
  return {
    ...r,
    signature: sign(null, Buffer.from(releaseManifest(r)), key).toString("base64"),
    path: `/api/v1/releases/${id}/artefact`,
    ring: "pilot",
  };
}

interface Fake {
  host: UpdateHost;
  reports: Payload<"update.report">[];
  restarts: number;
  idle: boolean;
  online: boolean;
  dir: string;
}

function fake(o: { running?: string; releaseKey?: string | undefined; dir?: string } = {}): Fake {
  const dir = o.dir ?? mkdtempSync(join(tmpdir(), "updater-"));
  if (!o.dir) dirs.push(dir);
  const exe = join(dir, "factory-store-edge");
  if (!existsSync(exe)) writeFileSync(exe, script(o.running ?? "1.0.0"), { mode: 0o755 });
  const f: Fake = {
    reports: [],
    restarts: 0,
    idle: true,
    online: true,
    dir,
    host: {
      dataDir: dir,
      enrollment: () => ({
        hq: `http://127.0.0.1:${server.port}`,
        mqtt: { username: "store-S1", password: "pw" },
        ...("releaseKey" in o ? (o.releaseKey ? { releaseKey: o.releaseKey } : {}) : { releaseKey }),
      }),
      link: () => ({
        online: f.online,
        state: {},
        send: (_t, _c, p) => {
          if (!f.online) return false;
          f.reports.push(p);
          return true;
        },
      }),
      lanesIdle: () => f.idle,
      restart: () => {
        f.restarts++;
      },
      runningVersion: () => o.running ?? "1.0.0",
      executable: () => exe,
      log: () => {},
      now: () => Date.now(),
    },
  };
  lastFake = f;
  return f;
}

let lastFake: Fake | undefined;
const started: Updater[] = [];
function updater(f: Fake, healthMs = 60_000): Updater {
  const u = new Updater(f.host, { quietPollMs: 20, healthMs });
  u.start();
  started.push(u);
  return u;
}
afterEach(() => {
  for (const u of started.splice(0)) u.stop();
});

async function waitFor(what: string, fn: () => boolean): Promise<void> {
  const end = Date.now() + 30_000;
  while (!fn()) {
    if (Date.now() > end)
      throw new Error(`timed out waiting for ${what} (${JSON.stringify(lastFake?.reports)})`);
    await Bun.sleep(10);
  }
}
const steps = (f: Fake) => f.reports.map((r) => r.step);

describe("the updater", () => {
  test("verified, waits while a lane is busy, swaps keeping the previous build, restarts", async () => {
    const f = fake();
    const u = updater(f);
    f.idle = false;
    u.onOffer(offerFor(1, "1.1.0", new TextEncoder().encode(script("1.1.0"))));
    await waitFor("waiting_quiet", () => steps(f).includes("waiting_quiet"));
    await Bun.sleep(100);
    expect(f.restarts).toBe(0);
    expect(existsSync(join(f.dir, "update/store-edge"))).toBe(false);
    f.idle = true;
    await waitFor("restart", () => f.restarts === 1);
    expect(steps(f)).toEqual(["downloading", "verified", "waiting_quiet", "swapped"]);
    expect(readFileSync(join(f.dir, "update/store-edge"), "utf8")).toContain("store-edge 1.1.0");
    expect(readFileSync(join(f.dir, "update/store-edge.previous"), "utf8")).toContain("store-edge 1.0.0");
    expect(readFileSync(join(f.dir, "update/trial"), "utf8")).toBe("2");
    expect(u.state).toMatchObject({ releaseId: 1, version: "1.1.0", step: "swapped", fromVersion: "1.0.0" });
  });

  test("a forged signature, other bytes, a build that is not the offered version, no release key: refused, never retried", async () => {
    const bytes = new TextEncoder().encode(script("2.0.0"));
    const cases: [Payload<"release.offer">, string, Fake][] = [
      [offerFor(2, "2.0.0", bytes, other.privateKey), "signature does not verify", fake()],
      [{ ...offerFor(3, "2.0.0", bytes), sha256: "0".repeat(64) }, "hashes to", fake()],
      [offerFor(4, "2.0.1", bytes), "does not run as 2.0.1", fake()],
      [offerFor(5, "2.0.0", bytes), "no release key", fake({ releaseKey: undefined })],
    ];
    for (const [offer, reason, f] of cases) {
      const u = updater(f);
      u.onOffer(offer);
      await waitFor(`refused ${offer.releaseId}`, () => steps(f).includes("refused"));
      expect(f.reports.at(-1)!.reason).toContain(reason);
      expect(existsSync(join(f.dir, "update/store-edge"))).toBe(false);
      expect(existsSync(join(f.dir, "update/download.part"))).toBe(false);
      const n = f.reports.length;
      u.onOffer(offer);
      await Bun.sleep(50);
      expect(f.reports.length).toBe(n);
      expect(f.restarts).toBe(0);
    }
  });

  test("on trial: healthy once HQ and its own status answer; failing the check puts the previous build back", async () => {
    // A swap as the first test leaves it, then the process starts again in the new version.
    const f = fake();
    const u = updater(f);
    u.onOffer(offerFor(6, "1.2.0", new TextEncoder().encode(script("1.2.0"))));
    await waitFor("restart", () => f.restarts === 1);
    u.stop();

    // The new version with no HTTP status (no run.json) and HQ offline: rolled back after the window.
    const sick = fake({ running: "1.2.0", dir: f.dir });
    sick.online = false;
    updater(sick, 300);
    await waitFor("rollback restart", () => sick.restarts === 1);
    expect(readFileSync(join(f.dir, "update/store-edge"), "utf8")).toContain("store-edge 1.0.0");
    expect(existsSync(join(f.dir, "update/trial"))).toBe(false);
    // Back on the previous version: the rollback is reported once HQ is reachable, and not retried.
    const back = fake({ running: "1.0.0", dir: f.dir });
    const b = updater(back);
    await waitFor("rolled_back report", () => steps(back).includes("rolled_back"));
    expect(back.reports.at(-1)).toMatchObject({ releaseId: 6, step: "rolled_back", runningVersion: "1.0.0" });
    expect(back.reports.at(-1)!.reason).toContain("health check failed");
    b.onOffer(offerFor(6, "1.2.0", new TextEncoder().encode(script("1.2.0"))));
    await Bun.sleep(50);
    expect(steps(back)).toEqual(["rolled_back"]);

    // A healthy trial: HQ welcomed it and its own status answers.
    const g = fake();
    const gu = updater(g);
    gu.onOffer(offerFor(7, "1.3.0", new TextEncoder().encode(script("1.3.0"))));
    await waitFor("restart", () => g.restarts === 1);
    gu.stop();
    const status = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => Response.json({ ok: true }) });
    try {
      writeFileSync(join(g.dir, "run.json"), JSON.stringify({ http: `http://127.0.0.1:${status.port}` }));
      const next = fake({ running: "1.3.0", dir: g.dir });
      updater(next);
      await waitFor("healthy", () => steps(next).includes("healthy"));
      expect(existsSync(join(g.dir, "update/trial"))).toBe(false);
      expect(next.restarts).toBe(0);
    } finally {
      status.stop(true);
    }
  });

  test("from a source checkout nothing is installed", async () => {
    const f = fake();
    const u = new Updater({ ...f.host, runningVersion: () => undefined }, { quietPollMs: 20 });
    started.push(u);
    u.start();
    u.onOffer(offerFor(8, "9.0.0", new TextEncoder().encode(script("9.0.0"))));
    await Bun.sleep(50);
    expect(f.reports).toEqual([]);
    mkdirSync(join(f.dir, "update"), { recursive: true });
    expect(existsSync(join(f.dir, "update/store-edge.next"))).toBe(false);
  });
});
