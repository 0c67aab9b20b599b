import { describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { ConfigError, loadConfig } from "./config.ts";
import { tempDir } from "./test-kit.ts";

describe("config", () => {
  test("defaults < file < environment < flags", () => {
    const dir = tempDir();
    writeFileSync(
      join(dir.path, "hq-hub.json"),
      JSON.stringify({ port: 9000, mqttPort: 9001, dataDir: "store" }),
    );
    const cfg = loadConfig({
      cwd: dir.path,
      env: {
        HQ_MQTT_PORT: "9100",
        DATABASE_URL: "libsql://hq.example",
        MQTT_URL: "mqtt://hub:pw@broker:1883",
        HQ_ADMIN_TOKEN: "0123456789abcdef",
      },
      overrides: { port: 0 },
    });
    expect(cfg).toMatchObject({
      port: 0,
      mqttPort: 9100,
      dataDir: join(dir.path, "store"),
      databaseUrl: "libsql://hq.example",
      mqttUrl: "mqtt://hub:pw@broker:1883",
      adminToken: "0123456789abcdef",
      shareGroup: "hub",
    });
    dir.remove();
  });

  test("HQ_INGEST_WORKER: off unless set; 1/true on, 0/false/no/off off", () => {
    expect(loadConfig({ env: {}, cwd: "/" }).ingestWorker).toBeUndefined();
    for (const v of ["1", "true", "yes"])
      expect(loadConfig({ env: { HQ_INGEST_WORKER: v }, cwd: "/" }).ingestWorker).toBe(true);
    for (const v of ["0", "false", "no", "off", "OFF"])
      expect(loadConfig({ env: { HQ_INGEST_WORKER: v }, cwd: "/" }).ingestWorker).toBe(false);
  });

  test("HQ_WECHAT_MERCHANTS / HQ_ALIPAY_MERCHANTS: the chain's merchant accounts, comma-separated", () => {
    const dir = tempDir();
    const cfg = loadConfig({
      cwd: dir.path,
      env: { HQ_WECHAT_MERCHANTS: "1900000109, 1900000110", HQ_ALIPAY_MERCHANTS: "20881234567890120156" },
    });
    expect(cfg.walletMerchants).toEqual({
      wechat: ["1900000109", "1900000110"],
      alipay: ["20881234567890120156"],
    });
    expect(() => loadConfig({ cwd: dir.path, env: { HQ_WECHAT_MERCHANTS: "19000 00109;x" } })).toThrow(
      /walletMerchants/,
    );
    dir.remove();
  });

  test("bad values name the field", () => {
    expect(() => loadConfig({ env: { HQ_PORT: "http" }, cwd: "/" })).toThrow(ConfigError);
    try {
      loadConfig({ env: { HQ_ADMIN_TOKEN: "short" }, cwd: "/" });
    } catch (e) {
      expect((e as ConfigError).field).toBe("adminToken");
    }
    expect(() => loadConfig({ file: "/nonexistent.json", env: {}, cwd: "/" })).toThrow(/does not exist/);
  });
});
