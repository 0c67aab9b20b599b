// Test hook for the fault suite (tests/faults): STORE_EDGE_PLANT_BUG=<name> plants a known bug so
// the suite can prove it finds it and names the seed that replays it. Never set in production.
// Bugs: skip_outbox_row (the edge commits a sale without its sale.completed outbox row, as code
// that wrote the event outside the sale's transaction and lost it would: the sale never reaches HQ).
export const plantedBug = process.env.STORE_EDGE_PLANT_BUG ?? "";
