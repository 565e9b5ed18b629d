import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The first objective value of a trial as a float8 (`values` is a JSON array; non-finite values are the
 * strings "Infinity", "-Infinity", "NaN", which float8 reads too). The value indexes are on this exact
 * expression: a statement that orders by it must spell it the same way to use them.
 */
export const FIRST_VALUE_SQL = `(("values"::jsonb ->> 0)::float8)`;

/** The states a trial ends in and keeps: those `trial_state_counts` counts. */
const FINISHED = `'COMPLETE', 'PRUNED', 'FAIL'`;

/**
 * Reads that stay fast on a study of a million trials (issue 14), each an index range instead of a
 * whole-history read:
 * - `ix_trials_study_state_number` replaces `ix_trials_study_state`: the same prefix for reads by state,
 *   plus keyset pages in number order within a state;
 * - `ix_trials_study_value` / `_value_desc`: pages ordered by the first value (ascending, descending, number
 *   breaking ties upwards in both) and the best trial, over trials with values; `ix_trials_study_no_value`:
 *   the trials without one, which those pages list last;
 * - `trial_state_counts`: finished trials per study and state, kept by triggers on `trials` (a count over a
 *   million index entries takes ~100 ms). Rows are counts per writing server process, summed when read;
 *   the statements that write trials are unchanged.
 * The indexes are built in the migration's transaction (writes to `trials` wait for it: about 4 s per
 * million trials per index on the reference machine).
 */
export class BigStudyReads1796900000000 implements MigrationInterface {
  name = 'BigStudyReads1796900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "ix_trials_study_state"`);
    await queryRunner.query(
      `CREATE INDEX "ix_trials_study_state_number" ON "trials" ("study_id", "state", "number")`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_trials_study_value" ON "trials" ("study_id", ${FIRST_VALUE_SQL}, "number") WHERE "values" IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_trials_study_value_desc" ON "trials" ("study_id", (-${FIRST_VALUE_SQL}), "number") WHERE "values" IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_trials_study_no_value" ON "trials" ("study_id", "number") WHERE "values" IS NULL`,
    );
    await queryRunner.query(
      `CREATE TABLE "trial_state_counts" ("study_id" integer NOT NULL, "state" character varying(16) NOT NULL, "shard" integer NOT NULL, "n" bigint NOT NULL,
         CONSTRAINT "pk_trial_state_counts" PRIMARY KEY ("study_id", "state", "shard"),
         CONSTRAINT "fk_trial_state_counts_study" FOREIGN KEY ("study_id") REFERENCES "studies"("study_id") ON DELETE CASCADE)`,
    );
    await queryRunner.query(
      `INSERT INTO "trial_state_counts" ("study_id", "state", "shard", "n")
       SELECT "study_id", "state", 0, count(*) FROM "trials" WHERE "state" IN (${FINISHED})
       GROUP BY "study_id", "state"`,
    );
    // Only the finished states are counted (a trial reaches one once and keeps it; WAITING and RUNNING,
    // the trials in flight, are counted from ix_trials_study_state_number when read). A finish adds one to
    // the row of its server process (shard = backend pid): writers never share a row, so they neither
    // queue on it nor deadlock. Per row for updates, and only when a trial enters a finished state (the
    // WHEN is checked without calling the function: claims, heartbeats, params and attributes cost
    // nothing); per statement for inserts (a bulk import is one upsert per study and state). Deleting a
    // study deletes its counters and, by cascade, its trials, whose delete then counts nothing.
    await queryRunner.query(
      `CREATE FUNCTION "tuneforge_count_finished_trials"() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF TG_OP = 'UPDATE' THEN
           INSERT INTO trial_state_counts AS c (study_id, state, shard, n)
           VALUES (NEW.study_id, NEW.state, pg_backend_pid(), 1)
           ON CONFLICT (study_id, state, shard) DO UPDATE SET n = c.n + 1;
         ELSIF TG_OP = 'INSERT' THEN
           INSERT INTO trial_state_counts AS c (study_id, state, shard, n)
           SELECT d.study_id, d.state, pg_backend_pid(), count(*) FROM new_rows d
           WHERE d.state IN (${FINISHED})
           GROUP BY d.study_id, d.state
           ON CONFLICT (study_id, state, shard) DO UPDATE SET n = c.n + EXCLUDED.n;
         ELSE
           INSERT INTO trial_state_counts AS c (study_id, state, shard, n)
           SELECT d.study_id, d.state, pg_backend_pid(), -count(*) FROM old_rows d
           WHERE d.state IN (${FINISHED}) AND EXISTS (SELECT 1 FROM studies s WHERE s.study_id = d.study_id)
           GROUP BY d.study_id, d.state
           ON CONFLICT (study_id, state, shard) DO UPDATE SET n = c.n + EXCLUDED.n;
         END IF;
         RETURN NULL;
       END $$`,
    );
    await queryRunner.query(
      `CREATE TRIGGER "tr_trials_count_insert" AFTER INSERT ON "trials" REFERENCING NEW TABLE AS new_rows
       FOR EACH STATEMENT EXECUTE FUNCTION "tuneforge_count_finished_trials"()`,
    );
    await queryRunner.query(
      `CREATE TRIGGER "tr_trials_count_delete" AFTER DELETE ON "trials" REFERENCING OLD TABLE AS old_rows
       FOR EACH STATEMENT EXECUTE FUNCTION "tuneforge_count_finished_trials"()`,
    );
    await queryRunner.query(
      `CREATE TRIGGER "tr_trials_count_finish" AFTER UPDATE OF "state" ON "trials" FOR EACH ROW
       WHEN (NEW."state" IN (${FINISHED}) AND OLD."state" IS DISTINCT FROM NEW."state")
       EXECUTE FUNCTION "tuneforge_count_finished_trials"()`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER "tr_trials_count_finish" ON "trials"`);
    await queryRunner.query(`DROP TRIGGER "tr_trials_count_delete" ON "trials"`);
    await queryRunner.query(`DROP TRIGGER "tr_trials_count_insert" ON "trials"`);
    await queryRunner.query(`DROP FUNCTION "tuneforge_count_finished_trials"()`);
    await queryRunner.query(`DROP TABLE "trial_state_counts"`);
    await queryRunner.query(`DROP INDEX "ix_trials_study_no_value"`);
    await queryRunner.query(`DROP INDEX "ix_trials_study_value_desc"`);
    await queryRunner.query(`DROP INDEX "ix_trials_study_value"`);
    await queryRunner.query(`DROP INDEX "ix_trials_study_state_number"`);
    await queryRunner.query(`CREATE INDEX "ix_trials_study_state" ON "trials" ("study_id", "state")`);
  }
}
