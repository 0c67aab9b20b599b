#!/usr/bin/env bun
// store-edge: the store's edge server. `serve` runs it, `enroll` joins it to HQ with a one-time
// code, `status` shows link, catalog and outbox progress.
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import pkg from "../package.json" with { type: "json" };
import { applianceBuild, applianceDir, unpackAppliance, useApplianceDir } from "./appliance.ts";
import { takeBackup } from "./backup/copy.ts";
import { backupDir } from "./backup/job.ts";
import { restoreFrom } from "./backup/restore.ts";
import { CONFIG_FILE, defaultDataDir, loadConfig, saveConfig } from "./config.ts";
import { migrationFiles } from "./db.ts";
import { NoDevices } from "./devices/port.ts";
import { Edge } from "./edge.ts";
import { systemdNotifier } from "./health/systemd.ts";
import { serveLan } from "./http/lan-tls.ts";
import { readStoreTls } from "./link/tls.ts";
import { EnrollError, type Enrolled, enrollAt } from "./setup/enroll.ts";

const HELP: Record<string, string> = {
  main: `store-edge <command> [options]

Commands:
  serve    run the store edge (HTTP API, lanes, link to HQ)
  enroll   join this store to HQ with a one-time enrollment code
  status   show HQ link, catalog version, outbox backlog and backups
  backup   take a backup of edge.db now (the running edge also takes them on a timer)
  restore  put a backup back as edge.db (the edge stopped)
  --version  print the version (an appliance build: package version + git describe)

Run "store-edge <command> --help" for the options of a command.
Configuration: <data>/${CONFIG_FILE}, environment STORE_EDGE_* (docs/store-edge.md).`,
  serve: `store-edge serve [--port N] [--host H] [--data DIR]

  --port N    HTTP port (0 picks a free one; default from config, 8080). With the store
              certificate from enrollment, plain HTTP listens on 127.0.0.1 only
  --https-port N  HTTPS port on the LAN with the store certificate (default 8443 beside port
              8080, else a free port; the ready line says which)
  --plain-http    also plain HTTP on --host, besides HTTPS
  --host H    address to listen on (default 0.0.0.0)
  --data DIR  data directory with ${CONFIG_FILE} and edge.db (default $STORE_EDGE_DATA or ./data)

When ready prints one line: EDGE_READY {"http":"http://127.0.0.1:PORT","https":"https://127.0.0.1:PORT"}. SIGTERM or Ctrl-C stops it cleanly.`,
  enroll: `store-edge enroll --hq URL --code CODE [--data DIR]

  --hq URL     HQ hub base URL, e.g. http://hq.example:8080
  --code CODE  the one-time code from HQ (POST /api/v1/stores/{id}/enrollment-code)
  --data DIR   data directory (default $STORE_EDGE_DATA or ./data)
  --force      enroll again although this data directory is already enrolled
  --lan LIST   LAN addresses for the store's certificate (comma-separated private IPv4 or
               .local/.lan names; default: this box's private IPv4 addresses)
  --no-tls     do not ask for a certificate (plain MQTT even when HQ serves mqtts)

Writes the store id and MQTT credentials into <data>/${CONFIG_FILE}; with a hub serving mqtts,
the store's key, certificate and the chain CA into <data>/tls/.`,
  status: `store-edge status [--data DIR] [--json]

  Asks the running edge (via <data>/run.json) or, when it is not running, reads the database.
  --json  print the raw JSON`,
  backup: `store-edge backup [--data DIR] [--json]

  Copies <data>/edge.db (online: the edge may be running and selling) into the backup folder
  (store-edge.json backup.dir, default <data>/backups) as edge-<UTC time>.db, checks the copy
  (integrity_check) and keeps the backup.keep newest. --json prints the backup's manifest.`,
  restore: `store-edge restore --from FILE [--data DIR] [--force]

  Puts a backup back as <data>/edge.db, the edge stopped. The database in use is kept in
  <data>/replaced/. Refused: a running edge, a damaged copy, another store's copy, a copy from a
  newer build, and (without --force) a database in use holding events HQ has not acked.
  Then start the edge: its hello to HQ re-numbers what it sells after HQ's last event
  (docs/sync.md "Restored, replaced and re-enrolled edges"); see docs/appliance.md.`,
};

function fail(msg: string): never {
  console.error(`store-edge: ${msg}`);
  process.exit(2);
}

async function serve(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: "string" },
      "https-port": { type: "string" },
      "plain-http": { type: "boolean" },
      host: { type: "string" },
      data: { type: "string" },
      help: { type: "boolean" },
    },
  });
  if (values.help) return void console.log(HELP.serve);
  const dataDir = values.data ? resolve(values.data) : defaultDataDir();
  const config = loadConfig(dataDir);
  if (values.port !== undefined) {
    const p = Number(values.port);
    if (!Number.isInteger(p) || p < 0 || p > 65535) fail(`--port: expected 0..65535, got ${values.port}`);
    config.http.port = p;
  }
  if (values.host) config.http.host = values.host;
  if (values["https-port"] !== undefined) {
    const p = Number(values["https-port"]);
    if (!Number.isInteger(p) || p < 0 || p > 65535)
      fail(`--https-port: expected 0..65535, got ${values["https-port"]}`);
    config.http.httpsPort = p;
  }
  if (values["plain-http"]) config.http.plainLan = true;
  const unpacked = applianceDir();
  const staticDir =
    config.http.staticDir ??
    [unpacked ? join(unpacked, "ui") : resolve(import.meta.dir, "../../terminal-ui/build")].find((d) =>
      existsSync(d),
    );
  // HQ's restart_edge: a clean stop, then exit 75 so systemd (Restart=on-failure) starts it again.
  const edge = new Edge({
    dataDir,
    config,
    log: (m) => console.error(`[edge] ${m}`),
    onRestart: () => void stop(75),
    onCertificate: (tls) => lan.useCertificate(tls),
  });
  // The catalog look-up was just built from the tables: collect the parse garbage now, before
  // the first customer, rather than in a pause during a scan.
  Bun.gc(true);
  edge.start();
  // Online backups of edge.db on a timer (backup/): the serving process only.
  edge.backups.start();
  // With the store certificate: HTTPS on the LAN, plain HTTP on 127.0.0.1 (http/lan-tls.ts).
  const tls = config.enrollment?.tls ? readStoreTls(dataDir) : undefined;
  const lan = serveLan(edge, {
    host: config.http.host,
    port: config.http.port,
    // 8443 beside the appliance's 8080; beside any other port (tests, the demo's several edges on
    // one box) a free one, so two edges never fight over it.
    httpsPort: config.http.httpsPort ?? (config.http.port === 8080 ? 8443 : 0),
    tls,
    plainLan: config.http.plainLan,
    ...(staticDir ? { staticDir } : {}),
  });
  const http = `http://127.0.0.1:${lan.http.port}`;
  const https = lan.https ? `https://127.0.0.1:${lan.https.port}` : undefined;
  writeFileSync(
    join(dataDir, "run.json"),
    JSON.stringify({ pid: process.pid, http, ...(https ? { https } : {}) }),
  );
  console.log(`EDGE_READY ${JSON.stringify({ http, ...(https ? { https } : {}) })}`);
  // Under the appliance's systemd unit: READY=1 now, then the watchdog heartbeat.
  const notifier = systemdNotifier(process.env, (m) => console.error(`[edge] ${m}`));
  void notifier?.ready();
  let stopping = false;
  const stop = async (code = 0) => {
    if (stopping) return;
    stopping = true;
    notifier?.stop();
    lan.stop();
    await edge.stop();
    rmSync(join(dataDir, "run.json"), { force: true });
    process.exit(code);
  };
  process.on("SIGTERM", () => void stop());
  process.on("SIGINT", () => void stop());
}

async function enroll(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      hq: { type: "string" },
      code: { type: "string" },
      data: { type: "string" },
      force: { type: "boolean" },
      lan: { type: "string" },
      "no-tls": { type: "boolean" },
      help: { type: "boolean" },
    },
  });
  if (values.help) return void console.log(HELP.enroll);
  if (!values.hq) fail("enroll: --hq URL is required");
  if (!values.code) fail("enroll: --code CODE is required");
  const dataDir = values.data ? resolve(values.data) : defaultDataDir();
  let r: Enrolled;
  try {
    r = await enrollAt(dataDir, values.hq, values.code, {
      force: values.force ?? false,
      tls: !values["no-tls"],
      ...(values.lan !== undefined
        ? {
            lan: values.lan
              .split(",")
              .map((a) => a.trim())
              .filter(Boolean),
          }
        : {}),
    });
  } catch (e) {
    if (e instanceof EnrollError) fail(e.message);
    throw e;
  }
  console.log(
    `enrolled as store ${r.storeId} (${r.storeName}); MQTT ${r.mqttUrl}${r.tls ? ` (TLS, certificate ${r.tls.serial} until ${r.tls.notAfter.slice(0, 10)})` : ""}`,
  );
}

async function status(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { data: { type: "string" }, json: { type: "boolean" }, help: { type: "boolean" } },
  });
  if (values.help) return void console.log(HELP.status);
  const dataDir = values.data ? resolve(values.data) : defaultDataDir();
  let s: ReturnType<Edge["status"]> | undefined;
  let running = false;
  const runFile = join(dataDir, "run.json");
  if (existsSync(runFile)) {
    try {
      const { http } = JSON.parse(readFileSync(runFile, "utf8"));
      const res = await fetch(`${http}/api/v1/status`, { signal: AbortSignal.timeout(2000) });
      if (res.ok) {
        s = (await res.json()) as typeof s;
        running = true;
      }
    } catch {
      // not running: read the database
    }
  }
  if (!s) {
    if (!existsSync(join(dataDir, "edge.db"))) fail(`no edge database in ${dataDir}`);
    // Reading the database only: no lane devices (a bridge lane would open its printer and print
    // what its queue still holds).
    const edge = new Edge({ dataDir, config: loadConfig(dataDir), devices: (lane) => new NoDevices(lane) });
    s = edge.status();
    await edge.stop();
  }
  if (values.json) return void console.log(JSON.stringify({ running, ...s }, null, 2));
  const c = s.catalog;
  const o = s.outbox;
  console.log(
    `store     ${s.store.storeId} ${s.store.name} ${s.store.enrolled ? `(HQ ${s.store.hq})` : "(not enrolled)"}`,
  );
  console.log(`edge      ${running ? "running" : "not running"}; HQ link ${s.link.state}`);
  console.log(
    `catalog   applied v${c.applied}${c.pointer !== undefined ? ` of v${c.pointer}` : ""}` +
      (c.collecting
        ? `; fetching ${c.collecting.kind} v${c.collecting.version}: page ${c.collecting.have}/${c.collecting.pages}`
        : "") +
      (c.scheduled.length ? `; ${c.scheduled.length} version(s) scheduled` : ""),
  );
  console.log(
    `outbox    last seq ${o.lastSeq}, acked ${o.ackedUpTo}, backlog ${o.backlog}` +
      (o.oldestUnackedAgeSec !== undefined ? `, oldest unacked ${o.oldestUnackedAgeSec} s` : "") +
      (o.held
        ? `; ${o.held} held as conflicts at HQ (seq ${o.heldSeqs.join(", ")}): resolve them at HQ`
        : ""),
  );
  const r = s.identity.lastResync;
  console.log(
    `identity  instance ${s.identity.instanceId}` +
      (r
        ? `; ${r.at}: HQ found this database ${RESYNC_WORDS[r.kind]} (HQ held seqs up to ${r.hqMaxSeq}; ${r.moved} event(s) moved up by ${r.shift})`
        : ""),
  );
  console.log(`lanes     ${s.lanes.join(", ") || "none yet"}`);
  const b = s.backup;
  if (b) {
    const newest = b.backups[0];
    console.log(
      `backups   ${b.backups.length} in ${b.dir} (every ${b.intervalSeconds} s, keep ${b.keep})` +
        (newest ? `; newest ${newest.file} (seq ${newest.lastSeq}, integrity ${newest.integrity})` : "") +
        (b.last && !b.last.ok ? `; last attempt failed: ${b.last.error}` : ""),
    );
    for (const x of b.backups)
      console.log(`          ${x.file}  ${x.bytes} bytes  seq ${x.lastSeq}  acked ${x.ackedUpTo}`);
  }
  if (s.identity.restoredFrom)
    console.log(`restored  from ${s.identity.restoredFrom.file} at ${s.identity.restoredFrom.at}`);
}

async function backup(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { data: { type: "string" }, json: { type: "boolean" }, help: { type: "boolean" } },
  });
  if (values.help) return void console.log(HELP.backup);
  const dataDir = values.data ? resolve(values.data) : defaultDataDir();
  const { backup: settings } = loadConfig(dataDir);
  const m = takeBackup({ dataDir, dir: backupDir(dataDir, settings), keep: settings.keep });
  if (values.json) return void console.log(JSON.stringify(m));
  console.log(
    `backup ${join(backupDir(dataDir, settings), m.file)} (${m.bytes} bytes, integrity ok, seq ${m.lastSeq}, acked ${m.ackedUpTo}, ${m.tookMs} ms)`,
  );
}

async function restore(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      from: { type: "string" },
      data: { type: "string" },
      force: { type: "boolean" },
      help: { type: "boolean" },
    },
  });
  if (values.help) return void console.log(HELP.restore);
  if (!values.from) fail("restore: --from FILE is required (store-edge status lists the backups)");
  const dataDir = values.data ? resolve(values.data) : defaultDataDir();
  const config = loadConfig(dataDir);
  // A bare backup name is looked up in the backup folder.
  const inFolder = join(backupDir(dataDir, config.backup), values.from);
  const from = existsSync(values.from) || !existsSync(inFolder) ? resolve(values.from) : inFolder;
  const r = restoreFrom({
    dataDir,
    from,
    migrations: migrationFiles().length,
    force: values.force ?? false,
    ...(config.enrollment ? { storeId: config.enrollment.storeId } : {}),
  });
  console.log(
    `restored ${from} (seq ${r.backup.lastSeq}, acked ${r.backup.ackedUpTo}) as ${join(dataDir, "edge.db")}` +
      (r.setAside ? `; the database in use is kept as ${r.setAside}` : "") +
      "\nStart the edge: before any event it says hello to HQ, which tells it what HQ holds; what it sells is numbered after that.",
  );
}

const RESYNC_WORDS: Record<string, string> = {
  behind: "behind (a restored copy, or a fresh database)",
  diverged: "parted from what it holds (a restored copy that sold offline)",
  replaced: "to be a new instance for the store",
  in_step: "in step",
};

const [cmd, ...rest] = process.argv.slice(2);
const commands: Record<string, (a: string[]) => Promise<void>> = { serve, enroll, status, backup, restore };
const build = applianceBuild();
if (!cmd || cmd === "--help" || cmd === "-h" || cmd === "help") {
  console.log(HELP.main);
} else if (cmd === "--version" || cmd === "-v") {
  console.log(`store-edge ${build?.version ?? `${pkg.version} (source)`}`);
} else if (commands[cmd]) {
  // A compiled appliance: its terminal UI and migrations onto disk before anything opens them.
  if (build) useApplianceDir(unpackAppliance(build));
  await commands[cmd](rest).catch((e) => fail((e as Error).message));
} else {
  fail(`unknown command ${cmd}\n\n${HELP.main}`);
}
