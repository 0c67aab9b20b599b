#!/usr/bin/env node
// The `store-edge` command for a machine with only node and npm on the PATH: runs src/cli.ts
// under the bun that npm installed (bun is a devDependency; nothing global), passing arguments,
// stdio, signals and exit status through. The appliance build (docs/appliance.md) needs none.
require("@retail/protocol/bun-launch.cjs").launch(
  require("node:path").join(__dirname, "..", "src", "cli.ts"),
);
