import { KeelsonError } from '../../core/errors.js';

/** An image reference split into its parts, with Docker's defaults applied. */
export interface ImageReference {
  /** Registry name as users write it: `docker.io`, `ghcr.io`, `localhost:5000`, `[::1]:5000`. */
  registry: string;
  /** Repository path inside the registry, e.g. `library/alpine`. */
  repository: string;
  /** Tag; kept for display even when a digest is present. */
  tag?: string;
  /** Content digest (`sha256:<hex>`); when present it is what gets pulled. */
  digest?: string;
}

export const DOCKER_HUB = 'docker.io';
/** The host that actually serves Docker Hub's registry API. */
export const DOCKER_HUB_API_HOST = 'registry-1.docker.io';
const DOCKER_HUB_ALIASES = new Set([DOCKER_HUB, 'index.docker.io', DOCKER_HUB_API_HOST]);

const MAX_REFERENCE_LENGTH = 1024;
const MAX_NAME_LENGTH = 255;
// Grammar of github.com/distribution/reference (reference.go), written out here.
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const DOMAIN_NAME =
  /^[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*$/;
const IPV6_HOST = /^\[[a-fA-F0-9:]+\]$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST_HEX_LENGTH: Record<string, number> = { sha256: 64, sha512: 128 };

function invalid(text: string, problem: string): KeelsonError {
  return new KeelsonError('INVALID_REFERENCE', `invalid image reference "${text}": ${problem}`, {
    image: text,
  });
}

/** True for a first path component that names a registry rather than a repository namespace. */
function looksLikeRegistry(component: string): boolean {
  return (
    component.includes('.') ||
    component.includes(':') ||
    component === 'localhost' ||
    component.startsWith('[')
  );
}

function validateRegistry(text: string, registry: string): string {
  const portAt = registry.startsWith('[') ? registry.indexOf(']:') + 1 : registry.lastIndexOf(':');
  const host = portAt > 0 ? registry.slice(0, portAt) : registry;
  const port = portAt > 0 ? registry.slice(portAt + 1) : undefined;
  if (!(DOMAIN_NAME.test(host) || IPV6_HOST.test(host))) {
    throw invalid(text, `registry host "${host}" is not a valid host name`);
  }
  if (port !== undefined && (!/^[0-9]{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65535)) {
    throw invalid(text, `registry port "${port}" is not a number from 1 to 65535`);
  }
  const lower = registry.toLowerCase();
  return DOCKER_HUB_ALIASES.has(lower) ? DOCKER_HUB : lower;
}

function validateDigest(text: string, digest: string): void {
  const colon = digest.indexOf(':');
  const algorithm = digest.slice(0, colon);
  const hex = digest.slice(colon + 1);
  const length = DIGEST_HEX_LENGTH[algorithm];
  if (colon < 0 || length === undefined) {
    throw invalid(text, `digest "${digest}" must be sha256:<hex> or sha512:<hex>`);
  }
  if (hex.length !== length || !/^[0-9a-f]+$/.test(hex)) {
    throw invalid(text, `digest "${digest}" must have ${length} lowercase hex digits after "${algorithm}:"`);
  }
}

/**
 * Parses `[registry/]repository[:tag][@digest]` the way Docker does: no registry means Docker Hub,
 * a single-component Hub repository lives under `library/`, and no tag or digest means `latest`.
 */
export function parseReference(text: string): ImageReference {
  if (text.length === 0) throw invalid(text, 'it is empty');
  if (text.length > MAX_REFERENCE_LENGTH) throw invalid(text.slice(0, 64), 'it is too long');
  if (/[\s]/.test(text)) throw invalid(text, 'it contains whitespace');

  const at = text.indexOf('@');
  if (at >= 0 && text.indexOf('@', at + 1) >= 0) throw invalid(text, 'it contains more than one "@"');
  const digest = at >= 0 ? text.slice(at + 1) : undefined;
  const named = at >= 0 ? text.slice(0, at) : text;
  if (digest !== undefined) validateDigest(text, digest);

  const lastSlash = named.lastIndexOf('/');
  const lastColon = named.lastIndexOf(':');
  const tag = lastColon > lastSlash ? named.slice(lastColon + 1) : undefined;
  const name = lastColon > lastSlash ? named.slice(0, lastColon) : named;
  if (tag !== undefined && !TAG.test(tag)) {
    throw invalid(text, `tag "${tag}" must match [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`);
  }
  if (name.length === 0) throw invalid(text, 'the repository name is empty');

  const firstSlash = name.indexOf('/');
  const first = firstSlash >= 0 ? name.slice(0, firstSlash) : '';
  const hasRegistry = firstSlash >= 0 && looksLikeRegistry(first);
  const registry = hasRegistry ? validateRegistry(text, first) : DOCKER_HUB;
  let repository = hasRegistry ? name.slice(firstSlash + 1) : name;
  if (registry === DOCKER_HUB && !repository.includes('/')) repository = `library/${repository}`;

  for (const component of repository.split('/')) {
    if (component === '') throw invalid(text, `repository "${repository}" has an empty path component`);
    if (!PATH_COMPONENT.test(component)) {
      const hint = component !== component.toLowerCase() ? ' (repository names must be lowercase)' : '';
      throw invalid(text, `repository path component "${component}" is not allowed${hint}`);
    }
  }
  if (registry.length + 1 + repository.length > MAX_NAME_LENGTH) {
    throw invalid(text, `the name is longer than ${MAX_NAME_LENGTH} characters`);
  }

  return {
    registry,
    repository,
    ...(tag !== undefined || digest === undefined ? { tag: tag ?? 'latest' } : {}),
    ...(digest !== undefined ? { digest } : {}),
  };
}

/** True for a repository path the distribution grammar allows (`library/alpine`). */
export function isValidRepository(repository: string): boolean {
  return (
    repository.length > 0 &&
    repository.length <= MAX_NAME_LENGTH &&
    repository.split('/').every((component) => PATH_COMPONENT.test(component))
  );
}

export function isValidTag(tag: string): boolean {
  return TAG.test(tag);
}

/** Canonical `registry/repository[:tag][@digest]`. */
export function formatReference(ref: ImageReference): string {
  return `${ref.registry}/${ref.repository}${ref.tag ? `:${ref.tag}` : ''}${ref.digest ? `@${ref.digest}` : ''}`;
}

/** The host[:port] that serves a registry's API (Docker Hub's differs from its name). */
export function registryApiHost(registry: string): string {
  return DOCKER_HUB_ALIASES.has(registry.toLowerCase()) ? DOCKER_HUB_API_HOST : registry;
}

/** What to ask the registry for: the digest when known, else the tag. */
export function manifestReference(ref: ImageReference): string {
  return ref.digest ?? ref.tag ?? 'latest';
}
