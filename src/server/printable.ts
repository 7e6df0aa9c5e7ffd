/**
 * Text a tablet sends that the school's IT person reads in a terminal (a tablet's name, in
 * `npm run admin -- list-devices`). Control characters would let it move the cursor, clear the
 * screen or start a new line there, and bidi overrides would show it in another order than it is
 * stored: either could make one tablet's row read as another's, or forge a row.
 */

/**
 * The characters that are not printable text: C0 and C1 controls and DEL (`\p{Cc}`), the line and
 * paragraph separators, and the bidi marks, embeddings, overrides and isolates.
 */
const CONTROL = /[\p{Cc}\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/gu;
/** Those of them that separate words as they are typed or pasted: a tab, a new line. */
const SPACING = /[\t\n\v\f\r\u0085\u2028\u2029]/g;

/**
 * A tablet's name as it is stored: every character the mentor can see of what they typed. A tab
 * or a new line (from a paste) becomes a space; the other controls, invisible on the tablet, are
 * left out.
 */
export const printableName = (name: string) => name.replace(SPACING, ' ').replace(CONTROL, '').trim();

const NAMED: Record<string, string> = { '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** `\x1B` for a character below 256, `\u202E` for the others (every one in CONTROL is a single UTF-16 unit). */
function written(ch: string): string {
  const code = ch.charCodeAt(0);
  return (
    NAMED[ch] ??
    (code < 0x100 ? `\\x${code.toString(16).toUpperCase().padStart(2, '0')}` : `\\u${code.toString(16).toUpperCase().padStart(4, '0')}`)
  );
}

/**
 * Text as shown in a terminal, every control character written out (`\n`, `\x1B`, `\u202E`): a
 * name stored by a release that kept them can never forge a row.
 */
export const escapeControls = (text: string) => text.replace(CONTROL, written);
