/**
 * Chainguard OSV (covers Chainguard OS and Wolfi): CGA-… records, `upstream` CVE/GHSA aliases, origin
 * package names, apk order. The data is licensed CC BY-NC-ND: it is fetched at run time, never committed.
 */

import { apkVendorImporter } from '../osv/apk-vendor.js';
import { indexedRecords, rebase } from '../osv/download.js';

const TARBALL = 'https://advisories.cgr.dev/chainguard/v3/osv/chainguard-osv.tar.gz';
const OSV_BASE = 'https://packages.cgr.dev/chainguard/osv';

export const importer = apkVendorImporter({
  name: 'chainguard-osv',
  title: 'Chainguard and Wolfi OSV advisories',
  namespaces: { Chainguard: 'chainguard', Wolfi: 'wolfi' },
  idPattern: /"id"\s*:\s*"CGA-/,
  url: (id) => `https://images.chainguard.dev/security/${encodeURIComponent(id)}`,
  async *download(fetch, options) {
    // One tarball is much cheaper than tens of thousands of record requests; the index is the fallback.
    let tarball: Buffer | undefined;
    try {
      tarball = await fetch(rebase(TARBALL, options.baseUrl));
    } catch {
      tarball = undefined;
    }
    if (tarball) {
      yield { path: 'chainguard-osv.tar.gz', bytes: tarball };
      return;
    }
    yield* indexedRecords(fetch, rebase(`${OSV_BASE}/all.json`, options.baseUrl), (id) =>
      rebase(`${OSV_BASE}/${encodeURIComponent(id)}.json`, options.baseUrl),
    );
  },
});
