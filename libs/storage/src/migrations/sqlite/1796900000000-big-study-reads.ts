import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * SQLite's part of the Postgres migration of this name: reads by state in number order. The value
 * indexes and the counters are Postgres's (a SQLite file is one process's embedded study, whose reads go
 * through the storage's in-memory defaults).
 */
export class BigStudyReads1796900000000 implements MigrationInterface {
  name = 'BigStudyReads1796900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "ix_trials_study_state"`);
    await queryRunner.query(
      `CREATE INDEX "ix_trials_study_state_number" ON "trials" ("study_id", "state", "number")`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "ix_trials_study_state_number"`);
    await queryRunner.query(`CREATE INDEX "ix_trials_study_state" ON "trials" ("study_id", "state")`);
  }
}
