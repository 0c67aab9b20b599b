// The CLI as a user runs it: a real process, the ready line, clean shutdown, offline commands.
import { afterAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { api, connectStore, saleEvent, tempDir } from "./test-kit.ts";

// Real processes and brokers on a shared 2-core machine: generous, never a timing assertion.
setDefaultTimeout(60_000);

const CLI = join(import.meta.dir, "cli.ts");
const dir = tempDir("hq-cli-");
afterAll(() => dir.remove());

function run(args: string[], env: Record<string, string> = {}) {
  const r = Bun.spawnSync([process.execPath, CLI, ...args], {
    env: { ...process.env, ...env },
    cwd: dir.path,
  });
  return { code: r.exitCode, out: r.stdout.toString(), err: r.stderr.toString() };
}

/** A command's JSON answer; when it printed none, its exit code and stderr are the error. */
function json(r: ReturnType<typeof run>) {
  try {
    return JSON.parse(r.out);
  } catch {
    throw new Error(`no JSON on stdout (exit ${r.code}): ${r.err.slice(0, 2000)}`);
  }
}

describe("hq-hub CLI", () => {
  test("every command has --help", () => {
    for (const cmd of ["serve", "migrate", "store", "import", "changeset", "broker"]) {
      const r = run([cmd, "--help"]);
      expect(r.code).toBe(0);
      expect(r.out).toContain(`hq-hub ${cmd}`);
    }
    expect(run(["--help"]).out).toContain("Commands:");
  });

  // About ten CLI processes one after another, each opening and migrating the data folder: at
  // load 30 on 2 cores that passed 60 s once.
  test("migrate, store add, import, changeset release/promote work on the data folder", {
    timeout: 180_000,
  }, () => {
    const data = join(dir.path, "offline");
    expect(run(["migrate", "--data", data]).out).toContain("0001_init.sql");
    expect(run(["migrate", "--data", data]).out).toContain("up to date");
    const added = run([
      "store",
      "add",
      "--id",
      "S100",
      "--name",
      "徐汇店",
      "--region",
      "east",
      "--ring",
      "pilot",
      "--data",
      data,
    ]);
    expect(added.code).toBe(0);
    expect(json(added).enrollment.code).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    const bad = run(["store", "add", "--id", "s-1", "--name", "x", "--region", "east", "--data", data]);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain("id:");
    const csv = join(dir.path, "products.csv");
    writeFileSync(
      csv,
      "sku,name,category,unit,taxRate,weighed,status\nC1,可乐,10/1001,BTL,13,false,active\n",
    );
    const imported = run(["import", csv, "--data", data]);
    expect(imported.code).toBe(0);
    const job = json(imported);
    expect(job).toMatchObject({ state: "done", rows: 1, errors: 0 });
    const badCsv = join(dir.path, "bad-products.csv");
    writeFileSync(badCsv, "sku,name,category,unit,taxRate,weighed,status\nC2,雪碧,10,BTL,12,false,active\n");
    const failed = run(["import", badCsv, "--kind", "products", "--data", data]);
    expect(failed.code).toBe(1);
    expect(failed.err).toContain("row 1, column taxRate");
    expect(
      json(run(["changeset", "release", String(job.changesetId), "--data", data, "--by", "li"])),
    ).toMatchObject({ state: "pilot", version: 1, releasedBy: "li" });
    expect(json(run(["changeset", "promote", String(job.changesetId), "--data", data]))).toMatchObject({
      state: "released",
    });
    expect(run(["changeset", "promote", String(job.changesetId), "--data", data]).code).toBe(1);
  });

  test("serve prints one HQ_READY line, serves, and exits cleanly on SIGTERM", async () => {
    const data = join(dir.path, "served");
    const proc = Bun.spawn(
      [process.execPath, CLI, "serve", "--port", "0", "--mqtt-port", "0", "--data", data],
      {
        env: { ...process.env, HQ_ADMIN_TOKEN: "cli-test-admin-token-123" },
        stdout: "pipe",
        stderr: "pipe",
      },
    );
    const reader = proc.stdout.getReader();
    let out = "";
    while (!out.includes("\n")) {
      const { value, done } = await reader.read();
      if (done) break;
      out += new TextDecoder().decode(value);
    }
    const m = /^HQ_READY (\{.*\})\n$/.exec(out);
    expect(m).not.toBeNull();
    const ready = JSON.parse(m![1]!) as { http: string; mqtt: string };
    expect(ready.http).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(ready.mqtt).toMatch(/^mqtt:\/\/127\.0\.0\.1:\d+$/);
    const hub = { http: { url: ready.http } };
    const token = "cli-test-admin-token-123";
    await api(hub, "POST", "/api/v1/stores", { id: "S7", name: "七店", region: "east" }, token);
    const code = (await api(hub, "POST", "/api/v1/stores/S7/enrollment-code", {}, token)).body.code;
    const creds = (await api(hub, "POST", "/api/v1/enroll", { code }, "")).body;
    const store = await connectStore(creds);
    await store.publishEvents([saleEvent("S7", 1)]);
    expect((await store.next("events.ack")).payload.upToSeq).toBe(1);
    await store.close();
    proc.kill("SIGTERM");
    expect(await proc.exited).toBe(0);
  });
});
