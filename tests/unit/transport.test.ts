/**
 * One request from the tablet to the school's endpoint (src/data/sync/transport.ts): what is sent,
 * and every way it can fail, each turned into a problem in the mentor's words.
 */
import { describe, expect, it } from 'vitest';
import { call, SyncProblem } from '../../src/data/sync/transport.ts';
import { retryDelayMs } from '../../src/data/sync-state.ts';

const link = { serverUrl: 'https://waymark.hillside.test', token: 'secret-token' };
const answering =
  (status: number, body: string): typeof fetch =>
  async () =>
    new Response(body, { status, headers: { 'content-type': 'application/json' } });

describe('a request to the endpoint', () => {
  it('posts JSON to the API path on the school’s address, with the tablet’s token', async () => {
    const sent: { url: string; init: RequestInit }[] = [];
    const fetch: typeof globalThis.fetch = async (url, init) => {
      sent.push({ url: String(url), init: init ?? {} });
      return new Response('{"ok":true}', { status: 200 });
    };
    expect(await call(link, '/push', { protocol: 1 }, { fetch })).toEqual({ ok: true });
    expect(sent[0]?.url).toBe('https://waymark.hillside.test/api/v1/push');
    expect(sent[0]?.init.method).toBe('POST');
    expect(sent[0]?.init.body).toBe('{"protocol":1}');
    expect(sent[0]?.init.headers).toEqual({ 'content-type': 'application/json', authorization: 'Bearer secret-token' });
  });

  it('sends no token where the link has none (enrolment)', async () => {
    let headers: unknown;
    const fetch: typeof globalThis.fetch = async (_, init) => {
      headers = init?.headers;
      return new Response('{}', { status: 200 });
    };
    await call({ serverUrl: link.serverUrl }, '/enrol', {}, { fetch });
    expect(headers).toEqual({ 'content-type': 'application/json' });
  });

  it.each([
    [
      'the network is down',
      'unreachable',
      (async () => Promise.reject(new TypeError('Failed to fetch'))) as typeof fetch,
      /could not be reached/,
    ],
    ['the endpoint answers 500 with no JSON', 'server_error', answering(500, '<html>oops</html>'), /answered 500\. Everything is kept/],
    ['the endpoint answers 200 with no JSON', 'server_error', answering(200, 'not json'), /answered 200/],
    ['the endpoint answers 502 with an empty body', 'server_error', answering(502, ''), /answered 502/],
    [
      'the endpoint refuses in words',
      'device_revoked',
      answering(403, '{"error":{"code":"device_revoked","message":"This tablet was removed."}}'),
      /^This tablet was removed\.$/,
    ],
    ['the endpoint answers an error with JSON but no error', 'server_error', answering(400, '{"nothing":1}'), /answered 400/],
  ] as const)('%s: a problem with code %s', async (_, code, fetch, message) => {
    const failing = call(link, '/pull', {}, { fetch });
    await expect(failing).rejects.toBeInstanceOf(SyncProblem);
    await expect(failing).rejects.toMatchObject({ code, message: expect.stringMatching(message) });
  });

  it('gives up on an endpoint that does not answer, and says it could not be reached', async () => {
    const hanging: typeof fetch = (_, init) =>
      new Promise((_, reject) => init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))));
    await expect(call(link, '/pull', {}, { fetch: hanging, timeoutMs: 20 })).rejects.toMatchObject({ code: 'unreachable' });
  });
});

describe('waiting after failed syncs', () => {
  it.each([
    [0, 30_000],
    [1, 30_000],
    [2, 60_000],
    [3, 120_000],
    [6, 960_000],
    [7, 1_800_000],
    [20, 1_800_000],
  ])('after %i failures in a row, the next try is in %i ms', (failures, ms) => {
    expect(retryDelayMs(failures)).toBe(ms);
  });
});
