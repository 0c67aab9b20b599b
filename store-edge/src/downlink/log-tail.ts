// The edge's last log lines, kept in memory for a diagnostics bundle (remote command
// collect_diagnostics): the journal holds everything, this is what HQ can fetch without a shell.
export class LogTail {
  private readonly buf: string[] = [];
  constructor(
    private readonly max = 2000,
    private readonly now: () => Date = () => new Date(),
  ) {}

  push(line: string): void {
    this.buf.push(`${this.now().toISOString()} ${line.length > 500 ? `${line.slice(0, 500)}...` : line}`);
    if (this.buf.length > this.max) this.buf.splice(0, this.buf.length - this.max);
  }

  /** Oldest first. */
  lines(): string[] {
    return [...this.buf];
  }
}
