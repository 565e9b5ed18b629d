import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The same tables as the Postgres migration, in SQLite's dialect (foreign keys declared inline, as
 * SQLite cannot add them later).
 */
export class InitialSchema1795770000000 implements MigrationInterface {
  name = 'InitialSchema1795770000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "studies" ("study_id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "study_name" varchar(512) NOT NULL, "directions" text NOT NULL, "state" varchar(32) NOT NULL DEFAULT ('RUNNING'), "definition" text, "user_attrs" text NOT NULL DEFAULT ('{}'), "system_attrs" text NOT NULL DEFAULT ('{}'), "next_trial_number" integer NOT NULL DEFAULT (0), "created_at" bigint NOT NULL, "updated_at" bigint NOT NULL, CONSTRAINT "uq_studies_name" UNIQUE ("study_name"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "trials" ("trial_id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "study_id" integer NOT NULL, "number" integer NOT NULL, "state" varchar(16) NOT NULL, "values" text, "datetime_start" bigint, "datetime_complete" bigint, "heartbeat_at" bigint, "worker_id" varchar(255), "attempt" integer NOT NULL DEFAULT (0), "user_attrs" text NOT NULL DEFAULT ('{}'), "system_attrs" text NOT NULL DEFAULT ('{}'), "version" bigint NOT NULL DEFAULT (0), CONSTRAINT "uq_trials_study_number" UNIQUE ("study_id", "number"), CONSTRAINT "fk_trials_study" FOREIGN KEY ("study_id") REFERENCES "studies" ("study_id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
    );
    await queryRunner.query(`CREATE INDEX "ix_trials_study_version" ON "trials" ("study_id", "version")`);
    await queryRunner.query(`CREATE INDEX "ix_trials_study_state" ON "trials" ("study_id", "state")`);
    await queryRunner.query(
      `CREATE TABLE "trial_intermediate_values" ("intermediate_value_id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "trial_id" integer NOT NULL, "study_id" integer NOT NULL, "step" bigint NOT NULL, "value" double precision, CONSTRAINT "uq_trial_intermediate_values_trial_step" UNIQUE ("trial_id", "step"), CONSTRAINT "fk_trial_intermediate_values_trial" FOREIGN KEY ("trial_id") REFERENCES "trials" ("trial_id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
    );
    await queryRunner.query(
      `CREATE TABLE "trial_params" ("param_id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "trial_id" integer NOT NULL, "study_id" integer NOT NULL, "name" varchar(512) NOT NULL, "internal_value" double precision NOT NULL, "distribution" text NOT NULL, CONSTRAINT "uq_trial_params_trial_name" UNIQUE ("trial_id", "name"), CONSTRAINT "fk_trial_params_trial" FOREIGN KEY ("trial_id") REFERENCES "trials" ("trial_id") ON DELETE CASCADE ON UPDATE NO ACTION)`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_trial_intermediate_values_study" ON "trial_intermediate_values" ("study_id")`,
    );
    await queryRunner.query(`CREATE INDEX "ix_trial_params_study" ON "trial_params" ("study_id")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "trial_params"`);
    await queryRunner.query(`DROP TABLE "trial_intermediate_values"`);
    await queryRunner.query(`DROP TABLE "trials"`);
    await queryRunner.query(`DROP TABLE "studies"`);
  }
}
