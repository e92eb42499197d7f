/** Time comes from one injectable source, so TOTP windows and expiries are tested without sleeping. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock a test can move by hand. */
export class ManualClock implements Clock {
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

/** Cognito puts epoch seconds on the wire (CreationDate, iat, exp ...). */
export const epochSeconds = (clock: Clock): number => Math.floor(clock.now() / 1000);
