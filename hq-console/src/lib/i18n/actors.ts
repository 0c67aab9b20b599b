// Who did something, in words (lib/actor-words.ts): the hub's own actors (system, the automatic
// replenishment and markdown schedules) and the stores' (a store, a till's cashier). Shared by
// every screen that names an actor. zh-CN first, English beside it; merged by index.ts.

export const zh = {
  actorSystem: "系统",
  actorSystemCleared: "系统（条件已解除）",
  actorSystemCas: "系统（企业会计准则默认科目）",
  actorAutoReplenishment: "自动补货",
  actorMarkdownSchedule: "临期降价计划",
  actorStore: "门店 {store}",
  actorStoreCashier: "门店 {store} 收银员 {cashier}",
  actorCashier: "收银员 {cashier}",
} as const;

export const en: Record<keyof typeof zh, string> = {
  actorSystem: "System",
  actorSystemCleared: "System (condition cleared)",
  actorSystemCas: "System (CAS default accounts)",
  actorAutoReplenishment: "Automatic replenishment",
  actorMarkdownSchedule: "Markdown schedule",
  actorStore: "Store {store}",
  actorStoreCashier: "Store {store}, cashier {cashier}",
  actorCashier: "Cashier {cashier}",
};
