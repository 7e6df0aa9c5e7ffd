/**
 * A pupil's concerns' audit trail, as the school's endpoint keeps it (src/server/audit.ts): who
 * recorded, changed, acted on, opened or was sent each concern, and when. It is kept at the school,
 * not on any tablet, so it is asked for when wanted, online; the endpoint answers only the DSL and
 * the deputies.
 */
import { type AuditEntry, type AuditResponse, PROTOCOL } from '../../shared/protocol.ts';
import type { WaymarkDB } from '../db.ts';
import { call, type SyncOptions, SyncProblem } from './transport.ts';

export async function auditTrailOf(db: WaymarkDB, pupilId: string, options: SyncOptions = {}): Promise<AuditEntry[]> {
  const link = await db.sync.get('sync');
  if (!link?.serverUrl || !link.token) {
    throw new SyncProblem('not_linked', 'The audit trail is kept at the school: link this tablet to the school’s Waymark to see it.');
  }
  try {
    return (await call<AuditResponse>(link, '/audit', { protocol: PROTOCOL, pupilId }, options)).entries;
  } catch (error) {
    if (error instanceof SyncProblem && error.code === 'unreachable') {
      throw new SyncProblem(
        'unreachable',
        'The audit trail is kept at the school, whose server cannot be reached now: try again on the school’s Wi-Fi.',
      );
    }
    throw error;
  }
}
