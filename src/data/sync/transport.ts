/**
 * How the tablet talks to the school's endpoint: one JSON POST per request, with the tablet's
 * token, a deadline, and every failure turned into a SyncProblem in the mentor's words.
 */
import { API, type ErrorBody } from '../../shared/protocol.ts';

export interface SyncOptions {
  fetch?: typeof fetch;
  now?: () => Date;
  /** A request that has not answered after this long is given up (and retried next time). */
  timeoutMs?: number;
}

/** Why a sync stopped, in the mentor's words, with the endpoint's code when it gave one. */
export class SyncProblem extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'SyncProblem';
  }
}

/** Where the endpoint is and how this tablet proves who it is. */
export interface Link {
  serverUrl?: string;
  token?: string;
}

export const clockOf = (options: SyncOptions): (() => Date) => options.now ?? (() => new Date());

/** POSTs `body` to the endpoint's `path` (with the link's token, if it has one) and returns its answer; throws a SyncProblem for anything else. */
export async function call<T>(link: Link, path: string, body: unknown, options: SyncOptions): Promise<T> {
  const { token } = link;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), options.timeoutMs ?? 30_000);
  let response: Response;
  try {
    response = await (options.fetch ?? fetch)(new URL(`${API}${path}`, link.serverUrl).toString(), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
      signal: controller.signal,
    });
  } catch {
    throw new SyncProblem(
      'unreachable',
      'The school’s server could not be reached. Everything is kept on the tablet and will be sent later.',
    );
  } finally {
    clearTimeout(timer);
  }
  const answer = (await response.json().catch(() => null)) as (T & Partial<ErrorBody>) | null;
  if (!response.ok || !answer) {
    const error = answer?.error;
    if (error) throw new SyncProblem(error.code, error.message);
    throw new SyncProblem(
      'server_error',
      `The school’s server answered ${response.status}. Everything is kept on the tablet and will be sent later.`,
    );
  }
  return answer;
}
