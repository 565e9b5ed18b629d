import { Injectable } from '@nestjs/common';
import { BUILTIN_PROBLEMS, ObjectiveRegistry } from '@tuneforge/sandbox';
import { PlatformConfig } from '../config/platform-config';
import { ObjectiveCatalogPort } from './objective-catalog';

/** The objectives a study definition may name: built-in problems and the operator's registry. */
@Injectable()
export class SandboxObjectiveCatalog extends ObjectiveCatalogPort {
  readonly builtinNames = Object.keys(BUILTIN_PROBLEMS);
  readonly allowInlineCommands: boolean;

  constructor(
    private readonly registry: ObjectiveRegistry,
    config: PlatformConfig,
  ) {
    super();
    this.allowInlineCommands = config.allowInlineCommands;
  }

  registeredNames(kind: 'module' | 'command'): readonly string[] {
    return this.registry.names().filter((name) => this.registry.get(name).kind === kind);
  }

  hasDefaultSpace(name: string): boolean {
    return this.registry.has(name) && this.registry.get(name).space !== null;
  }
}
