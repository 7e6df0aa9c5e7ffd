/**
 * The address a tablet opens: always HTTPS, with a name the server's certificate holds and never an
 * address this machine is not on. The server sends plain HTTP there, /setup shows it and
 * `npm run admin -- add-mentor` prints it, all worked out here from the same settings:
 *
 * - PUBLIC_URL: the address of a reverse proxy in front (its certificate is the proxy's business);
 * - TLS_NAMES: the names the IT person chose (the first the certificate holds comes first);
 * - else this machine's first network address in the certificate, then its `.local` name.
 */
import { existsSync, readFileSync } from 'node:fs';
import { hostname, networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { type HttpsSite, isLoopback } from './https-only.ts';
import { type Authority, FILES, machineNames, type Names, namesFrom, namesIn, tlsDir } from './tls.ts';

export const DEFAULT_HTTPS_PORT = 8443;

/** What decides the address, as the server's environment gives it. */
export interface AddressSettings {
  httpsPort: number;
  /** TLS_NAMES, in the IT person's order. */
  preferred: string[];
  /** PUBLIC_URL, when a proxy in front answers for this server. */
  publicUrl?: string;
}

export const addressSettings = (env: NodeJS.ProcessEnv = process.env): AddressSettings => ({
  httpsPort: Number(env.HTTPS_PORT ?? DEFAULT_HTTPS_PORT),
  preferred: namesFrom(env.TLS_NAMES),
  ...(env.PUBLIC_URL ? { publicUrl: new URL(env.PUBLIC_URL).origin } : {}),
});

/** https://host:port, with IPv6 in brackets and no port for 443. */
export function httpsOrigin(host: string, port: number): string {
  const shown = host.includes(':') ? `[${host}]` : host;
  return `https://${shown}${port === 443 ? '' : `:${port}`}`;
}

const holds = (names: Names, host: string) => names.dns.includes(host) || names.ip.includes(host);

/**
 * The host tablets are told to open, out of what the certificate holds: the IT person's first
 * name, else this machine's first IPv4 address, else a `.local` name, else any other plain name.
 * Addresses in the certificate that this machine no longer has are passed over.
 */
export function tabletHost(names: Names, preferred: string[], onThisMachine: string[]): string {
  const ip = names.ip.filter((a) => onThisMachine.includes(a));
  const plain = names.dns.filter((n) => !n.startsWith('*.'));
  const candidates = [
    ...preferred.map((n) => n.toLowerCase()).filter((n) => plain.includes(n) || ip.includes(n)),
    ...ip.filter((a) => !a.includes(':')),
    ...plain.filter((n) => n.endsWith('.local')),
    ...plain.filter((n) => n !== 'localhost'),
    ...ip,
  ];
  return candidates[0] ?? 'localhost';
}

/** This machine's network addresses (not its loopback). */
export const machineAddresses = (): string[] =>
  Object.values(networkInterfaces())
    .flat()
    .filter((i) => i !== undefined && !i.internal)
    .map((i) => (i?.address ?? '').toLowerCase());

/** The site `npm start` serves, over certificates that may be renewed while it runs. */
export function httpsSite(settings: AddressSettings, current: () => { names: Names; authority?: Authority }): HttpsSite {
  return {
    originFor(host) {
      if (settings.publicUrl) return settings.publicUrl;
      const { names } = current();
      const chosen = host && holds(names, host) ? host : tabletHost(names, settings.preferred, machineAddresses());
      return httpsOrigin(chosen, settings.httpsPort);
    },
    authority: () => current().authority,
    knows(host) {
      if (!host) return false;
      const { names } = current();
      return (
        host === 'localhost' ||
        isLoopback(host) ||
        holds(names, host) ||
        // The names the IT person gave, and this machine's own, even when a certificate of the
        // school's (TLS_CERT) holds other names: a tablet linked at one before still reaches it.
        settings.preferred.some((name) => name.toLowerCase() === host) ||
        holds(machineNames(hostname(), networkInterfaces(), []), host) ||
        host === hostname().toLowerCase().split('.')[0] ||
        names.dns.some((name) => name.startsWith('*.') && host.endsWith(name.slice(1)) && !host.slice(0, -name.length + 1).includes('.')) ||
        machineAddresses().includes(host) ||
        (settings.publicUrl !== undefined && new URL(settings.publicUrl).hostname.replace(/^\[|\]$/g, '') === host)
      );
    },
  };
}

/**
 * The address for the admin command, which runs beside the server: from the certificate the server
 * serves (TLS_CERT, or the one it made in DATA_DIR), or, before its first start, from the names it
 * will make one for.
 */
export function tabletAddress(dataDir: string, env: NodeJS.ProcessEnv = process.env): string {
  const settings = addressSettings(env);
  if (settings.publicUrl) return settings.publicUrl;
  const made = join(tlsDir(dataDir), FILES.server);
  const certificate = env.TLS_CERT ?? (existsSync(made) ? made : undefined);
  const names = certificate
    ? namesIn(readFileSync(certificate, 'utf8'))
    : machineNames(hostname(), networkInterfaces(), settings.preferred);
  return httpsOrigin(tabletHost(names, settings.preferred, machineAddresses()), settings.httpsPort);
}
