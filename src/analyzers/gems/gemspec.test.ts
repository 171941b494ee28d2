import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { parseGemspec, readSpecAttributes } from './gemspec.js';

const rakePath = 'usr/lib/ruby/gems/3.1.0/specifications/rake-13.0.6.gemspec';

/** The gemspec rubygems 3.3 writes when it installs rake 13.0.6. */
const rakeGemspec = `# -*- encoding: utf-8 -*-
# stub: rake 13.0.6 ruby lib

Gem::Specification.new do |s|
  s.name = "rake".freeze
  s.version = "13.0.6"

  s.required_rubygems_version = Gem::Requirement.new(">= 1.3.2".freeze) if s.respond_to? :required_rubygems_version=
  s.metadata = { "bug_tracker_uri" => "https://github.com/ruby/rake/issues", "source_code_uri" => "https://github.com/ruby/rake/tree/v13.0.6" } if s.respond_to? :metadata=
  s.require_paths = ["lib".freeze]
  s.authors = ["Hiroshi SHIBATA".freeze, "Eric Hodel".freeze, "Jim Weirich".freeze]
  s.bindir = "exe".freeze
  s.date = "2021-07-09"
  s.description = "Rake is a Make-like program implemented in Ruby. Tasks and dependencies are\\nspecified in standard Ruby syntax.\\n  s.name = \\"not-this\\"\\n".freeze
  s.email = ["hsbt@ruby-lang.org".freeze, "drbrain@segment7.net".freeze, "".freeze]
  s.executables = ["rake".freeze]
  s.homepage = "https://github.com/ruby/rake".freeze
  s.licenses = ["MIT".freeze]
  s.rdoc_options = ["--main".freeze, "README.rdoc".freeze]
  s.required_ruby_version = Gem::Requirement.new(">= 2.2".freeze)
  s.rubygems_version = "3.3.5".freeze
  s.summary = "Rake is a Make-like program implemented in Ruby".freeze

  s.installed_by_version = "3.3.5" if s.respond_to? :installed_by_version
end
`;

function parse(text: string, path = rakePath) {
  return parseGemspec(Buffer.from(text), path);
}

describe('parseGemspec', () => {
  test('reads an installed gemspec as rubygems writes it', () => {
    assert.deepEqual(parse(rakeGemspec), {
      packages: [
        {
          name: 'rake',
          version: '13.0.6',
          type: 'gem',
          licenses: ['MIT'],
          supplier: 'Hiroshi SHIBATA, Eric Hodel, Jim Weirich',
          location: rakePath,
          foundBy: 'gems',
        },
      ],
    });
  });

  test('native platform gems, String#dump escapes and CRLF line ends', () => {
    const text = [
      '# -*- encoding: utf-8 -*-',
      '# stub: nokogiri 1.15.4 x86_64-linux lib',
      '',
      'Gem::Specification.new do |s|',
      '  s.name = "nokogiri".freeze',
      '  s.version = "1.15.4"',
      '  s.platform = "x86_64-linux".freeze',
      '  s.authors = ["Mike Dalessio".freeze, "Andr\\u00E9 Arko".freeze, "Yoko \\u{5c71}\\u{7530}".freeze, "Bj\\xC3\\xB6rn \\"Q\\" \\#{x} \\\\".freeze]',
      '  s.licenses = ["MIT".freeze]',
      '  s.add_runtime_dependency(%q<racc>.freeze, ["~> 1.4"])',
      'end',
    ].join('\r\n');
    const pkg = parse(text, 'usr/local/bundle/specifications/nokogiri-1.15.4-x86_64-linux.gemspec')
      .packages?.[0];
    assert.equal(pkg?.name, 'nokogiri');
    assert.equal(pkg?.version, '1.15.4');
    assert.equal(pkg?.supplier, 'Mike Dalessio, André Arko, Yoko 山田, Björn "Q" #{x} \\');
    assert.deepEqual(pkg?.metadata, { platform: 'x86_64-linux' });
  });

  test('default gems are marked, and `spec` or brace blocks and single-quoted strings work', () => {
    const text = [
      'Gem::Specification.new { |spec|',
      "  spec.name = 'json'",
      "  spec.version = '2.6.1'",
      "  spec.license = 'Ruby'",
      "  spec.author = 'Florian Frank'",
      "  spec.platform = 'ruby'",
      '}',
    ].join('\n');
    const path = 'usr/lib/ruby/gems/3.1.0/specifications/default/json-2.6.1.gemspec';
    assert.deepEqual(parse(text, path).packages, [
      {
        name: 'json',
        version: '2.6.1',
        type: 'gem',
        licenses: ['Ruby'],
        supplier: 'Florian Frank',
        location: path,
        foundBy: 'gems',
        metadata: { defaultGem: 'true' },
      },
    ]);
  });

  test('older rubygems output without .freeze, and licences left unset when absent', () => {
    const text = [
      'Gem::Specification.new do |s|',
      '  s.name = "thor"',
      '  s.version = "0.20.3"',
      '  s.authors = ["Yehuda Katz", "Jos\\u00E9 Valim"]',
      '  s.licenses = []',
      '  if s.respond_to? :specification_version then',
      '    s.specification_version = 4',
      '  end',
      'end',
    ].join('\n');
    const pkg = parse(text).packages?.[0];
    assert.equal(pkg?.supplier, 'Yehuda Katz, José Valim');
    assert.equal(pkg?.licenses, undefined);
    assert.equal(pkg?.metadata, undefined);
  });

  test('only assignments on the block variable count; later ones win; computed values are ignored', () => {
    const attributes = readSpecAttributes(
      [
        'x.name = "other-variable"',
        'Gem::Specification.new do |s|',
        '  s.name = "first"',
        '  s.name = "second".freeze',
        '  s.version = "1.#{minor}"',
        '  s.version == "comparison"',
        '  s.summary = "not wanted"',
        'end',
      ].join('\n'),
    );
    assert.deepEqual([...(attributes ?? new Map())], [['name', 'second']]);
  });

  test('warns about missing name or version, a missing spec block, and truncated or binary files', () => {
    const cases: [string, string][] = [
      ['Gem::Specification.new do |s|\n  s.version = "1.0"\nend\n', 'gemspec lacks a literal name'],
      ['Gem::Specification.new do |s|\n  s.name = "x".freeze\nend\n', 'gemspec lacks a literal version'],
      [
        'Gem::Specification.new do |s|\n  s.name = VERSION\n  s.version = Foo::VERSION\nend',
        'gemspec lacks a literal name and version',
      ],
      [rakeGemspec.slice(0, rakeGemspec.indexOf('s.version') + 14), 'gemspec lacks a literal version'],
      [
        'Gem::Specification.new do |s|\n  s.name = "unterminated\n  s.version = "1"\n',
        'gemspec lacks a literal name',
      ],
      [
        'Gem::Specification.new do |s|\n  s.name = ["a", "b"]\n  s.version = "1"\n',
        'gemspec lacks a literal name',
      ],
      [
        'Gem::Specification.new do |s|\n  s.name = "bad \\u{110000}"\n  s.version = "1"\n',
        'gemspec lacks a literal name',
      ],
      ['', 'no Gem::Specification block in gemspec'],
      ['\u0000\u0001\u00ff binary', 'no Gem::Specification block in gemspec'],
    ];
    for (const [text, message] of cases) {
      assert.deepEqual(
        parse(text),
        { warnings: [{ code: 'PARSE_ERROR', message, file: rakePath }] },
        message,
      );
    }
  });

  test('reads a large hostile file of unterminated strings line by line', () => {
    const hostile = `Gem::Specification.new do |s|\n${'  s.name = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n'.repeat(25_000)}`;
    assert.equal(parse(hostile).warnings?.[0]?.message, 'gemspec lacks a literal name and version');
  });

  test('arbitrary text inside a spec block never throws', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), fc.string({ maxLength: 300 }), (name, version) => {
        const facts = parse(`Gem::Specification.new do |s|\n  s.name = ${name}\n  s.version = "${version}\n`);
        assert.ok((facts.packages?.length ?? 0) + (facts.warnings?.length ?? 0) === 1);
      }),
      { seed: 9, numRuns: 300 },
    );
  });
});
