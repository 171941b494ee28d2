/**
 * SARIF 2.1.0 for GitHub code scanning: one rule per vulnerability, one result per (package, vulnerability)
 * located at the package database file and the layer. Suppressed findings are kept with a SARIF
 * `suppressions` entry, so code scanning shows them as dismissed rather than losing them.
 */
import type { Finding, SeverityLevel } from '../matching/types.js';
import { SEVERITY_ORDER } from '../matching/types.js';
import { KEELSON_INFORMATION_URI, layerText, SEVERITY_SCORE, severityScore, sha256Hex } from './common.js';
import { mdText } from './markdown.js';
import type { ReportInput, ReportOptions } from './registry.js';

type SarifLevel = 'error' | 'warning' | 'note';

export function sarifLevel(level: SeverityLevel): SarifLevel {
  if (level === 'critical' || level === 'high') return 'error';
  if (level === 'medium') return 'warning';
  return 'note';
}

interface SarifRule {
  id: string;
  name: string;
  shortDescription: { text: string };
  fullDescription: { text: string };
  helpUri?: string;
  help: { text: string; markdown: string };
  defaultConfiguration: { level: SarifLevel };
  properties: { 'security-severity'?: string; tags: string[]; precision: 'very-high' };
}

/** A path as a relative URI reference: each segment percent-encoded, so odd file names stay valid. */
function pathUri(path: string): string {
  return path
    .replace(/^\/+/, '')
    .split('/')
    .map((segment) => encodeURIComponent(segment))
    .join('/');
}

/** http(s) URLs only: SARIF's helpUri is a URI, and a feed's odd text must not become one. */
function webUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : undefined;
  } catch {
    return undefined;
  }
}

function ruleFor(id: string, findings: Finding[]): SarifRule {
  // The most severe finding of the id describes the rule: severities can differ per package/feed.
  const worst = [...findings].sort(
    (a, b) =>
      SEVERITY_ORDER.indexOf(a.severity.level) - SEVERITY_ORDER.indexOf(b.severity.level) ||
      (severityScore(b) ?? -1) - (severityScore(a) ?? -1),
  )[0]!;
  const summary = findings.find((f) => f.summary)?.summary;
  const url = webUrl(findings.find((f) => webUrl(f.url))?.url);
  const scores = findings.map(severityScore).filter((s): s is number => s !== undefined);
  const score = scores.length ? Math.max(...scores) : SEVERITY_SCORE[worst.severity.level];
  const packages = [...new Set(findings.map((f) => f.package.name))];
  const text = `${id}${summary ? `: ${summary}` : ''}. Affected packages: ${packages.join(', ')}.`;
  return {
    id,
    name: id,
    shortDescription: { text: summary ?? id },
    fullDescription: { text },
    ...(url ? { helpUri: url } : {}),
    // Feed text is escaped: GitHub renders this markdown.
    help: {
      text,
      markdown: `**${mdText(id)}**${summary ? ` ${mdText(summary)}` : ''}${url ? `\n\n<${url}>` : ''}`,
    },
    defaultConfiguration: { level: sarifLevel(worst.severity.level) },
    properties: {
      ...(score !== undefined ? { 'security-severity': score.toFixed(1) } : {}),
      tags: ['security', 'vulnerability', worst.severity.level],
      precision: 'very-high',
    },
  };
}

function message(f: Finding): string {
  const fix = f.fixedVersions.length ? `fixed in ${f.fixedVersions.join(', ')}` : 'no fixed version yet';
  const layer = layerText(f);
  return (
    `Package ${f.package.name} ${f.package.version} (${f.package.type}) is affected by ${f.id}` +
    ` [${f.severity.level}]: ${fix}.${layer ? ` Installed by ${layer}.` : ''}`
  );
}

export function renderSarif(input: ReportInput, options: ReportOptions): string {
  const { result } = input;
  const byId = new Map<string, Finding[]>();
  for (const f of result.findings) byId.set(f.id, [...(byId.get(f.id) ?? []), f]);
  const ids = [...byId.keys()];
  const rules = ids.map((id) => ruleFor(id, byId.get(id)!));
  const ruleIndex = new Map(ids.map((id, i) => [id, i]));

  const results = result.findings.map((f) => {
    const layer = layerText(f);
    return {
      ruleId: f.id,
      ruleIndex: ruleIndex.get(f.id)!,
      level: sarifLevel(f.severity.level),
      message: { text: message(f) },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: pathUri(f.package.location) || '.' },
            // GitHub code scanning needs a region; a package database has no meaningful line.
            region: { startLine: 1 },
          },
          ...(layer ? { logicalLocations: [{ name: layer, kind: 'module' }] } : {}),
        },
      ],
      // Code scanning dedupes re-uploads by fingerprint: the same vulnerability in the same package.
      partialFingerprints: { 'keelsonFinding/v1': sha256Hex(f.id, f.package.purl || f.package.name) },
      ...(f.suppressed ? { suppressions: [{ kind: 'external', justification: f.suppressed.detail }] } : {}),
      properties: {
        purl: f.package.purl,
        installedVersion: f.package.version,
        fixedVersions: f.fixedVersions,
        status: f.status,
        severity: f.severity.level,
        source: f.dataSource.source,
      },
    };
  });

  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'keelson',
            ...(options.toolVersion ? { version: options.toolVersion } : {}),
            informationUri: KEELSON_INFORMATION_URI,
            rules,
          },
        },
        automationDetails: { id: `keelson/${result.image.reference ?? result.image.target}/` },
        results,
        properties: { image: result.image, summary: result.summary },
      },
    ],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}
