import { expect, test } from "bun:test";
import { displayContract } from "./display.contract.ts";
import { DisplayScreen, displayInit, displayLines } from "./display.ts";

test("display bytes: init, cursor positioning, GBK text; the screen decodes them", () => {
  expect(Buffer.from(displayInit()).toString("hex")).toBe("1b401b3d021f010c");
  const bytes = displayLines("AB", "合计");
  expect(Buffer.from(bytes.subarray(0, 6)).toString("hex")).toBe("1f2401014142");
  const s = new DisplayScreen();
  s.push(displayInit());
  s.push(bytes.subarray(0, 7)); // torn inside a command stream: the rest comes later
  s.push(bytes.subarray(7));
  expect(s.text()).toEqual(["AB                  ", "合计                "]);
});

displayContract("simulator", undefined);
const device = process.env.DISPLAY_DEVICE;
displayContract(`hardware at ${device ?? "(set DISPLAY_DEVICE to run)"}`, device ?? "/dev/null", !!device);
