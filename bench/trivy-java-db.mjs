// Writes an empty Trivy Java index DB (schema v1) into DIR/java-db, so that the offline Trivy used in
// bench:inventory can scan images containing JAR files: it then identifies jars from their
// pom.properties / MANIFEST.MF, as keelson does, instead of failing for want of a download.
// Usage: node bench/trivy-java-db.mjs DIR
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';

const dir = join(process.argv[2], 'java-db');
mkdirSync(dir, { recursive: true });
const db = new Database(join(dir, 'trivy-java.db'));
db.exec(`
  CREATE TABLE IF NOT EXISTS artifacts(id INTEGER PRIMARY KEY, group_id TEXT, artifact_id TEXT);
  CREATE TABLE IF NOT EXISTS indices(artifact_id INTEGER, version TEXT, sha1 BLOB, archive_type TEXT,
    FOREIGN KEY (artifact_id) REFERENCES artifacts(id));
  CREATE UNIQUE INDEX IF NOT EXISTS artifacts_idx ON artifacts(artifact_id, group_id);
  CREATE INDEX IF NOT EXISTS indices_artifact_idx ON indices(artifact_id);
  CREATE UNIQUE INDEX IF NOT EXISTS indices_sha1_idx ON indices(sha1);
`);
db.close();
const now = new Date();
const later = new Date(now.getTime() + 10 * 365 * 24 * 3600 * 1000);
writeFileSync(
  join(dir, 'metadata.json'),
  JSON.stringify({
    Version: 1,
    NextUpdate: later.toISOString(),
    UpdatedAt: now.toISOString(),
    DownloadedAt: now.toISOString(),
  }),
);
