import type Database from 'better-sqlite3';

/**
 * Group commit for the SQLite store: the writes of every request handled in one turn of the event
 * loop share one transaction, committed once at the end of that turn (a `setImmediate`), and no
 * store result of that turn is released before the commit. Each commit appends the pages it
 * changed to the WAL with one write(2), so a turn that updates the same page for 20 requests
 * writes it once instead of 20 times (docs/storage.md, "Group commit").
 *
 * What a caller can rely on is unchanged: a store call resolves only once everything it wrote, and
 * everything it read, is committed; if the commit fails, every call of the turn is rejected and
 * nothing of the turn is kept. Statements still run one at a time on the one connection, so a
 * conditional statement (consume a session, a TOTP step) is exactly as atomic as before.
 *
 * Only for a file this process holds exclusively (`locking_mode = EXCLUSIVE`): another process
 * sharing the file would wait on the transaction this keeps open during a turn.
 */
const ROLLED_BACK = 'the transaction of this turn was rolled back by SQLite';

export class CommitBatch {
  private open: { committed: Promise<void>; resolve(): void; reject(err: unknown): void } | undefined;
  private readonly begin: Database.Statement;
  private readonly commitStatement: Database.Statement;
  private readonly rollback: Database.Statement;

  /** `lost` runs when a turn's writes are thrown away, so that nothing remembers them (the record cache). */
  constructor(
    private readonly db: Database.Database,
    private readonly lost: () => void,
  ) {
    this.begin = db.prepare('BEGIN IMMEDIATE');
    this.commitStatement = db.prepare('COMMIT');
    this.rollback = db.prepare('ROLLBACK');
  }

  /** Starts the turn's transaction before a write, unless one is open (the turn's, or a store method's own). */
  beforeWrite(): void {
    if (this.open || this.db.inTransaction) return;
    this.begin.run();
    let resolve!: () => void;
    let reject!: (err: unknown) => void;
    const committed = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    // A turn whose calls all failed has no waiter; its failure is theirs, not an unhandled rejection.
    committed.catch(() => {});
    this.open = { committed, resolve, reject };
    setImmediate(() => this.commit());
  }

  /**
   * What a store call must wait for before it hands out its result: the open turn's commit, or
   * nothing. Called right after the call's statements ran. If a statement failed in a way that made
   * SQLite roll the whole transaction back (SQLITE_FULL, SQLITE_IOERR ...), the turn is over now.
   */
  pending(): Promise<void> | undefined {
    if (this.open && !this.db.inTransaction) this.fail(new Error(ROLLED_BACK));
    return this.open?.committed;
  }

  /** Commits the open turn, if any: at the end of the turn, and before the store closes. */
  commit(): void {
    const turn = this.open;
    if (!turn) return;
    if (!this.db.inTransaction) {
      this.fail(new Error(ROLLED_BACK));
      return;
    }
    try {
      this.commitStatement.run();
    } catch (err) {
      this.fail(err);
      return;
    }
    this.open = undefined;
    turn.resolve();
  }

  private fail(err: unknown): void {
    const turn = this.open!;
    this.open = undefined;
    try {
      if (this.db.inTransaction) this.rollback.run();
    } finally {
      this.lost();
      turn.reject(err);
    }
  }
}
