// The hub database contract on a local libSQL file (WAL, synchronous=FULL), as the hub opens it.
import { tempDir } from "../test-kit.ts";
import { databaseContract } from "./database.contract.ts";
import { openDatabase } from "./open.ts";

databaseContract("libSQL file", async () => {
  const dir = tempDir("hq-db-contract-");
  return {
    connect: () => openDatabase({ dataDir: dir.path }),
    close: async () => dir.remove(),
  };
});
