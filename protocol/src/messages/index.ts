// The message catalogue between a store and HQ, one file per domain; the envelope (envelope.ts)
// and its registry (registry.ts) tie them together. fields.ts and wire.ts stay internal.
export * from "./audit.ts";
export * from "./catalog.ts";
export * from "./day-digest.ts";
export * from "./envelope.ts";
export * from "./fleet.ts";
export * from "./limits.ts";
export * from "./member.ts";
export * from "./registry.ts";
export * from "./release.ts";
export * from "./sale.ts";
export * from "./shift.ts";
export * from "./stock.ts";
export * from "./stocktake.ts";
export * from "./sync.ts";
export * from "./transfer.ts";
export * from "./uuidv7.ts";
