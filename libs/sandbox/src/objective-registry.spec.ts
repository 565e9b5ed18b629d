import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { InlineCommandsDisabledError, InvalidManifestError, UnknownObjectiveError } from './errors';
import { ObjectiveRegistry, parseObjectiveManifest } from './objective-registry';

const EXAMPLES = resolve(__dirname, '../../../examples');

describe('ObjectiveRegistry', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tuneforge-registry-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, json: unknown) =>
    writeFileSync(join(dir, name), typeof json === 'string' ? json : JSON.stringify(json));

  it('loads the example manifests, with paths relative to the manifest folder', async () => {
    const registry = await ObjectiveRegistry.fromDirectory(join(EXAMPLES, 'objectives'));
    expect(registry.names()).toEqual(['conditional', 'model-select', 'python-train', 'shell-quadratic']);
    const python = registry.get('python-train');
    expect(python.kind).toBe('command');
    if (python.kind !== 'command') throw new Error('unreachable');
    expect(python.spec.argv).toEqual(['python3', '../python/train.py']);
    expect(python.spec.baseDir).toBe(join(EXAMPLES, 'objectives'));
    expect(python.spec.limits).toEqual({
      wallTimeMs: 60000,
      memoryMb: 512,
      outputBytes: 1048576,
      killGraceMs: 2000,
    });
    expect(python.space?.parameters.map((p) => p.name)).toEqual(['lr', 'l2', 'batch_size', 'epochs']);
    const conditional = registry.get('conditional');
    expect(conditional.kind === 'module' && conditional.spec.path).toBe(
      join(EXAMPLES, 'conditional/conditional-objective.ts'),
    );
  });

  it('ignores files other than *.json and reads an empty folder as no objectives', async () => {
    write('README.md', '# not a manifest');
    expect((await ObjectiveRegistry.fromDirectory(dir)).names()).toEqual([]);
  });

  it('says which names exist when an unknown one is asked for', async () => {
    write('a.json', { name: 'echo', kind: 'command', argv: ['echo'] });
    const registry = await ObjectiveRegistry.fromDirectory(dir);
    expect(() => registry.get('ehco')).toThrow(UnknownObjectiveError);
    expect(() => registry.get('ehco')).toThrow(
      /No objective named 'ehco' is registered \(registered: echo\)/,
    );
  });

  it.each([
    ['not an object', [], null, /must be a JSON object/],
    ['a bad name', { name: '../x', kind: 'command', argv: ['true'] }, 'name', /letters, digits/],
    ['a bad kind', { name: 'x', kind: 'shell', argv: ['true'] }, 'kind', /'command' or 'module'/],
    ['an unknown field', { name: 'x', kind: 'command', argv: ['true'], cwd: '/' }, 'cwd', /unknown field/],
    [
      'a module field on a command',
      { name: 'x', kind: 'command', argv: ['true'], path: 'a.ts' },
      'path',
      /unknown field/,
    ],
    ['an empty argv', { name: 'x', kind: 'command', argv: [] }, 'argv', /non-empty array of strings/],
    [
      'an unknown limit',
      { name: 'x', kind: 'command', argv: ['true'], limits: { wallTime: 5 } },
      'limits.wallTime',
      /not a limit/,
    ],
    [
      'a negative limit',
      { name: 'x', kind: 'command', argv: ['true'], limits: { wallTimeMs: -1 } },
      'limits.wallTimeMs',
      /> 0/,
    ],
    [
      'a heap cap on a command',
      { name: 'x', kind: 'command', argv: ['true'], limits: { heapMb: 64 } },
      'limits.heapMb',
      /module/,
    ],
    [
      'a server variable',
      { name: 'x', kind: 'command', argv: ['true'], passEnv: ['DATABASE_URL'] },
      'passEnv',
      /server variable/,
    ],
    [
      'a bad network',
      { name: 'x', kind: 'command', argv: ['true'], network: 'off' },
      'network',
      /'inherit' or 'none'/,
    ],
    [
      'a bad space',
      { name: 'x', kind: 'command', argv: ['true'], space: [{ name: 'a', type: 'float', low: 1, high: 0 }] },
      'space',
      /parameter 'a', field 'low'/,
    ],
    [
      'a missing space file',
      { name: 'x', kind: 'command', argv: ['true'], space: 'nope.json' },
      'space',
      /cannot read the space file/,
    ],
    ['a missing module', { name: 'x', kind: 'module', path: 'nope.ts' }, 'path', /no module file/],
    ['a module that is not JS/TS', { name: 'x', kind: 'module', path: 'x.py' }, 'path', /\.ts, .*\.cjs file/],
    [
      'an address-space cap on a module',
      { name: 'x', kind: 'module', path: __filename, limits: { memoryMb: 64 } },
      'limits.memoryMb',
      /heapMb/,
    ],
  ])('refuses a manifest with %s, naming the file and the field', (_what, json, field, reason) => {
    const file = join(dir, 'bad.json');
    let error: InvalidManifestError | null = null;
    try {
      parseObjectiveManifest(json, file);
    } catch (e) {
      error = e as InvalidManifestError;
    }
    expect(error).toBeInstanceOf(InvalidManifestError);
    expect(error!.file).toBe(file);
    expect(error!.field).toBe(field);
    expect(error!.message).toContain(file);
    expect(error!.message).toMatch(reason);
  });

  it('reports every invalid manifest of a folder at once', async () => {
    write('one.json', '{ not json');
    write('two.json', { name: 'two', kind: 'module' });
    write('ok.json', { name: 'ok', kind: 'command', argv: ['true'] });
    await expect(ObjectiveRegistry.fromDirectory(dir)).rejects.toThrow(
      /2 invalid objective manifests:\n- .*one\.json: not valid JSON.*\n- .*two\.json: field 'path'/,
    );
  });

  it('refuses two manifests with the same name', async () => {
    write('a.json', { name: 'same', kind: 'command', argv: ['true'] });
    write('b.json', { name: 'same', kind: 'command', argv: ['false'] });
    await expect(ObjectiveRegistry.fromDirectory(dir)).rejects.toThrow(
      /objective 'same' is already defined by .*a\.json/,
    );
  });

  it('reads the manifests of a folder, refusing inline objectives by default', async () => {
    write('a.json', { name: 'a', kind: 'command', argv: ['true'] });
    const registry = await ObjectiveRegistry.fromDirectory(dir);
    expect(registry.names()).toEqual(['a']);
    expect(registry.allowInline).toBe(false);
    await expect(ObjectiveRegistry.fromDirectory(join(dir, 'missing'))).rejects.toThrow(
      /cannot read the objectives folder/,
    );
  });

  it('refuses inline commands and modules unless the operator allows them', async () => {
    const closed = new ObjectiveRegistry([]);
    expect(() => closed.resolveInline({ kind: 'command', argv: ['sh', '-c', 'curl evil'] })).toThrow(
      InlineCommandsDisabledError,
    );
    expect(() => closed.resolveInline({ kind: 'module', path: __filename })).toThrow(
      /TUNEFORGE_ALLOW_INLINE_COMMANDS=1/,
    );
    const open = await ObjectiveRegistry.fromDirectory(dir, { allowInline: true });
    const inline = open.resolveInline({
      kind: 'command',
      argv: ['python3', 'train.py'],
      limits: { wallTimeMs: 1000 },
    });
    expect(inline.kind === 'command' && inline.spec.limits.wallTimeMs).toBe(1000);
    expect(() => open.resolveInline({ kind: 'command', argv: [] })).toThrow(/argv must be a non-empty array/);
  });
});
