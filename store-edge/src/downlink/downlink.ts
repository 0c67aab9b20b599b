// What HQ sends down to the store besides the catalog: stock movements, alerts and
// replenishment status, the answers to nearby-stock queries, and commands (rotate credentials,
// resync the catalog). The link (link/hq-link.ts) hands each envelope here.
import type { AnyEnvelope, Payload } from "@retail/protocol";
import { uuidv7 } from "@retail/protocol";
import { type EdgeConfig, saveConfig } from "../config.ts";
import type { EdgeDb } from "../db.ts";
import { EdgeError } from "../errors.ts";
import type { Lanes } from "../lanes/lanes.ts";
import type { HqLink } from "../link/hq-link.ts";
import { CertificateRenewal } from "../link/renewal.ts";
import { applyRotation } from "../link/rotation.ts";
import type { StoreTls } from "../link/tls.ts";
import type { StockLedger } from "../stock.ts";
import type { Stocktakes } from "../stocktake/stocktakes.ts";
import type { SupplyDesk } from "../supply/supply.ts";
import type { Updater } from "../update/updater.ts";
import { RemoteCommands } from "./commands.ts";
import type { LogTail } from "./log-tail.ts";

/** What the downlink needs of the edge (edge.ts passes itself). */
export interface DownlinkHost {
  readonly db: EdgeDb;
  readonly stock: StockLedger;
  readonly supply: Pick<SupplyDesk, "onReply">;
  readonly stocktakes: Stocktakes;
  readonly options: {
    dataDir: string;
    config: EdgeConfig;
    onRestart?: () => void;
    /** The LAN's HTTPS server takes the renewed certificate (http/lan-tls.ts). */
    onCertificate?: (tls: StoreTls) => void;
  };
  readonly link: HqLink | undefined;
  /** Signed updates (update/). */
  readonly updater?: Pick<Updater, "onOffer"> | undefined;
  readonly log: (msg: string) => void;
  readonly lanes: Pick<Lanes, "lane" | "laneIds" | "reopen" | "saveRecord" | "changed">;
  readonly logTail: LogTail;
  readonly clock: { now(): number };
  status(): unknown;
}

export class Downlink {
  private readonly queries = new Map<string, (reply: Payload<"stock.reply">) => void>();

  /** HQ's remote commands (restart, lane lock, diagnostics...), each answered once (commands.ts). */
  private commandRunner: RemoteCommands | undefined;

  private renewalRunner: CertificateRenewal | undefined;

  /** The store's certificate renewal (link/renewal.ts): HQ's command, or near expiry. */
  get renewal(): CertificateRenewal {
    const h = this.h;
    this.renewalRunner ??= new CertificateRenewal({
      dataDir: h.options.dataDir,
      storeId: h.options.config.enrollment?.storeId ?? "",
      get link() {
        return h.link;
      },
      now: () => h.clock.now(),
      log: h.log,
      onRenewed: ({ serial, notAfter, tls }) => {
        saveConfig(h.options.dataDir, (raw) => {
          const e = raw.enrollment as { tls?: unknown } | undefined;
          if (e) e.tls = { serial, notAfter };
        });
        h.options.onCertificate?.(tls);
      },
    });
    return this.renewalRunner;
  }

  // Built by the edge's field initialisers, before its lanes exist: the commands are made on first use.
  constructor(private readonly h: DownlinkHost) {}

  private get commands(): RemoteCommands {
    const h = this.h;
    this.commandRunner ??= new RemoteCommands({
      db: h.db,
      lanes: h.lanes,
      logTail: h.logTail,
      status: () => h.status(),
      resyncCatalog: () => this.resyncCatalog(),
      restart: h.options.onRestart,
      send: (r) => h.link?.send("command.result", "query", r) ?? false,
      renewCertificate: async (commandId) => {
        const r = await this.renewal.renew("command", commandId);
        return `certificate ${r.serial} in use, valid until ${r.notAfter}`;
      },
      now: () => new Date(h.clock.now()),
      log: h.log,
    });
    return this.commandRunner;
  }

  private resyncCatalog(): void {
    // Back to version 0: the next fetch brings a snapshot that replaces everything.
    this.h.db.write(() => this.h.db.setMeta("catalog_version", 0));
    this.h.link?.resyncCatalog();
  }

  onDown(env: AnyEnvelope): void {
    switch (env.type) {
      case "stock.movement":
        this.h.stock.applyMovement(env.payload);
        return;
      case "stocktake.update":
        this.h.stocktakes.fromHq(env.payload);
        return;
      case "stock.alert":
        this.h.stock.saveAlert(env.payload);
        return;
      case "replenishment.status":
        this.h.stock.saveReplenishment(env.payload);
        return;
      case "release.offer":
        this.h.updater?.onOffer(env.payload);
        return;
      case "certificate.issued":
        this.renewal.onIssued(env.payload);
        return;
      case "stock.reply":
        this.queries.get(env.payload.queryId)?.(env.payload);
        return;
      case "supply.reply":
      case "transfer.reply":
      case "transfers.reply":
        this.h.supply.onReply(env);
        return;
      case "command":
        if (env.payload.name === "rotate_credentials") {
          applyRotation({
            dataDir: this.h.options.dataDir,
            config: this.h.options.config,
            args: env.payload.args,
            link: this.h.link,
            log: this.h.log,
          });
        } else if (env.payload.name === "reload_config") this.h.log(`command ${env.payload.name} noted`);
        else {
          const cmd = env.payload;
          this.commands
            .run(cmd)
            .catch((e) => this.h.log(`command ${cmd.name} ${cmd.commandId}: ${(e as Error).message}`));
        }
        return;
      default:
        this.h.log(`unexpected ${env.type} from HQ`);
    }
  }

  /** Stock of a SKU in nearby stores, asked of HQ; fails fast when HQ is unreachable. */
  async nearbyStock(sku: string, timeoutMs = 3000): Promise<Payload<"stock.reply">> {
    const queryId = uuidv7();
    if (!this.h.link?.send("stock.query", "query", { queryId, sku }))
      throw new EdgeError("unavailable", "hq", "HQ is not reachable; nearby stock is not known");
    try {
      return await new Promise((resolve, reject) => {
        const t = setTimeout(
          () => reject(new EdgeError("unavailable", "hq", "HQ did not answer the stock query in time")),
          timeoutMs,
        );
        this.queries.set(queryId, (r) => {
          clearTimeout(t);
          resolve(r);
        });
      });
    } finally {
      this.queries.delete(queryId);
    }
  }
}
