import { afterEach, expect, test } from "bun:test";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { waitFor } from "../link.ts";
import { openPtyPair, type PtyPair } from "./pty.ts";
import { openTty } from "./tty.ts";

let pair: PtyPair | undefined;
afterEach(async () => {
  await pair?.close();
  pair = undefined;
});

test("bytes cross a real PTY pair both ways, in order, 8 bits clean", async () => {
  const link = join(mkdtempSync(join(tmpdir(), "pty-")), "ttyS-sim");
  pair = await openPtyPair(link);
  expect(existsSync(link)).toBe(true);
  const host = await openTty(pair.host);
  const dev = await openTty(pair.device);
  const got: number[] = [];
  host.on("data", (b) => got.push(...b));
  const all = Uint8Array.from({ length: 256 }, (_, i) => i);
  await dev.write(all);
  await waitFor(() => got.length === 256, "256 bytes");
  expect(got).toEqual([...all]);
  const back: number[] = [];
  dev.on("data", (b) => back.push(...b));
  await host.write(Uint8Array.of(0xd7, 0x8d));
  await waitFor(() => back.length === 2, "2 bytes back");
  expect(back).toEqual([0xd7, 0x8d]);
  await dev.close();
  await host.close();
});

test("unplugging (socat gone) closes the host link with a reason and removes the stable path", async () => {
  const link = join(mkdtempSync(join(tmpdir(), "pty-")), "ttyUSB-sim");
  pair = await openPtyPair(link);
  const host = await openTty(pair.host);
  let reason: string | undefined = "not closed";
  host.on("close", (r) => {
    reason = r;
  });
  await pair.close();
  pair = undefined;
  await waitFor(() => !host.isOpen, "host link to close");
  expect(reason).toMatch(/EIO|device gone/);
  expect(existsSync(link)).toBe(false);
  await expect(openTty(link)).rejects.toThrow(/ttyUSB-sim/);
});
