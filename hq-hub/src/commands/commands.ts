// Remote commands: an operator's command is stored, published to the store's down/command topic
// (QoS 1) and published again whenever the store comes online until it answers; the store's
// command.result settles it once (its repeats change nothing). A diagnostics bundle is kept as
// the store sent it (gzip), checked against its SHA-256. The HTTP write that issued the command
// is in the audit log (http/route.ts); who sent what and what the store answered is here.
import { createHash } from "node:crypto";
import { gunzipSync } from "node:zlib";
import { type Payload, uuidv7 } from "@retail/protocol";
import { and, desc, eq, sql } from "drizzle-orm";
import { openDrizzle, type Sqlite } from "../db/open.ts";
import { diagnosticsBundles, remoteCommands, stores } from "../db/schema.ts";
import { NotFoundError, StateError, ValidationError } from "../errors.ts";
import {
  answeredState,
  CommandArgsError,
  type CommandInput,
  type CommandState,
  commandArgs,
  resendOrExpire,
} from "./rules.ts";

export interface RemoteCommand {
  id: string;
  storeId: string;
  name: string;
  args: Record<string, string | number | boolean>;
  requestedBy: string;
  requestedAt: string;
  state: CommandState;
  sends: number;
  lastSentAt?: string;
  answeredAt?: string;
  detail?: string;
  /** collect_diagnostics answered with a bundle: its size (JSON bytes) and hash. */
  bundle?: { bytes: number; sha256: string };
}

/** A bundle inflating past this is refused (the edge caps its own well below). */
const MAX_BUNDLE_JSON_BYTES = 8 * 1024 * 1024;

export function createCommands(deps: {
  db: Sqlite;
  now: () => Date;
  send: (storeId: string, payload: Payload<"command">) => Promise<void>;
  log: (line: string) => void;
}) {
  const { db, now, send, log } = deps;
  const orm = openDrizzle(db);

  function toCommand(
    r: typeof remoteCommands.$inferSelect,
    b?: { bytes: number; sha256: string } | null,
  ): RemoteCommand {
    return {
      id: r.id,
      storeId: r.storeId,
      name: r.name,
      args: JSON.parse(r.argsJson),
      requestedBy: r.requestedBy,
      requestedAt: r.requestedAt,
      state: r.state as CommandState,
      sends: r.sends,
      ...(r.lastSentAt ? { lastSentAt: r.lastSentAt } : {}),
      ...(r.answeredAt ? { answeredAt: r.answeredAt } : {}),
      ...(r.detail !== null ? { detail: r.detail } : {}),
      ...(b ? { bundle: { bytes: b.bytes, sha256: b.sha256 } } : {}),
    };
  }

  const selectWithBundle = () =>
    orm
      .select({ c: remoteCommands, bytes: diagnosticsBundles.bytes, sha256: diagnosticsBundles.sha256 })
      .from(remoteCommands)
      .leftJoin(diagnosticsBundles, eq(diagnosticsBundles.commandId, remoteCommands.id));

  function get(id: string): RemoteCommand {
    const r = selectWithBundle().where(eq(remoteCommands.id, id)).get();
    if (!r) throw new NotFoundError("command", id);
    return toCommand(
      r.c,
      r.bytes !== null && r.sha256 !== null ? { bytes: r.bytes, sha256: r.sha256 } : null,
    );
  }

  function list(storeId: string, limit = 100): RemoteCommand[] {
    return selectWithBundle()
      .where(eq(remoteCommands.storeId, storeId))
      .orderBy(desc(remoteCommands.requestedAt), desc(remoteCommands.id))
      .limit(limit)
      .all()
      .map((r) =>
        toCommand(r.c, r.bytes !== null && r.sha256 !== null ? { bytes: r.bytes, sha256: r.sha256 } : null),
      );
  }

  function publish(c: { id: string; storeId: string; name: string; argsJson: string }) {
    orm
      .update(remoteCommands)
      .set({ sends: sql`${remoteCommands.sends} + 1`, lastSentAt: now().toISOString() })
      .where(eq(remoteCommands.id, c.id))
      .run();
    send(c.storeId, {
      commandId: c.id,
      name: c.name as Payload<"command">["name"],
      args: JSON.parse(c.argsJson),
    }).catch((e) => log(`hq-hub: command ${c.id} to ${c.storeId} not sent: ${(e as Error).message}`));
  }

  /** Stores the command and publishes it; the store's answer comes later (GET it). */
  function issue(storeId: string, input: CommandInput, actor: string): RemoteCommand {
    const store = orm
      .select({ state: stores.enrollmentState })
      .from(stores)
      .where(eq(stores.id, storeId))
      .get();
    if (!store) throw new NotFoundError("store", storeId);
    if (store.state !== "enrolled")
      throw new StateError(storeId, `store ${storeId} is not enrolled (${store.state}): no edge to command`);
    let args: Record<string, string>;
    try {
      args = commandArgs(input);
    } catch (e) {
      if (e instanceof CommandArgsError) throw new ValidationError(e.field, e.message);
      throw e;
    }
    const id = uuidv7();
    const row = {
      id,
      storeId,
      name: input.name,
      argsJson: JSON.stringify(args),
      requestedBy: actor,
      requestedAt: now().toISOString(),
      state: "sent",
    };
    orm.insert(remoteCommands).values(row).run();
    publish(row);
    return get(id);
  }

  /**
   * The store came online (its status): every command it has not answered is sent again (the
   * store answers a command it already ran from what it kept), those past their time expire.
   */
  function resendPending(storeId: string): number {
    const open = orm
      .select()
      .from(remoteCommands)
      .where(and(eq(remoteCommands.storeId, storeId), eq(remoteCommands.state, "sent")))
      .all();
    let n = 0;
    for (const c of open) {
      if (resendOrExpire(c.requestedAt, now()) === "expire") {
        orm
          .update(remoteCommands)
          .set({ state: "expired", detail: "no answer from the store within 24 h" })
          .where(and(eq(remoteCommands.id, c.id), eq(remoteCommands.state, "sent")))
          .run();
        continue;
      }
      publish(c);
      n++;
    }
    return n;
  }

  /** A store's command.result: settles its own command once; anything else is refused, named. */
  function onResult(storeId: string, r: Payload<"command.result">): RemoteCommand {
    const c = orm.select().from(remoteCommands).where(eq(remoteCommands.id, r.commandId)).get();
    // Another store's command id (or one HQ never sent) is not this store's to answer.
    if (!c || c.storeId !== storeId)
      throw new ValidationError("commandId", `no command ${r.commandId} for store ${storeId}`);
    if (c.name !== r.name) throw new ValidationError("name", `command ${c.id} is ${c.name}, not ${r.name}`);
    const next = answeredState(c.state as CommandState, r.outcome);
    if (!next) return get(c.id);
    let bundle: { gzip: Buffer; bytes: number; sha256: string } | undefined;
    if (r.bundle) {
      if (c.name !== "collect_diagnostics")
        throw new ValidationError("bundle", `${c.name} answers no bundle`);
      const gzip = Buffer.from(r.bundle.gzipBase64, "base64");
      const sha256 = createHash("sha256").update(gzip).digest("hex");
      if (sha256 !== r.bundle.sha256)
        throw new ValidationError(
          "bundle.sha256",
          `the bundle's SHA-256 is ${sha256}, not ${r.bundle.sha256}`,
        );
      let json: Buffer;
      try {
        json = gunzipSync(gzip, { maxOutputLength: MAX_BUNDLE_JSON_BYTES });
        JSON.parse(json.toString("utf8"));
      } catch (e) {
        throw new ValidationError("bundle.gzipBase64", `not a gzip of JSON: ${(e as Error).message}`);
      }
      bundle = { gzip, bytes: json.length, sha256 };
    }
    const at = now().toISOString();
    db.transaction(() => {
      orm
        .update(remoteCommands)
        .set({ state: next, answeredAt: at, detail: r.detail ?? null })
        .where(and(eq(remoteCommands.id, c.id), eq(remoteCommands.state, "sent")))
        .run();
      if (bundle)
        orm
          .insert(diagnosticsBundles)
          .values({ commandId: c.id, storeId, receivedAt: at, ...bundle })
          .onConflictDoNothing()
          .run();
    })();
    return get(c.id);
  }

  /** The diagnostics bundle of a command as the store sent it (gzip of JSON). */
  function bundle(id: string): { storeId: string; gzip: Buffer; receivedAt: string } {
    const b = orm.select().from(diagnosticsBundles).where(eq(diagnosticsBundles.commandId, id)).get();
    if (!b) throw new NotFoundError("diagnostics bundle", id);
    return { storeId: b.storeId, gzip: b.gzip, receivedAt: b.receivedAt };
  }

  return { issue, get, list, resendPending, onResult, bundle };
}

export type Commands = ReturnType<typeof createCommands>;
