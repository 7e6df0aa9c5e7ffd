/**
 * /setup: the page for the school's IT person, served over plain HTTP too because a tablet that does
 * not trust the school's certificate yet cannot open the HTTPS address. It holds nothing about
 * anyone: the address to open, the certificate authority to trust (made on this server, see
 * tls.ts) as a file and as an iPad configuration profile, and the steps for each kind of tablet.
 * The page has no script and no inline style, so the app's Content-Security-Policy covers it.
 */
import { createHash } from 'node:crypto';
import type { Hono } from 'hono';
import type { HttpsSite } from './https-only.ts';
import type { Authority } from './tls.ts';

export const SETUP_PATHS = {
  page: '/setup',
  style: '/setup/setup.css',
  certificate: '/setup/waymark-ca.crt',
  certificatePem: '/setup/waymark-ca.pem',
  profile: '/setup/waymark.mobileconfig',
} as const;

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] ?? ch);

/** The SHA-256 fingerprint as tablets show it in a certificate's details: "AB:CD:…". */
export const fingerprint = (der: Uint8Array) =>
  createHash('sha256')
    .update(der)
    .digest('hex')
    .toUpperCase()
    .replace(/(..)(?!$)/g, '$1:');

/** A UUID made from the authority, so the same profile installed twice replaces itself. */
function uuidFrom(der: Uint8Array, purpose: string): string {
  const hex = createHash('sha256').update(purpose).update(der).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`.toUpperCase();
}

/**
 * An iPadOS configuration profile with one com.apple.security.root payload: the authority, trusted
 * for websites once installed (through device management at once; by hand after the trust switch).
 */
export function configurationProfile(authority: Authority): string {
  const data = Buffer.from(authority.der).toString('base64');
  const id = fingerprint(authority.der).replace(/:/g, '').slice(0, 16).toLowerCase();
  const name = escapeHtml(authority.name);
  return `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
  <key>PayloadContent</key>
  <array>
    <dict>
      <key>PayloadCertificateFileName</key>
      <string>waymark-ca.crt</string>
      <key>PayloadContent</key>
      <data>${data}</data>
      <key>PayloadDescription</key>
      <string>Lets this iPad open the school’s Waymark server securely.</string>
      <key>PayloadDisplayName</key>
      <string>${name}</string>
      <key>PayloadIdentifier</key>
      <string>waymark.setup.${id}.root</string>
      <key>PayloadType</key>
      <string>com.apple.security.root</string>
      <key>PayloadUUID</key>
      <string>${uuidFrom(authority.der, 'payload')}</string>
      <key>PayloadVersion</key>
      <integer>1</integer>
    </dict>
  </array>
  <key>PayloadDescription</key>
  <string>Trusts the certificate of the school’s Waymark server, so that Waymark works offline and its records travel encrypted.</string>
  <key>PayloadDisplayName</key>
  <string>Waymark: the school’s server</string>
  <key>PayloadIdentifier</key>
  <string>waymark.setup.${id}</string>
  <key>PayloadRemovalDisallowed</key>
  <false/>
  <key>PayloadType</key>
  <string>Configuration</string>
  <key>PayloadUUID</key>
  <string>${uuidFrom(authority.der, 'profile')}</string>
  <key>PayloadVersion</key>
  <integer>1</integer>
</dict>
</plist>
`;
}

function trustSteps(authority: Authority): string {
  const name = escapeHtml(authority.name);
  return `
<section aria-labelledby="trust-h">
  <h2 id="trust-h">1. Trust this server’s certificate, once on each tablet</h2>
  <p>This server made its own certificate authority, <strong>${name}</strong>. A tablet that trusts it opens Waymark securely
  from then on, whatever this server’s certificate is renewed to. Its SHA-256 fingerprint, to compare with what the tablet shows:</p>
  <p class="fingerprint">${fingerprint(authority.der)}</p>
  <ul class="downloads">
    <li><a href="${SETUP_PATHS.profile}" download>waymark.mobileconfig</a>: a configuration profile, for iPads</li>
    <li><a href="${SETUP_PATHS.certificate}" download>waymark-ca.crt</a>: the certificate, for Android, Chromebooks and any device management</li>
    <li><a href="${SETUP_PATHS.certificatePem}" download>waymark-ca.pem</a>: the same certificate as text (PEM)</li>
  </ul>
  <h3>iPad</h3>
  <ul>
    <li><strong>Through device management</strong> (Jamf, Intune, Mosyle, Apple School Manager’s MDM): upload
      waymark.mobileconfig as a custom profile, or waymark-ca.crt as a Certificate payload, and assign it to the mentors’ iPads.
      A certificate sent this way is trusted with no further step.</li>
    <li><strong>By hand</strong>: open this page in Safari on the iPad and tap waymark.mobileconfig, then Allow. In Settings, tap
      “Profile Downloaded”, then Install. Then Settings → General → About → Certificate Trust Settings, and turn on full trust for
      “${name}”: without this last step Safari still refuses the address.</li>
  </ul>
  <h3>Android</h3>
  <ul>
    <li><strong>Through device management</strong>: push waymark-ca.crt as a trusted CA certificate.</li>
    <li><strong>By hand</strong>: download waymark-ca.crt, then Settings → Security and privacy → More security settings →
      Encryption and credentials → Install a certificate → CA certificate, and choose the file.</li>
  </ul>
  <h3>Chromebook</h3>
  <ul>
    <li><strong>Managed</strong>: in the Google Admin console, Devices → Networks → Certificates: upload waymark-ca.crt and tick
      “Chromebook” under “Use this certificate as an HTTPS certificate authority”.</li>
    <li><strong>By hand</strong>: download waymark-ca.crt, open chrome://certificate-manager, and under Local certificates → Custom,
      import it, trusted for websites.</li>
  </ul>
</section>`;
}

const OWN_CERTIFICATE = `
<section aria-labelledby="trust-h">
  <h2 id="trust-h">1. The certificate</h2>
  <p>This server uses the school’s own certificate (TLS_CERT). A tablet that already trusts whoever issued it needs nothing
  installed; otherwise install that issuer’s certificate through the school’s device management.</p>
</section>`;

export function setupPage(address: string, authority: Authority | undefined): string {
  const link = escapeHtml(address);
  return `<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Setting up tablets for Waymark</title>
<link rel="stylesheet" href="${SETUP_PATHS.style}">
</head>
<body>
<main>
<h1>Setting up tablets for Waymark</h1>
<p>Each tablet opens Waymark at this address:</p>
<p class="address"><a href="${link}/">${link}</a></p>
<p>Waymark keeps working with no Wi-Fi, and its records about children cross the network encrypted, only at this secure (https)
address. Open it there every time, on every tablet: a tablet keeps its records under the address it was first opened from.</p>
${authority ? trustSteps(authority) : OWN_CERTIFICATE}
<section aria-labelledby="install-h">
  <h2 id="install-h">2. Open Waymark and keep it on the tablet</h2>
  <p>Open <a href="${link}/">${link}</a> in Safari (iPad) or Chrome (Android, Chromebook). On an iPad use Share → “Add to Home
  Screen”; in Chrome, “Install Waymark”.</p>
</section>
<section aria-labelledby="link-h">
  <h2 id="link-h">3. Link it to the mentor</h2>
  <p>On the server, <code>npm run admin -- add-mentor "Name"</code> prints a one-time code. In Waymark on the tablet, Settings →
  School connection: type the code, and the tablet is linked.</p>
</section>
</main>
</body>
</html>
`;
}

const STYLE = `body { font: 1rem/1.5 system-ui, sans-serif; margin: 0; color: #1b1b1b; background: #f7f7f4; }
main { max-width: 46rem; margin: 0 auto; padding: 1.5rem; }
h1, h2 { color: #1d4e5f; }
.address { font-size: 1.4rem; font-weight: bold; word-break: break-all; }
.fingerprint { font-family: ui-monospace, monospace; word-break: break-all; font-size: 0.9rem; }
li { margin-bottom: 0.5rem; }
`;

/** The page and its downloads; never cached long, since a renewed server changes the address list. */
export function serveSetup(app: Hono, site: HttpsSite): void {
  const download = (body: string | Uint8Array<ArrayBuffer>, type: string, filename: string) =>
    new Response(body, {
      headers: { 'content-type': type, 'content-disposition': `attachment; filename="${filename}"`, 'cache-control': 'no-cache' },
    });
  const noAuthority = (c: { text: (t: string, s: 404) => Response }) =>
    c.text('This server uses the school’s own certificate: there is no Waymark certificate to install. See /setup.', 404);

  app.get(SETUP_PATHS.page, (c) => {
    c.header('cache-control', 'no-cache');
    return c.html(setupPage(site.originFor(undefined), site.authority()));
  });
  app.get(SETUP_PATHS.style, (c) => c.body(STYLE, 200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'no-cache' }));
  app.get(SETUP_PATHS.certificate, (c) => {
    const authority = site.authority();
    return authority ? download(authority.der, 'application/x-x509-ca-cert', 'waymark-ca.crt') : noAuthority(c);
  });
  app.get(SETUP_PATHS.certificatePem, (c) => {
    const authority = site.authority();
    return authority ? download(authority.pem, 'application/x-pem-file', 'waymark-ca.pem') : noAuthority(c);
  });
  app.get(SETUP_PATHS.profile, (c) => {
    const authority = site.authority();
    return authority
      ? download(configurationProfile(authority), 'application/x-apple-aspen-config', 'waymark.mobileconfig')
      : noAuthority(c);
  });
}
