// An external Mosquitto 2 for the tests that run the hub on a real external broker (the fault
// suite's --broker mosquitto, the broker contract).
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import { type Subprocess, spawn } from "bun";

export const MOSQUITTO = ["/usr/sbin/mosquitto", "/usr/local/sbin/mosquitto", "/usr/bin/mosquitto"].find(
  (p) => existsSync(p),
);

export interface Broker {
  proc: Subprocess<"ignore", "ignore", "ignore">;
  port: number;
}

/**
 * An external Mosquitto 2 as a chain would run it: no anonymous clients, the password and ACL
 * files the hub exports (`mosquitto.passwd`, `mosquitto.acl` in `dir`, SIGHUP re-reads them),
 * persistence on disk with a short autosave, so a kill -9 loses what was not saved yet.
 */
/**
 * `hubPort`: a second listener for the hub's workers. The stores' listener then replaces each
 * client id with the username (`use_username_as_clientid`), so a store cannot take over another
 * store's session by connecting with its client id, while the hub's workers (one user, one
 * session each) keep theirs (docs/hq-hub.md, "An external broker").
 */
export async function startMosquitto(
  dir: string,
  port: number,
  persistence = true,
  hubPort?: number,
): Promise<Broker> {
  if (!MOSQUITTO) throw new Error("mosquitto is not installed (apt-get install mosquitto)");
  mkdirSync(dir, { recursive: true });
  for (const f of ["mosquitto.passwd", "mosquitto.acl"])
    if (!existsSync(join(dir, f))) writeFileSync(join(dir, f), "");
  const conf = join(dir, "mosquitto.conf");
  writeFileSync(
    conf,
    [
      `listener ${port} 127.0.0.1`,
      ...(hubPort ? ["use_username_as_clientid true", `listener ${hubPort} 127.0.0.1`] : []),
      "allow_anonymous false",
      `password_file ${join(dir, "mosquitto.passwd")}`,
      `acl_file ${join(dir, "mosquitto.acl")}`,
      `persistence ${persistence}`,
      `persistence_location ${dir}/`,
      "autosave_interval 5",
      "log_dest none",
      // Run as root, Mosquitto would drop to user "mosquitto" and lose access to this temp dir.
      ...(process.getuid?.() === 0 ? ["user root"] : []),
      "",
    ].join("\n"),
  );
  const proc = spawn([MOSQUITTO, "-c", conf], { stdin: "ignore", stdout: "ignore", stderr: "ignore" });
  const deadline = Date.now() + 20_000;
  for (;;) {
    const up = await new Promise<boolean>((res) => {
      const c = connect(port, "127.0.0.1");
      c.once("connect", () => {
        c.destroy();
        res(true);
      });
      c.once("error", () => res(false));
    });
    if (up) return { proc, port };
    if (proc.exitCode !== null || Date.now() > deadline) {
      proc.kill(9);
      throw new Error(`mosquitto on ${port}: not listening (exit ${proc.exitCode})`);
    }
    await Bun.sleep(100);
  }
}

/**
 * Writes the password and ACL files and has the running broker re-read them. No signal tells
 * when the reload is done: callers poll for the effect (a store connecting) afterwards.
 */
export async function reloadMosquitto(
  broker: Broker,
  dir: string,
  files: { passwordFile: string; aclFile: string },
): Promise<void> {
  writeFileSync(join(dir, "mosquitto.passwd"), files.passwordFile);
  writeFileSync(join(dir, "mosquitto.acl"), files.aclFile);
  broker.proc.kill("SIGHUP");
  await Bun.sleep(300);
}

/** SIGKILL, as a power cut or the OOM killer would: nothing is flushed. */
export async function killMosquitto(broker: Broker): Promise<void> {
  if (broker.proc.exitCode !== null || broker.proc.signalCode) return;
  broker.proc.kill(9);
  await broker.proc.exited;
}
