// The hub thread's side of the catch-up Worker (worker.ts). Started on the first request (a
// hub stopped within a second never pays for a second JS VM); a request of a kind already in
// flight is skipped (the next tick asks again); if the Worker dies, its unanswered requests
// fail (their transactions rolled back: nothing was half done) and the next request starts a
// new one.
import { workerEntry } from "../appliance.ts";
import type { FromCatchUp, ToCatchUp } from "./worker.ts";

export interface CatchUpWorkerOptions {
  /** The hub's data folder (a local database file only). */
  dataDir: string;
  log: (line: string) => void;
}

type Kind = "lookups" | "cost";

export function startCatchUpWorker(opts: CatchUpWorkerOptions) {
  let worker: Worker | undefined;
  let nextId = 0;
  let closed = false;
  const pending = new Map<number, { resolve: (rows: number) => void; reject: (e: Error) => void }>();
  const inFlight = new Set<Kind>();
  /** Rows caught up by the Worker so far, per kind (tests, diagnostics). */
  const rows = { lookups: 0, cost: 0 };
  let restarts = 0;

  function spawn(): Worker {
    const w = new Worker(workerEntry("catch-up/worker.ts", new URL("./worker.ts", import.meta.url).href));
    w.onmessage = (event: MessageEvent<FromCatchUp>) => {
      const m = event.data;
      const p = pending.get(m.id);
      if (!p) return;
      pending.delete(m.id);
      if (m.kind === "done") p.resolve(m.rows);
      else p.reject(new Error(m.message));
    };
    w.addEventListener("error", (e) =>
      opts.log(`hq-hub: catch-up worker error: ${(e as ErrorEvent).message ?? e}`),
    );
    w.addEventListener("close", () => {
      if (worker !== w) return;
      worker = undefined;
      if (closed) return;
      restarts++;
      opts.log(
        `hq-hub: catch-up worker exited (${pending.size} requests unanswered); the next tick starts another`,
      );
      for (const [id, p] of [...pending]) {
        pending.delete(id);
        p.reject(new Error("the catch-up worker exited"));
      }
    });
    w.postMessage({ kind: "init", dataDir: opts.dataDir } satisfies ToCatchUp);
    return w;
  }

  function request(body: Exclude<ToCatchUp, { kind: "init" }>): Promise<number> {
    worker ??= spawn();
    const w = worker;
    return new Promise<number>((resolve, reject) => {
      pending.set(body.id, { resolve, reject });
      w.postMessage(body);
    });
  }

  /** Runs one kind of catch-up unless one is already running; resolves with its rows (0 if skipped). */
  async function once(
    kind: Kind,
    body: (id: number) => Exclude<ToCatchUp, { kind: "init" }>,
  ): Promise<number> {
    if (closed || inFlight.has(kind)) return 0;
    inFlight.add(kind);
    try {
      const n = await request(body(++nextId));
      rows[kind] += n;
      return n;
    } finally {
      inFlight.delete(kind);
    }
  }

  return {
    /** The look-ups of ledger, sale lines and tenders, up to the rows committed now. */
    lookups: () => once("lookups", (id) => ({ kind: "lookups", id })),
    /** Up to `batches` batches of the cost catch-up, priced as of `at` (the hub's clock). */
    cost: (at: string, batches: number) => once("cost", (id) => ({ kind: "cost", id, at, batches })),
    rows,
    get restarts() {
      return restarts;
    },
    /** Whether a Worker is running (it starts on the first request). */
    get started() {
      return worker !== undefined;
    },
    /** Waits for the running request (its transaction) and closes the Worker's connection. */
    async close() {
      if (closed) return;
      closed = true;
      const w = worker;
      if (!w) return;
      const done = request({ kind: "close", id: ++nextId }).catch(() => 0);
      await Promise.race([done, new Promise((r) => setTimeout(r, 10_000))]);
      w.terminate();
      worker = undefined;
    },
  };
}

export type CatchUpWorker = ReturnType<typeof startCatchUpWorker>;
