/**
 * Which objectives a platform caller may start is the operator's decision: workers read one JSON manifest
 * per objective from the folder named by TUNEFORGE_OBJECTIVES_DIR, and REST study definitions refer to them
 * by name. Free-form commands (and module paths) in a study definition are refused unless the operator sets
 * TUNEFORGE_ALLOW_INLINE_COMMANDS=1, since they run arbitrary code on the workers. The platform's config
 * (src/config/platform-config.ts) is the one reader of both variables; it builds the registry with
 * `fromDirectory` and the inline switch.
 *
 * A manifest:
 *   { "name": "python-train", "kind": "command", "argv": ["python3", "../python/train.py"],
 *     "limits": { "wallTimeMs": 60000, "memoryMb": 512 }, "env": { "OMP_NUM_THREADS": "1" },
 *     "passEnv": [], "network": "none", "space": "../python/space.json", "description": "..." }
 *   { "name": "conditional", "kind": "module", "path": "../conditional/conditional-objective.ts",
 *     "limits": { "wallTimeMs": 30000, "heapMb": 256 } }
 * `space` is a declarative search space, inline or as the path of a JSON file. Relative paths (argv arguments
 * naming existing files, a module's path, a space file) are relative to the manifest's folder.
 */
import { readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import {
  InvalidSearchSpaceError,
  parseSearchSpace,
  type Objective,
  type SearchSpaceDefinition,
} from '@tuneforge/core';
import {
  commandObjective,
  resolveCommandSpec,
  type CommandObjectiveOptions,
  type CommandSpec,
  type ResolvedCommandSpec,
} from './command-runner';
import {
  InlineCommandsDisabledError,
  InvalidManifestError,
  InvalidObjectiveSpecError,
  UnknownObjectiveError,
} from './errors';
import {
  moduleObjective,
  resolveModuleSpec,
  type ModuleSpec,
  type ResolvedModuleSpec,
} from './module-runner';

interface RegisteredBase {
  readonly name: string;
  readonly description: string | null;
  /** The default search space of a command objective (a study definition may bring its own). */
  readonly space: SearchSpaceDefinition | null;
  /** The manifest it came from (null for an inline objective). */
  readonly file: string | null;
}

export type RegisteredObjective =
  | (RegisteredBase & { readonly kind: 'command'; readonly spec: ResolvedCommandSpec })
  | (RegisteredBase & { readonly kind: 'module'; readonly spec: ResolvedModuleSpec });

/** An objective carried by a study definition instead of named from the registry. */
export type InlineObjective = ({ kind: 'command' } & CommandSpec) | ({ kind: 'module' } & ModuleSpec);

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
const COMMON_FIELDS = ['name', 'kind', 'description', 'limits', 'env', 'passEnv', 'space'];
const FIELDS: Record<'command' | 'module', readonly string[]> = {
  command: [...COMMON_FIELDS, 'argv', 'network'],
  module: [...COMMON_FIELDS, 'path'],
};

/**
 * Validates one manifest; `file` is where it came from (relative paths are resolved against its folder).
 * @throws InvalidManifestError naming the file and the field
 */
export function parseObjectiveManifest(json: unknown, file: string): RegisteredObjective {
  const bad = (field: string | null, reason: string): never => {
    throw new InvalidManifestError(`${file}: ${field ? `field '${field}': ` : ''}${reason}`, file, field);
  };
  if (!json || typeof json !== 'object' || Array.isArray(json)) bad(null, 'a manifest must be a JSON object');
  const m = json as Record<string, unknown>;
  if (typeof m.name !== 'string' || !NAME.test(m.name)) {
    bad(
      'name',
      `must be 1-100 letters, digits, '.', '_' or '-' (not starting with a punctuation), got ${JSON.stringify(m.name)}`,
    );
  }
  const kind = m.kind;
  if (kind !== 'command' && kind !== 'module')
    bad('kind', `must be 'command' or 'module', got ${JSON.stringify(kind)}`);
  const k = kind as 'command' | 'module';
  for (const key of Object.keys(m)) {
    if (!FIELDS[k].includes(key))
      bad(key, `unknown field for a ${k} objective (known: ${FIELDS[k].join(', ')})`);
  }
  if (m.description !== undefined && typeof m.description !== 'string')
    bad('description', 'must be a string');
  const baseDir = dirname(resolve(file));
  let space: SearchSpaceDefinition | null = null;
  if (m.space !== undefined) {
    let spaceJson = m.space;
    if (typeof spaceJson === 'string') {
      const spaceFile = resolve(baseDir, spaceJson);
      try {
        spaceJson = JSON.parse(readFileSync(spaceFile, 'utf8'));
      } catch (e) {
        bad('space', `cannot read the space file ${spaceFile}: ${(e as Error).message}`);
      }
    }
    try {
      space = parseSearchSpace(spaceJson);
    } catch (e) {
      if (e instanceof InvalidSearchSpaceError) bad('space', e.message);
      throw e;
    }
  }
  const base = {
    name: m.name as string,
    description: (m.description as string | undefined) ?? null,
    space,
    file,
  };
  try {
    if (k === 'command') {
      const spec = resolveCommandSpec({
        argv: m.argv as string[],
        baseDir,
        env: m.env as Record<string, string> | undefined,
        passEnv: m.passEnv as string[] | undefined,
        limits: m.limits as CommandSpec['limits'],
        network: m.network as CommandSpec['network'],
      });
      return { ...base, kind: 'command', spec };
    }
    if (m.space !== undefined)
      bad('space', 'a module objective suggests its own parameters; space is for commands');
    const spec = resolveModuleSpec({
      path: m.path as string,
      baseDir,
      env: m.env as Record<string, string> | undefined,
      passEnv: m.passEnv as string[] | undefined,
      limits: m.limits as ModuleSpec['limits'],
    });
    return { ...base, kind: 'module', spec };
  } catch (e) {
    if (e instanceof InvalidObjectiveSpecError) bad(e.field, e.message);
    throw e;
  }
}

/** The objectives a worker may run, by name. */
export class ObjectiveRegistry {
  private readonly byName: ReadonlyMap<string, RegisteredObjective>;

  constructor(
    objectives: readonly RegisteredObjective[],
    /** Whether inline commands and modules are accepted. @defaultValue false */
    readonly allowInline = false,
  ) {
    const map = new Map<string, RegisteredObjective>();
    for (const o of objectives) {
      const other = map.get(o.name);
      if (other) {
        throw new InvalidManifestError(
          `${o.file ?? o.name}: field 'name': objective '${o.name}' is already defined by ${other.file ?? 'another objective'}`,
          o.file ?? '',
          'name',
        );
      }
      map.set(o.name, o);
    }
    this.byName = map;
  }

  /**
   * Reads every `*.json` manifest of `dir` (other files are ignored). Every invalid manifest is reported in
   * one error, so that an operator fixes them all at once. @throws InvalidManifestError
   */
  static async fromDirectory(
    dir: string,
    options: { allowInline?: boolean } = {},
  ): Promise<ObjectiveRegistry> {
    let names: string[];
    try {
      names = (await readdir(dir)).filter((n) => n.endsWith('.json')).sort();
    } catch (e) {
      throw new InvalidManifestError(
        `cannot read the objectives folder ${dir}: ${(e as Error).message}`,
        dir,
        null,
      );
    }
    const objectives: RegisteredObjective[] = [];
    const problems: InvalidManifestError[] = [];
    for (const name of names) {
      const file = join(dir, name);
      try {
        let json: unknown;
        try {
          json = JSON.parse(await readFile(file, 'utf8'));
        } catch (e) {
          throw new InvalidManifestError(`${file}: not valid JSON: ${(e as Error).message}`, file, null);
        }
        objectives.push(parseObjectiveManifest(json, file));
      } catch (e) {
        if (!(e instanceof InvalidManifestError)) throw e;
        problems.push(e);
      }
    }
    if (problems.length === 1) throw problems[0];
    if (problems.length > 1) {
      throw new InvalidManifestError(
        `${problems.length} invalid objective manifests:\n${problems.map((p) => `- ${p.message}`).join('\n')}`,
        problems[0].file,
        problems[0].field,
      );
    }
    return new ObjectiveRegistry(objectives, options.allowInline ?? false);
  }

  /** Registered names, sorted. */
  names(): string[] {
    return [...this.byName.keys()].sort();
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** @throws UnknownObjectiveError listing the registered names */
  get(name: string): RegisteredObjective {
    const found = this.byName.get(name);
    if (!found) {
      const known = this.names();
      throw new UnknownObjectiveError(
        `No objective named '${name}' is registered${known.length ? ` (registered: ${known.join(', ')})` : ` (set TUNEFORGE_OBJECTIVES_DIR to a folder of manifests)`}.`,
      );
    }
    return found;
  }

  /**
   * Validates an objective carried by a study definition, if the operator allows them. Relative paths are
   * resolved against `baseDir` (the worker's cwd by default).
   * @throws InlineCommandsDisabledError, InvalidObjectiveSpecError
   */
  resolveInline(objective: InlineObjective): RegisteredObjective {
    if (!this.allowInline) {
      throw new InlineCommandsDisabledError(
        `Inline ${objective?.kind ?? 'command'} objectives are refused: refer to a registered objective by name, or set TUNEFORGE_ALLOW_INLINE_COMMANDS=1 on the workers to allow them.`,
      );
    }
    const base = { name: 'inline', description: null, space: null, file: null };
    if (objective.kind === 'command') {
      const { kind: _kind, ...spec } = objective;
      return { ...base, kind: 'command', spec: resolveCommandSpec(spec) };
    }
    if (objective.kind === 'module') {
      const { kind: _kind, ...spec } = objective;
      return { ...base, kind: 'module', spec: resolveModuleSpec(spec) };
    }
    throw new InvalidObjectiveSpecError(
      `kind must be 'command' or 'module', got ${JSON.stringify((objective as { kind?: unknown })?.kind)}`,
      'kind',
    );
  }
}

export type RegisteredObjectiveOptions = Omit<CommandObjectiveOptions, 'space' | 'onOutcome'> & {
  /** The study's search space for a command objective. @defaultValue the manifest's `space` */
  space?: SearchSpaceDefinition;
};

/**
 * The `study.optimize` objective of a registered (or inline) objective. A command needs a search space: the
 * study's, or else the manifest's. @throws InvalidObjectiveSpecError when a command has no space
 */
export function objectiveFor(objective: RegisteredObjective, options: RegisteredObjectiveOptions): Objective {
  const { space, ...rest } = options;
  if (objective.kind === 'module') return moduleObjective(objective.spec, rest);
  const chosen = space ?? objective.space;
  if (!chosen) {
    throw new InvalidObjectiveSpecError(
      `command objective '${objective.name}' needs a search space: give one with the study, or a 'space' in its manifest`,
      'space',
    );
  }
  return commandObjective(objective.spec, { ...rest, space: chosen });
}
