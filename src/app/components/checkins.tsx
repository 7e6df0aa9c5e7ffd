/** Checking a target in with one tap, and the strip of recent check-ins. */
import { checkIn, undoCheckIn } from '../../data/index.ts';
import { shortDay } from '../../shared/dates.ts';
import { CHECK_IN_RESULTS, type CheckIn, type CheckInResult, type Target } from '../../shared/model.ts';
import { checkInStrip, type Day } from '../../shared/schedule.ts';
import { db } from '../notebook.ts';
import { showToast } from '../toast.ts';

export const RESULT_LABELS: Record<CheckInResult, string> = { met: 'Met', partly: 'Partly', 'not met': 'Not met' };
const RESULT_SYMBOLS: Record<CheckInResult, string> = { met: '✓', partly: '½', 'not met': '✗' };

export interface CheckInTapEvents {
  /** Called at the tap, before the save: the screen can show it at once. */
  onTap?: (result: CheckInResult) => void;
  /** The save failed (the message says why): whatever the screen showed at the tap is undone. */
  onFailed?: () => void;
}

/** Three big buttons; a tap saves at once and offers Undo and an optional word. */
export function CheckInButtons({
  target,
  day,
  current,
  who,
  onTap,
  onFailed,
}: { target: Target; day: Day; current?: CheckInResult; who: string } & CheckInTapEvents) {
  const tap = async (result: CheckInResult) => {
    onTap?.(result);
    try {
      const done = await checkIn(db, { targetId: target.id, pupilId: target.pupilId, on: day, result });
      showToast({
        message: `${who}: ${RESULT_LABELS[result].toLowerCase()} – “${target.wording}”`,
        action: { label: 'Undo', run: () => undoCheckIn(db, done) },
        word: {
          label: 'Add a word',
          save: (word) => checkIn(db, { targetId: target.id, pupilId: target.pupilId, on: day, result, word }).then(() => undefined),
        },
        focus: true,
      });
    } catch (error) {
      onFailed?.();
      showToast({ message: (error as Error).message });
    }
  };
  return (
    <fieldset class="checkin-buttons">
      <legend class="visually-hidden">Check in “{target.wording}”</legend>
      {CHECK_IN_RESULTS.map((r) => (
        <button type="button" key={r} class={`checkin checkin-${r.replace(' ', '-')}`} aria-pressed={current === r} onClick={() => tap(r)}>
          <span aria-hidden="true">{RESULT_SYMBOLS[r]}</span> {RESULT_LABELS[r]}
        </button>
      ))}
    </fieldset>
  );
}

/**
 * The last few weeks of check-ins as a row of coloured cells. Read out as one sentence rather than
 * cell by cell (a strip is 20 cells; five targets would be 100 stops for a screen reader), and
 * light to draw: a pupil's page shows one per target, and they were half of its elements.
 */
export function CheckInStrip({ target, checkIns, today }: { target: Target; checkIns: CheckIn[]; today: Day }) {
  const cells = checkInStrip(target, checkIns, today);
  const unit = target.rhythm === 'weekly' ? 'week of ' : '';
  const described = cells.map((c) => {
    const what = c.result ? RESULT_LABELS[c.result] : c.expected ? 'no check-in' : 'not expected';
    return `${unit}${shortDay(c.day)}: ${what}${c.word ? ` (“${c.word}”)` : ''}`;
  });
  return (
    <p class="strip" role="img" aria-label={`Recent check-ins, oldest first: ${described.join('; ')}`}>
      {cells.map((c, i) => (
        <span
          key={c.day}
          class={`cell ${c.result ? `cell-${c.result.replace(' ', '-')}` : c.expected ? 'cell-missing' : 'cell-off'}`}
          title={described[i]}
        >
          {c.result ? RESULT_SYMBOLS[c.result] : ''}
        </span>
      ))}
    </p>
  );
}

export const rhythmText = (t: Pick<Target, 'rhythm' | 'weekdays'>): string => {
  if (t.rhythm === 'daily') return 'Every school day';
  if (t.rhythm === 'weekly') return 'Once a week';
  const names = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
  return `On ${t.weekdays
    .slice()
    .sort()
    .map((d) => names[d - 1])
    .join(', ')}`;
};
