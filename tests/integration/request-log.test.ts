/**
 * The endpoint's own record of who did what from where: every API request is logged with the
 * tablet that made it and the address it came from, and a refusal with its code; never a body.
 */
import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/server/app.ts';
import { openSqliteStore } from '../../src/server/sqlite-store.ts';
import type { Store } from '../../src/server/store.ts';
import { issueEnrolmentCode } from '../../src/server/sync.ts';
import { encodeHlc } from '../../src/shared/hlc.ts';
import { newId } from '../../src/shared/ids.ts';
import { PROTOCOL } from '../../src/shared/protocol.ts';
import { newPupil, type Tablet } from './school.ts';

function loggedSchool() {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  const store = openSqliteStore(':memory:');
  const { id: schoolId } = store.addSchool('Hillside Academy');
  const app = createApp({ staticDir: 'dist', store, logger: pino({ level: 'info' }, sink) });
  /** A request from a tablet at `from` on the school network, as the Node server hands it over. */
  const send = (from: string, path: string, body: unknown, token?: string) =>
    app.fetch(
      new Request(`http://127.0.0.1/api/v1${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(body),
      }),
      { incoming: { socket: { remoteAddress: from, remotePort: 50200 } } },
    );
  return { lines, store, schoolId, send };
}

describe('the request log', () => {
  it('names the tablet and the address of each request, and never a word of the records sent', async () => {
    const { lines, store, schoolId, send } = loggedSchool();
    const mentor = store.addMentor(schoolId, 'Sam Patel');
    const deviceId = newId();
    const enrolled = await send('127.0.0.7', '/enrol', {
      protocol: PROTOCOL,
      deviceId,
      code: issueEnrolmentCode(store, mentor.id),
      deviceName: 'Sam’s iPad',
    });
    const { token } = await enrolled.json();
    const pupil = newPupil({ deviceId } as Tablet, 'Priya Natarajan');
    const at = '2026-11-24T09:00:00.000Z';
    const change = {
      changeId: newId(),
      seq: 1,
      table: 'pupils',
      recordId: pupil.id,
      op: 'create',
      values: pupil.values,
      hlc: encodeHlc({ wall: Date.parse(at), count: 0, node: deviceId }),
    };
    expect((await send('127.0.0.8', '/push', { protocol: PROTOCOL, changes: [change], unsent: 1, deviceTime: at }, token)).status).toBe(
      200,
    );
    expect((await send('127.0.0.8', '/pull', { protocol: PROTOCOL, cursor: null }, token)).status).toBe(200);

    const requests = lines.filter((l) => l.msg === 'request');
    expect(requests.map((l) => [l.path, l.status, l.from, l.device])).toEqual([
      ['/api/v1/enrol', 200, '127.0.0.7', deviceId],
      ['/api/v1/push', 200, '127.0.0.8', deviceId],
      ['/api/v1/pull', 200, '127.0.0.8', deviceId],
    ]);
    const everything = JSON.stringify(lines);
    expect(everything).not.toContain('Priya');
    expect(everything).not.toContain(token);
    store.close();
  });

  it('logs a refusal with its code and where it came from: a wrong code, an unknown token', async () => {
    const { lines, store, send } = loggedSchool();
    await send('127.0.0.9', '/enrol', { protocol: PROTOCOL, deviceId: newId(), code: 'WRONG-CODE1', deviceName: 'iPad' });
    await send('127.0.0.9', '/pull', { protocol: PROTOCOL, cursor: null }, 'not-a-token');
    expect(lines.filter((l) => l.msg === 'request').map((l) => [l.path, l.status, l.from, l.device, l.refused])).toEqual([
      ['/api/v1/enrol', 401, '127.0.0.9', null, 'code_invalid'],
      ['/api/v1/pull', 401, '127.0.0.9', null, 'unauthorised'],
    ]);
    store.close();
  });
});

describe('the warning that changes a tablet delivered are missing here (a restore from a backup)', () => {
  /** A school whose store can be made to fail each batch after its work (a full disk at commit). */
  function school() {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk, _, done) {
        for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
        done();
      },
    });
    const real = openSqliteStore(':memory:');
    const failing = { on: false };
    const store: Store = {
      ...real,
      batch: (work) =>
        real.batch((writer) => {
          const done = work(writer);
          if (failing.on) throw new Error('disk I/O error');
          return done;
        }),
    };
    const { id: schoolId } = store.addSchool('Hillside Academy');
    const app = createApp({ staticDir: 'dist', store, logger: pino({ level: 'warn' }, sink) });
    const deviceId = newId();
    const mentor = store.addMentor(schoolId, 'Sam Patel');
    const push = async (token: string, seq: number) => {
      const pupil = newPupil({ deviceId } as Tablet);
      const at = '2026-11-24T09:00:00.000Z';
      const change = {
        changeId: newId(),
        seq,
        table: 'pupils',
        recordId: pupil.id,
        op: 'create',
        values: pupil.values,
        hlc: encodeHlc({ wall: Date.parse(at), count: seq, node: deviceId }),
      };
      const answer = await app.request('/api/v1/push', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ protocol: PROTOCOL, changes: [change], unsent: 1, deviceTime: at, resumeFrom: seq }),
      });
      return answer.status;
    };
    const enrol = async () => {
      const answer = await app.request('/api/v1/enrol', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ protocol: PROTOCOL, deviceId, code: issueEnrolmentCode(store, mentor.id), deviceName: 'iPad' }),
      });
      return (await answer.json()).token as string;
    };
    const missing = () => lines.filter((l) => typeof l.msg === 'string' && l.msg.includes('no longer has'));
    return { failing, push, enrol, missing, close: () => real.close(), deviceId };
  }

  it('is logged, with the range, once the push that found them is stored', async () => {
    const s = school();
    const token = await s.enrol();
    expect(await s.push(token, 5)).toBe(200);
    expect(s.missing()).toEqual([expect.objectContaining({ deviceId: s.deviceId, from: 1, to: 4 })]);
    s.close();
  });

  it('is not logged for a push that then failed and stored nothing: the next push finds them again', async () => {
    const s = school();
    const token = await s.enrol();
    s.failing.on = true;
    expect(await s.push(token, 5)).toBe(500);
    expect(s.missing()).toEqual([]);
    s.failing.on = false;
    expect(await s.push(token, 5)).toBe(200);
    expect(s.missing()).toEqual([expect.objectContaining({ from: 1, to: 4 })]);
    s.close();
  });
});
