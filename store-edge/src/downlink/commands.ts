// HQ's remote commands, run on the edge: restart the edge or a lane, lock/unlock a lane, resync
// the catalog, collect a diagnostics bundle. Each is answered with command.result (up/query).
// HQ sends a command again until it hears the answer, so each command id is run once: its
// outcome is kept (remote_commands) before it is answered, and a command seen again is answered
// from there (a restart must not restart the edge at every reconnect). Diagnostics only read,
// so a repeat collects again.
import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import type { Payload } from "@retail/protocol";
import { eq } from "drizzle-orm";
import { remoteCommands } from "../db/schema.ts";
import type { EdgeDb } from "../db.ts";
import { EdgeError } from "../errors.ts";
import type { Lanes } from "../lanes/lanes.ts";
import type { LogTail } from "./log-tail.ts";

type Command = Payload<"command">;
type Result = Payload<"command.result">;
type Outcome = Pick<Result, "outcome" | "detail" | "bundle">;

/** The base64 of the bundle must fit the protocol's 96 KiB. */
const MAX_BUNDLE_BASE64 = 96 * 1024;

export interface CommandHost {
  readonly db: EdgeDb;
  readonly lanes: Pick<Lanes, "lane" | "laneIds" | "reopen" | "saveRecord" | "changed">;
  readonly logTail: LogTail;
  /** What the operator's status says (status/status.ts). */
  status(): unknown;
  /** The catalog back to version 0 and a snapshot asked for (as the resync_catalog command always did). */
  resyncCatalog(): void;
  /** Stops the edge and lets its supervisor (systemd) start it again; undefined: nobody would. */
  readonly restart: (() => void) | undefined;
  /** A new key and certificate, connected (link/renewal.ts); what to tell HQ. */
  renewCertificate?(commandId: string): Promise<string>;
  send(result: Result): boolean;
  now(): Date;
  log(msg: string): void;
}

export class RemoteCommands {
  constructor(private readonly h: CommandHost) {}

  async run(cmd: Command): Promise<void> {
    const kept = this.h.db.d
      .select()
      .from(remoteCommands)
      .where(eq(remoteCommands.commandId, cmd.commandId))
      .get();
    if (kept && cmd.name !== "collect_diagnostics") {
      this.answer(cmd, {
        outcome: kept.outcome as Result["outcome"],
        ...(kept.detail ? { detail: kept.detail } : {}),
      });
      return;
    }
    let out: Outcome;
    let after: (() => void) | undefined;
    try {
      [out, after] = await this.execute(cmd);
    } catch (e) {
      const refused = e instanceof EdgeError && (e.code === "conflict" || e.code === "invalid");
      out = { outcome: refused ? "refused" : "failed", detail: (e as Error).message.slice(0, 500) };
    }
    if (!kept)
      this.h.db.write(() =>
        this.h.db.d
          .insert(remoteCommands)
          .values({
            commandId: cmd.commandId,
            name: cmd.name,
            outcome: out.outcome,
            detail: out.detail ?? null,
            at: this.h.now().toISOString(),
          })
          .onConflictDoNothing()
          .run(),
      );
    this.h.log(`command ${cmd.name} ${cmd.commandId}: ${out.outcome}${out.detail ? ` (${out.detail})` : ""}`);
    this.answer(cmd, out);
    after?.();
  }

  private answer(cmd: Command, out: Outcome): void {
    this.h.send({ commandId: cmd.commandId, name: cmd.name, ...out, at: this.h.now().toISOString() });
  }

  private lane(cmd: Command): string {
    const lane = String(cmd.args.lane ?? "");
    if (!/^[0-9]{1,2}$/.test(lane)) throw new EdgeError("invalid", "lane", `${cmd.name}: bad lane ${lane}`);
    if (!this.h.lanes.laneIds().includes(lane))
      throw new EdgeError("invalid", "lane", `this store has no lane ${lane}`);
    return lane;
  }

  private async execute(cmd: Command): Promise<[Outcome, (() => void)?]> {
    switch (cmd.name) {
      case "restart_edge": {
        const restart = this.h.restart;
        if (!restart)
          return [{ outcome: "failed", detail: "this edge runs without a supervisor to restart it" }];
        // Never mid-sale: a lane waiting for a payment, or with money tendered, is not quiet.
        const busy = this.h.lanes.laneIds().filter((id) => {
          const rt = this.h.lanes.lane(id);
          return rt.paymentInFlight !== undefined || rt.cart.tenders.length > 0;
        });
        if (busy.length)
          return [
            {
              outcome: "refused",
              detail: `lane(s) ${busy.join(", ")} are taking a payment; try again later`,
            },
          ];
        // Answered first, restarted after: the answer is kept, so a resend after the restart gets it.
        return [{ outcome: "done", detail: "restarting" }, () => setTimeout(restart, 500)];
      }
      case "restart_lane": {
        const lane = this.lane(cmd);
        await this.h.lanes.reopen(lane);
        return [{ outcome: "done", detail: `lane ${lane} restarted` }];
      }
      case "lock_lane":
      case "unlock_lane": {
        const lane = this.lane(cmd);
        const rt = this.h.lanes.lane(lane);
        const { locked: _was, ...rest } = rt.record;
        const reason = typeof cmd.args.reason === "string" ? cmd.args.reason.slice(0, 200) : undefined;
        this.h.lanes.saveRecord(
          rt,
          cmd.name === "lock_lane"
            ? { ...rest, locked: { ...(reason ? { reason } : {}), at: this.h.now().toISOString() } }
            : rest,
        );
        this.h.lanes.changed(rt);
        return [
          { outcome: "done", detail: `lane ${lane} ${cmd.name === "lock_lane" ? "locked" : "unlocked"}` },
        ];
      }
      case "resync_catalog":
        this.h.resyncCatalog();
        return [{ outcome: "done", detail: "catalog snapshot requested" }];
      case "collect_diagnostics":
        return [{ outcome: "done", bundle: this.bundle() }];
      case "renew_certificate": {
        if (!this.h.renewCertificate) return [{ outcome: "refused", detail: "this edge has no TLS link" }];
        return [{ outcome: "done", detail: await this.h.renewCertificate(cmd.commandId) }];
      }
      default:
        return [{ outcome: "refused", detail: `${cmd.name} is not a remote command this edge runs` }];
    }
  }

  /** Recent log lines, the status, PRAGMA integrity_check; log lines dropped (oldest first) to fit. */
  bundle(): NonNullable<Result["bundle"]> {
    const integrity = (
      this.h.db.raw.prepare("PRAGMA integrity_check").all() as { integrity_check: string }[]
    ).map((r) => r.integrity_check);
    const base = { at: this.h.now().toISOString(), status: this.h.status(), integrityCheck: integrity };
    let logs = this.h.logTail.lines();
    for (;;) {
      const json = Buffer.from(JSON.stringify({ ...base, logLines: logs.length, logs }));
      const gz = gzipSync(json);
      const b64 = gz.toString("base64");
      if (b64.length <= MAX_BUNDLE_BASE64 || logs.length === 0)
        return { gzipBase64: b64, bytes: json.length, sha256: createHash("sha256").update(gz).digest("hex") };
      logs = logs.slice(Math.ceil(logs.length / 2));
    }
  }
}
