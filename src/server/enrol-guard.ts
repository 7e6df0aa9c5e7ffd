/**
 * Wrong enrolment codes, counted per network address: an enrolment needs no token, so anyone on
 * the school network can try codes. After ENROL_LOCKOUT.failures wrong codes within its window, an
 * address may not try again until its lock-out ends; each lock-out is logged with the address, for
 * the school's IT person. A mentor who mistypes a code a few times is never stopped.
 */
import type { Logger } from 'pino';
import { RateLimiterMemory } from 'rate-limiter-flexible';

export const ENROL_LOCKOUT = { failures: 10, windowMinutes: 10, lockMinutes: 15 } as const;

export interface EnrolGuard {
  /** Seconds until `address` may try a code again, or 0 when it may now. */
  lockedFor(address: string): Promise<number>;
  /** Counts a wrong code from `address`. */
  failed(address: string): Promise<void>;
}

export function enrolGuard(log: Logger): EnrolGuard {
  const limiter = new RateLimiterMemory({
    points: ENROL_LOCKOUT.failures,
    duration: ENROL_LOCKOUT.windowMinutes * 60,
    blockDuration: ENROL_LOCKOUT.lockMinutes * 60,
  });
  return {
    async lockedFor(address) {
      const state = await limiter.get(address);
      return state && state.consumedPoints > ENROL_LOCKOUT.failures ? Math.ceil(state.msBeforeNext / 1000) : 0;
    },
    async failed(address) {
      try {
        await limiter.consume(address);
      } catch {
        // Past the limit: from now on the address is locked out, which the next attempt hears.
        log.warn({ from: address, minutes: ENROL_LOCKOUT.lockMinutes }, 'too many wrong enrolment codes from this address: locked out');
      }
    },
  };
}
