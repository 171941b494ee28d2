import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { Command } from 'commander';
import { reportFormats } from '../reports/registry.js';
import { completionScript } from './completion.js';
import { program } from './main.js';

const formats = Object.keys(reportFormats);
const all = (c: Command): Command[] => [c, ...c.commands.flatMap(all)];

function helpText(c: Command): string {
  let out = '';
  c.configureOutput({ writeOut: (s) => (out += s), writeErr: (s) => (out += s) });
  c.outputHelp();
  return out;
}

describe('--help', () => {
  test('every command has an Examples section with at least one keelson command line', () => {
    const root = program(formats);
    const commands = all(root);
    assert.ok(commands.length >= 11);
    for (const c of commands) {
      const text = helpText(c);
      assert.match(
        text,
        /\nExamples:\n {2}\$ (source <\()?keelson /,
        `keelson ${c.name()} --help has no examples`,
      );
    }
  });

  test('scan --help lists the report formats from the registry', () => {
    const scan = program(formats).commands.find((c) => c.name() === 'scan')!;
    const text = helpText(scan).replace(/\s+/g, ' ');
    for (const f of formats) assert.ok(text.includes(f), `format ${f} not in scan --help`);
    assert.match(text, /Exit codes: 0 clean, 1 --fail-on threshold reached, 2 error/);
  });
});

function has(shell: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${shell}`]).status === 0;
}

describe('keelson completion', () => {
  const root = program(formats);
  const extra = { '--format': formats };

  test('bash: the script parses (bash -n) and defines `complete -p keelson` once sourced', () => {
    const dir = mkdtempSync(join(tmpdir(), 'keelson-completion-'));
    try {
      const file = join(dir, 'keelson.bash');
      writeFileSync(file, completionScript('bash', root, extra));
      execFileSync('bash', ['-n', file]);
      const defined = execFileSync('bash', ['-c', `source "${file}" && complete -p keelson`], {
        encoding: 'utf8',
      });
      assert.match(defined, /complete -o bashdefault -F _keelson_complete keelson/);
      // Drive the function as bash would: completing `keelson scan x --format s`.
      const run = (line: string) =>
        execFileSync(
          'bash',
          [
            '-c',
            `source "${file}"; COMP_WORDS=(${line}); COMP_CWORD=$((\${#COMP_WORDS[@]}-1)); _keelson_complete; printf '%s\\n' "\${COMPREPLY[@]}"`,
          ],
          { encoding: 'utf8', cwd: dir },
        )
          .split('\n')
          .filter(Boolean);
      assert.deepEqual(run("keelson scan x.tar --format ''").sort(), [...formats].sort());
      assert.deepEqual(
        run('keelson scan x.tar --format s'),
        formats.filter((f) => f.startsWith('s')),
      );
      assert.deepEqual(run('keelson d').sort(), ['db']);
      assert.deepEqual(run('keelson db s'), ['status']);
      assert.ok(run('keelson scan x.tar --fail').includes('--fail-on'));
      assert.ok(run('keelson compare a b --').includes('--format'));
      assert.deepEqual(run("keelson completion ''").sort(), ['bash', 'fish', 'zsh']);
      assert.ok(run("keelson scan ''").includes('keelson.bash'), 'an image target completes to files');
      assert.deepEqual(run("keelson db status --format ''").sort(), ['json', 'table']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  for (const shell of ['zsh', 'fish'] as const) {
    test(`${shell}: generated from the same tree, syntax-checked where ${shell} is installed`, (t) => {
      const script = completionScript(shell, root, extra);
      for (const word of ['scan', 'compare', 'completion', 'update', 'fail-on', ...formats])
        assert.ok(script.includes(word), `${shell} script lacks ${word}`);
      // CI installs both shells (.ci/run): there the syntax check must run.
      if (process.env.CI === 'true') assert.ok(has(shell), `${shell} must be installed in CI`);
      if (has(shell)) {
        const dir = mkdtempSync(join(tmpdir(), 'keelson-completion-'));
        try {
          const file = join(dir, `keelson.${shell}`);
          writeFileSync(file, script);
          execFileSync(shell, ['-n', file]);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      } else
        t.diagnostic(`${shell} is not installed here: only the script's content was checked, not its syntax`);
    });
  }
});
