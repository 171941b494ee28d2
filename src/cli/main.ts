import { Argument, Command, CommanderError, Option } from 'commander';
import { isKeelsonError } from '../core/errors.js';
import { addImageFlags } from './common.js';
import { EXIT, PolicyFailure } from './exit.js';
import { configureProgress, finishProgress } from './progress.js';
import { VERSION } from './version.js';

export { EXIT } from './exit.js';

const collect = (value: string, previous: string[]) => [...previous, value];
const TARGET =
  'image reference, docker/OCI archive, OCI layout, root filesystem directory, or an SBOM file (CycloneDX or SPDX JSON)';

/** The `Examples:` section every command's --help ends with. */
function examples(...lines: string[]): string {
  return `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`;
}

/**
 * The command tree. `formats` (the report registry's names) is passed when help or completion is
 * printed; a plain run does not load every report renderer just to describe them.
 */
export function program(formats?: readonly string[]): Command {
  const root = new Command('keelson')
    .description('Container image risk control plane: inventory, SBOM and hardened-image aware scanning')
    .option('-V, --version', 'print the version and the age of the advisory database (see --db-dir)')
    .showHelpAfterError()
    .exitOverride();
  // Global flags (progress.ts): accepted before or after the subcommand.
  root
    .option('-q, --quiet', 'no progress display: print results only')
    .option('--debug', 'log phase timings, cache hits and the database path to stderr')
    .hook('preAction', (_root, action) => applySettings(action))
    .hook('preAction', (_root, action) => configureProgress(action.optsWithGlobals()))
    .hook('postAction', () => finishProgress());
  root.addHelpText(
    'after',
    examples(
      'keelson scan alpine:3.20',
      'keelson scan image.tar --format sarif=keelson.sarif --fail-on critical',
      'keelson compare app:1.0 app:1.1',
      'source <(keelson completion bash)',
    ) + '\nSettings: flags > KEELSON_* environment variables > --config file > defaults (see README).\n',
  );

  addImageFlags(
    root
      .command('sbom')
      .description('Write a software bill of materials for an image')
      .argument('<target>', TARGET)
      .addOption(
        new Option('-f, --format <format>', 'SBOM format')
          .choices(['cyclonedx', 'cyclonedx-1.5', 'spdx', 'json'])
          .default('cyclonedx'),
      )
      .option('-o, --output <file>', 'write to a file instead of stdout'),
  )
    .addHelpText(
      'after',
      examples(
        'keelson sbom alpine:3.20 > sbom.cdx.json',
        'keelson sbom image.tar --format spdx --output sbom.spdx.json',
      ),
    )
    .action(async (target: string, flags) => {
      const { sbomCommand } = await import('./commands/sbom.js');
      await sbomCommand(target, flags);
    });

  addImageFlags(
    root
      .command('inspect')
      .description('Show distro, provider (with evidence), layers and package counts of an image')
      .argument('<target>', TARGET)
      .addOption(
        new Option('-f, --format <format>', 'output format').choices(['table', 'json']).default('table'),
      ),
  )
    .addHelpText('after', examples('keelson inspect alpine:3.20', 'keelson inspect ./rootfs --format json'))
    .action(async (target: string, flags) => {
      const { inspectCommand } = await import('./commands/inspect.js');
      await inspectCommand(target, flags);
    });
  const scanFlags = (command: Command) =>
    addImageFlags(command)
      .option('--db-dir <dir>', 'advisory database folder (default $XDG_DATA_HOME/keelson/db)')
      .option(
        '--vex <file|dir>',
        'OpenVEX, CycloneDX VEX or CSAF VEX document(s) to apply (repeatable)',
        collect,
        [] as string[],
      )
      .option(
        '--vex-repo <dir>',
        'VEX repository on disk (VEX Hub layout, e.g. a DHI advisories checkout); repeatable',
        collect,
        [] as string[],
      )
      .option(
        '--vex-referrers',
        'read VEX attestations attached to a registry image (OCI referrers, cosign .att)',
      )
      .option(
        '--max-db-age <age>',
        'warn when the advisory database is older than this (e.g. 24h, 7d)',
        '7d',
      );

  const formatList = formats ? ` (${formats.join(', ')})` : '';
  scanFlags(
    root
      .command('scan')
      .description('Find vulnerabilities in an image with the right vendor advisories and VEX')
      .argument('<target>', TARGET)
      .option(
        '-f, --format <format[=file]>',
        `report format${formatList}; repeatable: FORMAT=FILE writes that report to FILE (default table)`,
        collect,
        [] as string[],
      )
      .option('-o, --output <file>', 'write the report without =FILE to this file instead of stdout')
      .option(
        '--severity <levels>',
        'show only these severities, e.g. critical,high (repeatable)',
        collect,
        [] as string[],
      )
      .option('--ignore-unfixed', 'hide findings that have no fixed version')
      .option('--only-base', 'show only findings in base-image layers')
      .option('--ignore-base', 'hide findings in base-image layers (show what the application adds)')
      .option('--only-kev', "show only findings in CISA's Known Exploited Vulnerabilities catalog")
      .option('--epss-min <p>', 'show only findings with an EPSS score at least p (0.1 or 10%)')
      .option('--show-suppressed', 'also list findings suppressed by vendor status, VEX or ignore rules')
      .option(
        '--ignore-file <file>',
        'ignore rules (YAML, see README); default .keelsonignore.yaml in the current folder when present',
      )
      .option(
        '--fail-on <severity>',
        'exit 1 when an actionable finding at or above this severity remains after filters',
      ),
  )
    .addHelpText(
      'after',
      examples(
        'keelson scan alpine:3.20',
        'keelson scan image.tar --severity critical,high --ignore-unfixed',
        'keelson scan image.tar --format table --format sarif=keelson.sarif --format json=scan.json',
        'keelson scan app:1.0 --base-image alpine:3.20 --ignore-base --fail-on high',
        'keelson scan image.tar --vex vex/ --ignore-file .keelsonignore.yaml --show-suppressed',
        'KEELSON_FAIL_ON=critical keelson scan image.tar --config keelson.yaml',
      ) + '\nExit codes: 0 clean, 1 --fail-on threshold reached, 2 error.\n',
    )
    .action(async (target: string, flags) => {
      const { scanCommand } = await import('./commands/scan.js');
      await scanCommand(target, flags);
    });

  scanFlags(
    root
      .command('explain')
      .description('Explain how one vulnerability was matched (or suppressed) in an image')
      .argument('<target>', TARGET)
      .argument('<vulnerability>', 'vulnerability id or alias, e.g. CVE-2021-3450')
      .option('-o, --output <file>', 'write to a file instead of stdout'),
  )
    .addHelpText(
      'after',
      examples('keelson explain alpine:3.10 CVE-2021-3450', 'keelson explain image.tar GHSA-xxxx-xxxx-xxxx'),
    )
    .action(async (target: string, vulnerability: string, flags) => {
      const { explainCommand } = await import('./commands/explain.js');
      await explainCommand(target, vulnerability, flags);
    });

  scanFlags(
    root
      .command('compare')
      .description('Show what changed between two images: packages, findings and the base image')
      .argument('<a>', `the first (older) image: ${TARGET}`)
      .argument('<b>', 'the second (newer) image')
      .addOption(
        new Option('-f, --format <format>', 'output format').choices(['table', 'json']).default('table'),
      )
      .option('-o, --output <file>', 'write to a file instead of stdout'),
  )
    .addHelpText(
      'after',
      examples(
        'keelson compare app:1.0 app:1.1',
        'keelson compare old.tar rebuilt.tar --format json --output diff.json',
      ),
    )
    .action(async (a: string, b: string, flags) => {
      const { compareCommand } = await import('./commands/compare.js');
      await compareCommand(a, b, flags);
    });

  const db = root
    .command('db')
    .description('Manage the local advisory database')
    .addHelpText(
      'after',
      examples('keelson db update', 'keelson db import feeds.tar.gz', 'keelson db status'),
    );
  const dbDir = (command: Command) =>
    command.option('--db-dir <dir>', 'advisory database folder (default $XDG_DATA_HOME/keelson/db)');
  dbDir(
    db
      .command('update')
      .description('Download advisory feeds from upstream and rebuild them atomically')
      .option('--source <name>', 'only this source (repeatable)', collect, [] as string[])
      .option(
        '--mirror <[source=]url>',
        "replace a feed's base URL (all feeds, or one with source=url); repeatable",
        collect,
        [] as string[],
      ),
  )
    .addHelpText(
      'after',
      examples(
        'keelson db update',
        'keelson db update --source alpine-secdb --source nvd',
        'keelson db update --mirror https://mirror.example.com/feeds',
      ),
    )
    .action(async (flags) => {
      const { dbUpdateCommand } = await import('./commands/db.js');
      await dbUpdateCommand(flags);
    });
  dbDir(
    db
      .command('import')
      .description('Import feed files, a folder of them, a .tar.gz of them, or a bundle, offline')
      .argument('<path>', 'file, folder or .tar.gz')
      .option('--source <name>', 'the feed the files belong to (default: recognised from the files)'),
  )
    .addHelpText(
      'after',
      examples(
        'keelson db import keelson-db.tar.gz',
        'keelson db import ./secdb/v3.10 --source alpine-secdb',
      ),
    )
    .action(async (path: string, flags) => {
      const { dbImportCommand } = await import('./commands/db.js');
      await dbImportCommand(path, flags);
    });
  dbDir(
    db
      .command('export-bundle')
      .description('Write the database as a .tar.gz bundle for air-gapped sites')
      .argument('<file>', 'bundle to write'),
  )
    .addHelpText('after', examples('keelson db export-bundle keelson-db.tar.gz'))
    .action(async (file: string, flags) => {
      const { dbExportCommand } = await import('./commands/db.js');
      await dbExportCommand(file, flags);
    });
  dbDir(
    db
      .command('status')
      .description('Show each source with record counts, last update and age')
      .addOption(
        new Option('-f, --format <format>', 'output format').choices(['table', 'json']).default('table'),
      ),
  )
    .addHelpText('after', examples('keelson db status', 'keelson db status --format json'))
    .action(async (flags) => {
      const { dbStatusCommand } = await import('./commands/db.js');
      await dbStatusCommand(flags);
    });

  root
    .command('completion')
    .description('Print a shell completion script')
    .addArgument(new Argument('<shell>', 'bash, zsh or fish').choices(['bash', 'zsh', 'fish']))
    .addHelpText(
      'after',
      examples(
        'source <(keelson completion bash)            # bash, this shell',
        'keelson completion bash > /etc/bash_completion.d/keelson',
        // biome-ignore lint/suspicious/noTemplateCurlyInString: shell syntax, not a template
        'keelson completion zsh > "${fpath[1]}/_keelson"',
        'keelson completion fish > ~/.config/fish/completions/keelson.fish',
      ),
    )
    .action(async (shell: 'bash' | 'zsh' | 'fish') => {
      const { completionScript } = await import('./completion.js');
      process.stdout.write(completionScript(shell, root, formats ? { '--format': formats } : {}));
    });

  const all = (c: Command): Command[] => [c, ...c.commands.flatMap(all)];
  for (const command of all(root).slice(1)) {
    command.exitOverride().showHelpAfterError();
    // Every command that does something reads settings: --config names the file.
    if (command.commands.length === 0 && command.name() !== 'completion')
      command.option(
        '--config <file>',
        'YAML settings file (default $KEELSON_CONFIG; flags and KEELSON_* win)',
      );
  }
  return root;
}

/** Fills options not given as flags from KEELSON_* variables, then from the config file. */
async function applySettings(action: Command): Promise<void> {
  if (!action.options.some((o) => o.attributeName() === 'config')) return;
  const { configPath, loadConfigFile, resolveSettings } = await import('../config/settings.js');
  const options = action.options.map((o) => o.attributeName());
  const fromCli = new Set(options.filter((a) => action.getOptionValueSource(a) === 'cli'));
  const file = configPath(action.opts().config as string | undefined, process.env);
  const config = file ? await loadConfigFile(file) : {};
  const { values, sources } = resolveSettings({
    command: action.name(),
    options,
    fromCli,
    env: process.env,
    config,
  });
  for (const [attr, value] of Object.entries(values))
    action.setOptionValueWithSource(attr, value, sources[attr]);
}

/** True when the arguments ask for the version (before any command word). */
function wantsVersion(argv: readonly string[]): { dbDir?: string } | undefined {
  let dbDir: string | undefined;
  let version = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '-V' || a === '--version') version = true;
    else if (a === '--db-dir') dbDir = argv[++i];
    else if (a.startsWith('--db-dir=')) dbDir = a.slice('--db-dir='.length);
    else if (!a.startsWith('-')) return undefined;
  }
  return version ? { ...(dbDir ? { dbDir } : {}) } : undefined;
}

/** `keelson --version`: the version and the advisory database's age; never fails over the database. */
async function printVersion(dbDirFlag: string | undefined): Promise<void> {
  process.stdout.write(`keelson ${VERSION}\n`);
  const { AdvisoryDb, defaultDbDir } = await import('../advisories/db/reader.js');
  const dir = dbDirFlag ?? (process.env.KEELSON_DB_DIR?.trim() || defaultDbDir());
  let line: string;
  try {
    const db = AdvisoryDb.open(dir);
    try {
      const builtAt = db.builtAt();
      const demo = db.sources().some((s) => s.demo);
      if (builtAt) {
        const hours = (Date.now() - Date.parse(builtAt)) / 3_600_000;
        const age = hours < 48 ? `${Math.max(0, Math.round(hours))} hours` : `${Math.round(hours / 24)} days`;
        line = `advisory database: ${db.path}, built ${builtAt} (${age} old)${demo ? ' [DEMO DATA]' : ''}`;
      } else line = `advisory database: ${db.path} (build time unknown)`;
    } finally {
      db.close();
    }
  } catch (err) {
    line =
      isKeelsonError(err) && err.code === 'NO_DATABASE'
        ? `no advisory database in ${dir} — run \`keelson db update\`, or \`keelson db import FILE\` offline`
        : `advisory database in ${dir} cannot be read: ${err instanceof Error ? err.message : String(err)}`;
  }
  process.stdout.write(`${line}\n`);
}

/** Help and completion list the report formats: load the registry only then. */
async function formatNames(argv: readonly string[]): Promise<readonly string[] | undefined> {
  if (!argv.some((a) => a === '-h' || a === '--help' || a === 'help' || a === 'completion')) return undefined;
  const { reportFormats } = await import('../reports/registry.js');
  return Object.keys(reportFormats);
}

/** Runs the CLI and returns the exit code; errors become one line on stderr. */
export async function run(argv: string[]): Promise<number> {
  try {
    const version = wantsVersion(argv);
    if (version) {
      await printVersion(version.dbDir);
      return EXIT.ok;
    }
    await program(await formatNames(argv)).parseAsync(argv, { from: 'user' });
    return EXIT.ok;
  } catch (err) {
    finishProgress();
    if (err instanceof CommanderError) {
      return err.exitCode === 0 ? EXIT.ok : EXIT.error;
    }
    if (err instanceof PolicyFailure) {
      process.stderr.write(`keelson: ${err.message}\n`);
      return EXIT.policy;
    }
    if (isKeelsonError(err)) {
      process.stderr.write(`keelson: error: ${err.describe()}\n`);
    } else {
      const message = err instanceof Error ? err.message : String(err);
      process.stderr.write(`keelson: error: ${message} [INTERNAL]\n`);
      if (process.env.KEELSON_DEBUG) process.stderr.write(`${(err as Error)?.stack ?? ''}\n`);
    }
    return EXIT.error;
  }
}
