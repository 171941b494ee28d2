/**
 * Minimus (MinimOS) OSV: MINI-… records for MinimOS apk packages, named by origin package. The data's
 * licence is unconfirmed: it is fetched at run time, never committed.
 */
import { apkVendorImporter } from '../osv/apk-vendor.js';
import { indexedRecords, rebase } from '../osv/download.js';

const OSV_BASE = 'https://packages.mini.dev/advisories/osv';

export const importer = apkVendorImporter({
  name: 'minimos-osv',
  title: 'Minimus (MinimOS) OSV advisories',
  namespaces: { MinimOS: 'minimos' },
  idPattern: /"id"\s*:\s*"MINI-/,
  download(fetch, options) {
    return indexedRecords(fetch, rebase(`${OSV_BASE}/all.json`, options.baseUrl), (id) =>
      rebase(`${OSV_BASE}/${encodeURIComponent(id)}.json`, options.baseUrl),
    );
  },
});
