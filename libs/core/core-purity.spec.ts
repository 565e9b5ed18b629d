import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

// libs/core must run anywhere and be tested in milliseconds: no Nest, TypeORM, Redis, queues or Node I/O,
// and no hidden randomness or clock in the engine. ESLint enforces the imports while editing; this test
// makes CI fail too.
const FORBIDDEN_IMPORT =
  /from\s+['"](@nestjs\/[^'"]*|typeorm|ioredis|bullmq|pg|better-sqlite3|node:[^'"]+|fs|path|os|child_process|net|http|https|worker_threads)['"]|require\(/;
const FORBIDDEN_CALL = /\bMath\.random\(|\bprocess\.env\b/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') && !path.endsWith('.spec.ts') ? [path] : [];
  });
}

describe('libs/core purity', () => {
  const root = join(__dirname, 'src');
  const files = sourceFiles(root);

  it('finds the core sources', () => {
    expect(files.length).toBeGreaterThan(20);
  });

  it.each(files.map((f) => [relative(root, f), f]))('%s imports no framework or Node I/O', (_name, file) => {
    const offending = readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => FORBIDDEN_IMPORT.test(line) || FORBIDDEN_CALL.test(line));
    expect(offending).toEqual([]);
  });
});
