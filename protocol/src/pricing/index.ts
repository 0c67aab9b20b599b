// The pricing contract (shared/design/PRICING.md): schemas, priceBasket, refunds for returns.

export * from "./basket.ts";
export * from "./categories.ts";
export * from "./engine.ts";
export * from "./errors.ts";
export * from "./order-adjustment.ts";
export * from "./refund.ts";
export * from "./schema.ts";
