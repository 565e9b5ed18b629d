import type { ObjectiveCatalog } from '@tuneforge/platform';

/** What objectives REST study definitions may name (port, so the API checks them before storing). */
export abstract class ObjectiveCatalogPort implements ObjectiveCatalog {
  abstract readonly builtinNames: readonly string[];
  abstract readonly allowInlineCommands: boolean;
  abstract registeredNames(kind: 'module' | 'command'): readonly string[] | null;
  abstract hasDefaultSpace(name: string): boolean;
}
