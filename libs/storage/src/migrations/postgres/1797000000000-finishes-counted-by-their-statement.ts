import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The states a trial ends in and keeps: those `trial_state_counts` counts (an SQL list). */
export const FINISHED_STATES_SQL = `'COMPLETE', 'PRUNED', 'FAIL'`;

/**
 * The session setting under which the storage's own statements count the trials they finish, one upsert
 * per statement (see `postgres-backend.ts`, finishTrials and expireLeases), and the per-row trigger
 * leaves them alone. Set at connection start by the storage's pools (data-source.ts); a session without
 * it (psql, another tool, a pooler in transaction mode that drops startup options) is counted by the
 * trigger as before, so any writer keeps the counts exact.
 */
export const STATEMENTS_COUNT_FINISHES = 'tuneforge.statements_count_finishes';

const finishTrigger = (when: string) =>
  `CREATE TRIGGER "tr_trials_count_finish" AFTER UPDATE OF "state" ON "trials" FOR EACH ROW
   WHEN (NEW."state" IN (${FINISHED_STATES_SQL}) AND OLD."state" IS DISTINCT FROM NEW."state"${when})
   EXECUTE FUNCTION "tuneforge_count_finished_trials"()`;

/**
 * The finish counter of BigStudyReads1796900000000 ran once per finished row: a plpgsql call, an upsert
 * planned at each execution, and a foreign-key check for every row after the first of a grouped finish
 * (the counter row was then written by the same transaction). That was about 40 % of a grouped finish's
 * execution and a tenth of the database's CPU per trial on the platform (BENCHMARKS.md, "Platform
 * throughput"). The storage's statements now count their own finishes with one upsert per statement.
 */
export class FinishesCountedByTheirStatement1797000000000 implements MigrationInterface {
  name = 'FinishesCountedByTheirStatement1797000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER "tr_trials_count_finish" ON "trials"`);
    await queryRunner.query(
      finishTrigger(` AND current_setting('${STATEMENTS_COUNT_FINISHES}', true) IS DISTINCT FROM 'on'`),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER "tr_trials_count_finish" ON "trials"`);
    await queryRunner.query(finishTrigger(''));
  }
}
