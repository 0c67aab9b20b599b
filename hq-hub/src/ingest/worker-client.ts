// The main thread's side of the ingest Worker (worker.ts): requests are answered in order;
// if the Worker dies (a crash, an out-of-memory), a new one is started and the unanswered
// requests are sent again. That is safe because nothing is acked before an answer: a group
// that had committed before the crash comes back as duplicates (the inbox), one that had not
// is applied now. A request that killed two Workers in a row is failed instead (its stores
// resend it after their ack timeout, like any group whose transaction failed).
import type { MoneyCaps } from "@retail/protocol";
import { workerEntry } from "../appliance.ts";
import { NotFoundError, StateError, ValidationError } from "../errors.ts";
import type { BatchOutcome } from "./ingest.ts";
import type { FromWorker, GroupSummary, ToWorker, WorkerError } from "./worker.ts";

export interface IngestWorkerOptions {
  dataDir: string;
  databaseUrl?: string;
  authToken?: string;
  /** Several hub processes share the database (external broker): seq state is re-read. */
  shared: boolean;
  /** The chain's caps on sales and returns (hq-hub.json moneyCaps). */
  moneyCaps?: MoneyCaps;
  log: (line: string) => void;
}

type Request = Exclude<
  ToWorker,
  { kind: "init" | "forgetReorderPoints" | "forgetSeq" | "crashAfterNextCommit" }
>;
type Body = Request extends infer R ? (R extends { id: number } ? Omit<R, "id"> : never) : never;

const MAX_ATTEMPTS = 2;

function toError(e: WorkerError): Error {
  if (e.name === "NotFoundError") return new NotFoundError(e.entity ?? "", e.id ?? "");
  if (e.name === "StateError") return new StateError(e.id ?? "", e.message);
  if (e.name === "ValidationError")
    return Object.assign(new ValidationError(e.field ?? "", ""), { message: e.message });
  return new Error(e.message);
}

export function startIngestWorker(opts: IngestWorkerOptions) {
  let worker: Worker;
  let nextId = 0;
  let closing = false;
  let restarts = 0;
  /** Unanswered requests; `make` builds the message (again, for a new Worker after a crash). */
  const pending = new Map<
    number,
    {
      make: () => { body: Body; transfer?: ArrayBuffer[] };
      attempts: number;
      resolve: (v: unknown) => void;
      reject: (e: Error) => void;
    }
  >();
  /** Instructions that are state, not requests: sent again to a new Worker. */
  const init: ToWorker = {
    kind: "init",
    dataDir: opts.dataDir,
    databaseUrl: opts.databaseUrl,
    authToken: opts.authToken,
    shared: opts.shared,
    ...(opts.moneyCaps ? { moneyCaps: opts.moneyCaps } : {}),
  };

  function spawn() {
    const w = new Worker(workerEntry("ingest/worker.ts", new URL("./worker.ts", import.meta.url).href));
    worker = w;
    w.onmessage = (event: MessageEvent<FromWorker>) => {
      const m = event.data;
      const p = pending.get(m.id);
      if (!p) return;
      pending.delete(m.id);
      if (m.kind === "done") p.resolve(m.result);
      else p.reject(toError(m.error));
    };
    w.addEventListener("error", (e) => {
      opts.log(`hq-hub: ingest worker error: ${(e as ErrorEvent).message ?? e}`);
    });
    w.addEventListener("close", () => {
      if (worker !== w || closing) return;
      restarts++;
      opts.log(`hq-hub: ingest worker exited; restarting it (${pending.size} requests unanswered)`);
      spawn();
      for (const [id, p] of [...pending]) {
        p.attempts++;
        if (p.attempts > MAX_ATTEMPTS) {
          pending.delete(id);
          p.reject(new Error(`the ingest worker died ${MAX_ATTEMPTS} times on this request`));
        } else post(id, p.make());
      }
    });
    w.postMessage(init);
  }
  spawn();

  function post(id: number, m: { body: Body; transfer?: ArrayBuffer[] }) {
    worker.postMessage({ ...m.body, id } as ToWorker, m.transfer ? { transfer: m.transfer } : undefined);
  }

  function request<T>(make: () => { body: Body; transfer?: ArrayBuffer[] }): Promise<T> {
    if (closing) return Promise.reject(new Error("the ingest worker is closing"));
    const id = ++nextId;
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { make, attempts: 1, resolve: resolve as (v: unknown) => void, reject });
      post(id, make());
    });
  }

  return {
    /** One commit group; resolves after its commit with the last ack per store and the alerts. */
    handleMany(
      messages: { storeId: string; topic: string; payload: Buffer }[],
      at: string,
    ): Promise<GroupSummary> {
      // One buffer for the whole group, moved to the Worker rather than copied (a Buffer from
      // the socket may be a view of a larger chunk that cloning would copy whole). Built again
      // from the payloads (held until the group is answered) if the Worker has to be replaced.
      return request<GroupSummary>(() => {
        let size = 0;
        for (const m of messages) size += m.payload.length;
        const bytes = new ArrayBuffer(size);
        const view = new Uint8Array(bytes);
        let offset = 0;
        const list = messages.map((m) => {
          view.set(m.payload, offset);
          const x = { storeId: m.storeId, topic: m.topic, start: offset, end: offset + m.payload.length };
          offset = x.end;
          return x;
        });
        return { body: { kind: "group", at, bytes, messages: list }, transfer: [bytes] };
      });
    },
    replay(deadLetterId: number, actor: string, raw: string | undefined, at: string) {
      return request<BatchOutcome>(() => ({ body: { kind: "replay", at, deadLetterId, actor, raw } }));
    },
    /** Another connection changed the store's seq state (a resync listed lost seqs). */
    forgetSeq(storeId: string) {
      worker.postMessage({ kind: "forgetSeq", storeId } satisfies ToWorker);
    },
    forgetReorderPoints(storeId: string) {
      worker.postMessage({ kind: "forgetReorderPoints", storeId } satisfies ToWorker);
    },
    /** Tests: the Worker exits right after its next commit, before it answers. */
    crashAfterNextCommit() {
      worker.postMessage({ kind: "crashAfterNextCommit" } satisfies ToWorker);
    },
    get restarts() {
      return restarts;
    },
    async close() {
      if (closing) return;
      const done = request<void>(() => ({ body: { kind: "close" } })).catch(() => {});
      closing = true;
      await Promise.race([done, new Promise((r) => setTimeout(r, 5_000))]);
      worker.terminate();
    },
  };
}

export type IngestWorker = ReturnType<typeof startIngestWorker>;
