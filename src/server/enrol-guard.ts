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
  /**
   * Counts an attempt from `address` before its code is tried (so that attempts sent all at once
   * are counted too): the seconds it must wait when it is locked out, else 0.
   */
  attempt(address: string): Promise<number>;
  /** Gives back the attempt of a code that worked: a mentor who enrolled is no step nearer a lock-out. */
  succeeded(address: string): Promise<void>;
}

export function enrolGuard(log: Logger): EnrolGuard {
  const limiter = new RateLimiterMemory({
    points: ENROL_LOCKOUT.failures,
    duration: ENROL_LOCKOUT.windowMinutes * 60,
    blockDuration: ENROL_LOCKOUT.lockMinutes * 60,
  });
  return {
    async attempt(address) {
      try {
        await limiter.consume(address);
        return 0;
      } catch (refused) {
        const state = refused as { msBeforeNext?: number; consumedPoints?: number };
        // The attempt that first goes past the limit starts the lock-out: said once, with the address.
        if (state.consumedPoints === ENROL_LOCKOUT.failures + 1) {
          log.warn({ from: address, minutes: ENROL_LOCKOUT.lockMinutes }, 'too many wrong enrolment codes from this address: locked out');
        }
        return Math.max(1, Math.ceil((state.msBeforeNext ?? 0) / 1000));
      }
    },
    async succeeded(address) {
      await limiter.reward(address, 1);
    },
  };
}
