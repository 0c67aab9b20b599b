// @retail/hq-hub: the HQ hub. Start it with startHub(loadConfig()) or the `hq-hub serve` CLI.

// The catalog over a database of its own, without the broker or HTTP: for the cross-package
// rollout model test (tests/rollout.model.test.ts), which drives it with real store replicas.
export { type Catalog, createCatalog } from "./catalog/catalog.ts";
export { createMemberSync } from "./catalog/member-sync.ts";
export { type HubConfig, loadConfig } from "./config.ts";
export { migrate, openDatabase } from "./db/open.ts";
export { type Hub, startHub } from "./hub.ts";
export type { EnrollResponse } from "./stores/stores.ts";
