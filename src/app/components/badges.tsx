import type { Session } from '../../shared/model.ts';

/** A safeguarding concern is marked the same way wherever the note appears. */
export function ConcernBadge() {
  return (
    <span class="badge badge-concern">
      <span aria-hidden="true">⚠ </span>Safeguarding concern
    </span>
  );
}

export function WithdrawnBadge() {
  return <span class="badge badge-withdrawn">Withdrawn</span>;
}

export function SessionBadges({ session }: { session: Pick<Session, 'concern' | 'withdrawnAt'> }) {
  return (
    <>
      {session.concern && <ConcernBadge />}
      {session.withdrawnAt && <WithdrawnBadge />}
    </>
  );
}
