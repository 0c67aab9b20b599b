// Test support shared by the tests that start the product's real processes: the browser suites
// of both UIs (terminal-ui/e2e, hq-console/e2e), the terminal bench and the fault suite
// (tests/faults). Test code only: no production file imports it (scripts/check-imports.ts).

export { CHROMIUM, CHROMIUM_ARGS } from "./chromium.ts";
export { httpRequest, jsonCall } from "./http.ts";
export { type Broker, killMosquitto, MOSQUITTO, reloadMosquitto, startMosquitto } from "./mosquitto.ts";
export { type PageErrorLog, takePageErrors, watchPageErrors, withPageErrorGuard } from "./page-errors.ts";
export { browserSuiteConfig } from "./playwright.ts";
export { procMemory } from "./proc-memory.ts";
export {
  EDGE_CLI,
  freePort,
  HUB_CLI,
  kill9,
  type Proc,
  ROOT,
  runCli,
  startCommand,
  startEdgeProc,
  startHubProc,
  startProc,
  stop,
  tempDir,
  until,
} from "./procs.ts";
export { type RawAnswer, rawRequest } from "./raw-http.ts";
export { type UiBuild, uiBuild } from "./ui-build.ts";
