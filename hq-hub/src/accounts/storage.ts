// A company's chart of accounts and posting rules in the database: read (seeding the CAS
// defaults the first time a company is used, in the caller's transaction) and written.
import { and, asc, eq } from "drizzle-orm";
import { openDrizzle, type Sqlite } from "../db/open.ts";
import { companies, companyStores, ledgerAccounts, postingRules } from "../db/schema.ts";
import {
  ADDED_LATER,
  CAS_DEFAULT_ACCOUNTS,
  type Category,
  DEFAULT_RULES,
  type LedgerAccount,
  type Role,
  type Side,
} from "./chart.ts";

export const DEFAULT_COMPANY = "default";
const SEEDED_BY = "system (CAS defaults)";

/** The company keeping `storeId`'s books ("default" unless assigned). */
export function companyOfStore(db: Sqlite, storeId: string): string {
  const orm = openDrizzle(db);
  return (
    orm
      .select({ c: companyStores.companyId })
      .from(companyStores)
      .where(eq(companyStores.storeId, storeId))
      .get()?.c ?? DEFAULT_COMPANY
  );
}

/** Seeds the CAS defaults for a company that has no chart yet (idempotent; call inside a transaction). */
export function seedChart(db: Sqlite, companyId: string, at: string): void {
  const orm = openDrizzle(db);
  // The company's row is the mark: written with its defaults, so a company whose admin has
  // since deactivated or changed accounts is never re-seeded.
  if (orm.select({ id: companies.id }).from(companies).where(eq(companies.id, companyId)).get()) {
    addLaterDefaults(db, companyId, at);
    return;
  }
  orm
    .insert(companies)
    .values({ id: companyId, name: companyId === DEFAULT_COMPANY ? "总部 (默认公司)" : companyId })
    .run();
  orm
    .insert(ledgerAccounts)
    .values(
      CAS_DEFAULT_ACCOUNTS.map((x) => ({
        companyId,
        code: x.code,
        name: x.name,
        nameEn: x.nameEn,
        category: x.category,
        side: x.side,
        active: 1,
        updatedBy: SEEDED_BY,
        updatedAt: at,
      })),
    )
    .onConflictDoNothing()
    .run();
  orm
    .insert(postingRules)
    .values(
      Object.entries(DEFAULT_RULES).map(([role, account]) => ({
        companyId,
        role,
        account,
        updatedBy: SEEDED_BY,
        updatedAt: at,
      })),
    )
    .onConflictDoNothing()
    .run();
}

const laterAccounts = CAS_DEFAULT_ACCOUNTS.filter((x) => ADDED_LATER.includes(x.code));
const laterRoles = Object.entries(DEFAULT_RULES).filter(([, account]) => ADDED_LATER.includes(account));

/**
 * A company seeded before an account joined the defaults gets it, and the rule of its role, once
 * (insert-or-ignore: an account or rule the admin already has is left as it is; in the caller's
 * transaction, so a rolled-back one leaves nothing half-added).
 */
function addLaterDefaults(db: Sqlite, companyId: string, at: string) {
  const orm = openDrizzle(db);
  if (laterAccounts.length)
    orm
      .insert(ledgerAccounts)
      .values(
        laterAccounts.map((x) => ({
          companyId,
          code: x.code,
          name: x.name,
          nameEn: x.nameEn,
          category: x.category,
          side: x.side,
          active: 1,
          updatedBy: SEEDED_BY,
          updatedAt: at,
        })),
      )
      .onConflictDoNothing()
      .run();
  if (laterRoles.length)
    orm
      .insert(postingRules)
      .values(
        laterRoles.map(([role, account]) => ({
          companyId,
          role,
          account,
          updatedBy: SEEDED_BY,
          updatedAt: at,
        })),
      )
      .onConflictDoNothing()
      .run();
}

/** A company's accounts by code (seeded first if needed). */
export function chartOf(db: Sqlite, companyId: string, at: string): Map<string, LedgerAccount> {
  seedChart(db, companyId, at);
  const orm = openDrizzle(db);
  const rows = orm
    .select()
    .from(ledgerAccounts)
    .where(eq(ledgerAccounts.companyId, companyId))
    .orderBy(asc(ledgerAccounts.code))
    .all();
  return new Map(
    rows.map((r) => [
      r.code,
      {
        code: r.code,
        name: r.name,
        nameEn: r.nameEn,
        category: r.category as Category,
        side: r.side as Side,
        active: r.active === 1,
      },
    ]),
  );
}

/** A company's posting rules, role -> account (seeded first if needed). */
export function rulesOf(db: Sqlite, companyId: string, at: string): Record<Role, string> {
  seedChart(db, companyId, at);
  const orm = openDrizzle(db);
  const rules: Record<string, string> = { ...DEFAULT_RULES };
  for (const r of orm
    .select({ role: postingRules.role, account: postingRules.account })
    .from(postingRules)
    .where(eq(postingRules.companyId, companyId))
    .all())
    rules[r.role] = r.account;
  return rules as Record<Role, string>;
}

export function saveAccount(db: Sqlite, companyId: string, x: LedgerAccount, by: string, at: string) {
  seedChart(db, companyId, at);
  openDrizzle(db)
    .insert(ledgerAccounts)
    .values({ companyId, ...x, active: x.active ? 1 : 0, updatedBy: by, updatedAt: at })
    .onConflictDoUpdate({
      target: [ledgerAccounts.companyId, ledgerAccounts.code],
      set: {
        name: x.name,
        nameEn: x.nameEn,
        side: x.side,
        active: x.active ? 1 : 0,
        updatedBy: by,
        updatedAt: at,
      },
    })
    .run();
}

export function saveRule(
  db: Sqlite,
  companyId: string,
  role: string,
  account: string,
  by: string,
  at: string,
) {
  seedChart(db, companyId, at);
  openDrizzle(db)
    .insert(postingRules)
    .values({ companyId, role, account, updatedBy: by, updatedAt: at })
    .onConflictDoUpdate({
      target: [postingRules.companyId, postingRules.role],
      set: { account, updatedBy: by, updatedAt: at },
    })
    .run();
}

/** Who last changed each account of a company (for the console). */
export function accountAudit(db: Sqlite, companyId: string) {
  return openDrizzle(db)
    .select({
      code: ledgerAccounts.code,
      updatedBy: ledgerAccounts.updatedBy,
      updatedAt: ledgerAccounts.updatedAt,
    })
    .from(ledgerAccounts)
    .where(and(eq(ledgerAccounts.companyId, companyId)))
    .all();
}
