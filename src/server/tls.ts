/**
 * The school server's certificates, when the school has none of its own: a local certificate
 * authority made once and kept in DATA_DIR/tls/, and a server certificate it signs for the names and
 * addresses the tablets use to reach this machine. The authority never changes, so each tablet (or
 * the school's device management) trusts it once; the server certificate is made again whenever the
 * machine's names or addresses change or it nears its end, and the tablets notice nothing.
 *
 * Anyone holding the authority's key (ca.key) can make certificates the school's tablets accept:
 * it is written readable by this server's user only, and is to be kept like the database.
 */
import 'reflect-metadata';
import { X509Certificate as NodeX509Certificate, webcrypto } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { isIP, isIPv6 } from 'node:net';
import type { NetworkInterfaceInfo } from 'node:os';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';

// Node's WebCrypto: the library otherwise looks for a browser's.
x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[1]);

type Key = webcrypto.CryptoKey;

const DAY_MS = 24 * 60 * 60 * 1000;
/** Ten years: long enough that no school re-trusts it while the tablets are in service. */
export const AUTHORITY_DAYS = 3650;
/** Browsers and Apple's devices accept at most 398 days for a server certificate. */
export const SERVER_DAYS = 397;
/** Made again this long before it would end, so a server left running never serves an expired one. */
export const RENEW_DAYS_BEFORE = 30;
/** A tablet whose clock is a little slow still accepts a certificate made just now. */
const BACKDATE_MS = DAY_MS;

const KEY_ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGNING = { name: 'ECDSA', hash: 'SHA-256' } as const;

/** The names and addresses a server certificate holds: DNS names and IP addresses. */
export interface Names {
  dns: string[];
  ip: string[];
}

/** What the HTTPS server is given, and what /setup and the admin command tell. */
export interface Certificates {
  /** The server certificate (PEM), then the authority's when generated here. */
  cert: string;
  key: string;
  names: Names;
  notAfter: Date;
  /** The generated authority tablets must trust; none when the school brings its own certificate. */
  authority?: Authority;
}

/** The certificate authority made on this server: what a tablet installs, once. */
export interface Authority {
  pem: string;
  der: Uint8Array<ArrayBuffer>;
  /** Its common name, as a tablet lists it among trusted certificates. */
  name: string;
}

export type NetworkInterfaces = NodeJS.Dict<NetworkInterfaceInfo[]>;

/**
 * The names a tablet on the school network can use for this machine: its host name, that name on
 * the local network (`.local`, which iPads and Chromebooks find by themselves), localhost, every
 * address of a network interface that is not the machine's own loopback, and the names the IT
 * person adds (TLS_NAMES, comma separated: the name the school's DNS gives it, say).
 */
export function machineNames(hostname: string, interfaces: NetworkInterfaces, extra: string[] = []): Names {
  const host = hostname.trim().toLowerCase();
  const shortName = host.split('.')[0] ?? '';
  const wanted = [...extra.map((n) => n.trim().toLowerCase()).filter(Boolean), host, shortName && `${shortName}.local`, 'localhost'];
  const addresses = Object.values(interfaces)
    .flat()
    .filter((i): i is NetworkInterfaceInfo => i !== undefined && !i.internal)
    .map((i) => i.address.toLowerCase());
  const dns = [...new Set(wanted.filter((n) => n && !isIP(n)))];
  const ip = [...new Set([...wanted.filter((n) => isIP(n)), ...addresses])];
  return { dns, ip };
}

/** TLS_NAMES as a list: "waymark.hillside.sch.uk, 10.0.0.5" */
export const namesFrom = (list: string | undefined): string[] =>
  (list ?? '')
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean);

const sameNames = (a: Names, b: Names) => {
  const key = (n: Names) => JSON.stringify([[...n.dns].sort(), [...n.ip].map(normaliseIp).sort()]);
  return key(a) === key(b);
};

/** One spelling for each IP address, as the certificate reads it back (IPv6 in full, lower case). */
function normaliseIp(address: string): string {
  if (!isIPv6(address)) return address;
  return new x509.GeneralName('ip', address).value.toLowerCase();
}

/** The DNS names and IP addresses a certificate holds. */
export function namesIn(certificatePem: string): Names {
  const certificate = new x509.X509Certificate(certificatePem);
  const san = certificate.getExtension(x509.SubjectAlternativeNameExtension);
  const all = san?.names.toJSON() ?? [];
  return {
    dns: all.filter((n) => n.type === 'dns').map((n) => n.value.toLowerCase()),
    ip: all.filter((n) => n.type === 'ip').map((n) => normaliseIp(n.value)),
  };
}

const pem = (der: ArrayBuffer, label: string) => x509.PemConverter.encode(der, label);

async function newKeys(): Promise<webcrypto.CryptoKeyPair> {
  return webcrypto.subtle.generateKey(KEY_ALGORITHM, true, ['sign', 'verify']);
}

async function exportKey(key: Key): Promise<string> {
  return pem(await webcrypto.subtle.exportKey('pkcs8', key), 'PRIVATE KEY');
}

async function importKey(keyPem: string): Promise<Key> {
  return webcrypto.subtle.importKey('pkcs8', x509.PemConverter.decodeFirst(keyPem), KEY_ALGORITHM, false, ['sign']);
}

/** Written whole or not at all (the admin command may read it meanwhile); keys readable by this user only. */
function writeFile(path: string, text: string, secret: boolean) {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, text, { mode: secret ? 0o600 : 0o644 });
  renameSync(temporary, path);
}

async function makeAuthority(hostname: string, now: Date) {
  const keys = await newKeys();
  const notBefore = new Date(now.getTime() - BACKDATE_MS);
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    // The name an IT person sees in a tablet's list of trusted certificates.
    name: `CN=Waymark school server (${hostname}), O=Waymark`,
    keys,
    serialNumber: randomSerial(),
    notBefore,
    notAfter: new Date(notBefore.getTime() + AUTHORITY_DAYS * DAY_MS),
    signingAlgorithm: SIGNING,
    extensions: [
      // It may sign server certificates only, never another authority.
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { certificate, key: await exportKey(keys.privateKey) };
}

async function makeServerCertificate(authority: x509.X509Certificate, authorityKey: Key, names: Names, now: Date) {
  const keys = await newKeys();
  const notBefore = new Date(now.getTime() - BACKDATE_MS);
  const certificate = await x509.X509CertificateGenerator.create({
    subject: `CN=${names.dns[0] ?? names.ip[0] ?? 'localhost'}`,
    issuer: authority.subject,
    publicKey: keys.publicKey,
    signingKey: authorityKey,
    serialNumber: randomSerial(),
    notBefore,
    notAfter: new Date(notBefore.getTime() + SERVER_DAYS * DAY_MS),
    signingAlgorithm: SIGNING,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([
        ...names.dns.map((value) => ({ type: 'dns' as const, value })),
        ...names.ip.map((value) => ({ type: 'ip' as const, value })),
      ]),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(authority.publicKey),
    ],
  });
  return { certificate, key: await exportKey(keys.privateKey) };
}

/** A positive 128-bit serial number: browsers want them unique and unpredictable. */
function randomSerial(): string {
  const bytes = webcrypto.getRandomValues(new Uint8Array(16));
  bytes[0] = (bytes[0] ?? 0) & 0x7f;
  return Buffer.from(bytes).toString('hex');
}

export const tlsDir = (dataDir: string) => join(dataDir, 'tls');

export const FILES = { authority: 'ca.crt', authorityKey: 'ca.key', server: 'server.crt', serverKey: 'server.key' } as const;

/**
 * The certificates for this machine, made where missing: the authority once, the server
 * certificate whenever the one on disk does not hold exactly `names`, was not signed by the
 * authority, or ends within RENEW_DAYS_BEFORE. `renewed` says whether a new one was made.
 */
export async function generatedCertificates(
  dataDir: string,
  names: Names,
  options: { hostname: string; now?: Date },
): Promise<Certificates & { renewed: boolean }> {
  const now = options.now ?? new Date();
  const dir = tlsDir(dataDir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = (file: keyof typeof FILES) => join(dir, FILES[file]);

  if (!existsSync(path('authority')) || !existsSync(path('authorityKey'))) {
    const made = await makeAuthority(options.hostname, now);
    writeFile(path('authorityKey'), made.key, true);
    writeFile(path('authority'), made.certificate.toString('pem'), false);
  }
  // Kept to this user even if someone copied the folder with looser permissions.
  chmodSync(path('authorityKey'), 0o600);
  const authorityPem = readFileSync(path('authority'), 'utf8');
  const authority = new x509.X509Certificate(authorityPem);

  let renewed = false;
  if (!(await stillGood(path('server'), path('serverKey'), authority, names, now))) {
    const made = await makeServerCertificate(authority, await importKey(readFileSync(path('authorityKey'), 'utf8')), names, now);
    writeFile(path('serverKey'), made.key, true);
    writeFile(path('server'), made.certificate.toString('pem'), false);
    renewed = true;
  }
  const serverPem = readFileSync(path('server'), 'utf8');
  return {
    cert: `${serverPem.trim()}\n${authorityPem.trim()}\n`,
    key: readFileSync(path('serverKey'), 'utf8'),
    names: namesIn(serverPem),
    notAfter: new x509.X509Certificate(serverPem).notAfter,
    authority: { pem: authorityPem, der: new Uint8Array(authority.rawData), name: authority.subjectName.getField('CN')[0] ?? 'Waymark' },
    renewed,
  };
}

async function stillGood(certPath: string, keyPath: string, authority: x509.X509Certificate, names: Names, now: Date) {
  if (!existsSync(certPath) || !existsSync(keyPath)) return false;
  const certificate = new x509.X509Certificate(readFileSync(certPath, 'utf8'));
  const signedByAuthority = await certificate.verify({ publicKey: authority.publicKey, signatureOnly: true });
  const endsSoon = certificate.notAfter.getTime() - now.getTime() < RENEW_DAYS_BEFORE * DAY_MS;
  return signedByAuthority && !endsSoon && sameNames(namesIn(certificate.toString('pem')), names);
}

/** The school's own certificate and key (TLS_CERT, TLS_KEY: PEM files), read as they are. */
export function ownCertificates(certPath: string, keyPath: string): Certificates {
  const cert = readFileSync(certPath, 'utf8');
  const key = readFileSync(keyPath, 'utf8');
  // Node checks that the key belongs to the certificate when the HTTPS server starts; reading the
  // certificate here already says in words when the file is not one.
  let validTo: Date;
  try {
    validTo = new Date(new NodeX509Certificate(cert).validTo);
  } catch {
    throw new Error(`TLS_CERT (${certPath}) is not a PEM certificate.`);
  }
  return { cert, key, names: namesIn(cert), notAfter: validTo };
}
