// @retail/hq-hub: the HQ hub. Start it with startHub(loadConfig()) or the `hq-hub serve` CLI.
export { type HubConfig, loadConfig } from "./config.ts";
export { type Hub, startHub } from "./hub.ts";
export type { EnrollResponse } from "./stores/stores.ts";
