// The store the browser tests sell in: a handful of products a Chinese supermarket lane sees
// (valid EAN-13 codes, one weighed item with a PLU, 13%/9% VAT), a multi-buy promotion, a coupon,
// a member, a cashier and a supervisor. Everything goes through HQ's admin API and reaches the
// edge as a released change set, as in a real store.

/** EAN-13 check digit over the first 12 digits. */
export function ean13(body12: string): string {
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(body12[i]) * (i % 2 === 0 ? 1 : 3);
  return `${body12}${(10 - (sum % 10)) % 10}`;
}

export const P = {
  cola: { sku: "100001", name: "可口可乐 330ml", code: ean13("690123400001"), price: 300, py: "kkkl" },
  water: { sku: "100002", name: "农夫山泉 550ml", code: ean13("690123400002"), price: 200, py: "nfsq" },
  noodles: {
    sku: "100003",
    name: "康师傅红烧牛肉面",
    code: ean13("690123400003"),
    price: 450,
    py: "ksfhsnrm",
  },
  oil: { sku: "100004", name: "金龙鱼调和油 5L", code: ean13("690123400004"), price: 6990, py: "jlytho" },
  apple: { sku: "200001", name: "富士苹果", plu: "101", price: 1280, py: "fspg" },
} as const;

export const CASHIER = { id: "1001", pin: "1234", name: "张敏" };
export const SUPERVISOR = { id: "9001", pin: "9999", name: "王强" };
export const MEMBER = { phone: "13800138000", name: "陈静" };
export const COUPON = "WELCOME2";
/** A coupon HQ issued for a promotion whose gate is another code: ¥5 off from ¥20. */
export const SPRING_COUPON = "SPRING-0001";
/** Multi-buy: three colas for ¥8.00. */
export const PROMO_COLA = "P-COLA-3FOR8";

export function catalog(): { entity: string; data: unknown }[] {
  const items: { entity: string; data: unknown }[] = [];
  const packaged = [P.cola, P.water, P.noodles, P.oil];
  for (const p of packaged) {
    items.push({
      entity: "product",
      data: {
        sku: p.sku,
        name: p.name,
        category: ["11", p === P.oil ? "1102" : "1101"],
        unit: "EA",
        taxRate: p === P.oil ? 9 : 13,
        weighed: false,
        status: "active",
        pinyin: p.py,
      },
    });
    items.push({ entity: "barcode", data: { code: p.code, sku: p.sku } });
    items.push({ entity: "price", data: { sku: p.sku, scope: "chain", windows: [{ price: p.price }] } });
  }
  items.push({
    entity: "product",
    data: {
      sku: P.apple.sku,
      name: P.apple.name,
      nameEn: "Fuji apples",
      category: ["20", "2002"],
      unit: "KG",
      taxRate: 9,
      weighed: true,
      plu: P.apple.plu,
      status: "active",
      pinyin: P.apple.py,
    },
  });
  items.push({
    entity: "price",
    data: { sku: P.apple.sku, scope: "chain", windows: [{ price: P.apple.price }] },
  });
  items.push({
    entity: "promotion",
    data: { id: PROMO_COLA, kind: "multi_buy", skus: [P.cola.sku], count: 3, price: 800 },
  });
  items.push({
    entity: "promotion",
    data: { id: "P-COUPON-2OFF", kind: "threshold", min: 1000, off: 200, couponCode: COUPON },
  });
  items.push({ entity: "coupon", data: { code: COUPON, promotionId: "P-COUPON-2OFF", status: "issued" } });
  items.push({
    entity: "promotion",
    data: { id: "P-SPRING-5OFF", kind: "threshold", min: 2000, off: 500, couponCode: "SPRING" },
  });
  items.push({
    entity: "coupon",
    data: { code: SPRING_COUPON, promotionId: "P-SPRING-5OFF", status: "issued" },
  });
  items.push({
    entity: "member",
    data: {
      id: "M000001",
      phone: MEMBER.phone,
      name: MEMBER.name,
      tier: "gold",
      points: 100,
      status: "active",
    },
  });
  items.push({
    entity: "cashier",
    data: { id: CASHIER.id, name: CASHIER.name, role: "cashier", pin: CASHIER.pin, status: "active" },
  });
  items.push({
    entity: "cashier",
    data: {
      id: SUPERVISOR.id,
      name: SUPERVISOR.name,
      role: "supervisor",
      pin: SUPERVISOR.pin,
      status: "active",
    },
  });
  return items;
}
