// Test hook: STORE_EDGE_CRASH_AT=<point> kills the process (SIGKILL, no cleanup) when it
// reaches that point, to prove that a crash anywhere loses and duplicates nothing.
// Points: sale.before_commit (inside the sale transaction), sale.after_commit (committed,
// not yet answered), cart.after_save, catalog.mid_apply (a big version half written into the
// shadow tables), catalog.after_switch (switched in, the replaced tables not yet dropped).
const point = process.env.STORE_EDGE_CRASH_AT;

export function crashPoint(name: string): void {
  if (point === name) process.kill(process.pid, "SIGKILL");
}
