import { WaymarkDB } from '../../src/data/index.ts';
import type { PupilInput } from '../../src/data/pupils.ts';
import type { TargetInput } from '../../src/data/targets.ts';

let n = 0;
/** A fresh, empty tablet database for each test. */
export function freshDb(): WaymarkDB {
  n += 1;
  return new WaymarkDB(`waymark-test-${process.pid}-${n}-${Date.now()}`);
}

export const pupil = (overrides: Partial<PupilInput> = {}): PupilInput => ({
  name: 'Jacob Smith',
  preferredName: 'Jake',
  yearGroup: 'Year 9',
  form: '9R',
  schoolRef: '',
  referralReasons: ['attendance'],
  referralOther: '',
  referredBy: 'Head of Year 9',
  consent: 'given',
  startOn: '2026-09-07',
  contacts: [],
  whatHelps: 'Time to settle before talking.',
  ...overrides,
});

export const target = (pupilId: string, overrides: Partial<TargetInput> = {}): TargetInput => ({
  pupilId,
  wording: 'Hand in maths homework on time',
  howWeKnow: 'Mr Patel signs the planner',
  rhythm: 'daily',
  weekdays: [],
  startOn: '2026-11-02',
  ...overrides,
});
