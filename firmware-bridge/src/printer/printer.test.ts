import { expect, test } from "bun:test";
import { mayOpenDrawer } from "./drawer.ts";
import { printerContract } from "./printer.contract.ts";
import { combineStatus, encodeStatus, isStatusByte, notReadyReason } from "./status.ts";

test("DLE EOT status bytes: fixed bits, paper, cover, drawer", () => {
  expect(isStatusByte(0x12)).toBe(true);
  expect(isStatusByte(0x00)).toBe(false);
  const ok = encodeStatus({
    online: true,
    coverOpen: false,
    paperNearEnd: false,
    paperOut: false,
    drawerOpen: false,
  });
  expect(ok).toEqual({ s1: 0x12, s2: 0x12, s4: 0x12 });
  expect(combineStatus(0x16, 0x12, 0x1e)).toEqual({
    online: true,
    coverOpen: false,
    paperNearEnd: true,
    paperOut: false,
    drawerOpen: true,
  });
  const out = combineStatus(0x1a, 0x32, 0x7e);
  expect(notReadyReason(out)).toBe("paper out");
  expect(notReadyReason(combineStatus(0x1a, 0x16, 0x12))).toBe("cover open");
});

test("the drawer opens for cash and for a supervised no-sale only", () => {
  expect(mayOpenDrawer({ kind: "tender", tender: "cash" })).toEqual({ allowed: true });
  expect(mayOpenDrawer({ kind: "tender", tender: "wechat" }).allowed).toBe(false);
  expect(mayOpenDrawer({ kind: "refund", tender: "card" }).allowed).toBe(false);
  expect(mayOpenDrawer({ kind: "no_sale" })).toEqual({ allowed: false, why: "no_sale needs a supervisor" });
  expect(mayOpenDrawer({ kind: "no_sale" }, { supervisorApproved: true })).toEqual({ allowed: true });
});

printerContract("80 mm TCP simulator", { paper: 80 });
printerContract("58 mm TCP simulator", { paper: 58 });

// Real printer: PRINTER_HOST=192.168.1.50:9100 [PRINTER_PAPER=58]
const address = process.env.PRINTER_HOST;
printerContract(
  `hardware at ${address ?? "(set PRINTER_HOST to run)"}`,
  { paper: process.env.PRINTER_PAPER === "58" ? 58 : 80, address: address ?? "127.0.0.1:9" },
  !!address,
);
