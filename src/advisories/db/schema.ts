/**
 * The advisory database's tables. One SQLite file, OSV-shaped: advisories with affected entries, plus
 * enrichment (CVSS, KEV, EPSS) and VEX statements, each row tagged with the source that produced it so a
 * source can be replaced on its own.
 */
export const SCHEMA_VERSION = 2;

export const DDL = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sources (
  name TEXT PRIMARY KEY,
  title TEXT NOT NULL,
  importer_version INTEGER NOT NULL,
  updated_at TEXT NOT NULL,
  origin TEXT NOT NULL,
  demo INTEGER NOT NULL DEFAULT 0,
  counts TEXT NOT NULL,
  skipped INTEGER NOT NULL DEFAULT 0,
  skip_examples TEXT NOT NULL DEFAULT '[]',
  meta TEXT NOT NULL DEFAULT '{}'
);
CREATE TABLE IF NOT EXISTS advisories (
  rid INTEGER PRIMARY KEY,
  source TEXT NOT NULL,
  id TEXT NOT NULL,
  aliases TEXT NOT NULL,
  summary TEXT,
  details TEXT,
  published TEXT,
  modified TEXT,
  withdrawn TEXT,
  refs TEXT NOT NULL,
  severities TEXT NOT NULL,
  url TEXT,
  UNIQUE (source, id)
);
CREATE TABLE IF NOT EXISTS affected (
  advisory INTEGER NOT NULL,
  source TEXT NOT NULL,
  namespace TEXT NOT NULL,
  package TEXT NOT NULL,
  name_kind TEXT NOT NULL,
  withdrawn INTEGER NOT NULL,
  purl TEXT,
  notes TEXT,
  -- What matching reads, as one JSON array (one parse per row on the hot path):
  -- [advisory id, aliases, status, scheme, ranges, versions, vendor severity or null]
  entry TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS affected_lookup ON affected (namespace, package);
CREATE INDEX IF NOT EXISTS affected_source ON affected (source);
CREATE TABLE IF NOT EXISTS aliases (source TEXT NOT NULL, alias TEXT NOT NULL, advisory INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS aliases_alias ON aliases (alias);
CREATE TABLE IF NOT EXISTS cvss (
  source TEXT NOT NULL, cve TEXT NOT NULL, version TEXT NOT NULL, vector TEXT NOT NULL,
  score REAL NOT NULL, severity TEXT NOT NULL, scored_by TEXT NOT NULL, is_primary INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS cvss_cve ON cvss (cve);
CREATE TABLE IF NOT EXISTS kev (
  source TEXT NOT NULL, cve TEXT PRIMARY KEY, vendor TEXT, product TEXT, name TEXT,
  date_added TEXT NOT NULL, due_date TEXT, required_action TEXT, ransomware TEXT
);
CREATE TABLE IF NOT EXISTS epss (
  source TEXT NOT NULL, cve TEXT PRIMARY KEY, score REAL NOT NULL, percentile REAL NOT NULL, date TEXT
);
CREATE TABLE IF NOT EXISTS vex (
  source TEXT NOT NULL, vulnerability TEXT NOT NULL, statement TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS vex_vulnerability ON vex (vulnerability);
`;

/** Tables whose rows belong to one source (replaced together when that source is updated). */
export const SOURCE_TABLES = ['affected', 'aliases', 'advisories', 'cvss', 'kev', 'epss', 'vex'] as const;

export const DB_FILE = 'advisories.db';
