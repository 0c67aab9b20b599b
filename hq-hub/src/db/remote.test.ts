// DATABASE_URL end to end: the hub runs against a libSQL-protocol server (Hrana 3 over HTTP,
// hrana-server.ts in its own process, see there why not sqld itself), migrates it, ingests a
// sale exactly once across a hub restart, and its transactions really roll back.
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { join } from "node:path";
import Database from "libsql";
import { connectStore, enrollStore, saleEvent, startTestHub, tempDir } from "../test-kit.ts";
import { type HranaProcess, spawnHranaServer } from "../testing/hrana-process.ts";
import { openDatabase } from "./open.ts";

setDefaultTimeout(60_000);

const dir = tempDir("hq-remote-");
const file = join(dir.path, "served.db");
let server: HranaProcess;
let url = "";

beforeAll(async () => {
  server = await spawnHranaServer(file);
  url = server.url;
});

afterAll(async () => {
  await server?.stop();
  dir.remove();
});

describe("transactions over DATABASE_URL", () => {
  test("a statement prepared outside a transaction commits and rolls back with it", () => {
    const db = openDatabase({ dataDir: dir.path, databaseUrl: url });
    db.exec("CREATE TABLE IF NOT EXISTS probe (id INTEGER PRIMARY KEY, note TEXT NOT NULL)");
    const insert = db.prepare("INSERT INTO probe (note) VALUES (?)");
    const count = db.prepare("SELECT count(*) AS n FROM probe");
    db.transaction(() => {
      insert.run("a");
      insert.run("b");
    })();
    expect(() =>
      db.transaction(() => {
        insert.run("never");
        throw new Error("abort");
      })(),
    ).toThrow("abort");
    expect((count.get() as { n: number }).n).toBe(2);
    // and the rows are in the server's file, not in some client cache
    const onDisk = new Database(file, { readonly: true });
    expect(
      (onDisk.prepare("SELECT group_concat(note) AS notes FROM probe").get() as { notes: string }).notes,
    ).toBe("a,b");
    onDisk.close();
    db.close();
  });
});

describe("the hub over DATABASE_URL", () => {
  test("migrates the server, acks a sale after commit, and a restarted hub does not count its replay twice", async () => {
    const hubDir = tempDir("hq-remote-hub-");
    let hub = await startTestHub({ databaseUrl: url, dataDir: hubDir.path });
    const creds = await enrollStore(hub, "S101");
    let store = await connectStore(creds);
    const sale = saleEvent("S101", 1);
    await store.publishEvents([sale]);
    expect((await store.next("events.ack")).payload).toEqual({ upToSeq: 1, missing: [] });
    await store.close();
    await hub.stop();

    hub = await startTestHub({ databaseUrl: url, dataDir: hubDir.path });
    // same credentials (they live in the served database); the restarted broker has a new port
    store = await connectStore(creds, { url: hub.mqtt.url });
    await store.publishEvents([sale]);
    expect((await store.next("events.ack")).payload).toEqual({ upToSeq: 1, missing: [] });
    await store.close();
    await hub.cleanup();
    hubDir.remove();

    const onDisk = new Database(file, { readonly: true });
    const sales = onDisk
      .prepare("SELECT count(*) AS n, sum(net_fen) AS net FROM sales WHERE store_id = 'S101'")
      .get() as {
      n: number;
      net: number;
    };
    expect(sales).toMatchObject({ n: 1, net: 500 });
    const migrations = onDisk.prepare("SELECT count(*) AS n FROM _migrations").get() as { n: number };
    expect(migrations.n).toBeGreaterThan(0);
    onDisk.close();
  });
});
