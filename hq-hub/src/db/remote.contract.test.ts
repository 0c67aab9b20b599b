// The hub database contract on a remote libSQL server (DATABASE_URL): Hrana 3 over HTTP, served
// by testing/hrana-server.ts in its own process, each connection its own stream.
import { join } from "node:path";
import { tempDir } from "../test-kit.ts";
import { spawnHranaServer } from "../testing/hrana-process.ts";
import { databaseContract } from "./database.contract.ts";
import { openDatabase } from "./open.ts";

databaseContract("remote libSQL (Hrana over HTTP)", async () => {
  const dir = tempDir("hq-db-remote-contract-");
  const server = await spawnHranaServer(join(dir.path, "served.db"));
  return {
    connect: () => openDatabase({ dataDir: dir.path, databaseUrl: server.url }),
    async close() {
      await server.stop();
      dir.remove();
    },
  };
});
