import { KeelsonError } from '../../core/errors.js';
import type { Finding } from '../../matching/types.js';
import { emit } from '../common.js';
import { type MatchFlags, reportScanWarnings, runScan } from './scan.js';

/** Every step that led to one finding, in words. */
export function explainFinding(f: Finding): string {
  const lines = [
    `${f.id}${f.aliases.length ? ` (also ${f.aliases.join(', ')})` : ''} in ${f.package.name} ${f.package.version}`,
    `  package     ${f.package.purl}`,
    `  found at    ${f.package.location}${f.package.layer ? `, layer ${f.package.layer.index}${f.package.layer.base === undefined ? '' : f.package.layer.base ? ' (base image)' : ' (application)'}` : ''}`,
    `  namespace   ${f.match.namespace} — ${f.match.namespaceReason}`,
    `  looked up   ${f.match.nameKind} name "${f.match.lookupName}"`,
    `  advisory    ${f.match.advisoryId} from ${f.match.source}${f.url ? ` <${f.url}>` : ''}`,
    `  affected    ${f.match.constraint}${f.match.scheme ? ` (${f.match.scheme} version order)` : ''}`,
  ];
  if (f.match.comparedVersion)
    lines.push(
      `  compared    source version ${f.match.comparedVersion} (the feed publishes source versions)`,
    );
  if (f.match.versionError)
    lines.push(`  WARNING     ${f.match.versionError}: reported as affected, not ignored`);
  lines.push(
    `  status      ${f.status}${f.fixedVersions.length ? `, fixed in ${f.fixedVersions.join(', ')}` : ', no fix available'}`,
  );
  lines.push(
    `  severity    ${f.severity.level} (${f.severity.method} from ${f.severity.source}${f.severity.score !== undefined ? `, score ${f.severity.score}` : ''})`,
  );
  for (const s of f.severities.slice(1))
    lines.push(
      `              also ${s.level} (${s.method} from ${s.source}${s.score !== undefined ? `, ${s.score}` : ''})`,
    );
  if (f.epss) lines.push(`  EPSS        ${f.epss.score} (percentile ${f.epss.percentile})`);
  if (f.kev)
    lines.push(
      `  KEV         listed since ${f.kev.dateAdded}${f.kev.dueDate ? `, due ${f.kev.dueDate}` : ''}`,
    );
  if (f.vex)
    lines.push(
      `  VEX         ${f.vex.status}${f.vex.justification ? ` (${f.vex.justification})` : ''} from ${f.vex.origin}${f.vex.statement ? `: ${f.vex.statement}` : ''}`,
    );
  lines.push(f.suppressed ? `  verdict     SUPPRESSED — ${f.suppressed.detail}` : '  verdict     actionable');
  return lines.join('\n');
}

export async function explainCommand(
  target: string,
  vulnerability: string,
  flags: MatchFlags & { output?: string },
): Promise<void> {
  const { result } = await runScan(target, flags);
  reportScanWarnings(result);
  const wanted = vulnerability.toUpperCase();
  const matches = result.findings.filter((f) =>
    [f.id, ...f.aliases].some((id) => id.toUpperCase() === wanted),
  );
  if (!matches.length)
    throw new KeelsonError(
      'INVALID_ARGUMENT',
      `${vulnerability} was not found in ${target} (${result.summary.raw} findings; none has this id or alias)`,
    );
  await emit(`${matches.map(explainFinding).join('\n\n')}\n`, flags.output);
}
