// What both servers (store-edge, hq-hub) need from the `libsql` package beyond its own API.
export { stripRowMetadata } from "./row-metadata.ts";
export { cachingStatements, type StatementCacheStats } from "./statement-cache.ts";
