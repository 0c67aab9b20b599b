// The MQTT message router: a store's up traffic by channel. Events go to group commit; status,
// telemetry, catalog fetches and applied reports, hellos and stock queries are answered or
// recorded here. A message that cannot be handled is dead-lettered with its reason and never
// stops the pipeline.
import { type AnyEnvelope, MessageError, type Payload, parseEnvelope, parseTopic } from "@retail/protocol";
import type { Catalog } from "../catalog/catalog.ts";
import type { Commands } from "../commands/commands.ts";
import type { createBatchedWrites } from "../db/batched-writes.ts";
import { ValidationError } from "../errors.ts";
import type { Fleet } from "../fleet/fleet.ts";
import type { Ingest } from "../ingest/ingest.ts";
import type { Releases } from "../releases/releases.ts";
import type { Stock } from "../stock/stock.ts";
import type { SessionSecurity } from "../stores/session-security.ts";
import type { TillTransfers } from "../transfers/till.ts";
import type { Transfers } from "../transfers/transfers.ts";
import type { Downlink } from "./envelopes.ts";
import type { GroupCommit } from "./group-commit.ts";

export interface RouterDeps {
  ingest: Pick<Ingest, "deadLetterRaw">;
  groups: GroupCommit;
  downlink: Downlink;
  catalog: Catalog;
  fleet: Fleet;
  /** Remote commands: a store's answers, and what it has not answered sent again when it comes online. */
  commands?: Pick<Commands, "onResult" | "resendPending">;
  stock: Stock;
  /** A till's transfer request and supply question (transfers/). */
  transfers?: Pick<Transfers, "tillRequest">;
  supply?: (storeId: string, q: Payload<"supply.query">) => Payload<"supply.reply">;
  /** A till's transfer list and ship/receive steps (transfers/till.ts). */
  tillTransfers?: TillTransfers;
  security: SessionSecurity;
  /** Edge releases: offers on a store's status, its update reports (releases/). */
  releases?: Pick<Releases, "onStatus" | "report">;
  /** A store's certificate renewal (pki/), when the hub holds the chain CA. */
  renewCertificate?: (
    storeId: string,
    req: Payload<"certificate.request">,
  ) => Promise<Payload<"certificate.issued">> | undefined;
  /** The store says its renewed certificate is in use (renew_certificate answered done). */
  certificateInUse?: (storeId: string) => void;
  bookkeeping: ReturnType<typeof createBatchedWrites>;
  stats: { errors: number };
  log: (line: string) => void;
}

export function createRouter(deps: RouterDeps) {
  const { ingest, groups, downlink, catalog, fleet, stock, security, bookkeeping, stats, log } = deps;
  const { transfers, supply, commands, releases } = deps;
  const { tillTransfers } = deps;

  function handleRequest(storeId: string, topic: string, payload: Buffer) {
    let env: AnyEnvelope;
    try {
      env = parseEnvelope(payload);
    } catch (e) {
      if (!(e instanceof MessageError)) throw e;
      ingest.deadLetterRaw(storeId, topic, e, payload.toString("utf8"));
      return;
    }
    if (env.storeId !== storeId) {
      ingest.deadLetterRaw(
        storeId,
        topic,
        { code: "invalid", field: "storeId", message: `names store ${env.storeId}` },
        payload.toString("utf8"),
      );
      return;
    }
    switch (env.type) {
      case "store.status": {
        const status = env.payload;
        bookkeeping.later(() => fleet.recordStatus(storeId, status));
        releases?.onStatus(storeId, status);
        // The edge's disk is full or failing: it refuses sales until someone frees space.
        // (Its own transaction, as the takeover alerts: not inside the batched bookkeeping.)
        if (status.storage) {
          try {
            const fault = status.storage;
            security.alerts.raise("edge_storage", storeId, fault.state, () => ({ ...fault }));
          } catch (e) {
            log(`edge_storage alert for ${storeId}: ${(e as Error).message}`);
          }
        }
        if (status.state === "online") commands?.resendPending(storeId);
        return;
      }
      case "telemetry": {
        const at = env.payload.at;
        bookkeeping.later(() => fleet.seen(storeId, at));
        return;
      }
      case "update.report":
        if (!releases) break;
        releases.report(storeId, env.payload);
        return;
      case "catalog.fetch": {
        const page = catalog.fetchPage(storeId, env.payload);
        if (page !== undefined) downlink.publishPage(storeId, page);
        return;
      }
      case "catalog.applied": {
        const { version, appliedAt } = env.payload;
        bookkeeping.later(() => catalog.recordApplied(storeId, version, appliedAt));
        return;
      }
      case "edge.hello":
        // Answered once the events that came in before it are committed (its view of the
        // store's seqs must include them).
        groups.hello(storeId, env.payload);
        return;
      case "stock.query":
        downlink.track(
          downlink.send(storeId, "stock.reply", {
            queryId: env.payload.queryId,
            sku: env.payload.sku,
            stores: stock.nearby(storeId, env.payload.sku),
          }),
        );
        return;
      case "transfer.request":
        if (!transfers) break;
        downlink.track(downlink.send(storeId, "transfer.reply", transfers.tillRequest(storeId, env.payload)));
        return;
      case "command.result":
        if (!commands) break;
        try {
          commands.onResult(storeId, env.payload);
          if (env.payload.name === "renew_certificate" && env.payload.outcome === "done")
            deps.certificateInUse?.(storeId);
        } catch (e) {
          // Another store's command id, a bundle that does not match its hash: kept, named.
          if (!(e instanceof ValidationError)) throw e;
          ingest.deadLetterRaw(
            storeId,
            topic,
            { code: "invalid", field: e.field, message: e.message },
            payload.toString("utf8"),
          );
        }
        return;
      case "certificate.request": {
        const answer = deps.renewCertificate?.(storeId, env.payload);
        if (!answer) break;
        downlink.track(answer.then((reply) => downlink.send(storeId, "certificate.issued", reply)));
        return;
      }
      case "supply.query":
        if (!supply) break;
        downlink.track(downlink.send(storeId, "supply.reply", supply(storeId, env.payload)));
        return;
      case "transfers.query":
        if (!tillTransfers) break;
        downlink.track(downlink.send(storeId, "transfers.reply", tillTransfers.list(storeId, env.payload)));
        return;
      case "transfer.step": {
        if (!tillTransfers) break;
        const p = env.payload;
        downlink.track(
          tillTransfers
            .step(storeId, p)
            .catch((e) => {
              log(`hq-hub: transfer.step ${storeId}/${p.transferId}: ${(e as Error).stack ?? e}`);
              return {
                requestId: p.requestId,
                transferId: p.transferId,
                error: { code: "internal", field: "", message: "HQ could not do the step; try again" },
              };
            })
            .then((reply) => downlink.send(storeId, "transfer.reply", reply)),
        );
        return;
      }
    }
    switch (env.type) {
      default:
        ingest.deadLetterRaw(
          storeId,
          topic,
          { code: "invalid", field: "type", message: `${env.type} does not belong on ${topic}` },
          payload.toString("utf8"),
        );
    }
  }

  /** Every message the broker delivers; an event message's promise resolves after its commit. */
  function onMessage(topic: string, payload: Buffer): Promise<void> | undefined {
    const t = parseTopic(topic);
    if (t?.direction !== "up") return;
    if (t.channel === "events") return groups.enqueue(t.storeId, topic, payload);
    try {
      handleRequest(t.storeId, topic, payload);
    } catch (e) {
      // Never let one message stop the pipeline; it is kept, with the reason, for a person.
      stats.errors++;
      log(`hq-hub: ${topic}: ${(e as Error).stack ?? e}`);
      try {
        ingest.deadLetterRaw(
          t.storeId,
          topic,
          { code: "apply_failed", field: "", message: String((e as Error).message ?? e) },
          payload.toString("utf8"),
        );
      } catch (e2) {
        log(`hq-hub: ${topic}: could not dead-letter: ${(e2 as Error).message}`);
      }
    }
    return;
  }

  return { onMessage };
}
