// The draft change set the editors write into, shared by every editor screen (商品, 价格, 促销,
// 优惠券, 会员, 收银员) and kept for the tab's life, so a merchandiser fills one draft across
// screens and previews it before release.
const KEY = "hq-console-draft";

function stored(): number | undefined {
  try {
    const v = Number(sessionStorage.getItem(KEY));
    return Number.isInteger(v) && v > 0 ? v : undefined;
  } catch {
    return undefined;
  }
}

class Draft {
  id = $state<number | undefined>(stored());
  /** Bumped after each edit, so the preview reloads. */
  edits = $state(0);

  choose(id: number | undefined): void {
    this.id = id;
    try {
      if (id === undefined) sessionStorage.removeItem(KEY);
      else sessionStorage.setItem(KEY, String(id));
    } catch {}
  }

  edited(): void {
    this.edits++;
  }

  /** `?changeset=ID` for an edit's URL. */
  get query(): string {
    return this.id === undefined ? "" : `?changeset=${this.id}`;
  }
}

export const draft = new Draft();
