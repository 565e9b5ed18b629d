import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Studies, trials, params and intermediate values (generated from the entities, then tidied). */
export class InitialSchema1795770000000 implements MigrationInterface {
  name = 'InitialSchema1795770000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "studies" ("study_id" SERIAL NOT NULL, "study_name" character varying(512) NOT NULL, "directions" text NOT NULL, "state" character varying(32) NOT NULL DEFAULT 'RUNNING', "definition" text, "user_attrs" text NOT NULL DEFAULT '{}', "system_attrs" text NOT NULL DEFAULT '{}', "next_trial_number" integer NOT NULL DEFAULT '0', "created_at" bigint NOT NULL, "updated_at" bigint NOT NULL, CONSTRAINT "uq_studies_name" UNIQUE ("study_name"), CONSTRAINT "pk_studies" PRIMARY KEY ("study_id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "trials" ("trial_id" SERIAL NOT NULL, "study_id" integer NOT NULL, "number" integer NOT NULL, "state" character varying(16) NOT NULL, "values" text, "datetime_start" bigint, "datetime_complete" bigint, "heartbeat_at" bigint, "worker_id" character varying(255), "attempt" integer NOT NULL DEFAULT '0', "user_attrs" text NOT NULL DEFAULT '{}', "system_attrs" text NOT NULL DEFAULT '{}', "version" bigint NOT NULL DEFAULT '0', CONSTRAINT "uq_trials_study_number" UNIQUE ("study_id", "number"), CONSTRAINT "pk_trials" PRIMARY KEY ("trial_id"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_trials_study_version" ON "trials" ("study_id", "version")`);
    await queryRunner.query(`CREATE INDEX "ix_trials_study_state" ON "trials" ("study_id", "state")`);
    await queryRunner.query(
      `CREATE TABLE "trial_intermediate_values" ("intermediate_value_id" SERIAL NOT NULL, "trial_id" integer NOT NULL, "study_id" integer NOT NULL, "step" bigint NOT NULL, "value" double precision, CONSTRAINT "uq_trial_intermediate_values_trial_step" UNIQUE ("trial_id", "step"), CONSTRAINT "pk_trial_intermediate_values" PRIMARY KEY ("intermediate_value_id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "trial_params" ("param_id" SERIAL NOT NULL, "trial_id" integer NOT NULL, "study_id" integer NOT NULL, "name" character varying(512) NOT NULL, "internal_value" double precision NOT NULL, "distribution" text NOT NULL, CONSTRAINT "uq_trial_params_trial_name" UNIQUE ("trial_id", "name"), CONSTRAINT "pk_trial_params" PRIMARY KEY ("param_id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_trial_intermediate_values_study" ON "trial_intermediate_values" ("study_id")`,
    );
    await queryRunner.query(`CREATE INDEX "ix_trial_params_study" ON "trial_params" ("study_id")`);
    await queryRunner.query(
      `ALTER TABLE "trials" ADD CONSTRAINT "fk_trials_study" FOREIGN KEY ("study_id") REFERENCES "studies"("study_id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "trial_intermediate_values" ADD CONSTRAINT "fk_trial_intermediate_values_trial" FOREIGN KEY ("trial_id") REFERENCES "trials"("trial_id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "trial_params" ADD CONSTRAINT "fk_trial_params_trial" FOREIGN KEY ("trial_id") REFERENCES "trials"("trial_id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "trial_params"`);
    await queryRunner.query(`DROP TABLE "trial_intermediate_values"`);
    await queryRunner.query(`DROP TABLE "trials"`);
    await queryRunner.query(`DROP TABLE "studies"`);
  }
}
