// Public surface of @retail/store-edge (for scripts/start.ts and the benches).

// The catalog replica and its paging rules, for the cross-package rollout model test.
export { nextFetch } from "./catalog/changeset.ts";
export { CatalogReplica } from "./catalog/replica.ts";
export { manualClock } from "./clock.ts";
export { loadConfig } from "./config.ts";
export { EdgeDb } from "./db.ts";
export { Edge, type EdgeOptions } from "./edge.ts";
export { serveEdge } from "./http/server.ts";
