// Builds the console once before the suites when it is missing or older than its sources: the
// hub serves hq-console/build (HQ_CONSOLE_DIR).
import { ensureConsoleBuild } from "../scripts/ensure-build.ts";

export default function globalSetup(): void {
  ensureConsoleBuild();
}
