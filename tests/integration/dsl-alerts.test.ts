/**
 * The DSLs are e-mailed when a concern reaches the school, and the deputies when no DSL has
 * acknowledged it in the school's time: through a real SMTP server (smtp-server) started by the
 * test on 127.0.0.1, the real sync engine and server code over SQLite.
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import { recordConcern, recordConcernAction } from '../../src/data/concerns.ts';
import { addPupil } from '../../src/data/pupils.ts';
import { deliverAlerts, retryAfterMs, smtpMailer } from '../../src/server/alerts.ts';
import { pupil } from '../unit/helpers.ts';
import { inProcessSchool } from './in-process.ts';

interface Received {
  to: string[];
  data: string;
}

const servers: SMTPServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((done) => s.close(() => done(undefined)))));
});

/** A mail server on 127.0.0.1 that keeps what it is given. */
async function mailServer(): Promise<{ url: string; received: Received[]; stop: () => Promise<void> }> {
  const received: Received[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, done) {
      let data = '';
      stream.on('data', (chunk: Buffer) => {
        data += chunk.toString('utf8');
      });
      stream.on('end', () => {
        received.push({ to: session.envelope.rcptTo.map((r) => r.address), data });
        done();
      });
    },
  });
  servers.push(server);
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    stop: () => new Promise((done) => server.close(() => done())),
  };
}

const CHILD = 'Maya Okafor';
const SAID = 'She said her stepdad hits her';

async function aSchoolWithDsls() {
  const school = inProcessSchool();
  const sam = await school.tablet('Sam Patel');
  const dana = await school.tablet('Dana Lead');
  const priya = await school.tablet('Priya Shah');
  school.store.setRole(dana.mentorId, 'dsl');
  school.store.setRole(priya.mentorId, 'deputy dsl');
  school.store.setEmail(dana.mentorId, 'dana.lead@hillside.sch.uk');
  school.store.setEmail(priya.mentorId, 'priya.shah@hillside.sch.uk');
  school.store.setEmail(sam.mentorId, 'sam.patel@hillside.sch.uk');
  const maya = await addPupil(sam.db, pupil({ name: CHILD, preferredName: '' }));
  const concern = await recordConcern(sam.db, {
    pupilId: maya,
    category: 'physical abuse',
    account: `${SAID}.`,
    noticedAt: '2026-11-12T10:05:00.000Z',
    toldWhom: '',
  });
  await sam.sync();
  return { school, sam, dana, priya, concern };
}

/** A message's headers and its text, quoted-printable undone. */
function read(data: string): string {
  const [head, ...rest] = data.split('\r\n\r\n');
  const body = rest.join('\r\n\r\n').replace(/=\r?\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < body.length; i++) {
    const hex = body[i] === '=' ? body.slice(i + 1, i + 3) : '';
    if (/^[0-9A-F]{2}$/.test(hex)) {
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else bytes.push(...Buffer.from(body[i] as string));
  }
  return `${head}\n\n${Buffer.from(bytes).toString('utf8')}`;
}

/** When the concern reached the school, by its alert. */
const arrived = (school: ReturnType<typeof inProcessSchool>, concern: string) =>
  Date.parse(school.store.alerts(concern)[0]?.receivedAt ?? '');

describe('the DSLs are told of a concern', () => {
  it('by an e-mail to each DSL through the school’s mail server, naming who recorded it and when, and no child nor anything said', async () => {
    const mail = await mailServer();
    const { school, concern } = await aSchoolWithDsls();
    const at = new Date(arrived(school, concern));
    expect(await deliverAlerts(school.store, smtpMailer(mail.url, 'waymark@hillside.sch.uk'), at)).toEqual({ sent: 1, failed: 0 });
    expect(mail.received.map((m) => m.to)).toEqual([['dana.lead@hillside.sch.uk']]);
    const message = read(mail.received[0]?.data ?? '');
    const time = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', timeZone: 'Europe/London' }).format(at);
    expect(message).toContain(`A new concern was recorded by Sam Patel at ${time}; open Waymark.`);
    expect(message).toMatch(/^Subject: Waymark: a new safeguarding concern$/m);
    for (const secret of [CHILD, 'Maya', 'Okafor', SAID, 'physical']) expect(message).not.toContain(secret);
    // Sent once.
    expect(await deliverAlerts(school.store, smtpMailer(mail.url, 'waymark@hillside.sch.uk'), new Date(at.getTime() + 1000))).toEqual({
      sent: 0,
      failed: 0,
    });
  });

  it('and the deputies, once, when no DSL has acknowledged it in the school’s time', async () => {
    const mail = await mailServer();
    const { school, concern } = await aSchoolWithDsls();
    school.store.setEscalateAfterMinutes(school.store.schools()[0]?.id ?? '', 30);
    const mailer = smtpMailer(mail.url, 'waymark@hillside.sch.uk');
    const start = arrived(school, concern);
    await deliverAlerts(school.store, mailer, new Date(start));
    await deliverAlerts(school.store, mailer, new Date(start + 29 * 60_000));
    expect(mail.received.map((m) => m.to)).toEqual([['dana.lead@hillside.sch.uk']]);
    await deliverAlerts(school.store, mailer, new Date(start + 30 * 60_000));
    // At the school's time exactly, not a moment later.
    expect(mail.received.map((m) => m.to)).toEqual([['dana.lead@hillside.sch.uk'], ['priya.shah@hillside.sch.uk']]);
    await deliverAlerts(school.store, mailer, new Date(start + 90 * 60_000));
    expect(mail.received.map((m) => m.to)).toEqual([['dana.lead@hillside.sch.uk'], ['priya.shah@hillside.sch.uk']]);
    const escalation = read(mail.received[1]?.data ?? '');
    expect(escalation).toMatch(/^Subject: Waymark: a safeguarding concern no DSL has seen yet$/m);
    expect(escalation).toMatch(
      /A concern recorded by Sam Patel at \d\d:\d\d has not been acknowledged by the Designated Safeguarding Lead; open Waymark\./,
    );
    for (const secret of [CHILD, SAID, 'physical']) expect(escalation).not.toContain(secret);
  });

  it('not the deputies once a DSL has acknowledged it in time', async () => {
    const mail = await mailServer();
    const { school, dana, concern } = await aSchoolWithDsls();
    const mailer = smtpMailer(mail.url, 'waymark@hillside.sch.uk');
    const start = arrived(school, concern);
    await deliverAlerts(school.store, mailer, new Date(start));
    await dana.sync();
    await recordConcernAction(dana.db, { concernId: concern, action: 'acknowledged', note: '', on: '2026-11-12', stillOpen: false });
    await dana.sync();
    await deliverAlerts(school.store, mailer, new Date(start + 120 * 60_000));
    expect(mail.received.map((m) => m.to)).toEqual([['dana.lead@hillside.sch.uk']]);
  });

  it('again later when the mail server is down, and the reason is kept meanwhile', async () => {
    const mail = await mailServer();
    const { school, concern } = await aSchoolWithDsls();
    await mail.stop();
    const start = arrived(school, concern);
    const mailer = smtpMailer(mail.url, 'waymark@hillside.sch.uk');
    expect(await deliverAlerts(school.store, mailer, new Date(start))).toEqual({ sent: 0, failed: 1 });
    expect(school.store.alerts(concern)[0]).toMatchObject({
      sentAt: null,
      attempts: 1,
      problem: expect.stringMatching(/mail server did not take/),
    });
    // Not before a minute has passed.
    const again = await mailServer();
    const back = smtpMailer(again.url, 'waymark@hillside.sch.uk');
    expect(await deliverAlerts(school.store, back, new Date(start + 30_000))).toEqual({ sent: 0, failed: 0 });
    expect(await deliverAlerts(school.store, back, new Date(start + 60_000))).toEqual({ sent: 1, failed: 0 });
    expect(again.received).toHaveLength(1);
    expect(school.store.alerts(concern)[0]).toMatchObject({ attempts: 2, problem: null, sentAt: expect.any(String) });
  });

  it('the server’s log says why a message did not go, how many tries it has had, and when the DSLs were told; never the child', async () => {
    const mail = await mailServer();
    const { school, concern } = await aSchoolWithDsls();
    await mail.stop();
    const logged: [string, Record<string, unknown>, string][] = [];
    const log = {
      warn: (fields: Record<string, unknown>, message: string) => logged.push(['warn', fields, message]),
      info: (fields: Record<string, unknown>, message: string) => logged.push(['info', fields, message]),
    } as unknown as NonNullable<NonNullable<Parameters<typeof deliverAlerts>[3]>['log']>;
    const start = arrived(school, concern);
    await deliverAlerts(school.store, smtpMailer(mail.url, 'waymark@hillside.sch.uk'), new Date(start), { log });
    const again = await mailServer();
    await deliverAlerts(school.store, smtpMailer(again.url, 'waymark@hillside.sch.uk'), new Date(start + 60_000), { log });
    expect(logged).toEqual([
      [
        'warn',
        { concernId: concern, kind: 'new', attempts: 1 },
        expect.stringMatching(/^The school’s mail server did not take the message: /),
      ],
      ['info', { concernId: concern, kind: 'new', to: 1 }, 'told the DSLs of a concern'],
    ]);
    expect(JSON.stringify(logged)).not.toContain(CHILD);
  });

  it('in the school’s time zone, as the endpoint is set', async () => {
    const mail = await mailServer();
    const { school, concern } = await aSchoolWithDsls();
    const start = arrived(school, concern);
    await deliverAlerts(school.store, smtpMailer(mail.url, 'waymark@hillside.sch.uk'), new Date(start), { timeZone: 'America/New_York' });
    const local = new Intl.DateTimeFormat('en-GB', { timeZone: 'America/New_York', hour: '2-digit', minute: '2-digit' }).format(
      new Date(start),
    );
    expect(read(mail.received[0]?.data ?? '')).toContain(`at ${local}`);
  });

  it('names the mentor as “a mentor” when the school no longer lists who recorded it', async () => {
    const { school, concern } = await aSchoolWithDsls();
    const sent: { text: string }[] = [];
    const mailer = async (m: { text: string }) => {
      sent.push(m);
    };
    // The store as it answers once the mentor who recorded it is no longer among the school's.
    const forgetful = new Proxy(school.store, { get: (store, key) => (key === 'mentor' ? () => undefined : Reflect.get(store, key)) });
    await deliverAlerts(forgetful, mailer as Parameters<typeof deliverAlerts>[1], new Date(arrived(school, concern)));
    expect(sent.map((m) => m.text)).toEqual([
      expect.stringMatching(/^A new concern was recorded by a mentor at \d\d:\d\d; open Waymark\.$/),
    ]);
  });

  it('tries again after a minute, then two, four, and no less often than hourly', () => {
    expect([1, 2, 3, 4, 7, 8, 20].map((attempts) => retryAfterMs(attempts) / 60_000)).toEqual([1, 2, 4, 8, 60, 60, 60]);
  });

  it('says so when no deputy has an e-mail address to escalate to', async () => {
    const mail = await mailServer();
    const { school, priya, concern } = await aSchoolWithDsls();
    school.store.setEmail(priya.mentorId, null);
    const start = arrived(school, concern);
    const mailer = smtpMailer(mail.url, 'w@h.sch.uk');
    await deliverAlerts(school.store, mailer, new Date(start));
    expect(await deliverAlerts(school.store, mailer, new Date(start + 60 * 60_000))).toEqual({ sent: 0, failed: 1 });
    expect(school.store.alerts(concern).find((a) => a.kind === 'escalated')?.problem).toMatch(/No deputy DSL has an e-mail address/);
  });

  it('says, and keeps trying, when no DSL has an e-mail address', async () => {
    const mail = await mailServer();
    const { school, dana, concern } = await aSchoolWithDsls();
    school.store.setEmail(dana.mentorId, null);
    const start = arrived(school, concern);
    expect(await deliverAlerts(school.store, smtpMailer(mail.url, 'w@h.sch.uk'), new Date(start))).toEqual({ sent: 0, failed: 1 });
    expect(school.store.alerts(concern)[0]?.problem).toMatch(
      /No Designated Safeguarding Lead has an e-mail address: npm run admin -- set-email/,
    );
    school.store.setEmail(dana.mentorId, 'dana@hillside.sch.uk');
    expect(await deliverAlerts(school.store, smtpMailer(mail.url, 'w@h.sch.uk'), new Date(start + 60_000))).toEqual({ sent: 1, failed: 0 });
  });
});
