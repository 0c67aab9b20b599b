// The edge's LAN over HTTPS with its store certificate (issue 20 item 6), real hub and edge
// processes: a thin client that trusts the chain CA reaches the API, the terminal UI and a lane
// socket over https/wss; without the CA the connection is refused; plain HTTP is on 127.0.0.1
// only; a renewed certificate is what the HTTPS listener serves next.
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { X509Certificate } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { networkInterfaces } from "node:os";
import { join } from "node:path";
import { connect, type PeerCertificate } from "node:tls";
import { EDGE_CLI, startProc } from "@retail/test-support";
import { readStoreTls } from "../link/tls.ts";
import { catalogItems, tempDir, until } from "../testing/fixtures.ts";
import { HubAdmin, type Proc, runEdgeCli, startHub, stop } from "../testing/procs.ts";

setDefaultTimeout(180_000);

const hubDir = tempDir("hub-lantls-");
const edgeDir = tempDir("edge-lantls-");
let hub: Proc | undefined;
let edge: { proc: Bun.Subprocess; ready: Record<string, string> } | undefined;
let admin: HubAdmin;
let ca = "";

const https = () => edge!.ready.https!;
const port = (url: string) => Number(new URL(url).port);

function peerCertificate(host: string, p: number): Promise<PeerCertificate> {
  return new Promise((resolve, reject) => {
    const s = connect({ host, port: p, ca, servername: host === "127.0.0.1" ? undefined : host }, () => {
      resolve(s.getPeerCertificate());
      s.end();
    });
    s.on("error", reject);
  });
}

beforeAll(async () => {
  hub = await startHub(hubDir, 0, { HQ_MQTTS_PORT: "0" });
  admin = new HubAdmin(hub.ready.http!);
  const code = await admin.addStore("S001");
  await admin.release(catalogItems({ products: 5 }));
  const r = await runEdgeCli([
    "enroll",
    "--hq",
    hub.ready.http!,
    "--code",
    code,
    "--data",
    edgeDir,
    "--lan",
    "192.168.1.20,edge-s001.local",
  ]);
  expect(r.code).toBe(0);
  ca = readStoreTls(edgeDir)!.caPem;
  // A stand-in for the terminal UI's build (terminal-ui/build in the artefact).
  const ui = join(edgeDir, "..", `ui-${process.pid}`);
  mkdirSync(ui, { recursive: true });
  writeFileSync(join(ui, "index.html"), "<!doctype html><title>收银台</title>");
  const cfgFile = join(edgeDir, "store-edge.json");
  const cfg = JSON.parse(readFileSync(cfgFile, "utf8"));
  cfg.http = { ...cfg.http, staticDir: ui };
  writeFileSync(cfgFile, JSON.stringify(cfg));
  // On every address, as on a store's LAN: HTTPS there, plain HTTP on loopback only.
  const p = await startProc(
    [EDGE_CLI, "serve", "--port", "0", "--host", "0.0.0.0", "--data", edgeDir],
    "EDGE_READY",
    { STORE_EDGE_BACKOFF_BASE_MS: "100", STORE_EDGE_BACKOFF_CAP_MS: "1000" },
    30_000,
  );
  edge = p;
  await until(
    async () => {
      await Bun.sleep(200);
      const s = (await (await fetch(`${p.ready.http}/api/v1/status`)).json()) as {
        catalog: { applied: number };
      };
      return s.catalog.applied >= 1;
    },
    30_000,
    "the catalog from HQ",
  );
});

afterAll(async () => {
  if (edge && edge.proc.exitCode === null) {
    edge.proc.kill("SIGTERM");
    await edge.proc.exited;
  }
  await stop(hub);
});

test("a client that trusts the chain CA gets the API, the terminal UI and a lane socket over HTTPS", async () => {
  expect(https()).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
  const status = await fetch(`${https()}/api/v1/status`, { tls: { ca } });
  expect(status.status).toBe(200);
  // The names in the certificate: localhost too (the box's own browser), not only the address.
  const viaName = await fetch(`https://localhost:${port(https())}/api/v1/status`, { tls: { ca } });
  expect(viaName.status).toBe(200);
  const page = await fetch(`${https()}/`, { tls: { ca } });
  expect(await page.text()).toContain("收银台");
  // The lane socket over wss (the terminal picks wss on an https page: terminal-ui api.ts urlFor).
  const login = await fetch(`${https()}/api/v1/lanes/1/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ cashierId: "1001", pin: "1234" }),
    tls: { ca },
  });
  expect(login.status).toBe(200);
  const token = ((await login.json()) as { session: { token: string } }).session.token;
  const ws = new WebSocket(`wss://127.0.0.1:${port(https())}/api/v1/lanes/1/ws?token=${token}`, {
    tls: { ca },
  } as unknown as string[]);
  const first = await new Promise<string>((resolve, reject) => {
    ws.onmessage = (m) => resolve(String(m.data));
    ws.onerror = () => reject(new Error("wss refused"));
  });
  ws.close();
  expect(JSON.parse(first).type).toBeDefined();
  expect(first).not.toContain("unauthorized");
});

test("without the chain CA the HTTPS connection is refused; plain HTTP is on 127.0.0.1 only", async () => {
  const untrusted = await fetch(`${https()}/api/v1/status`).then(
    () => "accepted",
    (e: Error) => e.message,
  );
  expect(untrusted).not.toBe("accepted");
  expect(untrusted).toMatch(/certificate|self.signed|issuer|verify/i);
  expect((await fetch(`${edge!.ready.http}/api/v1/status`)).status).toBe(200);
  const lanIp = Object.values(networkInterfaces())
    .flat()
    .find((i) => i && i.family === "IPv4" && !i.internal)?.address;
  if (lanIp) {
    const plainOnLan = await fetch(`http://${lanIp}:${port(edge!.ready.http!)}/api/v1/status`, {
      signal: AbortSignal.timeout(5000),
    }).then(
      () => "accepted",
      (e: Error) => e.message,
    );
    expect(plainOnLan).not.toBe("accepted");
    // HTTPS listens there (the name check aside: this test box's address is not in the certificate).
    const onLan = await fetch(`https://${lanIp}:${port(https())}/api/v1/status`, {
      tls: { ca, rejectUnauthorized: false },
    });
    expect(onLan.status).toBe(200);
  }
});

test("a renewed certificate is what the HTTPS listener serves next", async () => {
  const before = (await peerCertificate("127.0.0.1", port(https()))).serialNumber.toLowerCase();
  const cmd = await admin.call<{ id: string }>("POST", "/api/v1/stores/S001/commands", {
    name: "renew_certificate",
  });
  let state = "sent";
  await until(
    async () => {
      await Bun.sleep(200);
      state = (await admin.call<{ state: string }>("GET", `/api/v1/commands/${cmd.id}`)).state;
      return state !== "sent";
    },
    60_000,
    "the renewal answered",
  );
  expect(state).toBe("done");
  const renewed = new X509Certificate(readStoreTls(edgeDir)!.certPem).serialNumber.toLowerCase();
  expect(renewed).not.toBe(before);
  await until(
    async () => {
      await Bun.sleep(200);
      return (
        (
          await peerCertificate("127.0.0.1", port(https())).catch(() => undefined)
        )?.serialNumber.toLowerCase() === renewed
      );
    },
    10_000,
    "the HTTPS listener serves the renewed certificate",
  );
  expect((await fetch(`${https()}/api/v1/status`, { tls: { ca } })).status).toBe(200);
});
