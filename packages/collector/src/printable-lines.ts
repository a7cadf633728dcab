/**
 * Message bodies as a live tail shows them: cut into lines at "\n" (empty lines skipped, as the
 * collector skips them), decoded as UTF-8 with every invalid sequence replaced by U+FFFD, and
 * every control character but TAB (C0, DEL and C1: NUL, CR, ESC…) replaced by U+FFFD too.
 *
 * Why replace controls: lines come from any client of any web server. A CR would end an SSE
 * field early, and an ESC sequence printed by `ringlog tail` would drive the operator's terminal.
 * What is shown is the text, never its effects; the files on disk keep the bytes as received.
 */

const NEWLINE = 0x0a;
const REPLACEMENT = '\ufffd';

function isControl(code: number): boolean {
  return (code < 0x20 && code !== 0x09) || (code >= 0x7f && code <= 0x9f);
}

/** `text` with every control character but TAB replaced by U+FFFD. */
export function replaceControls(text: string): string {
  let index = 0;
  while (index < text.length && !isControl(text.charCodeAt(index))) index++;
  if (index === text.length) return text;
  let out = text.slice(0, index);
  for (; index < text.length; index++) {
    const code = text.charCodeAt(index);
    out += isControl(code) ? REPLACEMENT : text.charAt(index);
  }
  return out;
}

/** The non-empty lines of a message body, decoded and made printable. */
export function printableLines(body: Buffer): string[] {
  const lines: string[] = [];
  let start = 0;
  while (start < body.length) {
    const newline = body.indexOf(NEWLINE, start);
    const end = newline === -1 ? body.length : newline;
    if (end > start) lines.push(replaceControls(body.toString('utf8', start, end)));
    start = end + 1;
  }
  return lines;
}
