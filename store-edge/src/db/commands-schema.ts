// HQ's remote commands as this edge ran them (downlink/commands.ts): one row per command id, so
// a command HQ sends again (it resends until it hears the answer) is answered from here and
// never run twice (a restart command must not restart the edge after every reconnect).
import { sqliteTable, text } from "drizzle-orm/sqlite-core";

export const remoteCommands = sqliteTable("remote_commands", {
  commandId: text("command_id").primaryKey(),
  name: text("name").notNull(),
  outcome: text("outcome").notNull(),
  detail: text("detail"),
  at: text("at").notNull(),
});
