// Following HQ's catalog over the link: the retained pointer says which version is current,
// change-set pages are fetched (gzip accepted), staged, and a complete version is applied in
// steps while the lanes sell; then catalog.applied goes up and the next version is asked for.
// A lost page is simply asked for again after pageTimeoutMs.
import { gunzipItems, type Payload } from "@retail/protocol";
import { type CollectTarget, nextFetch } from "../catalog/changeset.ts";
import type { CatalogReplica } from "../catalog/replica.ts";
import type { Clock } from "../clock.ts";

export interface CatalogFetchOptions {
  replica: CatalogReplica;
  clock: Clock;
  pageTimeoutMs: number;
  /** Publishes a catalog message; false when HQ is not reachable now. */
  send: {
    (type: "catalog.fetch", payload: Payload<"catalog.fetch">): boolean;
    (type: "catalog.applied", payload: Payload<"catalog.applied">): boolean;
  };
  stopped: () => boolean;
  onCatalogApplied?: (version: number) => void;
  log: (msg: string) => void;
}

export class CatalogFetch {
  private pageTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly o: CatalogFetchOptions) {}

  stop(): void {
    clearTimeout(this.pageTimer);
  }

  pointer(p: Payload<"catalog.pointer">): void {
    this.o.replica.setPointer(p);
    this.request();
  }

  page(payload: Payload<"catalog.changeset">): void {
    const replica = this.o.replica;
    // A compressed page (we fetch with accept: gzip) is decoded and validated here, so
    // staging only ever sees plain items.
    const { itemsGzip, ...rest } = payload;
    const page = itemsGzip === undefined ? payload : { ...rest, items: gunzipItems(itemsGzip) };
    let verdict = replica.stage(page);
    if (!verdict.stage && replica.target()) {
      // A page for a different next version than the staged one (HQ raised its snapshot
      // floor while we were away): drop the stale pages and start over with this one.
      replica.clearStaging();
      verdict = replica.stage(page);
    }
    if (!verdict.stage) this.o.log(`catalog page ignored: ${verdict.reason}`);
    this.request();
  }

  /** Applies a complete staged version, then asks for whatever is next. */
  request(): void {
    const replica = this.o.replica;
    // A version being applied in steps: this is called again when it is in.
    if (replica.busy) return;
    if (replica.isComplete()) {
      clearTimeout(this.pageTimer);
      replica.applyStagedInSteps().then(
        (applied) => {
          if (applied) {
            this.o.log(
              `catalog ${applied.kind} ${applied.version} applied (${applied.itemCount ?? applied.items.length} items)`,
            );
            this.o.send("catalog.applied", {
              version: applied.version,
              appliedAt: new Date(this.o.clock.now()).toISOString(),
            });
            this.o.onCatalogApplied?.(applied.version);
          }
          if (!this.o.stopped()) this.request();
        },
        (err) => {
          this.o.log(`catalog apply failed: ${(err as Error).message}`);
          // Tried again later, like a lost page.
          if (!this.o.stopped()) this.pageTimer = setTimeout(() => this.request(), this.o.pageTimeoutMs);
        },
      );
      return;
    }
    const target: CollectTarget | undefined = replica.target();
    const req = nextFetch(replica.applied, replica.pointer(), target);
    clearTimeout(this.pageTimer);
    if (!req) return;
    if (!this.o.send("catalog.fetch", { ...req, accept: ["gzip"] })) return;
    // A lost page is simply asked for again.
    this.pageTimer = setTimeout(() => this.request(), this.o.pageTimeoutMs);
  }

  /** Forget the replica's version so the next fetch brings a snapshot (command resync_catalog). */
  resync(): void {
    this.o.replica.clearStaging();
    this.request();
  }
}
