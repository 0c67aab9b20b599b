// A process's memory from /proc (Linux), for tests and benches that bound a server's memory.

/** A field of /proc/<pid>/status in bytes (VmRSS: now; VmHWM: the peak since start). */
export async function procMemory(pid: number, field: "VmRSS" | "VmHWM"): Promise<number> {
  const text = await Bun.file(`/proc/${pid}/status`).text();
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(text);
  if (!m) throw new Error(`no ${field} in /proc/${pid}/status`);
  return Number(m[1]) * 1024;
}
