// Hostile HTTP against a real hub process (issue 13 item 6): huge unauthenticated bodies, chunked
// and with a Content-Length, to the enrollment route and an authenticated one. Every one is
// answered 413 naming the limit, and the hub's peak memory (VmHWM) stays bounded. Then the
// enrollment rate limit: per source address (another loopback address still gets through),
// 429 with Retry-After, wrong codes counted, and a fleet alert naming the address.
import { afterAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { join } from "node:path";
import { api, tempDir } from "../test-kit.ts";
import { type HubProcess, procMemory, rawRequest, spawnHub } from "../testing/hub-process.ts";

// Real processes on a shared 2-core machine: generous, never a timed assertion.
setDefaultTimeout(240_000);

const MB = 1024 * 1024;
const dir = tempDir("hq-hostile-");
const hubs: HubProcess[] = [];
afterAll(async () => {
  for (const h of hubs) await h.stop();
  dir.remove();
});

describe("body limits on a real hub process", () => {
  test("8 x 80 MB to /enroll and 2 x 80 MB to an admin route: 413 naming the limit, peak RSS bounded", async () => {
    // Rate limit out of the way: this test is about reading bodies.
    const hub = await spawnHub(join(dir.path, "limits"), { HQ_ENROLL_ATTEMPTS_PER_ADDRESS: "1000" });
    hubs.push(hub);
    const pid = hub.proc.pid;
    // Warm up the routes once, then take the baseline.
    expect((await api({ http: { url: hub.http } }, "GET", "/api/v1/fleet")).status).toBe(200);
    const before = await procMemory(pid, "VmRSS");

    // Four chunked (no Content-Length: the limit must hold while streaming), four declared.
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        rawRequest(hub.http, "POST", "/api/v1/enroll", { bodyBytes: 80 * MB, chunked: i % 2 === 0 }),
      ),
    );
    for (const a of answers) {
      expect(a.status).toBe(413);
      const b = JSON.parse(a.body);
      expect(b).toMatchObject({ error: "too_large", field: "body", limit: 16 * 1024 });
      expect(b.message).toContain("16 KiB");
    }
    // A declared length above the limit is refused before a byte of the body is read.
    const declared = await rawRequest(hub.http, "POST", "/api/v1/enroll", {
      bodyBytes: 40 * MB,
      chunked: false,
    });
    expect(declared.status).toBe(413);
    expect(JSON.parse(declared.body)).toMatchObject({ error: "too_large", limit: 16 * 1024 });

    // An authenticated JSON route: 2 MiB. Without a token: 401 before a byte of the body is read.
    const auth = { authorization: "Bearer test-admin-token-0123456789" };
    for (const chunked of [true, false]) {
      const a = await rawRequest(hub.http, "POST", "/api/v1/stores", {
        bodyBytes: 40 * MB,
        chunked,
        headers: auth,
      });
      expect(a.status).toBe(413);
      expect(JSON.parse(a.body)).toMatchObject({ error: "too_large", field: "body", limit: 2 * MB });
    }
    const anon = await rawRequest(hub.http, "POST", "/api/v1/stores", { bodyBytes: 80 * MB, chunked: true });
    expect(anon.status).toBe(401);

    const peak = await procMemory(pid, "VmHWM");
    const after = await procMemory(pid, "VmRSS");
    console.log(
      `hub RSS before ${(before / MB).toFixed(0)} MB, after ${(after / MB).toFixed(0)} MB, peak ${(peak / MB).toFixed(0)} MB`,
    );
    // Today's hub read every body whole (143 MB -> 1.16 GB for the same eight); bounded means
    // the peak stays within 96 MB of the baseline.
    expect(peak - before).toBeLessThan(96 * MB);

    // Small bodies still work: a wrong code is a 400 naming the field, a good one enrolls.
    const wrong = await api({ http: { url: hub.http } }, "POST", "/api/v1/enroll", { code: "AAAA-BBBB" }, "");
    expect(wrong.status).toBe(400);
    expect(wrong.body.field).toBe("code");
    expect(hub.proc.exitCode).toBeNull();
  });
});

describe("enrollment rate limit on a real hub process", () => {
  test("per address: 429 with Retry-After after 5 attempts, wrong codes counted, alert; another address still enrolls", async () => {
    const hub = await spawnHub(join(dir.path, "rate"), { HQ_ENROLL_ATTEMPTS_PER_ADDRESS: "5" });
    hubs.push(hub);
    const h = { http: { url: hub.http } };
    expect(
      (await api(h, "POST", "/api/v1/stores", { id: "S001", name: "一店", region: "east" })).status,
    ).toBe(200);
    const code = (await api(h, "POST", "/api/v1/stores/S001/enrollment-code")).body.code as string;

    for (let i = 0; i < 5; i++) {
      const r = await api(h, "POST", "/api/v1/enroll", { code: `ZZZZ-ZZZ${i + 2}` }, "");
      expect(r.status).toBe(400);
    }
    // The sixth, even with the right code: this address has used its attempts.
    const limited = await rawRequest(hub.http, "POST", "/api/v1/enroll", {
      bodyBytes: 0,
      chunked: false,
      body: JSON.stringify({ code }),
    });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers["retry-after"])).toBeGreaterThan(0);
    expect(JSON.parse(limited.body)).toMatchObject({ error: "rate_limited", field: "address" });
    // A refused attempt reads no body: a huge one is still a 429, not a 413 after reading.
    const hugeLimited = await rawRequest(hub.http, "POST", "/api/v1/enroll", {
      bodyBytes: 80 * MB,
      chunked: true,
    });
    expect(hugeLimited.status).toBe(429);

    // The fleet sees the address and its wrong codes.
    const alerts = (await api(h, "GET", "/api/v1/fleet/alerts?open=true")).body as {
      kind: string;
      subject: string;
      detail: { wrongCodes: number; address: string };
    }[];
    const alert = alerts.find((a) => a.kind === "enrollment_rate_limited");
    expect(alert).toBeDefined();
    expect(alert!.subject).toBe("127.0.0.1");
    expect(alert!.detail.wrongCodes).toBe(5);
    // Told once per run of refusals: the second refused attempt wrote nothing more.
    expect((alert as unknown as { count: number }).count).toBe(1);

    // Another source address has its own attempts: the store enrolls from 127.0.0.2.
    const other = await rawRequest(hub.http, "POST", "/api/v1/enroll", {
      bodyBytes: 0,
      chunked: false,
      body: JSON.stringify({ code }),
      localAddress: "127.0.0.2",
    });
    expect(other.status).toBe(200);
    expect(JSON.parse(other.body).storeId).toBe("S001");
  });
});
