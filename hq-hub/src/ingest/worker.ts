// The ingest Worker: validation, exactly-once decisions and the SQLite transaction of every
// event group run here, on their own thread and their own libSQL connection, while the broker,
// HTTP and the publishing of acks stay on the hub's main thread (worker-client.ts). The main
// thread sends one group at a time and publishes its acks and alerts only after this Worker
// answered, i.e. after the commit.
import type { MoneyCaps } from "@retail/protocol";
import { createCatalog } from "../catalog/catalog.ts";
import { immediateTransactions, openDatabase } from "../db/open.ts";
import { NotFoundError, StateError, ValidationError } from "../errors.ts";
import { type BatchOutcome, createIngest, type StockAlertOut } from "./ingest.ts";

export type ToWorker =
  | {
      kind: "init";
      dataDir: string;
      databaseUrl?: string;
      authToken?: string;
      shared: boolean;
      moneyCaps?: MoneyCaps;
    }
  | {
      kind: "group";
      id: number;
      at: string;
      /** Every payload of the group back to back in one transferred buffer (no copy). */
      bytes: ArrayBuffer;
      messages: { storeId: string; topic: string; start: number; end: number }[];
    }
  | { kind: "replay"; id: number; at: string; deadLetterId: number; actor: string; raw?: string }
  | { kind: "forgetReorderPoints"; storeId: string }
  | { kind: "forgetSeq"; storeId: string }
  /** Tests: exit (as a crash would) right after the next group committed, before answering. */
  | { kind: "crashAfterNextCommit" }
  | { kind: "close"; id: number };

export interface WorkerError {
  name: string;
  message: string;
  entity?: string;
  id?: string;
  field?: string;
}

/** What the main thread needs of a group: the last ack per store, the alerts, counters. */
export interface GroupSummary {
  messages: number;
  applied: number;
  acks: Pick<BatchOutcome, "storeId" | "ack" | "confirm">[];
  alerts: StockAlertOut[];
}

export function summarise(outs: BatchOutcome[]): GroupSummary {
  const last = new Map<string, BatchOutcome>();
  const alerts: StockAlertOut[] = [];
  let applied = 0;
  for (const o of outs) {
    last.set(o.storeId, o);
    applied += o.applied;
    for (const a of o.alerts) alerts.push(a);
  }
  return {
    messages: outs.length,
    applied,
    acks: [...last.values()].map((o) => ({
      storeId: o.storeId,
      ack: o.ack,
      ...(o.confirm ? { confirm: o.confirm } : {}),
    })),
    alerts,
  };
}

export type FromWorker =
  | { kind: "done"; id: number; result: unknown }
  | { kind: "failed"; id: number; error: WorkerError };

declare const self: Worker;

let ingest: ReturnType<typeof createIngest> | undefined;
let db: ReturnType<typeof openDatabase> | undefined;
let current = new Date();
let crashAfterNextCommit = false;

function errorOf(e: unknown): WorkerError {
  if (e instanceof NotFoundError) return { name: e.name, message: e.message, entity: e.entity, id: e.id };
  if (e instanceof StateError) return { name: e.name, message: e.message, id: e.id };
  if (e instanceof ValidationError) return { name: e.name, message: e.message, field: e.field };
  const err = e as Error;
  return { name: err?.name ?? "Error", message: err?.stack ?? String(e) };
}

self.onmessage = (event: MessageEvent<ToWorker>) => {
  const m = event.data;
  switch (m.kind) {
    case "init": {
      db = immediateTransactions(
        openDatabase({ dataDir: m.dataDir, databaseUrl: m.databaseUrl, authToken: m.authToken }),
      );
      const now = () => current;
      // Only for re-pricing sales at the version the store had (catalogAt); never publishes.
      const catalog = createCatalog({ db, now, publishPointer: () => {} });
      ingest = createIngest({
        db,
        now,
        shared: m.shared,
        catalogAt: (s, v) => catalog.catalogAt(s, v),
        ...(m.moneyCaps ? { moneyCaps: m.moneyCaps } : {}),
      });
      return;
    }
    case "group": {
      current = new Date(m.at);
      try {
        const bytes = Buffer.from(m.bytes);
        const result = summarise(
          ingest!.handleMany(
            m.messages.map((x) => ({
              storeId: x.storeId,
              topic: x.topic,
              payload: bytes.subarray(x.start, x.end),
            })),
          ),
        );
        if (crashAfterNextCommit) process.exit(70);
        self.postMessage({ kind: "done", id: m.id, result } satisfies FromWorker);
      } catch (e) {
        self.postMessage({ kind: "failed", id: m.id, error: errorOf(e) } satisfies FromWorker);
      }
      return;
    }
    case "replay": {
      current = new Date(m.at);
      try {
        const result = ingest!.replay(m.deadLetterId, m.actor, m.raw);
        self.postMessage({ kind: "done", id: m.id, result } satisfies FromWorker);
      } catch (e) {
        self.postMessage({ kind: "failed", id: m.id, error: errorOf(e) } satisfies FromWorker);
      }
      return;
    }
    case "forgetSeq":
      ingest?.forgetSeq(m.storeId);
      return;
    case "forgetReorderPoints":
      ingest?.forgetReorderPoints(m.storeId);
      return;
    case "crashAfterNextCommit":
      crashAfterNextCommit = true;
      return;
    case "close":
      db?.close();
      db = undefined;
      self.postMessage({ kind: "done", id: m.id, result: null } satisfies FromWorker);
      return;
  }
};
