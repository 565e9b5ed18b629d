import { InitialSchema1795770000000 } from './1795770000000-initial-schema';

/** SQLite migrations, oldest first (one per Postgres migration, same names). */
export const sqliteMigrations = [InitialSchema1795770000000];
