// Pack levels of a product (issue 17 item 6): a case of 12 under its own barcode. The levels
// travel in the product record (ProductV1.packs) through the normal change sets; this module
// keeps their codes apart from every unit barcode and every other product's pack codes (a code
// means one thing at the till), and edits a product's packs into a draft change set.
import { type Pack, type Product, packOfCode } from "@retail/protocol";
import { eq, like, sql } from "drizzle-orm";
import { barcodes, products } from "../db/schema.ts";
import { NotFoundError, ValidationError } from "../errors.ts";
import type { CatalogContext } from "./context.ts";

export function createPackCodes(ctx: CatalogContext) {
  const { orm } = ctx;
  const barcodeOwner = orm
    .select({ sku: barcodes.sku })
    .from(barcodes)
    .where(eq(barcodes.code, sql.placeholder("code")))
    .prepare();

  /**
   * The product whose pack carries `code`, if any. Codes are letters, digits and dashes
   * (rules.ts storedCode), so the LIKE pattern has no wildcard in it; the match is checked on
   * the parsed record. An edit-time read (a scan of products), never on a sale's path.
   */
  function packOwner(code: string): { sku: string; pack: Pack } | undefined {
    const rows = orm
      .select({ sku: products.sku, dataJson: products.dataJson })
      .from(products)
      .where(like(products.dataJson, `%"code":"${code}"%`))
      .all();
    for (const r of rows) {
      const pack = packOfCode(JSON.parse(r.dataJson) as Product, code);
      if (pack) return { sku: r.sku, pack };
    }
    return undefined;
  }

  /** A product's pack codes are no unit barcode and no other product's pack code. */
  function checkProductPacks(p: Product): void {
    p.packs?.forEach((k, i) => {
      if (k.code === undefined) return;
      const unit = barcodeOwner.get({ code: k.code });
      if (unit)
        throw new ValidationError(`packs.${i}.code`, `${k.code} is the unit barcode of SKU ${unit.sku}`);
      const other = packOwner(k.code);
      if (other && other.sku !== p.sku)
        throw new ValidationError(
          `packs.${i}.code`,
          `${k.code} is already the code of SKU ${other.sku}'s pack of ${other.pack.qty}`,
        );
    });
  }

  /** A unit barcode is no pack's code (scanning it must mean one unit). */
  function checkBarcodeNotPack(code: string): void {
    const owner = packOwner(code);
    if (owner)
      throw new ValidationError(
        "code",
        `${code} is the code of SKU ${owner.sku}'s pack of ${owner.pack.qty}`,
      );
  }

  return { packOwner, checkProductPacks, checkBarcodeNotPack };
}

export type PackCodes = ReturnType<typeof createPackCodes>;

/** What the packs API edits: the product record with its pack levels replaced. */
export function withPacks(current: unknown, sku: string, packs: readonly Pack[]): Product {
  if (current === null || current === undefined) throw new NotFoundError("product", sku);
  const { packs: _old, ...rest } = current as Product;
  return packs.length ? { ...rest, packs: [...packs] } : rest;
}
