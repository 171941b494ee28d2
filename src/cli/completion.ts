/**
 * Shell completion scripts generated from the commander command tree, so that a new command or option
 * completes without touching this file. Choices (e.g. report formats) come from the options themselves.
 */
import type { Command, Option } from 'commander';

export type Shell = 'bash' | 'zsh' | 'fish';
export const SHELLS: readonly Shell[] = ['bash', 'zsh', 'fish'];

interface Node {
  /** Space-separated command path below the root ('' for the root). */
  path: string;
  command: Command;
}

function nodes(root: Command): Node[] {
  const out: Node[] = [];
  const walk = (c: Command, path: string) => {
    out.push({ path, command: c });
    for (const sub of c.commands) walk(sub, path ? `${path} ${sub.name()}` : sub.name());
  };
  walk(root, '');
  return out;
}

const visible = (c: Command) => c.options.filter((o) => !o.hidden);
const flags = (o: Option) => [o.long, o.short].filter((f): f is string => Boolean(f));
const takesValue = (o: Option) => o.required || o.optional;

/** Values an option completes to: its choices, or `extra` for options named there (e.g. --format). */
function choices(o: Option, extra: Record<string, readonly string[]>): readonly string[] | undefined {
  return o.argChoices ?? (o.long ? extra[o.long] : undefined);
}

const bashWord = (w: string) => (/^[\w@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, "'\\''")}'`);

function bash(root: Command, extra: Record<string, readonly string[]>): string {
  const all = nodes(root);
  const name = root.name();
  const fn = `_${name.replace(/\W/g, '_')}_complete`;
  const globals = visible(root);
  const lines = [
    `# bash completion for ${name}; load with: source <(${name} completion bash)`,
    `${fn}() {`,
    '  local cur prev path candidate i',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: shell syntax, not a template
    '  cur="${COMP_WORDS[COMP_CWORD]}"',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: shell syntax, not a template
    '  prev="${COMP_WORDS[COMP_CWORD-1]}"',
    '  path=""',
    '  for ((i = 1; i < COMP_CWORD; i++)); do',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: shell syntax, not a template
    '    candidate="${path:+$path }${COMP_WORDS[i]}"',
    '    case "$candidate" in',
    `      ${all
      .slice(1)
      .map((n) => `"${n.path}"`)
      .join('|')}) path="$candidate" ;;`,
    '    esac',
    '  done',
    '  case "$path:$prev" in',
  ];
  for (const n of all) {
    for (const o of [...visible(n.command), ...(n.path ? globals : [])]) {
      if (!takesValue(o)) continue;
      const values = choices(o, extra);
      const patterns = flags(o)
        .map((f) => `"${n.path}:${f}"`)
        .join('|');
      lines.push(
        values
          ? `    ${patterns}) COMPREPLY=($(compgen -W ${bashWord(values.join(' '))} -- "$cur")); return ;;`
          : `    ${patterns}) COMPREPLY=($(compgen -f -- "$cur")); return ;;`,
      );
    }
  }
  lines.push('  esac', '  local words files', '  case "$path" in');
  for (const n of all) {
    const opts = [...visible(n.command), ...(n.path ? globals : [])].flatMap(flags);
    const argChoices = n.command.registeredArguments[0]?.argChoices;
    const words = [...n.command.commands.map((c) => c.name()), ...(argChoices ?? []), ...opts, '--help'];
    if (!n.path) words.push('--version');
    // Arguments with fixed choices (a shell name) do not complete to file names.
    const files = argChoices || n.command.commands.length ? 0 : 1;
    lines.push(`    "${n.path}") words=${bashWord(words.join(' '))}; files=${files} ;;`);
  }
  lines.push(
    '  esac',
    '  if [[ "$cur" == -* ]]; then',
    '    COMPREPLY=($(compgen -W "$words" -- "$cur"))',
    '  else',
    '    COMPREPLY=($(compgen -W "$words" -- "$cur" | grep -v "^-"))',
    '    if [[ "$files" == 1 ]]; then COMPREPLY+=($(compgen -f -- "$cur")); fi',
    '  fi',
    '}',
    `complete -o bashdefault -F ${fn} ${name}`,
    '',
  );
  return lines.join('\n');
}

const zshQuote = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;

function zsh(root: Command, extra: Record<string, readonly string[]>): string {
  const all = nodes(root);
  const name = root.name();
  const lines = [
    `#compdef ${name}`,
    `# zsh completion for ${name}; load with: source <(${name} completion zsh)`,
    `_${name}() {`,
    '  local path_ candidate i prev cur',
    '  path_=""',
    '  for ((i = 2; i < CURRENT; i++)); do',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: shell syntax, not a template
    '    candidate="${path_:+$path_ }${words[i]}"',
    '    case "$candidate" in',
    `      ${all
      .slice(1)
      .map((n) => `${zshQuote(n.path)}`)
      .join('|')}) path_="$candidate" ;;`,
    '    esac',
    '  done',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: shell syntax, not a template
    '  prev="${words[CURRENT-1]}"',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: shell syntax, not a template
    '  cur="${words[CURRENT]}"',
    '  case "$path_:$prev" in',
  ];
  const globals = visible(root);
  for (const n of all)
    for (const o of [...visible(n.command), ...(n.path ? globals : [])]) {
      if (!takesValue(o)) continue;
      const values = choices(o, extra);
      const patterns = flags(o)
        .map((f) => zshQuote(`${n.path}:${f}`))
        .join('|');
      lines.push(
        values
          ? `    ${patterns}) compadd -- ${values.map(zshQuote).join(' ')}; return ;;`
          : `    ${patterns}) _files; return ;;`,
      );
    }
  lines.push('  esac', '  case "$path_" in');
  for (const n of all) {
    const subs = n.command.commands.map((c) => `${c.name()}:${c.description().replace(/:/g, '\\:')}`);
    const opts = [...visible(n.command), ...(n.path ? globals : [])].flatMap(flags);
    opts.push('--help');
    if (!n.path) opts.push('--version');
    lines.push(`    ${zshQuote(n.path)})`);
    lines.push(`      if [[ "$cur" == -* ]]; then compadd -- ${opts.map(zshQuote).join(' ')}; return; fi`);
    if (subs.length) lines.push(`      _describe command "(${subs.map(zshQuote).join(' ')})"; return ;;`);
    else lines.push('      _files; return ;;');
  }
  lines.push('  esac', '}', `compdef _${name} ${name}`, '');
  return lines.join('\n');
}

const fishQuote = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

function fish(root: Command, extra: Record<string, readonly string[]>): string {
  const name = root.name();
  const lines = [
    `# fish completion for ${name}; load with: ${name} completion fish | source`,
    `complete -c ${name} -f`,
  ];
  const all = nodes(root);
  const childrenOf = (path: string) =>
    all.filter((n) => n.path && n.path.split(' ').slice(0, -1).join(' ') === path);
  for (const n of all) {
    const parts = n.path ? n.path.split(' ') : [];
    // The condition: every word of the path seen, and no child of it yet.
    const seen = parts.map((p) => `__fish_seen_subcommand_from ${p}`);
    const children = childrenOf(n.path).map((c) => c.command.name());
    const here = [
      ...seen,
      ...(children.length ? [`not __fish_seen_subcommand_from ${children.join(' ')}`] : []),
    ];
    const cond = parts.length ? here.join('; and ') : '__fish_use_subcommand';
    for (const c of childrenOf(n.path))
      lines.push(
        `complete -c ${name} -n ${fishQuote(cond)} -a ${c.command.name()} -d ${fishQuote(c.command.description())}`,
      );
    const optCond = parts.length ? seen.join('; and ') : '__fish_use_subcommand';
    for (const o of visible(n.command)) {
      const spec = [
        o.long ? `-l ${o.long.replace(/^--/, '')}` : '',
        o.short ? `-s ${o.short.replace(/^-/, '')}` : '',
      ]
        .filter(Boolean)
        .join(' ');
      const values = choices(o, extra);
      const arg = takesValue(o) ? (values ? ` -x -a ${fishQuote(values.join(' '))}` : ' -r -F') : '';
      lines.push(`complete -c ${name} -n ${fishQuote(optCond)} ${spec}${arg} -d ${fishQuote(o.description)}`);
    }
  }
  lines.push('');
  return lines.join('\n');
}

/** The completion script for `shell`; `extra` gives values for options without fixed choices (by long flag). */
export function completionScript(
  shell: Shell,
  root: Command,
  extra: Record<string, readonly string[]> = {},
): string {
  return shell === 'bash' ? bash(root, extra) : shell === 'zsh' ? zsh(root, extra) : fish(root, extra);
}
