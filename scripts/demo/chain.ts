// The demo chain's people and places: stores, cashiers, coupons and members that `npm start` seeds.
export const DEMO_STORES = [
  { id: "S001", name: "上海徐汇店", region: "EAST", ring: "pilot", address: "上海市徐汇区漕溪北路 88 号" },
  { id: "S002", name: "上海浦东店", region: "EAST", ring: "main", address: "上海市浦东新区张杨路 500 号" },
  { id: "S003", name: "北京朝阳店", region: "NORTH", ring: "main", address: "北京市朝阳区建国路 93 号" },
] as const;

export const DEMO_CASHIERS = [
  { id: "1001", name: "张敏", role: "cashier", pin: "1234" },
  { id: "1002", name: "李娜", role: "cashier", pin: "1234" },
  { id: "9001", name: "王强", role: "supervisor", pin: "9999" },
] as const;

/** WELCOME10 is a campaign code anyone may present (multi-use); its coupon record binds it. */
export const DEMO_COUPONS = [
  { code: "WELCOME10", promotionId: "P-COUPON-10OFF", status: "issued", multiUse: true },
] as const;

/** One-time member coupons issued through HQ's coupon API at first start (codes fixed for the demo). */
export const DEMO_MEMBER_COUPONS = {
  promotionId: "P-MEMBER-20OFF",
  memberIds: ["M000001", "M000002", "M000003"],
  codes: ["VIP20-CHENJING", "VIP20-LIUYANG", "VIP20-ZHAOLEI"],
} as const;

export const DEMO_MEMBERS = [
  { id: "M000001", phone: "13800138000", name: "陈静", tier: "gold", points: 1280 },
  { id: "M000002", phone: "13912345678", name: "刘洋", tier: "silver", points: 320 },
  { id: "M000003", phone: "13700001111", name: "赵磊", tier: "platinum", points: 8800 },
] as const;
