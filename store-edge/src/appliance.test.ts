// Unpacking a compiled appliance's embedded files (here plain files stand in for Bun's embedded
// paths, read the same way): written once per version and content, rewritten after a cut.
import { expect, test } from "bun:test";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { applianceDir, unpackAppliance } from "./appliance.ts";
import { tempDir } from "./testing/fixtures.ts";

test("files land under <version>-<hash>; another build of the same dirty version gets its own folder; a cut unpack is redone", () => {
  const src = tempDir("embedded-");
  const root = tempDir("assets-");
  try {
    writeFileSync(join(src, "a"), "<html>one</html>");
    const one = unpackAppliance(
      { version: "0.1.0+gabc-dirty", filesHash: "111", files: { "ui/index.html": join(src, "a") } },
      root,
    );
    expect(readFileSync(join(one, "ui/index.html"), "utf8")).toBe("<html>one</html>");
    writeFileSync(join(src, "a"), "<html>two</html>");
    const two = unpackAppliance(
      { version: "0.1.0+gabc-dirty", filesHash: "222", files: { "ui/index.html": join(src, "a") } },
      root,
    );
    expect(two).not.toBe(one);
    expect(readFileSync(join(two, "ui/index.html"), "utf8")).toBe("<html>two</html>");
    // Power cut before the marker: the next start writes the files again.
    rmSync(join(two, ".complete"));
    writeFileSync(join(two, "ui/index.html"), "<html>half");
    unpackAppliance(
      { version: "0.1.0+gabc-dirty", filesHash: "222", files: { "ui/index.html": join(src, "a") } },
      root,
    );
    expect(readFileSync(join(two, "ui/index.html"), "utf8")).toBe("<html>two</html>");
    expect(existsSync(join(two, ".complete"))).toBe(true);
    // Unpacking does not redirect the process: every other Edge in this test process still reads
    // its migrations from the checkout (this leak failed 172 store-edge tests in CI).
    expect(applianceDir()).toBeUndefined();
  } finally {
    rmSync(src, { recursive: true, force: true });
    rmSync(root, { recursive: true, force: true });
  }
});
