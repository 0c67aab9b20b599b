// Units of measure: a fixed code list (the chain's data standard). Its own module, free of zod,
// so a screen that only lists the units (the console's product editor) does not pull the
// protocol's schemas into its code (catalog.ts builds UnitCode from it).
export const UNIT_CODES = [
  "EA",
  "KG",
  "G",
  "L",
  "ML",
  "BOX",
  "PACK",
  "BTL",
  "CAN",
  "BAG",
  "PCS",
  "SET",
] as const;
