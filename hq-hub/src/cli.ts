#!/usr/bin/env bun
// Over 400 lines because the help texts of every command live beside the one dispatch.
// hq-hub command line. `serve` runs the hub; the other commands work on the data folder
// directly (no hub needed), or on a running hub with --hq URL (and HQ_ADMIN_TOKEN), which is
// the way to go while it runs so that it publishes the stores' pointers at once.
import { createHash, createPublicKey } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import pkg from "../package.json" with { type: "json" };
import { hubBuild, unpackHub } from "./appliance.ts";
import { type HubConfig, loadConfig } from "./config.ts";

// Each command loads only what it needs: `--help` or `release sign` used to transpile the whole
// hub first (1.4 s of CPU, 15 s at load 30 on 2 cores).
const db$ = () => import("./db/open.ts");
const signing$ = () => import("./releases/signing.ts");

const HELP: Record<string, string> = {
  "": `hq-hub: the chain's HQ hub (ERP core, MQTT broker, store sync)

Usage: hq-hub <command> [options]

Commands:
  serve               run the hub (HTTP API + embedded MQTT broker, or MQTT_URL)
  migrate             apply database migrations and exit
  store add           create a store and print its one-time enrollment code
  import <file.csv>   import products, barcodes or prices (all-or-nothing)
  changeset promote   promote a pilot change set to its whole target (also: release, rollback, list)
  broker mosquitto-config  write Mosquitto password and ACL files for an external broker
  release sign        sign an edge release with the chain's key kept offline (also: keygen, pubkey)

  --version           print the version (the compiled hub: package version + git describe)

Common options: --data DIR, --config FILE; environment: HQ_PORT, HQ_MQTT_PORT, HQ_DATA_DIR,
DATABASE_URL, MQTT_URL, HQ_ADMIN_TOKEN. Run "hq-hub <command> --help" for details.`,
  serve: `Usage: hq-hub serve [--port N] [--mqtt-port N] [--mqtts-port N] [--host H] [--data DIR] [--config FILE]

Runs the hub. Port 0 picks a free port. When ready prints exactly one line to stdout:
  HQ_READY {"http":"http://127.0.0.1:P","mqtt":"mqtt://127.0.0.1:Q"}
With --mqtts-port (HQ_MQTTS_PORT) the embedded broker also serves MQTT over mutual TLS with the
chain CA (<data>/pki, made on first start); stores that enroll with a certificate request get
their certificate and connect over it only (READY then also has "mqtts").
With MQTT_URL=mqtt://user:pass@host:port the hub uses that MQTT 5 broker instead of the
embedded one. Ctrl-C or SIGTERM shuts down cleanly.`,
  migrate: `Usage: hq-hub migrate [--data DIR]

Applies the checked-in SQL migrations not applied yet and prints their names.`,
  store: `Usage: hq-hub store add --id S001 --name NAME --region REGION [--address A] [--ring pilot|general]
                     [--lat N --lng N] [--data DIR | --hq URL]

Creates a store and prints its one-time enrollment code (redeem it with POST /api/v1/enroll).`,
  import: `Usage: hq-hub import <file.csv> --kind products|barcodes|prices [--changeset ID] [--data DIR | --hq URL]

All-or-nothing: every row is checked, errors are printed as "row N, column C: reason" and
nothing is written unless every row is valid. The rows land in a draft change set.
Columns: products: sku,name,category,unit,taxRate,weighed,status[,nameEn,plu,pinyin]
         barcodes: code,sku
         prices:   sku,price[,scope,scopeKey,startsAt,endsAt]   (price in fen)`,
  changeset: `Usage: hq-hub changeset promote|release|rollback <id> [--stage pilot|all] [--by NAME] [--data DIR | --hq URL]
       hq-hub changeset list [--data DIR]

release: assign the next version, release to the pilot ring (--stage all: whole target);
promote: release a pilot change set to the rest of its target; rollback: undo with a
compensating version. Each is recorded with who and when.`,
  release: `Usage: hq-hub release keygen --key FILE
       hq-hub release pubkey --key FILE
       hq-hub release sign --key FILE --id N --version V --file ARTEFACT [--hq URL]

The chain's release key kept off the hub (docs/appliance.md "Updates"): run these on the
signing machine. keygen writes a new ed25519 key (0600, never over an existing file) and prints
its public half; pubkey prints the public half of a key file (HQ_RELEASE_PUBLIC_KEY on the hub).
sign hashes the artefact and prints {releaseId, version, sha256, size, signature} for the
release HQ numbered N when it was uploaded; with --hq (and HQ_ADMIN_TOKEN) it also posts the
signature, which HQ accepts only if it verifies for the file it holds.`,
  broker: `Usage: hq-hub broker mosquitto-config [--out-dir DIR] [--data DIR]
         [--tls-port N [--tls-dir DIR] [--tls-bind ADDR]]

Writes mosquitto.passwd and mosquitto.acl (stores' PBKDF2 hashes and the protocol ACL; the hub
user from MQTT_URL when set) for an external Mosquitto. With --tls-port also the stores' mutual
TLS listener: ca.crt, broker.crt, broker.key (0600), crl.pem (certificates HQ no longer accepts)
and mosquitto-tls.conf to include (paths in it: --tls-dir, default --out-dir). Stores holding a
certificate get in by it (CN store:<id>), not by password. The broker certificate's names:
HQ_PUBLIC_MQTTS_URL's host and HQ_MQTTS_HOSTS. Run again and SIGHUP Mosquitto after enrolling,
revoking or renewing stores.`,
};

const args = process.argv.slice(2);
const build = hubBuild();
if (args[0] === "--version" || args[0] === "-v") {
  console.log(`hq-hub ${build?.version ?? `${pkg.version} (source)`}`);
  process.exit(0);
}
// The compiled hub: its console, migrations and reference assets onto disk before anything reads them.
const assets = build ? unpackHub(build) : undefined;
const command = args[0] && !args[0].startsWith("-") ? args[0] : "";
const rest = command ? args.slice(1) : args;

const { values, positionals } = parseArgs({
  args: rest,
  allowPositionals: true,
  options: {
    help: { type: "boolean", short: "h" },
    port: { type: "string" },
    "mqtt-port": { type: "string" },
    "mqtts-port": { type: "string" },
    host: { type: "string" },
    data: { type: "string" },
    config: { type: "string" },
    hq: { type: "string" },
    id: { type: "string" },
    name: { type: "string" },
    region: { type: "string" },
    address: { type: "string" },
    ring: { type: "string" },
    lat: { type: "string" },
    lng: { type: "string" },
    kind: { type: "string" },
    changeset: { type: "string" },
    stage: { type: "string" },
    by: { type: "string" },
    "out-dir": { type: "string" },
    key: { type: "string" },
    file: { type: "string" },
    version: { type: "string" },
    "tls-port": { type: "string" },
    "tls-dir": { type: "string" },
    "tls-bind": { type: "string" },
  },
});

function fail(message: string): never {
  console.error(`hq-hub: ${message}`);
  process.exit(1);
}

if (values.help || !command) {
  console.log(HELP[command] ?? HELP[""]);
  process.exit(command || values.help ? 0 : 1);
}

const intFlag = (v: string | undefined, name: string) => {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v)) fail(`--${name} must be a number`);
  return Number(v);
};

function config(): HubConfig {
  try {
    return loadConfig({
      file: values.config,
      overrides: {
        port: intFlag(values.port, "port"),
        mqttPort: intFlag(values["mqtt-port"], "mqtt-port"),
        mqttsPort: intFlag(values["mqtts-port"], "mqtts-port"),
        host: values.host,
        dataDir: values.data,
      },
    });
  } catch (e) {
    fail((e as Error).message);
  }
}

async function local() {
  const [{ migrate, openDatabase }, { createCatalog }, { createStores }] = await Promise.all([
    db$(),
    import("./catalog/catalog.ts"),
    import("./stores/stores.ts"),
  ]);
  const cfg = config();
  const db = openDatabase({
    dataDir: cfg.dataDir,
    databaseUrl: cfg.databaseUrl,
    authToken: cfg.databaseAuthToken,
  });
  migrate(db);
  const now = () => new Date();
  const catalog = createCatalog({ db, now, publishPointer: () => {} });
  return { cfg, db, now, catalog, stores: createStores({ db, now, codeHours: cfg.enrollmentCodeHours }) };
}

async function remote(method: string, path: string, body?: unknown, contentType = "application/json") {
  const token = process.env.HQ_ADMIN_TOKEN;
  if (!token) fail("--hq needs HQ_ADMIN_TOKEN in the environment");
  const res = await fetch(new URL(path, values.hq), {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": contentType },
    ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
  });
  const json = (await res.json()) as Record<string, unknown>;
  if (!res.ok) fail(`${res.status}: ${JSON.stringify(json)}`);
  return json;
}

const actor = values.by ?? `cli:${process.env.USER ?? "admin"}`;

/** `release sign`: hashes the artefact, signs its manifest with the offline key, optionally posts it. */
async function releaseSign(keyFile: string): Promise<void> {
  const { readPrivateKey, signManifest } = await signing$();
  const releaseId =
    intFlag(values.id, "id") ?? fail("release sign: --id N (the release HQ numbered) is required");
  const file = values.file ?? fail("release sign: --file ARTEFACT is required");
  const version = values.version ?? fail("release sign: --version V is required");
  readPrivateKey(keyFile); // a wrong key is said before a 150 MB file is read
  const hash = createHash("sha256");
  let size = 0;
  for await (const chunk of Bun.file(file).stream()) {
    hash.update(chunk);
    size += chunk.byteLength;
  }
  const manifest = { releaseId, version, sha256: hash.digest("hex"), size };
  const signed = { ...manifest, signature: signManifest(keyFile, manifest) };
  if (values.hq)
    await remote("POST", `/api/v1/releases/${releaseId}/signature`, { signature: signed.signature });
  console.log(JSON.stringify(signed));
}

switch (command) {
  case "serve": {
    const cfg = config();
    // The compiled hub serves the console it carries unless the config names another build.
    if (!cfg.consoleDir && assets) cfg.consoleDir = join(assets, "console");
    const [{ startHub }, { notifySystemdReady }] = await Promise.all([
      import("./hub.ts"),
      import("./systemd.ts"),
    ]);
    const hub = await startHub(cfg);
    console.log(
      `HQ_READY ${JSON.stringify({ http: hub.http.url, mqtt: hub.mqtt.url, ...(hub.mqtt.tlsUrl ? { mqtts: hub.mqtt.tlsUrl } : {}) })}`,
    );
    const stopWatchdog = notifySystemdReady(process.env, (line) => console.error(line));
    let stopping = false;
    const stop = async () => {
      if (stopping) return;
      stopping = true;
      stopWatchdog();
      await hub.stop();
      process.exit(0);
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
    break;
  }
  case "migrate": {
    const { migrate, openDatabase } = await db$();
    const cfg = config();
    const db = openDatabase({
      dataDir: cfg.dataDir,
      databaseUrl: cfg.databaseUrl,
      authToken: cfg.databaseAuthToken,
    });
    const applied = migrate(db);
    console.log(applied.length ? `applied: ${applied.join(", ")}` : "up to date");
    db.close();
    break;
  }
  case "store": {
    if (positionals[0] !== "add") fail('usage: hq-hub store add --id ... (see "hq-hub store --help")');
    const input = {
      id: values.id,
      name: values.name,
      region: values.region,
      ...(values.address ? { address: values.address } : {}),
      ...(values.ring ? { ring: values.ring } : {}),
      ...(values.lat ? { lat: Number(values.lat) } : {}),
      ...(values.lng ? { lng: Number(values.lng) } : {}),
    };
    if (values.hq) {
      const s = await remote("POST", "/api/v1/stores", input);
      const code = await remote("POST", `/api/v1/stores/${s.id}/enrollment-code`);
      console.log(JSON.stringify({ store: s, enrollment: code }));
    } else {
      const { stores, db } = await local();
      try {
        const s = stores.add(input);
        console.log(JSON.stringify({ store: s, enrollment: stores.issueCode(s.id) }));
      } catch (e) {
        fail((e as Error).message);
      } finally {
        db.close();
      }
    }
    break;
  }
  case "import": {
    const file = positionals[0];
    if (!file) fail("usage: hq-hub import <file.csv> --kind products|barcodes|prices");
    const kind = values.kind ?? (/(product|barcode|price)s?/i.exec(file)?.[1]?.toLowerCase() ?? "") + "s";
    const csv = readFileSync(file, "utf8");
    if (values.hq) {
      const job = await remote(
        "POST",
        `/api/v1/imports/${kind}${values.changeset ? `?changeset=${values.changeset}` : ""}`,
        csv,
        "text/csv",
      );
      console.log(JSON.stringify(job));
      break;
    }
    const { db, now, catalog } = await local();
    try {
      const { createImports } = await import("./catalog/import.ts");
      const imports = createImports({ db, now, catalog });
      const job = await imports.runToEnd(actor, kind, csv, intFlag(values.changeset, "changeset"));
      for (const e of job.errors) console.error(`row ${e.row}, column ${e.column || "-"}: ${e.reason}`);
      console.log(
        JSON.stringify({
          id: job.id,
          state: job.state,
          rows: job.totalRows,
          errors: job.errors.length,
          changesetId: job.changesetId,
        }),
      );
      if (job.state !== "done") process.exitCode = 1;
    } catch (e) {
      fail((e as Error).message);
    } finally {
      db.close();
    }
    break;
  }
  case "changeset": {
    const [action, idText] = positionals;
    if (action === "list") {
      const { catalog, db } = await local();
      for (const c of catalog.changesets()) console.log(JSON.stringify(c));
      db.close();
      break;
    }
    if (!["promote", "release", "rollback"].includes(action ?? "") || !idText)
      fail('usage: hq-hub changeset promote <id> (see "hq-hub changeset --help")');
    const id = intFlag(idText, "id")!;
    if (values.hq) {
      console.log(
        JSON.stringify(
          await remote(
            "POST",
            `/api/v1/changesets/${id}/${action}`,
            action === "release" ? { stage: values.stage ?? "pilot" } : {},
          ),
        ),
      );
      break;
    }
    const { catalog, db } = await local();
    try {
      const r =
        action === "promote"
          ? catalog.promote(actor, id)
          : action === "release"
            ? catalog.release(actor, id, values.stage === "all" ? "all" : "pilot")
            : catalog.rollback(actor, id);
      console.log(JSON.stringify(r));
    } catch (e) {
      fail((e as Error).message);
    } finally {
      db.close();
    }
    break;
  }
  case "release": {
    const action = positionals[0];
    const keyFile = values.key ?? fail("release: --key FILE (the chain's private release key) is required");
    const { readPrivateKey, writeNewKey } = await signing$();
    const spki = (k: ReturnType<typeof readPrivateKey>) =>
      (createPublicKey(k).export({ type: "spki", format: "der" }) as Buffer).toString("base64");
    try {
      if (action === "keygen") {
        if (existsSync(keyFile)) fail(`${keyFile} exists: a new key would make every store refuse releases`);
        console.log(spki(writeNewKey(keyFile)));
      } else if (action === "pubkey") console.log(spki(readPrivateKey(keyFile)));
      else if (action === "sign") await releaseSign(keyFile);
      else fail('usage: hq-hub release keygen|pubkey|sign --key FILE (see "hq-hub release --help")');
    } catch (e) {
      fail(`release ${action}: ${(e as Error).message}`);
    }
    break;
  }
  case "broker": {
    if (positionals[0] !== "mosquitto-config") fail("usage: hq-hub broker mosquitto-config [--out-dir DIR]");
    const { cfg, stores, db, now } = await local();
    const tlsPort = values["tls-port"] === undefined ? undefined : Number(values["tls-port"]);
    if (tlsPort !== undefined && (!Number.isInteger(tlsPort) || tlsPort < 1 || tlsPort > 65535))
      fail(`--tls-port: expected 1..65535, got ${values["tls-port"]}`);
    const { writeMosquittoConfig } = await import("./broker/mosquitto-config.ts");
    const written = await writeMosquittoConfig({
      db,
      config: cfg,
      stores,
      outDir: values["out-dir"] ?? ".",
      ...(tlsPort
        ? {
            tls: {
              port: tlsPort,
              ...(values["tls-dir"] ? { dir: values["tls-dir"] } : {}),
              ...(values["tls-bind"] ? { bind: values["tls-bind"] } : {}),
            },
          }
        : {}),
      now,
    });
    console.log(`wrote ${written.join(", ")}`);
    db.close();
    break;
  }
  default:
    fail(`unknown command ${command}; see hq-hub --help`);
}
