// Public surface of @retail/protocol: what the store edge and the HQ hub must agree on.
export * from "./barcodes.ts";
