// The terminal's browser specs take `test` from here, never from @playwright/test directly: it is
// @playwright/test's `test` with the shared page-error guard (test-support/src/page-errors.ts), so
// a case fails when any page it opened threw an uncaught error (the till, the customer display, a
// second context), whether or not an assertion looked there.
import { test as base } from "@playwright/test";
import { withPageErrorGuard } from "@retail/test-support";

export const test = withPageErrorGuard(base);
