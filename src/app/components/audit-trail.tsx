/**
 * For the DSL and the deputies, on a concern's page: who recorded, changed, acted on, opened or was
 * sent the concern, on which tablet and when, in order, as the school's endpoint keeps it. Asked for
 * with a tap, online: the trail is kept at the school, not on the tablet.
 */
import { useState } from 'preact/hooks';
import { auditTrailOf } from '../../data/index.ts';
import { relativeMoment } from '../../shared/dates.ts';
import type { AuditEntry } from '../../shared/protocol.ts';
import { db } from '../notebook.ts';

export function AuditTrail({ pupilId, concernId }: { pupilId: string; concernId: string }) {
  const [state, setState] = useState<{ entries?: AuditEntry[]; problem?: string; asking: boolean }>({ asking: false });
  const ask = async () => {
    setState({ asking: true });
    try {
      const entries = (await auditTrailOf(db, pupilId)).filter((e) => e.concernId === concernId);
      setState({ entries, asking: false });
    } catch (error) {
      setState({ problem: (error as Error).message, asking: false });
    }
  };
  const now = new Date();
  return (
    <section class="card" aria-labelledby="audit-h">
      <h2 id="audit-h">Who saw or changed it</h2>
      {state.entries === undefined && (
        <button type="button" class="secondary" disabled={state.asking} onClick={() => void ask()}>
          {state.asking ? 'Asking the school…' : 'Show the audit trail'}
        </button>
      )}
      {state.problem && (
        <p class="problem" role="alert">
          {state.problem}
        </p>
      )}
      {state.entries && (
        <ol class="plain audit-trail">
          {state.entries.map((e, i) => (
            <li key={i}>
              {relativeMoment(e.at, now)}: <strong>{e.mentor}</strong> {e.what}, on {e.tablet}
              {e.receivedAt && e.receivedAt !== e.at ? ` (at the school ${relativeMoment(e.receivedAt, now)})` : ''}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
