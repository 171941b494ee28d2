/** Something in a text package database that could not be read: a skipped record or an ignored line. */
export interface ParseIssue {
  /** 1-based line where the record starts. */
  line: number;
  message: string;
}

/** Lines named in a message; the rest are counted. */
const ISSUES_SHOWN = 5;

/** One warning line for a damaged database: the first few problems by line, and how many more. */
export function summariseIssues(issues: readonly ParseIssue[], database: string): string {
  const shown = issues.slice(0, ISSUES_SHOWN).map((issue) => `line ${issue.line}: ${issue.message}`);
  const more = issues.length > ISSUES_SHOWN ? `; and ${issues.length - ISSUES_SHOWN} more` : '';
  return `${issues.length} problem(s) in the ${database} database: ${shown.join('; ')}${more}`;
}
