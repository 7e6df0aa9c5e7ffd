/** Linking a tablet to the school's endpoint with a one-time code. */
import { SYNCED_TABLES } from '../../shared/model.ts';
import { type EnrolResponse, PROTOCOL } from '../../shared/protocol.ts';
import { thisDevice } from '../commit.ts';
import type { SyncState, WaymarkDB } from '../db.ts';
import { withSyncLock } from '../locks.ts';
import { syncState } from '../sync-state.ts';
import { call, type SyncOptions } from './transport.ts';

/** Links this tablet to the school's endpoint with a one-time code; its records stay as they are. */
export async function enrolTablet(
  db: WaymarkDB,
  serverUrl: string,
  code: string,
  deviceName: string,
  options: SyncOptions = {},
): Promise<SyncState> {
  // Never while a sync with the old token is running: its answer must not land after this one.
  return withSyncLock(async () => {
    const device = await thisDevice(db);
    const url = new URL(serverUrl.trim()).origin;
    const state = { ...(await syncState(db)), serverUrl: url };
    // The code is the proof: a token from an earlier enrolment is not sent with it.
    const answer = await call<EnrolResponse>(
      { serverUrl: url },
      '/enrol',
      { protocol: PROTOCOL, deviceId: device.deviceId, code, deviceName },
      options,
    );
    const enrolled: SyncState = {
      ...state,
      token: answer.token,
      school: answer.school,
      mentor: answer.mentor,
      problem: undefined,
      failures: 0,
      ...(answer.wiped ? { wiped: answer.wiped } : {}),
    };
    const tables = SYNCED_TABLES.map((t) => db.table(t));
    // Linked to another school's endpoint (or a school's new one, started afresh: its id is new
    // too), the changes this tablet delivered to the last one are never sent there again: they
    // are about that school's pupils, for its staff alone.
    const anotherSchool = state.school !== undefined && state.school.id !== answer.school.id;
    await db.transaction('rw', [db.sync, db.device, db.delivered, ...tables], async () => {
      if (anotherSchool) await db.delivered.clear();
      await db.sync.put(enrolled);
      // From now on this tablet's records say which mentor wrote them; those written before
      // enrolling get the mentor the endpoint will stamp on them when they arrive, so both agree.
      await db.device.put({ ...(await thisDevice(db)), mentorId: answer.mentor.id });
      for (const table of tables) {
        await table
          .filter((r: { deviceId: string; mentorId: string | null }) => r.deviceId === device.deviceId && r.mentorId === null)
          .modify({ mentorId: answer.mentor.id });
      }
    });
    return enrolled;
  });
}
