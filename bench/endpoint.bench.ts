/**
 * The school endpoint under load: 50 tablets of an 8-mentor school (about 500,000 records held)
 * syncing at once over loopback, each pushing a day's check-ins and pulling everyone else's,
 * round after round. Bounded: a fixed number of rounds, every request with a timeout.
 * Baseline: the same sync from one tablet with the endpoint otherwise idle. The 50 sync together
 * once before the timed rounds (see below).
 */

import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { test } from '@playwright/test';
import { sealCursor } from '../src/server/cursor.ts';
import { openSqliteStore } from '../src/server/sqlite-store.ts';
import { encodeHlc } from '../src/shared/hlc.ts';
import { newId } from '../src/shared/ids.ts';
import type { CheckIn } from '../src/shared/model.ts';
import { API, PROTOCOL, type PullResponse, type PushChange, type PushResponse } from '../src/shared/protocol.ts';
import { SCHOOL_FILE } from './lib/paths.ts';
import { record, summarise } from './lib/results.ts';
import { mentorRecords, type SeededSchool, startServer } from './school.ts';

const ROUNDS = 8;
const CHANGES_PER_PUSH = 20;
const TIMEOUT_MS = 30_000;

interface LoadTablet {
  id: string;
  token: string;
  seq: number;
  cursor: string;
  targets: { id: string; pupilId: string }[];
}

/** Where a tablet that has pulled everything so far stands: the endpoint's cursor format, made here so 50 tablets need not first pull 500,000 records each. */
function caughtUpCursor(dataDir: string): string {
  const store = openSqliteStore(dataDir);
  try {
    const seq = store.lastChangeSeq();
    return sealCursor(store.cursorSecret(), { epoch: store.epoch(), seq, at: store.chainAt(seq) });
  } finally {
    store.close();
  }
}

/** Kept-alive connections, one per tablet, as each tablet holds its own. */
const agent = new Agent({ keepAlive: true, maxSockets: 64 });

/**
 * One request, timed from when it is sent until its whole answer has arrived. Sent with Node's
 * own HTTP client rather than fetch, and a pull's answer is neither parsed nor decoded: the 50
 * tablets share this process's one core, and a tablet's own work is not the endpoint's cost. With
 * fetch, this process was busy two thirds of the timed rounds (web streams, and collecting their
 * garbage), and answers waited on it; decoding 400 KB pages did the same before. The cursor and
 * `more` are read off the answer's last bytes.
 */
function post(url: string, path: string, token: string, body: unknown): Promise<{ ms: number; bytes: Uint8Array }> {
  const payload = Buffer.from(JSON.stringify(body));
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      `${url}${API}${path}`,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': payload.length, authorization: `Bearer ${token}` },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', (error) => {
          clearTimeout(deadline);
          reject(error);
        });
        response.on('end', () => {
          clearTimeout(deadline);
          const bytes = Buffer.concat(chunks);
          const ms = performance.now() - started;
          if (response.statusCode === 200) resolve({ ms, bytes });
          else reject(new Error(`${path} answered ${response.statusCode}: ${decoder.decode(bytes.subarray(0, 500))}`));
        });
      },
    );
    // A deadline for the whole answer, not only for a silent connection.
    const deadline = setTimeout(() => request.destroy(new Error(`${path} did not answer within ${TIMEOUT_MS / 1000} s`)), TIMEOUT_MS);
    request.on('error', (error) => {
      clearTimeout(deadline);
      reject(error);
    });
    request.end(payload);
  });
}

const decoder = new TextDecoder();

/** The end of a pull's answer: its cursor, `more` and the school's mentors come after the changes. */
const pullTail = (bytes: Uint8Array): Pick<PullResponse, 'cursor' | 'more'> => {
  const end = decoder.decode(bytes.subarray(Math.max(0, bytes.length - 16_384)));
  const tail = end.slice(end.lastIndexOf('"protocol":'));
  const cursor = tail.match(/"cursor":"([^"]+)"/)?.[1];
  if (!cursor) throw new Error(`No cursor at the end of a pull's answer: …${tail.slice(-200)}`);
  return { cursor, more: /"more":true/.test(tail) };
};

/** One end-of-day sync of a tablet: a push of its new check-ins, then pulls until caught up. */
async function syncOnce(url: string, tablet: LoadTablet, now: Date, latencies: { push: number[]; pull: number[] }): Promise<void> {
  const changes: PushChange[] = Array.from({ length: CHANGES_PER_PUSH }, (_, i) => {
    const target = tablet.targets[(tablet.seq + i) % tablet.targets.length] as { id: string; pupilId: string };
    const at = new Date(now.getTime() + tablet.seq + i).toISOString();
    // Ids as the app makes them (UUIDv7, in time order), not random ones: where a new row lands
    // in SQLite's indexes depends on it.
    const id = newId();
    const checkIn: CheckIn = {
      id,
      createdAt: at,
      updatedAt: at,
      deviceId: tablet.id,
      mentorId: null,
      targetId: target.id,
      pupilId: target.pupilId,
      on: at.slice(0, 10),
      result: 'met',
      word: '',
    };
    tablet.seq += 1;
    return {
      changeId: newId(),
      seq: tablet.seq,
      table: 'checkIns',
      recordId: id,
      op: 'create',
      values: { ...checkIn },
      hlc: encodeHlc({ wall: Date.parse(at), count: 0, node: tablet.id }),
    };
  });
  const pushed = await post(url, '/push', tablet.token, {
    protocol: PROTOCOL,
    changes,
    unsent: changes.length,
    deviceTime: new Date().toISOString(),
  });
  const { results } = JSON.parse(decoder.decode(pushed.bytes)) as PushResponse;
  if (results.some((r) => r.status !== 'applied')) throw new Error(`A load push was not applied: ${JSON.stringify(results[0])}`);
  latencies.push.push(pushed.ms);
  for (let page = 0; page < 100; page++) {
    const pulled = await post(url, '/pull', tablet.token, { protocol: PROTOCOL, cursor: tablet.cursor });
    latencies.pull.push(pulled.ms);
    const { cursor, more } = pullTail(pulled.bytes);
    tablet.cursor = cursor;
    if (!more) break;
  }
}

test('the endpoint with 50 tablets syncing at once', async () => {
  const school = JSON.parse(readFileSync(SCHOOL_FILE, 'utf8')) as SeededSchool;
  const now = new Date(school.now);
  const cursor = caughtUpCursor(school.dataDir);
  const targetsOf = school.hillside.mentors.map((m) =>
    mentorRecords(m.seed, m.id, randomUUID(), now)
      .targets.filter((t) => t.status === 'active')
      .map((t) => ({ id: t.id, pupilId: t.pupilId })),
  );
  const tablets: LoadTablet[] = school.hillside.devices.map((d) => ({
    id: d.id,
    token: d.token,
    seq: 0,
    cursor,
    targets: targetsOf[d.mentorIndex] ?? [],
  }));
  const server = await startServer(school.dataDir);
  try {
    // Baseline: one tablet alone, the same sync, several times (after one warm-up).
    const alone = { push: [] as number[], pull: [] as number[] };
    const solo = tablets[0] as LoadTablet;
    await syncOnce(server.url, solo, now, { push: [], pull: [] });
    for (let i = 0; i < 10; i++) await syncOnce(server.url, solo, now, alone);

    // One round of all 50 first, not counted: the endpoint is then as warm as a server that has
    // been up since the morning. Its first burst after starting is slower, and not because of the
    // connections (opening them first made no difference) or the load process's garbage; the
    // notes give that round's p99 too.
    const first = { push: [] as number[], pull: [] as number[] };
    await Promise.all(tablets.map((t) => syncOnce(server.url, t, now, first)));

    // 50 at once, round after round; every tablet starts each round together.
    const loaded = { push: [] as number[], pull: [] as number[] };
    const started = performance.now();
    for (let round = 0; round < ROUNDS; round++) await Promise.all(tablets.map((t) => syncOnce(server.url, t, now, loaded)));
    const seconds = (performance.now() - started) / 1000;

    const all = summarise([...loaded.push, ...loaded.pull]);
    const p = (q: number, latencies = [...loaded.push, ...loaded.pull]) => {
      const sorted = [...latencies].sort((a, b) => a - b);
      return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
    };
    const baseline = summarise([...alone.push, ...alone.pull]);
    const notes = `${tablets.length} tablets × ${ROUNDS} rounds, ${loaded.push.length + loaded.pull.length} requests in ${seconds.toFixed(1)} s; push p50 ${summarise(loaded.push).median} ms, pull p50 ${summarise(loaded.pull).median} ms; ${school.hillside.records.toLocaleString('en-GB')} records held; the first round after the endpoint started, not counted: p99 ${Math.round(p(0.99, [...first.push, ...first.pull]))} ms`;
    await record({
      id: 'endpoint-50-p50',
      group: 'Sync',
      what: 'Endpoint, 50 tablets syncing at once: request latency p50',
      unit: 'ms',
      result: all,
      baseline: { what: 'one tablet alone, p50', result: baseline },
      ratio: all.median / baseline.median,
      notes,
    });
    const p99 = p(0.99);
    await record({
      id: 'endpoint-50-p99',
      group: 'Sync',
      what: 'Endpoint, 50 tablets syncing at once: request latency p99',
      unit: 'ms',
      result: { ...summarise([p99]), n: all.n },
      baseline: { what: 'one tablet alone, p50', result: baseline },
      ratio: p99 / baseline.median,
      budget: { text: 'p99 < 200 ms', met: p99 < 200 },
    });
  } finally {
    agent.destroy();
    await server.stop();
  }
});
