// A list the hub searches, filters, sorts and pages (issue 19 item 2): the screen says which
// path and which filters; this keeps the page, the offset and the sort, asks again when they
// change (typing is debounced), and shows only the answer to the latest question.
import { qs } from "./errors.ts";

type Params = Record<string, string | number | undefined>;

export class ServerList<P> {
  page = $state<P | undefined>();
  offset = $state(0);
  sort = $state("");
  error = $state<unknown>();
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly path: string,
    private readonly params: () => Params,
    sort: string,
    readonly limit = 50,
    private readonly fetchPage: (path: string) => Promise<P>,
  ) {
    this.sort = sort;
  }

  #question(): string {
    const asked: Params = { ...this.params(), sort: this.sort, limit: this.limit, offset: this.offset };
    for (const k of Object.keys(asked)) if (asked[k] === "") delete asked[k];
    return `${this.path}${qs(asked)}`;
  }

  load = async (): Promise<void> => {
    const asked = this.#question();
    try {
      const answer = await this.fetchPage(asked);
      if (asked !== this.#question()) return;
      this.page = answer;
      this.error = undefined;
    } catch (e) {
      this.error = e;
    }
  };

  /** A filter changed: back to the first page, asked once typing pauses. */
  refilter = (): void => {
    this.offset = 0;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.load(), 200);
  };

  resort = (sort: string): void => {
    this.sort = sort;
    this.offset = 0;
    void this.load();
  };

  turn = (offset: number): void => {
    this.offset = offset;
    void this.load();
  };
}
