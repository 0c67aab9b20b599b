// One action at a time on a screen or dialog: `busy` while it runs (its buttons disable), and
// its failure in plain words (`error`) for the screen's ErrorBox; a second press while one runs
// does nothing.
import { type PlainError, plain } from "./errors.ts";

export class Pending {
  busy = $state(false);
  error = $state<PlainError | undefined>(undefined);

  run = async (fn: () => Promise<void>): Promise<void> => {
    if (this.busy) return;
    this.busy = true;
    this.error = undefined;
    try {
      await fn();
    } catch (e) {
      this.error = plain(e);
    } finally {
      this.busy = false;
    }
  };
}
