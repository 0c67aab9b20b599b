// drizzle-kit for the hub: `npm run db:generate -w @retail/hq-hub` writes the migration for a
// change to src/db/schema.ts into src/db/drizzle/ (docs/development.md "Database schema and
// migrations"). DRIZZLE_OUT lets `npm run lint` generate into a scratch copy to prove nothing
// is pending (scripts/check-migrations.ts).
import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "sqlite",
  schema: "./src/db/schema.ts",
  out: process.env.DRIZZLE_OUT ?? "./src/db/drizzle",
});
