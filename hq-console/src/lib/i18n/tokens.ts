// The access-token screen (访问令牌): zh-CN first, English beside it. Pure data, merged into the console's one
// dictionary by index.ts; a missing English text is a type error.

export const zh = {
  role: "角色",
  revoke: "吊销",
  revoked: "已吊销",
  newToken: "签发令牌",
  tokenShownOnce: "令牌只显示这一次，请立即交给使用人：",
  adminOnly: "只有总部管理员可以管理令牌。",
} as const;

export const en: Record<keyof typeof zh, string> = {
  role: "Role",
  revoke: "Revoke",
  revoked: "revoked",
  newToken: "Issue token",
  tokenShownOnce: "The token is shown this once; hand it to its user now:",
  adminOnly: "Only an HQ admin manages tokens.",
};
