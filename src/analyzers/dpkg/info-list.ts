/** `var/lib/dpkg/info/<package>[:<arch>].list`: the paths one package installed, one per line. */

/** `libc6:amd64.list` → `libc6`. */
export function packageOfListFile(fileName: string): string {
  const base = fileName.slice(0, -'.list'.length);
  const colon = base.indexOf(':');
  return colon < 0 ? base : base.slice(0, colon);
}

/** Paths without their leading slash; `/.`, the root every package lists, is left out. */
export function parseInfoList(text: string): string[] {
  const files: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    let start = 0;
    while (start < line.length && line[start] === '/') start++;
    const path = line.slice(start);
    if (path !== '' && path !== '.') files.push(path);
  }
  return files;
}
