/**
 * deb822 control data as dpkg writes it (`status`, `status.d/*`): stanzas separated by blank lines,
 * `Field: value` lines, continuation lines starting with a space or tab. Field names are
 * case-insensitive, so they are stored lower-cased. Only the first line of each value is kept: the
 * fields we read (Package, Version, Status, Source …) are single-line.
 */

export interface Stanza {
  /** 1-based line where the stanza starts. */
  line: number;
  fields: Map<string, string>;
  /** The first field that appeared twice, if any: dpkg itself rejects such a stanza. */
  duplicate?: string;
  /** Lines that were neither fields nor continuations: how many, and the first. */
  badLines: number;
  firstBadLine: number;
}

export function parseStanzas(text: string): Stanza[] {
  const stanzas: Stanza[] = [];
  let stanza: Stanza | undefined;
  /** Whether a field is open for continuation lines. */
  let fieldOpen = false;

  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '') {
      stanza = undefined;
      fieldOpen = false;
      continue;
    }
    if (line.startsWith('#')) continue;
    if (!stanza) {
      stanza = { line: i + 1, fields: new Map(), badLines: 0, firstBadLine: 0 };
      stanzas.push(stanza);
    }
    if (line[0] === ' ' || line[0] === '\t') {
      if (!fieldOpen) markBad(stanza, i + 1);
      continue;
    }
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon).toLowerCase() : '';
    if (!name || /\s/.test(name)) {
      markBad(stanza, i + 1);
      fieldOpen = false;
      continue;
    }
    if (stanza.fields.has(name)) stanza.duplicate ??= line.slice(0, colon);
    stanza.fields.set(name, line.slice(colon + 1).trim());
    fieldOpen = true;
  }
  return stanzas;
}

function markBad(stanza: Stanza, line: number): void {
  if (stanza.badLines++ === 0) stanza.firstBadLine = line;
}
