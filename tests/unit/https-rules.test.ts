import { hostname } from 'node:os';
/**
 * The rules behind "records only over HTTPS": which connections are this machine's own, which host
 * a browser asked for, which names the certificate is made for, and which address a tablet is told.
 */
import { describe, expect, it } from 'vitest';
import { httpsOrigin, httpsSite, tabletHost } from '../../src/server/address.ts';
import { hostOf, isLoopback } from '../../src/server/https-only.ts';
import { machineNames } from '../../src/server/tls.ts';

describe('isLoopback: only this machine itself gets plain HTTP', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.0.0.2', true],
    ['127.255.255.254', true],
    ['::1', true],
    ['0:0:0:0:0:0:0:1', true],
    ['::ffff:127.0.0.1', true],
    ['10.0.0.5', false],
    ['192.168.1.20', false],
    ['128.0.0.1', false],
    ['::ffff:10.0.0.5', false],
    ['fe80::1', false],
    ['fd00::2', false],
    ['localhost', false],
    ['', false],
    [undefined, false],
  ])('%s → %s', (address, loopback) => {
    expect(isLoopback(address)).toBe(loopback);
  });
});

describe('hostOf: the host a browser asked for, without its port', () => {
  it.each([
    ['10.0.0.5:8080', '10.0.0.5'],
    ['Waymark.Hillside.test:8080', 'waymark.hillside.test'],
    ['waymark.local', 'waymark.local'],
    ['[fd00::2]:8080', 'fd00::2'],
    ['[fd00::2]', 'fd00::2'],
    ['waymark.hillside.sch.uk.:8443', 'waymark.hillside.sch.uk'],
    [undefined, undefined],
  ])('%s → %s', (header, host) => {
    expect(hostOf(header)).toBe(host);
  });
});

describe('machineNames: what the server certificate is made for', () => {
  const interfaces = {
    lo: [
      { address: '127.0.0.1', family: 'IPv4', internal: true, netmask: '255.0.0.0', mac: '00:00:00:00:00:00', cidr: '127.0.0.1/8' },
      {
        address: '::1',
        family: 'IPv6',
        internal: true,
        netmask: 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff',
        mac: '',
        cidr: '::1/128',
        scopeid: 0,
      },
    ],
    eth0: [
      { address: '10.1.2.3', family: 'IPv4', internal: false, netmask: '255.255.255.0', mac: 'aa:bb:cc:dd:ee:ff', cidr: '10.1.2.3/24' },
      {
        address: 'fd00::2',
        family: 'IPv6',
        internal: false,
        netmask: 'ffff:ffff:ffff:ffff::',
        mac: 'aa:bb:cc:dd:ee:ff',
        cidr: 'fd00::2/64',
        scopeid: 0,
      },
    ],
  } as const;
  it.each([
    {
      case: 'host name, its .local name, localhost and every network address',
      hostname: 'school-srv',
      extra: [],
      dns: ['school-srv', 'school-srv.local', 'localhost'],
      ip: ['10.1.2.3', 'fd00::2'],
    },
    {
      case: 'TLS_NAMES first, a name and an address among them, in lower case',
      hostname: 'School-Srv',
      extra: ['Waymark.Hillside.sch.uk', ' 10.9.9.9 '],
      dns: ['waymark.hillside.sch.uk', 'school-srv', 'school-srv.local', 'localhost'],
      ip: ['10.9.9.9', '10.1.2.3', 'fd00::2'],
    },
    {
      case: 'a host name with a domain: .local is made from its first part',
      hostname: 'srv.hillside.lan',
      extra: ['srv.hillside.lan'],
      dns: ['srv.hillside.lan', 'srv.local', 'localhost'],
      ip: ['10.1.2.3', 'fd00::2'],
    },
  ])('$case', ({ hostname, extra, dns, ip }) => {
    expect(machineNames(hostname, interfaces as never, extra)).toEqual({ dns, ip });
  });
});

describe('tabletHost: the address a tablet is told to open', () => {
  const names = { dns: ['waymark.hillside.sch.uk', 'school-srv', 'school-srv.local', 'localhost'], ip: ['10.1.2.3', 'fd00::2'] };
  it.each([
    {
      case: 'the IT person’s first name, when the certificate holds it',
      preferred: ['waymark.hillside.sch.uk'],
      on: ['10.1.2.3'],
      host: 'waymark.hillside.sch.uk',
    },
    {
      case: 'a preferred name the certificate does not hold is passed over',
      preferred: ['other.sch.uk'],
      on: ['10.1.2.3'],
      host: '10.1.2.3',
    },
    { case: 'without one, this machine’s IPv4 address', preferred: [], on: ['10.1.2.3', 'fd00::2'], host: '10.1.2.3' },
    { case: 'an address this machine no longer has is never told', preferred: ['10.1.2.3'], on: ['10.7.7.7'], host: 'school-srv.local' },
    { case: 'no network address: the .local name', preferred: [], on: [], host: 'school-srv.local' },
  ])('$case', ({ preferred, on, host }) => {
    expect(tabletHost(names, preferred, on)).toBe(host);
  });

  it('with only a wildcard and an address elsewhere (the school’s own certificate), never either', () => {
    expect(tabletHost({ dns: ['*.hillside.sch.uk', 'waymark.hillside.sch.uk'], ip: ['203.0.113.9'] }, [], ['10.1.2.3'])).toBe(
      'waymark.hillside.sch.uk',
    );
  });
});

describe('httpsOrigin', () => {
  it.each([
    ['waymark.local', 8443, 'https://waymark.local:8443'],
    ['waymark.hillside.sch.uk', 443, 'https://waymark.hillside.sch.uk'],
    ['fd00::2', 8443, 'https://[fd00::2]:8443'],
  ])('%s on %d → %s', (host, port, origin) => {
    expect(httpsOrigin(host, port)).toBe(origin);
  });
});

describe('knows: the names this server answers at', () => {
  // The school's own certificate (TLS_CERT) holds its name only; TLS_NAMES and this machine's names are known too.
  const site = httpsSite({ httpsPort: 8443, preferred: ['waymark-old.hillside.test'] }, () => ({
    names: { dns: ['waymark.hillside.sch.uk', '*.tablets.hillside.sch.uk'], ip: [] },
  }));
  const short = hostname().toLowerCase().split('.')[0] ?? '';
  it.each([
    ['the certificate’s name', 'waymark.hillside.sch.uk', true],
    ['a name under its wildcard', 'ipad3.tablets.hillside.sch.uk', true],
    ['a name two levels under its wildcard', 'a.b.tablets.hillside.sch.uk', false],
    ['a name in TLS_NAMES', 'waymark-old.hillside.test', true],
    ['this machine’s short name', short, true],
    ['this machine’s .local name', `${short}.local`, true],
    ['localhost', 'localhost', true],
    ['a loopback address', '127.0.0.1', true],
    ['another site’s name', 'rebind.example', false],
    ['no name at all', undefined, false],
  ])('%s: %s → %s', (_, host, known) => {
    expect(site.knows(host)).toBe(known);
  });
});
