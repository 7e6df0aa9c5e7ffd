/**
 * Where a safeguarding concern stands, from what the DSL recorded on it (its actions, append-only):
 * pure functions, so that every tablet and the endpoint read the same status from the same actions,
 * whichever order they arrived in. Actions are taken in the order they were recorded (createdAt,
 * then id, so two recorded in the same millisecond still have one order everywhere).
 *
 * - open: recorded, and nothing done yet beyond the DSL seeing it;
 * - in progress: an action recorded since it was (re)opened;
 * - closed: the last of its closings and reopenings is a closing.
 * A concern cannot close while an action on it is still open: one left open (a referral waiting for
 * an answer) stays open until a later action follows it up.
 */
import type { ConcernAction, ConcernActionKind } from './model.ts';

export type ConcernStatus = 'open' | 'in progress' | 'closed';

type Action = Pick<ConcernAction, 'id' | 'action' | 'createdAt' | 'stillOpen' | 'completes'>;

/** Actions that are steps in the concern's life rather than something done for the child. */
const STEPS: ReadonlySet<ConcernActionKind> = new Set(['acknowledged', 'closed', 'reopened']);

export const inOrder = <T extends Action>(actions: readonly T[]): T[] =>
  [...actions].sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));

export function concernStatus(actions: readonly Action[]): ConcernStatus {
  const ordered = inOrder(actions);
  const lastTurn = ordered.findLastIndex((a) => a.action === 'closed' || a.action === 'reopened');
  if (lastTurn >= 0 && ordered[lastTurn]?.action === 'closed') return 'closed';
  return ordered.slice(lastTurn + 1).some((a) => !STEPS.has(a.action)) ? 'in progress' : 'open';
}

/** The DSL's first acknowledgement, if they have seen it ("Seen by the DSL at 15:20"). */
export const firstAcknowledgement = <T extends Action>(actions: readonly T[]): T | undefined =>
  inOrder(actions).find((a) => a.action === 'acknowledged');

/** Actions left open that no later action has followed up. */
export function openActions<T extends Action>(actions: readonly T[]): T[] {
  const followedUp = new Set(actions.map((a) => a.completes).filter((id): id is string => id !== undefined));
  return inOrder(actions).filter((a) => a.stillOpen && !followedUp.has(a.id));
}

/** Why `next` cannot be recorded on a concern with these actions, in the DSL's words; undefined when it can. */
export function actionProblem(actions: readonly Action[], next: Pick<Action, 'action' | 'completes'>): string | undefined {
  const status = concernStatus(actions);
  if (next.action === 'closed') {
    if (status === 'closed') return 'This concern is closed already.';
    const open = openActions(actions);
    if (open.length) return `Follow up what is still open before closing the concern: ${open.map((a) => a.action).join(', ')}.`;
  }
  if (next.action === 'reopened' && status !== 'closed') return 'Only a closed concern can be reopened.';
  if (next.completes !== undefined && !openActions(actions).some((a) => a.id === next.completes)) {
    return 'The action this follows up is not one still open on this concern.';
  }
  return undefined;
}

/**
 * How a concern stands in the DSL's queue, most pressing first:
 * - overdue: not acknowledged, and longer than the school allows (`escalate-after`, the time after
 *   which the deputies are e-mailed) since it reached the school;
 * - new: not acknowledged, and not yet opened by this DSL;
 * - unacknowledged: opened by this DSL, not yet acknowledged;
 * - open: acknowledged, not closed;
 * - closed.
 */
export type Urgency = 'overdue' | 'new' | 'unacknowledged' | 'open' | 'closed';
export const URGENCIES: readonly Urgency[] = ['overdue', 'new', 'unacknowledged', 'open', 'closed'];

export function urgencyOf(
  concern: { createdAt: string; receivedAt?: string | undefined },
  actions: readonly Action[],
  openedByMe: boolean,
  now: Date,
  overdueAfterMinutes: number,
): Urgency {
  if (concernStatus(actions) === 'closed') return 'closed';
  if (firstAcknowledgement(actions)) return 'open';
  // Waiting is counted by the school's clock where it can be: a tablet's clock may be wrong.
  const waitedMs = now.getTime() - Date.parse(concern.receivedAt ?? concern.createdAt);
  if (waitedMs >= overdueAfterMinutes * 60_000) return 'overdue';
  return openedByMe ? 'unacknowledged' : 'new';
}

/** What the DSL's queue needs to know of the tablet: its mentor, and how long the school lets a concern wait. */
export interface Queue {
  me: string | undefined;
  overdueAfterMinutes: number;
  now: Date;
}

/** Where a concern, with its actions and who has opened it, stands in this tablet's mentor's queue. */
export const urgencyIn = (
  s: { concern: Parameters<typeof urgencyOf>[0]; actions: readonly Action[]; openedBy: ReadonlySet<string> },
  q: Queue,
): Urgency => urgencyOf(s.concern, s.actions, q.me !== undefined && s.openedBy.has(q.me), q.now, q.overdueAfterMinutes);
