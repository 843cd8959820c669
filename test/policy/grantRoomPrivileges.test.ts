import { describe, expect, it } from 'vitest';
import { ROOM_PRIVILEGES, type RoomPrivilege } from '../../lib/config';
import { grantRoomPrivileges } from '../../lib/policy/grantRoomPrivileges';
import { expectPolicyError } from './expectPolicyError';

const ALL = Object.keys(ROOM_PRIVILEGES) as RoomPrivilege[];
const roles = {
  anchor: ALL,
  audience: [
    'createRoom',
    'enterRoom',
    'receiveAudio',
    'receiveVideo',
    'receiveSubStream',
  ] as RoomPrivilege[],
  // Listed out of bit order on purpose: the result must still be in bit order.
  speaker: ['sendAudio', 'enterRoom', 'receiveAudio'] as RoomPrivilege[],
  muted: [] as RoomPrivilege[],
};
const base = { roles, defaultRole: 'audience' };

describe('grantRoomPrivileges', () => {
  it("grants all of the role's bits when nothing is requested", () => {
    expect(grantRoomPrivileges({ ...base, role: 'anchor' })).toEqual({ privilegeMap: 0xff, privileges: ALL });
    expect(grantRoomPrivileges({ ...base, role: 'audience' })).toEqual({
      privilegeMap: 0xab,
      privileges: ['createRoom', 'enterRoom', 'receiveAudio', 'receiveVideo', 'receiveSubStream'],
    });
  });

  it('uses the default role when the principal has none', () => {
    expect(grantRoomPrivileges({ ...base, role: undefined }).privilegeMap).toBe(0xab);
    expect(grantRoomPrivileges(base).privilegeMap).toBe(0xab);
  });

  it('grants a requested subset, names in bit order', () => {
    expect(
      grantRoomPrivileges({ ...base, role: 'anchor', requested: ['receiveVideo', 'enterRoom', 'sendAudio'] }),
    ).toEqual({ privilegeMap: 0x26, privileges: ['enterRoom', 'sendAudio', 'receiveVideo'] });
    expect(grantRoomPrivileges({ ...base, role: 'speaker' })).toEqual({
      privilegeMap: 0x0e,
      privileges: ['enterRoom', 'sendAudio', 'receiveAudio'],
    });
  });

  it('grants exactly the role when the request lists all of it, duplicates included', () => {
    expect(
      grantRoomPrivileges({ ...base, role: 'speaker', requested: ['enterRoom', 'enterRoom', 'sendAudio'] }),
    ).toEqual({ privilegeMap: 0x06, privileges: ['enterRoom', 'sendAudio'] });
  });

  it('grants nothing for an empty request or a role without privileges', () => {
    expect(grantRoomPrivileges({ ...base, role: 'anchor', requested: [] })).toEqual({
      privilegeMap: 0,
      privileges: [],
    });
    expect(grantRoomPrivileges({ ...base, role: 'muted' }).privilegeMap).toBe(0);
  });

  it('refuses a request for any bit the role lacks', () => {
    const error = expectPolicyError(
      () => grantRoomPrivileges({ ...base, role: 'audience', requested: ['enterRoom', 'sendVideo'] }),
      'PRIVILEGES_EXCEEDED',
    );
    expect(error.message).toContain('sendVideo');
    expectPolicyError(
      () => grantRoomPrivileges({ ...base, role: 'muted', requested: ['enterRoom'] }),
      'PRIVILEGES_EXCEEDED',
    );
  });

  it.each([
    'sendaudio',
    'SendAudio',
    'all',
    '',
    'toString',
    '__proto__',
    'constructor',
    '0xff',
  ])('refuses the unknown privilege name %j without echoing it', (name) => {
    const error = expectPolicyError(
      () => grantRoomPrivileges({ ...base, role: 'anchor', requested: ['enterRoom', name] }),
      'UNKNOWN_PRIVILEGE',
    );
    expect(error.message).toContain('privileges[1]');
  });

  it('reports an unknown name before an excess (a typo is a 400, not a 403)', () => {
    expectPolicyError(
      () => grantRoomPrivileges({ ...base, role: 'audience', requested: ['sendVideo', 'bogus'] }),
      'UNKNOWN_PRIVILEGE',
    );
  });

  it.each([
    'director',
    'Anchor',
    '',
    'constructor',
    '__proto__',
    'toString',
    'hasOwnProperty',
  ])('refuses the unknown role %j', (role) => {
    expectPolicyError(() => grantRoomPrivileges({ ...base, role }), 'ROLE_UNKNOWN');
  });

  it('refuses an unknown default role too', () => {
    expectPolicyError(() => grantRoomPrivileges({ roles, defaultRole: 'nobody' }), 'ROLE_UNKNOWN');
  });
});
