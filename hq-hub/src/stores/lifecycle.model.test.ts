// Model-based test of store enrollment (fast-check commands): random stores are added, get
// codes, redeem them (also twice, also after a revocation), are revoked and have their
// credentials rotated, against the real stores and rotation modules on a real database,
// beside a reference model of each store's state, its unused code and its pending rotation.
// After every command the stores' states are the model's; a rotation of a store that is not
// enrolled is a TransitionError naming its state and "rotate". ENROLL_MODEL_RUNS=n runs longer.
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import fc from "fast-check";
import { migrate, openDatabase, type Sqlite } from "../db/open.ts";
import { StateError, ValidationError } from "../errors.ts";
import { TransitionError } from "../lifecycle.ts";
import { tempDir } from "../test-kit.ts";
import type { EnrollmentState } from "./lifecycle.ts";
import { createRotations } from "./rotation.ts";
import { createStores } from "./stores.ts";

setDefaultTimeout(300_000);
const RUNS = Number(process.env.ENROLL_MODEL_RUNS ?? 10);

const dir = tempDir("hq-enroll-model-");
let db: Sqlite;
let run = 0;

beforeAll(() => {
  db = openDatabase({ dataDir: dir.path });
  migrate(db);
});
afterAll(() => {
  db.close();
  dir.remove();
});

interface ModelStore {
  id: string;
  state: EnrollmentState;
  code?: string;
  rotating: boolean;
}
type Model = { stores: ModelStore[] };
type Real = { stores: ReturnType<typeof createStores>; rotations: ReturnType<typeof createRotations> };

function check(m: Model, r: Real) {
  for (const s of m.stores) expect(r.stores.get(s.id).enrollmentState).toBe(s.state);
}

async function fails(step: () => Promise<unknown> | unknown): Promise<unknown> {
  try {
    await step();
  } catch (e) {
    return e;
  }
  return undefined;
}

class Add implements fc.AsyncCommand<Model, Real> {
  check = (m: Readonly<Model>) => m.stores.length < 4;
  async run(m: Model, r: Real) {
    const id = `R${run}S${m.stores.length}`;
    r.stores.add({ id, name: id, region: "east" });
    m.stores.push({ id, state: "pending", rotating: false });
    check(m, r);
  }
  toString = () => "add";
}

abstract class OnStore implements fc.AsyncCommand<Model, Real> {
  constructor(readonly pick: number) {}
  check = (m: Readonly<Model>) => m.stores.length > 0;
  store(m: Model) {
    return m.stores[this.pick % m.stores.length]!;
  }
  abstract run(m: Model, r: Real): Promise<void>;
}

class IssueCode extends OnStore {
  override async run(m: Model, r: Real) {
    const s = this.store(m);
    s.code = r.stores.issueCode(s.id).code;
    check(m, r);
  }
  override toString = () => `issueCode(${this.pick})`;
}

class Enroll extends OnStore {
  override async run(m: Model, r: Real) {
    const s = this.store(m);
    if (s.code === undefined) {
      // No unused code: refused whatever the state, nothing changes.
      expect(await fails(() => r.stores.enroll("AAAA-AAAA", "mqtt://x"))).toBeInstanceOf(ValidationError);
    } else {
      await r.stores.enroll(s.code, "mqtt://x");
      s.code = undefined;
      s.state = "enrolled";
      s.rotating = false; // new credentials supersede a pending rotation
    }
    check(m, r);
  }
  override toString = () => `enroll(${this.pick})`;
}

class Revoke extends OnStore {
  override async run(m: Model, r: Real) {
    const s = this.store(m);
    r.stores.revoke(s.id);
    s.state = "revoked";
    s.rotating = false;
    check(m, r);
  }
  override toString = () => `revoke(${this.pick})`;
}

class Rotate extends OnStore {
  override async run(m: Model, r: Real) {
    const s = this.store(m);
    const err = await fails(() => r.rotations.start(s.id, "model"));
    if (s.state !== "enrolled") {
      expect(err).toBeInstanceOf(TransitionError);
      expect((err as TransitionError).state).toBe(s.state);
      expect((err as TransitionError).event).toBe("rotate");
    } else if (s.rotating) {
      expect(err).toBeInstanceOf(StateError);
      expect(err).not.toBeInstanceOf(TransitionError);
    } else {
      expect(err).toBeUndefined();
      s.rotating = true;
    }
    check(m, r);
  }
  override toString = () => `rotate(${this.pick})`;
}

test("store enrollment follows the reference model through random codes, enrollments, revocations and rotations", async () => {
  const pick = fc.nat(10);
  await fc.assert(
    fc.asyncProperty(
      fc.commands(
        [
          fc.constant(new Add()),
          pick.map((p) => new IssueCode(p)),
          pick.map((p) => new Enroll(p)),
          pick.map((p) => new Revoke(p)),
          pick.map((p) => new Rotate(p)),
        ],
        { maxCommands: 15 },
      ),
      async (cmds) => {
        run++;
        const now = () => new Date();
        const real: Real = {
          stores: createStores({ db, now, codeHours: 72 }),
          rotations: createRotations({ db, now }),
        };
        await fc.asyncModelRun(() => ({ model: { stores: [] }, real }), cmds);
      },
    ),
    { numRuns: RUNS },
  );
});
