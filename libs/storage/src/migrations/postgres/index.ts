import { InitialSchema1795770000000 } from './1795770000000-initial-schema';
import { PlatformStateInOneHome1796287280000 } from './1796287280000-platform-state-in-one-home';
import { BigStudyReads1796900000000 } from './1796900000000-big-study-reads';
import { FinishesCountedByTheirStatement1797000000000 } from './1797000000000-finishes-counted-by-their-statement';

/** Postgres migrations, oldest first. */
export const postgresMigrations = [
  InitialSchema1795770000000,
  PlatformStateInOneHome1796287280000,
  BigStudyReads1796900000000,
  FinishesCountedByTheirStatement1797000000000,
];
