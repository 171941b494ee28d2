/**
 * Version schemes: one per ecosystem's ordering rules. Each compares two version strings the way the
 * ecosystem's own tool does, and says clearly when a string is not a version it understands.
 */

export type SchemeName = 'apk' | 'dpkg' | 'rpm' | 'semver' | 'npm' | 'pep440' | 'go' | 'maven' | 'rubygems';

export interface VersionScheme {
  readonly name: SchemeName;
  /** A reason when `version` is not valid in this scheme, undefined when it is. Never throws. */
  invalid(version: string): string | undefined;
  /**
   * Negative, zero or positive as `a` sorts before, equal to or after `b`.
   * Throws `InvalidVersionError` naming the offending version when either is invalid.
   */
  compare(a: string, b: string): number;
}

/** A version that its scheme cannot order: reported on the finding, never read as "not affected". */
export class InvalidVersionError extends Error {
  override readonly name = 'InvalidVersionError';
  constructor(
    readonly scheme: SchemeName,
    readonly version: string,
    readonly reason: string,
  ) {
    super(
      `${scheme} version ${JSON.stringify(version.length > 80 ? `${version.slice(0, 80)}…` : version)} is invalid: ${reason}`,
    );
  }
}
