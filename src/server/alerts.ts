/**
 * Telling the DSLs: the endpoint e-mails the school's DSLs, through the school's own SMTP server,
 * when a concern reaches it, and the deputies when no DSL has acknowledged one in the time the
 * school sets (`npm run admin -- escalate-after`). A message names no child and holds nothing of
 * the concern: who recorded one, and when; the DSL opens Waymark to read it.
 *
 * Each message is queued in the push's own transaction (a concern that reached the school is never
 * left unannounced by a crash), and sent by `deliverAlerts`, which the server runs every half
 * minute: one that fails (the mail server down, no DSL with an address) is tried again later, and
 * the IT person sees why in the log.
 */
import nodemailer from 'nodemailer';
import type { Logger } from 'pino';
import type { Role } from '../shared/roles.ts';
import type { Alert, Store } from './store.ts';

export interface Message {
  to: string[];
  subject: string;
  text: string;
}

/** Sends one e-mail, or throws why not. */
export type Mailer = (message: Message) => Promise<void>;

/** A mailer through the SMTP server at `url` (smtp://user:password@mail.school.sch.uk:587, or smtps:// for port 465). */
export function smtpMailer(url: string, from: string): Mailer {
  const transport = nodemailer.createTransport(url);
  return async (message) => {
    await transport.sendMail({ from, ...message });
  };
}

/** How long after a failed attempt the next one is made: a minute, doubling to an hour. */
export const retryAfterMs = (attempts: number): number => Math.min(60_000 * 2 ** Math.max(0, attempts - 1), 60 * 60_000);

/** A time of day as the school reads it. */
const timeOfDay = (at: string, timeZone: string) =>
  new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', timeZone }).format(new Date(at));

/** What the message says: who recorded a concern and when, and nothing of what it is about or whom. */
export function alertMessage(alert: Pick<Alert, 'kind' | 'receivedAt'>, author: string, timeZone: string): Omit<Message, 'to'> {
  const at = timeOfDay(alert.receivedAt, timeZone);
  if (alert.kind === 'new') {
    return {
      subject: 'Waymark: a new safeguarding concern',
      text: `A new concern was recorded by ${author} at ${at}; open Waymark.`,
    };
  }
  return {
    subject: 'Waymark: a safeguarding concern no DSL has seen yet',
    text: `A concern recorded by ${author} at ${at} has not been acknowledged by the Designated Safeguarding Lead; open Waymark.`,
  };
}

/** Who is told: the DSLs of a new concern; the deputies of one no DSL acknowledged in time. */
export function recipients(store: Store, alert: Alert): string[] {
  const role: Role = alert.kind === 'new' ? 'dsl' : 'deputy dsl';
  return store
    .mentors(alert.schoolId)
    .filter((m) => m.role === role && m.email)
    .map((m) => m.email as string);
}

const NO_ONE_TO_TELL: Record<Alert['kind'], string> = {
  new: 'No Designated Safeguarding Lead has an e-mail address: npm run admin -- set-email MENTOR_ID ADDRESS',
  escalated: 'No deputy DSL has an e-mail address: npm run admin -- set-email MENTOR_ID ADDRESS',
};

/**
 * Queues the deputies' alert for each concern no DSL acknowledged within its school's time, then
 * sends every alert due (new, or due to be tried again). Returns how many went and how many failed.
 */
export async function deliverAlerts(
  store: Store,
  mailer: Mailer,
  now: Date,
  options: { timeZone?: string; log?: Pick<Logger, 'warn' | 'info'> } = {},
): Promise<{ sent: number; failed: number }> {
  const timeZone = options.timeZone ?? 'Europe/London';
  for (const waiting of store.awaitingAcknowledgement()) {
    const after = store.escalateAfterMinutes(waiting.schoolId) * 60_000;
    if (now.getTime() - Date.parse(waiting.receivedAt) >= after) store.escalate(waiting, now.toISOString());
  }
  let sent = 0;
  let failed = 0;
  for (const alert of store.unsentAlerts()) {
    if (alert.triedAt && now.getTime() - Date.parse(alert.triedAt) < retryAfterMs(alert.attempts)) continue;
    const to = recipients(store, alert);
    let problem: string | undefined;
    if (to.length === 0) problem = NO_ONE_TO_TELL[alert.kind];
    else {
      try {
        await mailer({ to, ...alertMessage(alert, store.mentor(alert.authorId)?.name ?? 'a mentor', timeZone) });
      } catch (error) {
        problem = `The school’s mail server did not take the message: ${(error as Error).message}`;
      }
    }
    store.noteAlertTried(alert.concernId, alert.kind, now.toISOString(), problem);
    if (problem) {
      failed++;
      options.log?.warn({ concernId: alert.concernId, kind: alert.kind, attempts: alert.attempts + 1 }, problem);
    } else {
      sent++;
      options.log?.info({ concernId: alert.concernId, kind: alert.kind, to: to.length }, 'told the DSLs of a concern');
    }
  }
  return { sent, failed };
}
