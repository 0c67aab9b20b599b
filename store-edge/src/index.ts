// Public surface of @retail/store-edge (for scripts/start.ts and the benches).
export { loadConfig } from "./config.ts";
export { Edge, type EdgeOptions } from "./edge.ts";
export { serveEdge } from "./http/server.ts";
