// Model-based test of the store certificate lifecycle (fast-check commands): certificates are
// issued at enrollment and renewal, presented at CONNECT (also to another store, also unknown
// ones a restored hub never recorded), stores are revoked and enrolled again, and time passes,
// against the real pki module on a real database beside a plain model driven by the declared
// transition table (lifecycle.ts). After every command the broker's verdict is the model's and
// HQ's record of each certificate (live or superseded) agrees. PKI_MODEL_RUNS=n runs longer.
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { join } from "node:path";
import { newCertificateRequest } from "@retail/protocol/pki";
import fc from "fast-check";
import { migrate, openDatabase, type Sqlite } from "../db/open.ts";
import { tempDir } from "../test-kit.ts";
import { type ChainCa, issueStoreCertificate, loadOrCreateChainCa, verifyCertificateRequest } from "./ca.ts";
import { ACCEPTED, type CertificateState, certificateLifecycle } from "./lifecycle.ts";
import { createPki, type HubPki } from "./pki.ts";

setDefaultTimeout(600_000);
const RUNS = Number(process.env.PKI_MODEL_RUNS ?? 30);
const DAY = 86_400_000;
const STORES = ["A", "B"] as const;

const dir = tempDir("hq-pki-model-");
let db: Sqlite;
let ca: ChainCa;
let run = 0;
/** One key pair for every certificate: a CSR per certificate costs time and proves nothing more here. */
let publicKey: CryptoKey;

beforeAll(async () => {
  db = openDatabase({ dataDir: dir.path });
  migrate(db);
  ca = await loadOrCreateChainCa(join(dir.path, "pki"), new Date());
  publicKey = await verifyCertificateRequest((await newCertificateRequest("A")).csrPem);
});
afterAll(() => {
  db.close();
  dir.remove();
});

interface ModelCert {
  serial: string;
  store: string;
  issuedAt: number;
  notAfter: number;
  state: CertificateState;
  /** Recorded by HQ (a certificate issued after the backup a hub was restored from is not). */
  known: boolean;
  notBefore: string;
}
interface Model {
  certs: ModelCert[];
  now: number;
  recovered: string[];
}
interface Real {
  pki: HubPki;
  storeIds: Record<string, string>;
  clock: { t: number };
}

const sid = (r: Real, s: string) => r.storeIds[s]!;

/** The model's side of a CONNECT with `c` presented as `asStore`. */
function modelConnect(m: Model, c: ModelCert, asStore: string): boolean {
  if (c.store !== asStore) return false;
  if (c.notAfter <= m.now) {
    if (certificateLifecycle.allows(c.state, "expire"))
      c.state = certificateLifecycle.apply(c.serial, c.state, "expire");
    return false;
  }
  if (!c.known) {
    // A restored hub: recorded when nothing HQ knows of the store is from at or after its issue.
    const later = m.certs.some(
      (o) =>
        o !== c &&
        o.known &&
        o.store === c.store &&
        (o.issuedAt >= c.issuedAt || (o.supersededAt !== undefined && o.supersededAt >= c.issuedAt)),
    );
    if (later) return false;
    c.known = true;
    m.recovered.push(c.serial);
  }
  if (!ACCEPTED.has(c.state)) return false;
  c.state = certificateLifecycle.apply(c.serial, c.state, "use");
  for (const o of m.certs)
    if (o !== c && o.store === c.store && o.issuedAt <= c.issuedAt) mark(o, "newer_used", m.now);
  return true;
}
interface ModelCert {
  /** When HQ's row got superseded_at (a newer one used, a revoke, a re-enrollment), whatever the state. */
  supersededAt?: number;
}

/** A revoke or a newer certificate's first use: every certificate HQ still holds live gets it. */
function mark(c: ModelCert, event: "revoke" | "newer_used", at: number) {
  if (!c.known || c.supersededAt !== undefined) return;
  c.state = certificateLifecycle.apply(c.serial, c.state, event);
  c.supersededAt = at;
}

async function issue(m: Model, r: Real, store: string, reason: "enrollment" | "renewal", known: boolean) {
  r.clock.t = m.now;
  let serial: string;
  let notBefore: string;
  let notAfter: string;
  if (known) {
    const c = await r.pki.issue(sid(r, store), { publicKey, names: [] }, reason);
    serial = c.serial;
    notAfter = c.notAfter;
    notBefore = new Date(m.now - 3_600_000).toISOString();
  } else {
    // Issued by the same CA after the backup the hub was restored from: not in its table.
    const c = await issueStoreCertificate(ca, {
      storeId: sid(r, store),
      publicKey,
      names: [],
      now: new Date(m.now),
    });
    serial = c.serial;
    notAfter = c.notAfter;
    notBefore = c.notBefore;
  }
  m.certs.push({
    serial,
    store,
    issuedAt: m.now,
    notAfter: Date.parse(notAfter),
    state: "issued",
    known,
    notBefore,
  });
}

class Enroll implements fc.AsyncCommand<Model, Real> {
  constructor(readonly store: string) {}
  check = (m: Readonly<Model>) => m.certs.length < 12;
  async run(m: Model, r: Real) {
    r.clock.t = m.now;
    r.pki.supersedeAll(sid(r, this.store)); // as the enroll route does
    for (const c of m.certs) if (c.store === this.store) mark(c, "revoke", m.now);
    await issue(m, r, this.store, "enrollment", true);
    check(m, r);
  }
  toString = () => `enroll(${this.store})`;
}
class Renew implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly store: string,
    readonly known: boolean,
  ) {}
  check = (m: Readonly<Model>) => m.certs.length < 12;
  async run(m: Model, r: Real) {
    await issue(m, r, this.store, "renewal", this.known);
    check(m, r);
  }
  toString = () => `renew(${this.store}${this.known ? "" : ", after the backup"})`;
}
class Connect implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly pick: number,
    readonly asStore: string,
  ) {}
  check = (m: Readonly<Model>) => m.certs.length > 0;
  async run(m: Model, r: Real) {
    const c = m.certs[this.pick % m.certs.length]!;
    r.clock.t = m.now;
    const real = r.pki.accepts(sid(r, this.asStore), c.serial, {
      cn: `store:${sid(r, c.store)}`,
      serial: c.serial,
      notBefore: c.notBefore,
      notAfter: new Date(c.notAfter).toISOString(),
      names: "DNS:localhost, IP Address:127.0.0.1",
    });
    const wrongStore = c.store !== this.asStore;
    // Presented to another store, an unknown certificate is never recorded (the broker checks the CN first).
    const expected = wrongStore ? false : modelConnect(m, c, this.asStore);
    expect(real).toBe(expected);
    check(m, r);
  }
  toString = () => `connect(#${this.pick} as ${this.asStore})`;
}
class Revoke implements fc.AsyncCommand<Model, Real> {
  constructor(readonly store: string) {}
  check = () => true;
  async run(m: Model, r: Real) {
    r.clock.t = m.now;
    r.pki.supersedeAll(sid(r, this.store));
    for (const c of m.certs) if (c.store === this.store) mark(c, "revoke", m.now);
    check(m, r);
  }
  toString = () => `revoke(${this.store})`;
}
class Wait implements fc.AsyncCommand<Model, Real> {
  constructor(readonly days: number) {}
  check = () => true;
  async run(m: Model, r: Real) {
    m.now += this.days * DAY;
    r.clock.t = m.now;
    check(m, r);
  }
  toString = () => `wait(${this.days}d)`;
}

/** HQ's record agrees with the model: known certificates listed, superseded exactly when the model marked them. */
function check(m: Model, r: Real) {
  for (const s of STORES) {
    const listed = new Map(r.pki.list(sid(r, s)).map((c) => [c.serial, c]));
    for (const c of m.certs.filter((x) => x.store === s)) {
      const row = listed.get(c.serial);
      expect(row !== undefined).toBe(c.known);
      if (!row) continue;
      const live = c.supersededAt === undefined;
      expect({ serial: c.serial, live: row.supersededAt === undefined }).toEqual({ serial: c.serial, live });
      // The table's states agree with HQ's row: a superseded or revoked one is never live.
      if (c.state === "superseded" || c.state === "revoked") expect(live).toBe(false);
      if (m.recovered.includes(c.serial)) expect(row.reason).toBe("recovered");
    }
  }
}

test("certificates: accepted while issued or in use, superseded on the first use of a newer one, never after expiry or revocation; unknown ones recovered only when newer than all HQ knows", async () => {
  const store = fc.constantFrom(...STORES);
  const commands = [
    store.map((s) => new Enroll(s)),
    fc.tuple(store, fc.boolean()).map(([s, k]) => new Renew(s, k)),
    fc.tuple(fc.nat(20), store).map(([p, s]) => new Connect(p, s)),
    fc.tuple(fc.nat(20), store).map(([p, s]) => new Connect(p, s)),
    store.map((s) => new Revoke(s)),
    fc.constantFrom(1, 30, 200, 400).map((d) => new Wait(d)),
  ];
  await fc.assert(
    fc.asyncProperty(fc.commands(commands, { maxCommands: 25 }), async (cmds) => {
      run++;
      const clock = { t: Date.parse("2026-12-01T08:00:00Z") };
      const real: Real = {
        pki: createPki({ db, ca, now: () => new Date(clock.t) }),
        storeIds: { A: `M${run}A`, B: `M${run}B` },
        clock,
      };
      const model: Model = { certs: [], now: clock.t, recovered: [] };
      // Both stores start enrolled with a certificate HQ knows.
      await new Enroll("A").run(model, real);
      await new Enroll("B").run(model, real);
      clock.t += 1000;
      model.now = clock.t;
      await fc.asyncModelRun(() => ({ model, real }), cmds);
    }),
    { numRuns: RUNS },
  );
});
