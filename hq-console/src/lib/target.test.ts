import { expect, test } from "bun:test";
import { describeTarget, targetFromForm } from "./target.ts";

const words = { all: "全部门店", region: "区域", ring: (r: string) => `灰度环 ${r}`, stores: "指定门店" };

test("a target in words; a group's hundreds of stores as the first five and the count", () => {
  expect(describeTarget(targetFromForm("stores", "S001, S002，S003"), words)).toBe(
    "指定门店: S001, S002, S003",
  );
  const many = Array.from({ length: 300 }, (_, i) => `S${String(i + 1).padStart(3, "0")}`);
  expect(describeTarget({ kind: "stores", stores: many }, words)).toBe(
    "指定门店: S001, S002, S003, S004, S005 … (300)",
  );
  expect(describeTarget(targetFromForm("region", "east west"), words)).toBe("区域: east, west");
});
