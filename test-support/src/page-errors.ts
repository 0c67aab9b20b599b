// The browser suites' guard against uncaught errors in the page: a test fails when any page of any
// context it opened threw (or left a promise rejected) without the UI catching it. A chart
// formatter once threw on a 0.2-fen axis tick on the dashboard, no assertion looked there, and in
// a dev-mode build the page then stopped updating a form the test went on to fill.
//
// The suites open their contexts in beforeAll (a story shares one signed-in page across its
// cases), where only worker fixtures exist: so the worker's browser is watched (its newContext,
// which browser.newPage and the built-in `context` fixture go through too, and every page each
// context opens later, popups included), and each case checks the log at its end. An error thrown
// between two cases (in beforeAll, or after a case's check) fails the next case; one after the
// last case fails the worker's teardown. Type imports only: the UIs' e2e/lib pass in their
// @playwright/test `test` (this package is also loaded outside the Playwright runner).
import type {
  Browser,
  BrowserContext,
  Page,
  PlaywrightTestArgs,
  PlaywrightTestOptions,
  PlaywrightWorkerArgs,
  PlaywrightWorkerOptions,
  TestType,
} from "@playwright/test";

type BaseTest = TestType<
  PlaywrightTestArgs & PlaywrightTestOptions,
  PlaywrightWorkerArgs & PlaywrightWorkerOptions
>;

/** Uncaught page errors seen by the worker and not yet reported by a case. */
export interface PageErrorLog {
  errors: string[];
}

/** Records the uncaught errors of every page `browser` opens from now on (and of those open now). */
export function watchPageErrors(browser: Browser): { log: PageErrorLog; unwatch: () => void } {
  const log: PageErrorLog = { errors: [] };
  const seen = new WeakSet<object>();
  const watchPage = (page: Page) => {
    if (seen.has(page)) return;
    seen.add(page);
    page.on("pageerror", (e) => {
      // The first lines of the stack name the bundle's function; the whole trace is in the report.
      const where = (e.stack ?? "").split("\n").slice(1, 3).join(" ").trim();
      log.errors.push(`${page.url()}: ${e.name}: ${e.message}${where ? ` (${where})` : ""}`);
    });
  };
  const watchContext = (context: BrowserContext) => {
    if (seen.has(context)) return;
    seen.add(context);
    context.pages().forEach(watchPage);
    context.on("page", watchPage);
  };
  browser.contexts().forEach(watchContext);
  const newContext = browser.newContext;
  browser.newContext = async (...args: Parameters<Browser["newContext"]>) => {
    const context = await newContext.apply(browser, args);
    watchContext(context);
    return context;
  };
  const unwatch = () => {
    browser.newContext = newContext;
  };
  return { log, unwatch };
}

/** Takes the errors logged so far as one failure message, or undefined when there were none. */
export function takePageErrors(log: PageErrorLog): string | undefined {
  const found = log.errors.splice(0);
  if (found.length === 0) return undefined;
  return `${found.length} uncaught error(s) in the page:\n${found.map((e) => `  - ${e}`).join("\n")}`;
}

/**
 * `base` (@playwright/test's `test`) extended with the guard: an automatic worker fixture watches
 * the browser, an automatic test fixture fails each case that ends with page errors logged.
 */
export function withPageErrorGuard(base: BaseTest) {
  return base.extend<{ failOnPageErrors: undefined }, { pageErrorLog: PageErrorLog }>({
    pageErrorLog: [
      async ({ browser }, use) => {
        const { log, unwatch } = watchPageErrors(browser);
        await use(log);
        unwatch();
        const failure = takePageErrors(log);
        if (failure) throw new Error(`after the last case: ${failure}`);
      },
      { scope: "worker", auto: true },
    ],
    failOnPageErrors: [
      async ({ pageErrorLog }, use) => {
        await use(undefined);
        const failure = takePageErrors(pageErrorLog);
        if (failure) throw new Error(failure);
      },
      { auto: true },
    ],
  });
}
