import type { FileFacts } from '../types.js';
import { parseRubyLiteral, type RubyLiteral } from './ruby-literal.js';

const SPEC_BLOCK =
  /Gem::Specification\.new\s*(?:do\s*\|\s*([A-Za-z_]\w*)\s*\||\{\s*\|\s*([A-Za-z_]\w*)\s*\|)/;
const ASSIGNMENT = /^([a-z_]+)\s*=(?!=)(.*)$/;
const WANTED = new Set(['name', 'version', 'licenses', 'license', 'authors', 'author', 'platform']);

/** The attribute assignments of the spec block, as literals; later assignments win, as they would in Ruby. */
export function readSpecAttributes(text: string): Map<string, RubyLiteral> | undefined {
  const block = SPEC_BLOCK.exec(text);
  if (!block) return undefined;
  const prefix = `${block[1] ?? block[2]}.`;
  const attributes = new Map<string, RubyLiteral>();
  for (const line of text.slice(block.index).split(/\r?\n/)) {
    const statement = line.trimStart();
    if (!statement.startsWith(prefix)) continue;
    const assignment = ASSIGNMENT.exec(statement.slice(prefix.length));
    if (!assignment || !WANTED.has(assignment[1]!)) continue;
    const value = parseRubyLiteral(assignment[2]!);
    if (value !== undefined) attributes.set(assignment[1]!, value);
  }
  return attributes;
}

function asList(value: RubyLiteral | undefined): string[] {
  if (value === undefined) return [];
  return (typeof value === 'string' ? [value] : value)
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

function asString(value: RubyLiteral | undefined): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/**
 * One installed gem from `specifications/NAME-VERSION.gemspec`, read as text: the file is Ruby code
 * written by rubygems, and evaluating it is exactly what a scanner must not do.
 */
export function parseGemspec(content: Buffer, path: string): FileFacts {
  const attributes = readSpecAttributes(content.toString('utf8'));
  if (!attributes) {
    return {
      warnings: [{ code: 'PARSE_ERROR', message: 'no Gem::Specification block in gemspec', file: path }],
    };
  }
  const name = asString(attributes.get('name'));
  const version = asString(attributes.get('version'));
  if (!name || !version) {
    const missing = [name ? undefined : 'name', version ? undefined : 'version']
      .filter(Boolean)
      .join(' and ');
    return { warnings: [{ code: 'PARSE_ERROR', message: `gemspec lacks a literal ${missing}`, file: path }] };
  }
  const licenses = asList(attributes.get('licenses') ?? attributes.get('license'));
  const authors = asList(attributes.get('authors') ?? attributes.get('author'));
  const platform = asString(attributes.get('platform'));
  const metadata: Record<string, string> = {};
  if (platform && platform !== 'ruby') metadata.platform = platform;
  if (path.includes('/specifications/default/') || path.startsWith('specifications/default/')) {
    metadata.defaultGem = 'true';
  }
  return {
    packages: [
      {
        name,
        version,
        type: 'gem',
        ...(licenses.length > 0 ? { licenses } : {}),
        ...(authors.length > 0 ? { supplier: authors.join(', ') } : {}),
        location: path,
        foundBy: 'gems',
        ...(Object.keys(metadata).length > 0 ? { metadata } : {}),
      },
    ],
  };
}
