/** What a backend reader hands on: the header images it found, and what it had to skip. */
export interface HeaderBlob {
  /** rpm's header instance number (SQLite `hnum`, BerkeleyDB key, NDB `pkgidx`): the order rpm lists them in. */
  instance: number;
  data: Buffer;
}

export interface HeaderBlobs {
  blobs: HeaderBlob[];
  /** One line per damaged record or region that was skipped; non-empty means the listing is incomplete. */
  problems: string[];
}

export function byInstance(a: HeaderBlob, b: HeaderBlob): number {
  return a.instance - b.instance;
}
