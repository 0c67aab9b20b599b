// Builds the UI once before the suites when it is missing or older than its sources: the store
// edge serves terminal-ui/build at "/".
import { ensureTerminalBuild } from "../scripts/ensure-build.ts";

export default function globalSetup(): void {
  ensureTerminalBuild();
}
