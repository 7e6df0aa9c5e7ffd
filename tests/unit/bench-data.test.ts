/**
 * The benchmarks' data generator: its figures mean something only if the tablet it makes is the
 * one the issue describes, every record would be accepted by the app and the endpoint, and the
 * same seed gives the same tablet.
 */

import { parse } from 'valibot';
import { describe, expect, it } from 'vitest';
import { asChanges, generateMentor, THREE_YEARS } from '../../bench/generate.ts';
import { PushChangeSchema } from '../../src/shared/protocol.ts';
import { validate } from '../../src/shared/validation.ts';

const options = {
  seed: 7,
  now: new Date('2026-11-24T15:30:00.000Z'),
  mentorId: 'mentor-1',
  deviceId: '0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b',
};

describe('bench data generator', () => {
  const tablet = generateMentor(options);

  it('makes three years of one mentor at the sizes in DOMAIN.md', () => {
    expect(tablet.pupils.filter((p) => p.status === 'active')).toHaveLength(THREE_YEARS.openPupils);
    expect(tablet.pupils.filter((p) => p.status === 'closed')).toHaveLength(THREE_YEARS.closedPupils);
    expect(tablet.targets.filter((t) => t.status === 'active')).toHaveLength(THREE_YEARS.activeTargets);
    expect(tablet.targets.filter((t) => t.status !== 'active')).toHaveLength(THREE_YEARS.pastTargets);
    expect(tablet.checkIns).toHaveLength(50_000);
    expect(tablet.sessions).toHaveLength(10_000);
    const days = tablet.sessions.map((s) => s.occurredAt.slice(0, 10)).sort();
    expect(Date.parse(days.at(-1) as string) - Date.parse(days[0] as string)).toBeGreaterThan(2.5 * 365 * 86_400_000);
  });

  it('writes notes of a realistic length, some long, a few concerns', () => {
    const lengths = tablet.sessions.map((s) => s.note.length).sort((a, b) => a - b);
    expect(lengths[Math.floor(lengths.length / 2)]).toBeGreaterThan(150);
    expect(lengths.at(-1)).toBeGreaterThan(1500);
    const concerns = tablet.sessions.filter((s) => s.concern).length;
    expect(concerns).toBeGreaterThan(50);
    expect(concerns).toBeLessThan(500);
  });

  it('gives the longest-supported pupil three years of notes', () => {
    const theirs = tablet.sessions.filter((s) => s.pupilIds.includes(tablet.longestSupported.id));
    expect(theirs.length).toBeGreaterThan(300);
    expect(tablet.longestSupported.status).toBe('active');
  });

  it('makes only records the app and the endpoint accept, with unique ids and one check-in per target a day', () => {
    for (const p of tablet.pupils) validate('pupils', p);
    for (const t of tablet.targets) validate('targets', t);
    for (const c of tablet.checkIns) validate('checkIns', c);
    for (const s of tablet.sessions) validate('sessions', s);
    const ids = [...tablet.pupils, ...tablet.targets, ...tablet.checkIns, ...tablet.sessions].map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    const perTargetDay = new Set(tablet.checkIns.map((c) => `${c.targetId} ${c.on}`));
    expect(perTargetDay.size).toBe(tablet.checkIns.length);
    expect(tablet.checkIns.every((c) => c.on < '2026-11-24')).toBe(true);
    expect([...tablet.sessions, ...tablet.checkIns].every((r) => r.createdAt <= options.now.toISOString())).toBe(true);
  });

  it('is the same tablet from the same seed, and another from another seed', () => {
    const again = generateMentor(options);
    expect(JSON.stringify(again)).toBe(JSON.stringify(tablet));
    const other = generateMentor({ ...options, seed: 8 });
    expect(other.pupils[0]?.id).not.toBe(tablet.pupils[0]?.id);
    // Two more three-year tablets: seconds of work on a busy 2-core machine. The limit is there to
    // stop a hang, not to time anything.
  }, 60_000);

  it('turns the records into pushable creates, in order, with clocks that never go back', () => {
    const changes = asChanges(tablet);
    expect(changes).toHaveLength(62_110);
    for (const c of changes.slice(0, 2000)) parse(PushChangeSchema, c);
    expect(changes.map((c) => c.seq)).toEqual(changes.map((_, i) => i + 1));
    expect(changes.every((c, i) => i === 0 || c.hlc > (changes[i - 1]?.hlc as string))).toBe(true);
  });
});
