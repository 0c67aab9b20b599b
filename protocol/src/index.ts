// Public surface of @retail/protocol: what the store edge and the HQ hub must agree on.
export * from "./barcodes.ts";
export * from "./bench-row.ts";
export * from "./cap-violation.ts";
export * from "./catalog.ts";
export * from "./coupons.ts";
export * from "./delivery.ts";
export * from "./digest.ts";
export * from "./examples.ts";
export * from "./json-guard.ts";
export type * from "./lane-api.ts";
export * from "./messages/index.ts";
export * from "./money.ts";
export * from "./money-caps.ts";
export * from "./pinyin.ts";
export * from "./pricing/index.ts";
export * from "./prng.ts";
export * from "./resync.ts";
export * from "./topics.ts";
