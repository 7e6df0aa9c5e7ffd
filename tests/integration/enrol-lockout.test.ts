/**
 * Trying enrolment codes: an enrolment needs no token, so anyone on the school network can try
 * codes. A mentor who mistypes one is never stopped; an address that tries many wrong ones is
 * locked out for a while, logged with its address, while every other tablet enrols as before.
 */
import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/server/app.ts';
import { ENROL_LOCKOUT } from '../../src/server/enrol-guard.ts';
import { openSqliteStore } from '../../src/server/sqlite-store.ts';
import { issueEnrolmentCode } from '../../src/server/sync.ts';
import { newId } from '../../src/shared/ids.ts';
import { PROTOCOL } from '../../src/shared/protocol.ts';

function school() {
  const warnings: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) warnings.push(JSON.parse(line));
      done();
    },
  });
  const store = openSqliteStore(':memory:');
  const { id: schoolId } = store.addSchool('Hillside Academy');
  const app = createApp({ staticDir: 'dist', store, logger: pino({ level: 'warn' }, sink) });
  const code = (name: string) => issueEnrolmentCode(store, store.addMentor(schoolId, name).id);
  /** An enrolment with `code` from a tablet at `from`, or passed on by a proxy on this machine for `forwardedFor`. */
  const enrol = async (from: string, code: string, forwardedFor?: string) => {
    const answer = await app.fetch(
      new Request('http://127.0.0.1/api/v1/enrol', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}) },
        body: JSON.stringify({ protocol: PROTOCOL, deviceId: newId(), code, deviceName: 'iPad' }),
      }),
      { incoming: { socket: { remoteAddress: from, remotePort: 50300 } } },
    );
    return { status: answer.status, retryAfter: answer.headers.get('retry-after'), body: await answer.json() };
  };
  return { store, warnings, code, enrol };
}

const wrong = (i: number) => `WRONG-${String(i).padStart(5, '0')}`;

describe('wrong enrolment codes', () => {
  it('a mentor who mistypes the code a few times still enrols with it', async () => {
    const { enrol, code } = school();
    const right = code('Sam Patel');
    for (let i = 0; i < 3; i++) expect((await enrol('10.1.2.50', wrong(i))).body.error.code).toBe('code_invalid');
    expect((await enrol('10.1.2.50', right)).status).toBe(200);
  });

  it('sent all at once are each counted before any is tried: a burst gets no more tries than one after another', async () => {
    const { enrol } = school();
    const answers = await Promise.all(Array.from({ length: ENROL_LOCKOUT.failures + 5 }, (_, i) => enrol('10.1.2.50', wrong(i))));
    expect(answers.filter((a) => a.status === 401)).toHaveLength(ENROL_LOCKOUT.failures);
    expect(answers.filter((a) => a.status === 429)).toHaveLength(5);
  });

  it('a tablet enrolled is no step nearer a lock-out: the school’s tablets enrolled one after another from one address are not stopped', async () => {
    const { enrol, code } = school();
    for (let i = 0; i < ENROL_LOCKOUT.failures + 5; i++) expect((await enrol('10.1.2.50', code(`Mentor ${i}`))).status).toBe(200);
  });

  it(`lock out the address after ${ENROL_LOCKOUT.failures}: the next attempt is not tried, even with a right code, and say how long to wait; other tablets enrol as before`, async () => {
    const { enrol, code, warnings } = school();
    for (let i = 0; i < ENROL_LOCKOUT.failures; i++) expect((await enrol('10.1.2.50', wrong(i))).status).toBe(401);
    expect(warnings).toEqual([]);

    // The next attempt is not tried, even with a right code, and starts the lock-out, logged once.
    const locked = await enrol('10.1.2.50', code('Sam Patel'));
    expect(warnings).toEqual([expect.objectContaining({ from: '10.1.2.50', msg: expect.stringContaining('locked out') })]);
    expect((await enrol('10.1.2.50', code('Sam Patel'))).status).toBe(429);
    expect(warnings).toHaveLength(1);
    expect(locked.status).toBe(429);
    expect(locked.body.error.code).toBe('too_many_attempts');
    expect(locked.body.error.message).toBe(
      `Too many wrong codes have been tried from this tablet’s network: wait ${ENROL_LOCKOUT.lockMinutes} minutes, then type the code exactly as printed. If it still does not work, ask for a new one.`,
    );
    const seconds = Number(locked.retryAfter);
    expect(seconds).toBeGreaterThan((ENROL_LOCKOUT.lockMinutes - 1) * 60);
    expect(seconds).toBeLessThanOrEqual(ENROL_LOCKOUT.lockMinutes * 60);

    expect((await enrol('10.1.2.51', code('Alex Jones'))).status).toBe(200);
  });

  it('behind a reverse proxy on the server, are counted for the address the proxy passes on, not for the proxy', async () => {
    const { enrol, code } = school();
    for (let i = 0; i < ENROL_LOCKOUT.failures; i++) await enrol('127.0.0.1', wrong(i), '10.1.2.50');
    expect((await enrol('127.0.0.1', code('Sam Patel'), '10.1.2.50')).status).toBe(429);
    expect((await enrol('127.0.0.1', code('Alex Jones'), '10.1.2.51')).status).toBe(200);
    // From another machine the header is anyone's to write: the connection's own address counts.
    for (let i = 0; i < ENROL_LOCKOUT.failures; i++) await enrol('10.1.2.60', wrong(i), `10.1.2.${100 + i}`);
    expect((await enrol('10.1.2.60', code('Jo Brown'), '10.1.2.200')).status).toBe(429);
  });
});
