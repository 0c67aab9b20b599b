// A store's MQTT password at the hub (stores/secret.ts): the fast salted form, the old argon2
// form still accepted and replaced on the next good login, and one check shared by a store's
// simultaneous connects (the reconnect storm of issue 21).
import { afterAll, beforeAll, expect, spyOn, test } from "bun:test";
import { migrate, openDatabase, type Sqlite } from "../db/open.ts";
import { tempDir } from "../test-kit.ts";
import { hashStoreSecret, isSlowHash, verifyStoreSecret } from "./secret.ts";
import { createStores } from "./stores.ts";

const dir = tempDir("hq-store-secret-");
let db: Sqlite;
beforeAll(() => {
  db = openDatabase({ dataDir: dir.path });
  migrate(db);
});
afterAll(() => {
  db.close();
  dir.remove();
});

test("the fast form: the right password passes; a wrong, empty or longer one and a mangled hash do not", async () => {
  const h = hashStoreSecret("s3cret-store-password");
  expect(h.startsWith("s256$")).toBe(true);
  expect(isSlowHash(h)).toBe(false);
  expect(await verifyStoreSecret("s3cret-store-password", h)).toBe(true);
  expect(await verifyStoreSecret("s3cret-store-passwore", h)).toBe(false);
  expect(await verifyStoreSecret("", h)).toBe(false);
  expect(await verifyStoreSecret("s3cret-store-password ", h)).toBe(false);
  expect(await verifyStoreSecret("s3cret-store-password", `${h.slice(0, -4)}AAAA`)).toBe(false);
  expect(await verifyStoreSecret("s3cret-store-password", "s256$")).toBe(false);
  expect(await verifyStoreSecret("s3cret-store-password", "s256$c2FsdA$")).toBe(false);
  expect(await verifyStoreSecret("s3cret-store-password", "garbage")).toBe(false);
  // Salted: the same password hashes differently each time, so equal hashes reveal nothing.
  expect(hashStoreSecret("p")).not.toBe(hashStoreSecret("p"));
});

test("enrollment stores the fast form; the enrolled store's login is checked without argon2", async () => {
  const stores = createStores({ db, now: () => new Date(), codeHours: 72 });
  stores.add({ id: "F001", name: "快", region: "east" });
  const { code } = stores.issueCode("F001");
  const creds = await stores.enroll(code, "mqtt://127.0.0.1:1883");
  const row = db.prepare("SELECT mqtt_password_hash AS h FROM stores WHERE id = 'F001'").get() as {
    h: string;
  };
  expect(row.h.startsWith("s256$")).toBe(true);
  const argon = spyOn(Bun.password, "verify");
  try {
    expect(await stores.verify(creds.mqtt.username, creds.mqtt.password)).toBe("F001");
    expect(await stores.verify(creds.mqtt.username, `${creds.mqtt.password}x`)).toBeUndefined();
    expect(await stores.verify("store-F002", creds.mqtt.password)).toBeUndefined();
    expect(argon).not.toHaveBeenCalled();
  } finally {
    argon.mockRestore();
  }
});

test("an old argon2 hash: simultaneous connects share one check, and the good login replaces it with the fast form", async () => {
  const stores = createStores({ db, now: () => new Date(), codeHours: 72 });
  stores.add({ id: "A001", name: "旧", region: "east" });
  const password = "legacy-password-from-before";
  const old = await Bun.password.hash(password, { algorithm: "argon2id", memoryCost: 19456, timeCost: 2 });
  db.prepare("UPDATE stores SET enrollment_state = 'enrolled', mqtt_password_hash = ? WHERE id = 'A001'").run(
    old,
  );
  const argon = spyOn(Bun.password, "verify");
  try {
    const results = await Promise.all(
      Array.from({ length: 20 }, () => stores.verify("store-A001", password)),
    );
    expect(results).toEqual(Array(20).fill("A001"));
    expect(argon).toHaveBeenCalledTimes(1);
  } finally {
    argon.mockRestore();
  }
  const row = db.prepare("SELECT mqtt_password_hash AS h FROM stores WHERE id = 'A001'").get() as {
    h: string;
  };
  expect(row.h.startsWith("s256$")).toBe(true);
  expect(await verifyStoreSecret(password, row.h)).toBe(true);
  // A fresh hub process (no verified cache) accepts the store with the upgraded hash, refuses others.
  const restarted = createStores({ db, now: () => new Date(), codeHours: 72 });
  expect(await restarted.verify("store-A001", password)).toBe("A001");
  expect(await restarted.verify("store-A001", "guess")).toBeUndefined();
});

test("a wrong password against an old argon2 hash is refused and leaves the hash as it was", async () => {
  const stores = createStores({ db, now: () => new Date(), codeHours: 72 });
  stores.add({ id: "A002", name: "旧二", region: "east" });
  const old = await Bun.password.hash("right", { algorithm: "argon2id", memoryCost: 19456, timeCost: 2 });
  db.prepare("UPDATE stores SET enrollment_state = 'enrolled', mqtt_password_hash = ? WHERE id = 'A002'").run(
    old,
  );
  expect(await stores.verify("store-A002", "wrong")).toBeUndefined();
  const row = db.prepare("SELECT mqtt_password_hash AS h FROM stores WHERE id = 'A002'").get() as {
    h: string;
  };
  expect(row.h).toBe(old);
});
