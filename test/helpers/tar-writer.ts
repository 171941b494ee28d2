/**
 * A minimal tar writer for tests: full control over names (including hostile ones), types and links.
 * Long names get a pax header, as real writers do.
 */
export interface TarEntrySpec {
  path: string;
  type?: 'file' | 'dir' | 'symlink' | 'hardlink';
  content?: string | Buffer;
  mode?: number;
  linkname?: string;
}

function header(name: string, typeflag: string, size: number, mode: number, linkname = ''): Buffer {
  const h = Buffer.alloc(512);
  h.write(name, 0, 100, 'utf8');
  h.write(`${mode.toString(8).padStart(7, '0')}\0`, 100, 'latin1');
  h.write('0000000\0', 108, 'latin1');
  h.write('0000000\0', 116, 'latin1');
  h.write(`${size.toString(8).padStart(11, '0')}\0`, 124, 'latin1');
  h.write('00000000000\0', 136, 'latin1');
  h.write('        ', 148, 'latin1');
  h.write(typeflag, 156, 'latin1');
  h.write(linkname, 157, 100, 'utf8');
  h.write('ustar\0', 257, 'latin1');
  h.write('00', 263, 'latin1');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  return h;
}

function pad(data: Buffer): Buffer[] {
  const rest = (512 - (data.length % 512)) % 512;
  return rest ? [data, Buffer.alloc(rest)] : [data];
}

function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  const bodyLength = Buffer.byteLength(body);
  let len = bodyLength + 1;
  while (String(len).length + bodyLength !== len) len = String(len).length + bodyLength;
  return `${len}${body}`;
}

export function tarEntries(entries: TarEntrySpec[], options: { endMarker?: boolean } = {}): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    const type = e.type ?? 'file';
    const data = type === 'file' ? Buffer.from(e.content ?? '') : Buffer.alloc(0);
    const typeflag = { file: '0', hardlink: '1', symlink: '2', dir: '5' }[type];
    const mode = e.mode ?? (type === 'dir' ? 0o755 : 0o644);
    let name = e.path;
    let linkname = e.linkname ?? '';
    if (Buffer.byteLength(name) > 99 || Buffer.byteLength(linkname) > 99) {
      let pax = paxRecord('path', name);
      if (linkname) pax += paxRecord('linkpath', linkname);
      const body = Buffer.from(pax);
      parts.push(header('PaxHeader', 'x', body.length, 0o644), ...pad(body));
      name = name.slice(0, 99);
      linkname = linkname.slice(0, 99);
    }
    parts.push(header(name, typeflag, data.length, mode, linkname), ...pad(data));
  }
  if (options.endMarker !== false) parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}
