// The chart of accounts service: companies (the legal entities keeping books) and their stores,
// each company's accounts and posting rules, edited by an HQ admin through the checks of
// chart.ts. Seeded with the CAS defaults on first use.
import { asc, count, eq } from "drizzle-orm";
import { z } from "zod";
import { openDrizzle, type Sqlite } from "../db/open.ts";
import { companies, companyStores, ledgerAccounts, postingRules, stores } from "../db/schema.ts";
import { NotFoundError, ValidationError } from "../errors.ts";
import {
  ChartError,
  categoryOf,
  checkAccount,
  checkRule,
  isRole,
  type LedgerAccount,
  ROLES,
} from "./chart.ts";
import { chartOf, DEFAULT_COMPANY, rulesOf, saveAccount, saveRule, seedChart } from "./storage.ts";

export const CompanyId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,31}$/, "lower-case letters, digits, _ - (1-32)");
export const CompanyInput = z.object({ name: z.string().trim().min(1).max(60) });
export const AccountInput = z.object({
  name: z.string().max(60),
  nameEn: z.string().max(60),
  side: z.enum(["debit", "credit"]),
  active: z.boolean().default(true),
});
export const RuleInput = z.object({ account: z.string().min(1).max(32) });

const asValidation = <T>(fn: () => T): T => {
  try {
    return fn();
  } catch (e) {
    if (e instanceof ChartError) throw new ValidationError(e.field, e.message.slice(e.field.length + 2));
    throw e;
  }
};

export function createAccounts(deps: { db: Sqlite; now: () => Date }) {
  const { db, now } = deps;
  const orm = openDrizzle(db);
  const at = () => now().toISOString();
  const tx = <T>(fn: () => T) => db.transaction(fn).immediate() as T;

  function company(id: string) {
    const parsed = CompanyId.safeParse(id);
    if (!parsed.success) throw new ValidationError("company", parsed.error.issues[0]?.message ?? "invalid");
    if (id === DEFAULT_COMPANY) tx(() => seedChart(db, id, at()));
    const c = orm.select().from(companies).where(eq(companies.id, id)).get();
    if (!c) throw new NotFoundError("company", id);
    return c;
  }

  function list() {
    tx(() => seedChart(db, DEFAULT_COMPANY, at()));
    const assigned = new Map(
      orm
        .select({ companyId: companyStores.companyId, n: count() })
        .from(companyStores)
        .groupBy(companyStores.companyId)
        .all()
        .map((r) => [r.companyId, r.n]),
    );
    const allStores = orm.select({ n: count() }).from(stores).get()?.n ?? 0;
    const elsewhere = [...assigned].filter(([c]) => c !== DEFAULT_COMPANY).reduce((n, [, k]) => n + k, 0);
    return orm
      .select()
      .from(companies)
      .orderBy(asc(companies.id))
      .all()
      .map((c) => ({
        ...c,
        stores: c.id === DEFAULT_COMPANY ? Math.max(allStores - elsewhere, 0) : (assigned.get(c.id) ?? 0),
      }));
  }

  /** Creates (seeding the CAS defaults) or renames a company. */
  function putCompany(id: string, input: unknown) {
    const parsedId = CompanyId.safeParse(id);
    if (!parsedId.success)
      throw new ValidationError("company", parsedId.error.issues[0]?.message ?? "invalid");
    const r = CompanyInput.safeParse(input);
    if (!r.success)
      throw new ValidationError(`${r.error.issues[0]?.path.join(".")}`, r.error.issues[0]?.message ?? "");
    return tx(() => {
      seedChart(db, id, at());
      orm.update(companies).set({ name: r.data.name }).where(eq(companies.id, id)).run();
      return orm.select().from(companies).where(eq(companies.id, id)).get()!;
    });
  }

  /** Moves a store's books to a company (its later vouchers; posted ones stay where they are). */
  function assignStore(companyId: string, storeId: string) {
    company(companyId);
    if (!orm.select({ id: stores.id }).from(stores).where(eq(stores.id, storeId)).get())
      throw new NotFoundError("store", storeId);
    orm
      .insert(companyStores)
      .values({ storeId, companyId })
      .onConflictDoUpdate({ target: companyStores.storeId, set: { companyId } })
      .run();
    return { storeId, companyId };
  }

  function chart(companyId: string) {
    company(companyId);
    return tx(() => {
      const accounts = orm
        .select()
        .from(ledgerAccounts)
        .where(eq(ledgerAccounts.companyId, companyId))
        .orderBy(asc(ledgerAccounts.code))
        .all()
        .map((a) => ({
          code: a.code,
          name: a.name,
          nameEn: a.nameEn,
          category: a.category,
          side: a.side as "debit" | "credit",
          active: a.active === 1,
          updatedBy: a.updatedBy,
          updatedAt: a.updatedAt,
        }));
      const set = rulesOf(db, companyId, at());
      const who = new Map(
        orm
          .select()
          .from(postingRules)
          .where(eq(postingRules.companyId, companyId))
          .all()
          .map((r) => [r.role, r]),
      );
      const rules = Object.entries(ROLES).map(([role, r]) => ({
        role,
        description: r.zh,
        account: set[role as keyof typeof ROLES],
        categories: [...r.categories],
        updatedBy: who.get(role)?.updatedBy ?? "",
        updatedAt: who.get(role)?.updatedAt ?? "",
      }));
      return { companyId, accounts, rules };
    });
  }

  /** Adds or changes an account (code never renamed: vouchers refer to it). */
  function putAccount(companyId: string, code: string, input: unknown, actor: string) {
    company(companyId);
    const r = AccountInput.safeParse(input);
    if (!r.success)
      throw new ValidationError(`${r.error.issues[0]?.path.join(".")}`, r.error.issues[0]?.message ?? "");
    const category = categoryOf(code);
    if (!category) throw new ValidationError("code", `${JSON.stringify(code)} is not a CAS code`);
    const next: LedgerAccount = { code, category, ...r.data };
    return tx(() => {
      const c = chartOf(db, companyId, at());
      asValidation(() => checkAccount(c, rulesOf(db, companyId, at()), next));
      saveAccount(db, companyId, next, actor, at());
      return next;
    });
  }

  function putRule(companyId: string, role: string, input: unknown, actor: string) {
    company(companyId);
    if (!isRole(role)) throw new ValidationError("role", `unknown posting role ${JSON.stringify(role)}`);
    const r = RuleInput.safeParse(input);
    if (!r.success) throw new ValidationError("account", r.error.issues[0]?.message ?? "");
    return tx(() => {
      asValidation(() => checkRule(chartOf(db, companyId, at()), role, r.data.account));
      saveRule(db, companyId, role, r.data.account, actor, at());
      return { role, account: r.data.account };
    });
  }

  return { list, putCompany, assignStore, chart, putAccount, putRule };
}

export type Accounts = ReturnType<typeof createAccounts>;
