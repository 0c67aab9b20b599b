// The fault suite's processes: the HQ hub on fixed ports (so a restarted hub is where the edges
// and the proxies expect it) and store edges, started through the shared test support
// (@retail/test-support: READY lines, kept logs, real SIGKILL, an external Mosquitto).
import { EDGE_CLI, type Proc, runCli, startEdgeProc, startHubProc } from "@retail/test-support";

export {
  type Broker,
  freePort,
  HUB_CLI,
  kill9,
  MOSQUITTO,
  type Proc,
  startMosquitto,
  stop as stopGently,
} from "@retail/test-support";

export function startHub(
  dir: string,
  port: number,
  mqttPort: number,
  env: Record<string, string>,
  bunArgs?: string[],
) {
  return startHubProc({
    dataDir: dir,
    port,
    mqttPort,
    env,
    timeoutMs: 180_000,
    ...(bunArgs ? { bunArgs } : {}),
  });
}

export function startEdge(dir: string, env: Record<string, string>): Promise<Proc> {
  return startEdgeProc(dir, { STORE_EDGE_STATUS_INTERVAL_MS: "500", ...env }, 180_000);
}

export async function enrollEdge(hq: string, code: string, dir: string): Promise<void> {
  const r = await runCli(EDGE_CLI, ["enroll", "--hq", hq, "--code", code, "--data", dir]);
  if (r.code !== 0) throw new Error(`enroll ${dir}: ${r.err || r.out}`);
}
