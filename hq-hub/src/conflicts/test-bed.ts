// For tests: HQ's real ingest and conflict resolutions over a fresh libSQL file, in-process (no
// broker): what the conflict model test and the ahead log's examples drive.
import { migrate, openDatabase } from "../db/open.ts";
import { createIngest } from "../ingest/ingest.ts";
import { tempDir } from "../test-kit.ts";
import { createConflicts } from "./conflicts.ts";

export function conflictsTestBed(prefix: string) {
  const dir = tempDir(prefix);
  const db = openDatabase({ dataDir: dir.path });
  migrate(db);
  const ingest = createIngest({ db, now: () => new Date() });
  const conflicts = createConflicts({ db, now: () => new Date(), ingest });
  return {
    db,
    ingest,
    conflicts,
    close: () => {
      db.close();
      dir.remove();
    },
  };
}
