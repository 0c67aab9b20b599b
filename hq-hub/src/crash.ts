// Test hook: HQ_CRASH_AT=<point> kills the hub (SIGKILL, no cleanup) when it reaches that point,
// to prove a crash there loses and duplicates nothing. Points: ingest.after_commit (a group of
// events committed, its acks not yet published: the stores resend them and the inbox must
// recognise every one as a duplicate).
const point = process.env.HQ_CRASH_AT;

export function crashPoint(name: string): void {
  if (point === name) process.kill(process.pid, "SIGKILL");
}
