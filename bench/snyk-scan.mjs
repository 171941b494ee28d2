// Runs snyk-docker-plugin's offline inventory scan on an archive (the peer in bench:inventory).
// Usage: node bench/snyk-scan.mjs ARCHIVE   (docker-archive or OCI archive, sniffed like the plugin's CLI)

import { closeSync, openSync, readSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(join(process.cwd(), '.bench', 'peers', 'package.json'));
const { scan } = require('snyk-docker-plugin');

const archive = process.argv[2];
function isOciArchive(path) {
  // An OCI archive has an `oci-layout` entry; read the first tar header names cheaply via tar-like scan.
  const fd = openSync(path, 'r');
  const buf = Buffer.alloc(1 << 20);
  const n = readSync(fd, buf, 0, buf.length, 0);
  closeSync(fd);
  return buf.subarray(0, n).includes('oci-layout');
}
const kind = archive.endsWith('.gz')
  ? 'docker-archive'
  : isOciArchive(archive)
    ? 'oci-archive'
    : 'docker-archive';
const result = await scan({ path: `${kind}:${archive}` });
const depGraph = result.scanResults[0]?.facts.find((f) => f.type === 'depGraph')?.data;
const count = depGraph ? depGraph.getPkgs().length - 1 : 0;
process.stdout.write(`${count} packages\n`);
