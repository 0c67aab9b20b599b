// libsql's Statement.get() adds an enumerable `_metadata` (timing) to the row, which would leak
// into API responses and make rows unequal to plain records. Both servers strip it once, for
// every statement of the process (the prototype is libsql's, shared by every handle).
import type Database from "libsql";

type Sqlite = InstanceType<typeof Database>;

let getPatched = false;

/** Patches libsql's Statement.get (once per process) so rows come back without `_metadata`. */
export function stripRowMetadata(db: Sqlite): void {
  if (getPatched) return;
  getPatched = true;
  // Raw SQL: any statement will do to reach libsql's Statement prototype.
  const proto = Object.getPrototypeOf(db.prepare("SELECT 1")) as { get: (...a: unknown[]) => unknown };
  const get = proto.get;
  proto.get = function (this: unknown, ...args: unknown[]) {
    const row = get.apply(this, args) as Record<string, unknown> | undefined;
    if (row && typeof row === "object") delete row._metadata;
    return row;
  };
}
