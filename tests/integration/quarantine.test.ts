/**
 * A change that slows or breaks every pull (one an earlier release let through, megabytes long):
 * the IT person finds it (`longest-changes`) and quarantines it. No tablet is handed it from then
 * on, even by a server already running with it in memory; it stays in the log, and can be handed
 * on again (`release`). Nothing is deleted.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { openAdminStore, run } from '../../src/server/admin.ts';
import { openSqliteStore } from '../../src/server/sqlite-store.ts';
import type { Device, Store } from '../../src/server/store.ts';
import { enrol, issueEnrolmentCode, pull, push } from '../../src/server/sync.ts';
import { encodeHlc } from '../../src/shared/hlc.ts';
import { newId } from '../../src/shared/ids.ts';
import { PROTOCOL } from '../../src/shared/protocol.ts';
import { newPupil, type Tablet } from './school.ts';

function enrolled(store: Store, schoolId: string, name: string): Device {
  const mentor = store.addMentor(schoolId, name);
  const { deviceId } = enrol(store, {
    protocol: PROTOCOL,
    deviceId: newId(),
    code: issueEnrolmentCode(store, mentor.id),
    deviceName: `${name}’s iPad`,
  });
  return store.device(deviceId) as Device;
}

/** The pupils' names a tablet is handed, from the start. */
const namesPulled = (store: Store, device: Device) =>
  (
    JSON.parse(Buffer.concat(pull(store, device, { protocol: PROTOCOL, cursor: null })).toString('utf8')).changes as {
      values: { name: string };
    }[]
  ).map((c) => c.values.name);

describe('quarantining a change', () => {
  it.each([
    ['after a tablet was handed it', true],
    ['straight after it arrived, before any tablet was handed it', false],
  ])(
    'withholds it from every pull, even of a server already running with it in memory, until it is released (quarantined %s)',
    (_, pulledFirst) => {
      const dir = mkdtempSync(join(tmpdir(), 'waymark-quarantine-'));
      onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
      const server = openSqliteStore(dir);
      onTestFinished(() => server.close());
      const { id: schoolId } = server.addSchool('Hillside Academy');
      const sam = enrolled(server, schoolId, 'Sam Patel');
      const alex = enrolled(server, schoolId, 'Alex Jones');
      const wall = Date.parse('2026-11-24T09:00:00.000Z');
      const changes = ['Priya Natarajan', 'x'.repeat(100), 'Jacob Smith'].map((name, i) => {
        const { id, values } = newPupil({ deviceId: sam.id } as Tablet, name);
        return {
          changeId: newId(),
          seq: i + 1,
          table: 'pupils' as const,
          recordId: id,
          op: 'create' as const,
          values: { ...values, whatHelps: i === 1 ? 'y'.repeat(900) : '' },
          hlc: encodeHlc({ wall: wall + i, count: 0, node: sam.id }),
        };
      });
      push(server, sam, { protocol: PROTOCOL, changes, unsent: 3, deviceTime: '2026-11-24T09:00:00.000Z' }, new Date(wall));
      if (pulledFirst) expect(namesPulled(server, alex)).toHaveLength(3);

      // The IT person, beside the running server.
      const adminStore = openAdminStore(dir);
      onTestFinished(() => adminStore.close());
      const admin = (...argv: string[]) => {
        const lines: string[] = [];
        run(adminStore, argv, (line) => lines.push(...line.split('\n')));
        return lines;
      };
      const listed = admin('longest-changes', '2');
      expect(listed).toHaveLength(3);
      // Which tablet sent it, and when it reached the server.
      expect(listed[1]).toMatch(/^2 +\d[\d,]* chars +create pupils +\S+ +Hillside Academy +Sam Patel’s iPad +24 Nov 2026 09:00$/);
      expect(listed.join('\n')).not.toContain('x'.repeat(100));

      expect(admin('quarantine', '2')[0]).toMatch(/^Change 2 \(create pupils .*\) is quarantined: no tablet is handed it from now on\./);
      expect(namesPulled(server, alex)).toEqual(['Priya Natarajan', 'Jacob Smith']);
      expect(admin('longest-changes', '1')[1]).toMatch(/QUARANTINED/);
      expect(admin('quarantine', '2')[0]).toMatch(/was already quarantined: nothing changed\./);

      expect(admin('release', '2')[0]).toMatch(/is handed on again/);
      expect(namesPulled(server, alex)).toEqual(['Priya Natarajan', 'x'.repeat(100), 'Jacob Smith']);
    },
  );

  it('says so for a change that is not there, or not a number', () => {
    const dir = mkdtempSync(join(tmpdir(), 'waymark-quarantine-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const store = openAdminStore(dir);
    onTestFinished(() => store.close());
    const admin = (...argv: string[]) => run(store, argv, () => {});
    expect(() => admin('quarantine', '999')).toThrow('There is no change 999');
    expect(() => admin('quarantine', 'the', 'big')).toThrow('Expected one change’s number, got 2 words');
    expect(() => admin('release', 'abc')).toThrow('“abc” is not a change’s number');
  });
});
