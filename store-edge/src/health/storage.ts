// Storage faults of the edge database: a full disk (SQLITE_FULL), an I/O error (SQLITE_IOERR_*)
// or a read-only file (SQLITE_READONLY_*). SQLite rolls such a transaction back itself, so the
// commit path must not try a second ROLLBACK (its "cannot rollback - no transaction is active"
// used to replace the real cause on the till). The commit path maps the error to a typed
// StorageError (HTTP 507 / 503, field "storage"), this tracker remembers the state for
// store.status (HQ's fleet view raises an alert) until a write succeeds again.
import type { StoreStatus } from "@retail/protocol";
import { EdgeError } from "../errors.ts";

type StoreStorageFault = NonNullable<StoreStatus["storage"]>;

export type StorageState = "ok" | "full" | "io_error" | "read_only";

export interface StorageStatus {
  state: StorageState;
  /** When the current fault was first seen (ISO); absent while ok. */
  since?: string;
  /** Writes refused since then. */
  failures: number;
  /** SQLite's code of the last fault, e.g. SQLITE_FULL. */
  lastError?: string;
}

const WORDS: Record<Exclude<StorageState, "ok">, string> = {
  full: "the store server's disk is full: nothing was saved, free space and try again",
  io_error: "the store server cannot write to its disk: nothing was saved",
  read_only: "the store server's database is read-only: nothing was saved",
};

/** A write refused by the disk; nothing of the transaction was kept. */
export class StorageError extends EdgeError {
  constructor(
    readonly state: Exclude<StorageState, "ok">,
    readonly sqliteCode: string,
  ) {
    super(state === "full" ? "storage_full" : "storage_error", "storage", WORDS[state], state);
  }
}

/** The storage fault an error from libsql stands for, if it is one. */
export function storageStateOf(e: unknown): Exclude<StorageState, "ok"> | undefined {
  const code = String((e as { code?: unknown })?.code ?? "");
  const msg = String((e as Error)?.message ?? "");
  if (code === "SQLITE_FULL" || /database or disk is full/i.test(msg)) return "full";
  if (code.startsWith("SQLITE_READONLY") || /attempt to write a readonly database/i.test(msg))
    return "read_only";
  if (code.startsWith("SQLITE_IOERR") || /disk I\/O error/i.test(msg)) return "io_error";
  return undefined;
}

export class StorageHealth {
  private s: StorageStatus = { state: "ok", failures: 0 };
  constructor(private readonly now: () => number = Date.now) {}

  /** Maps a failed write: a StorageError (and the state recorded), or the error unchanged. */
  failed(e: unknown): unknown {
    if (e instanceof StorageError) return e;
    const state = storageStateOf(e);
    if (!state) return e;
    const code = String((e as { code?: unknown }).code ?? "SQLITE_ERROR");
    if (this.s.state !== state) this.s = { state, since: new Date(this.now()).toISOString(), failures: 0 };
    this.s.failures++;
    this.s.lastError = code;
    return new StorageError(state, code);
  }

  /** A durable write went through: the disk has room again. */
  succeeded(): void {
    if (this.s.state !== "ok") this.s = { state: "ok", failures: 0 };
  }

  get status(): StorageStatus {
    return { ...this.s };
  }
}

/** The store.status field: present only while the disk is at fault. */
export function storageForStatus(s: StorageStatus): { storage?: StoreStorageFault } {
  if (s.state === "ok") return {};
  return {
    storage: {
      state: s.state,
      since: s.since!,
      failures: Math.min(s.failures, 1_000_000_000),
      ...(s.lastError ? { lastError: s.lastError.slice(0, 40) } : {}),
    },
  };
}
