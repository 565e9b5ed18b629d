import { InitialSchema1795770000000 } from './1795770000000-initial-schema';

/** Postgres migrations, oldest first. */
export const postgresMigrations = [InitialSchema1795770000000];
