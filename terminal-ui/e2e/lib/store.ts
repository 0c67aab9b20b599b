// A store for the browser: HQ hub with the fixture catalog released, one edge enrolled with a
// one-time code and bootstrapped from HQ, serving the built terminal UI.
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { catalog, SUPERVISOR } from "./fixtures.ts";
import { edge, HubAdmin, type Proc, runEdgeCli, startEdge, startHub, stop, tempDir, until } from "./procs.ts";

export interface Store {
  http: string;
  admin: HubAdmin;
  hub: Proc | undefined;
  edgeProc: Proc;
  status(): Promise<{
    link: { state: string };
    outbox: { backlog: number; lastSeq: number; ackedUpTo: number };
    catalog: { applied: number };
  }>;
  stopHub(): Promise<void>;
  startHub(): Promise<void>;
  close(): Promise<void>;
}

/**
 * `lanes`: lanes' device settings written into the edge's store-edge.json after enrolment (e.g.
 * `{ "2": { mode: "bridge-sim" } }`: firmware-bridge's wire simulators behind lane 2).
 */
export async function openStore(storeId = "S001", lanes: Record<string, unknown> = {}): Promise<Store> {
  const hubDir = tempDir("terminal-ui-hub-");
  const edgeDir = tempDir("terminal-ui-edge-");
  let hub: Proc | undefined = await startHub(hubDir);
  const mqttPort = Number(new URL(hub.ready.mqtt!).port);
  const admin = new HubAdmin(hub.ready.http!);
  const code = await admin.addStore(storeId, "上海徐汇店", "EAST");
  await admin.release(catalog());
  const enrolled = await runEdgeCli(["enroll", "--hq", hub.ready.http!, "--code", code, "--data", edgeDir]);
  if (enrolled.code !== 0) throw new Error(`store-edge enroll failed: ${enrolled.err || enrolled.out}`);
  if (Object.keys(lanes).length) {
    const file = join(edgeDir, "store-edge.json");
    const config = JSON.parse(readFileSync(file, "utf8")) as { lanes?: Record<string, unknown> };
    config.lanes = { ...config.lanes, ...lanes };
    writeFileSync(file, JSON.stringify(config, null, 2));
  }
  const edgeProc = await startEdge(edgeDir);
  const http = edgeProc.ready.http!;
  const store: Store = {
    http,
    admin,
    hub,
    edgeProc,
    status: () => edge(http, "GET", "/status"),
    async stopHub() {
      await stop(hub);
      hub = undefined;
      store.hub = undefined;
    },
    async startHub() {
      hub = await startHub(hubDir, mqttPort);
      store.hub = hub;
      store.admin = new HubAdmin(hub.ready.http!);
    },
    async close() {
      await stop(edgeProc);
      await stop(hub);
      rmSync(hubDir, { recursive: true, force: true });
      rmSync(edgeDir, { recursive: true, force: true });
    },
  };
  await until(async () => (await store.status()).catalog.applied >= 1, 30_000, "catalog from HQ on the edge");
  return store;
}

/** A line of goods received at the store, with its dated lots where it has them. */
export interface ReceivedLine {
  sku: string;
  qty: number;
  lots?: { batch: string; expiresOn: string; qty: number }[];
}

/** Goods received at the store by the supervisor through the edge's API (a story's set-up). */
export function receive(store: Pick<Store, "http">, lines: ReceivedLine[]): Promise<unknown> {
  return edge(store.http, "POST", "/stock/receivings", {
    cashierId: SUPERVISOR.id,
    pin: SUPERVISOR.pin,
    lines,
  });
}
