/** Time comes from one injectable source, so TOTP windows and expiries are tested without sleeping. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /**
   * The real time, when `now()` is not it (the test clock): what clients sign with, so SigV4's
   * 5-minute window and SRP's TIMESTAMP are checked against it. Absent: `now()`.
   */
  wallNow?(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** The time clients sign requests with (SigV4, SRP's TIMESTAMP). */
export const wallNow = (clock: Clock): number => (clock.wallNow ? clock.wallNow() : clock.now());

/** A clock that can be moved by hand: the test clock's endpoint (POST /_cognate/clock) moves it. */
export interface AdjustableClock extends Clock {
  advance(ms: number): void;
  set(ms: number): void;
}

export function isAdjustable(clock: Clock): clock is AdjustableClock {
  const c = clock as Partial<AdjustableClock>;
  return typeof c.advance === 'function' && typeof c.set === 'function';
}

/** A clock a test can move by hand. */
export class ManualClock implements AdjustableClock {
  constructor(private ms: number = Date.now()) {}
  now(): number {
    return this.ms;
  }
  set(ms: number): void {
    this.ms = ms;
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}

/**
 * `cognate serve --test-clock`: the system clock plus an offset that only grows, so everything
 * that reads deps.clock (token, session and code expiry, lockouts, TOTP steps) moves with it.
 */
export class OffsetClock implements AdjustableClock {
  private offsetMs = 0;
  constructor(private readonly wall: () => number = Date.now) {}
  now(): number {
    return this.wall() + this.offsetMs;
  }
  wallNow(): number {
    return this.wall();
  }
  /** How far ahead of the real time the clock is, in milliseconds. */
  offset(): number {
    return this.offsetMs;
  }
  advance(ms: number): void {
    if (!(ms >= 0) || !Number.isFinite(ms)) throw new RangeError('the clock only moves forward');
    this.offsetMs += ms;
  }
  set(ms: number): void {
    this.advance(ms - this.now());
  }
  /** Back to the real time: only when nothing that remembers the moved time is left (a full reset). */
  reset(): void {
    this.offsetMs = 0;
  }
}

/** Cognito puts epoch seconds on the wire (CreationDate, iat, exp ...). */
export const epochSeconds = (clock: Clock): number => Math.floor(clock.now() / 1000);
