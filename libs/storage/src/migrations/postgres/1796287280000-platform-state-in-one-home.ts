import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One stored home for each fact of the platform (issue 13):
 * - a study's platform state and definition are its system attributes (`platform:state`,
 *   `platform:definition`) that the app reads and writes through the Storage port, so the `studies`
 *   columns `state`, `definition` and `updated_at`, which nothing read, go;
 * - a trial's lease is in its columns (`worker_id`, `attempt`), which the lease statements condition
 *   on, so the copies in `system_attrs` (`platform:worker`, `platform:attempt`) go: reads derive them
 *   from the columns. Claims wrote both homes alike; the one difference was a trial ended FAIL by a
 *   lapsed lease, whose column forgot its worker while the attribute kept it, so a finished trial
 *   takes its worker (and attempt) from the attributes where its column has none.
 * `down` restores the columns (state RUNNING, no definition, updated = created, as nothing set them)
 * and writes the lease attributes back from the columns.
 */
export class PlatformStateInOneHome1796287280000 implements MigrationInterface {
  name = 'PlatformStateInOneHome1796287280000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "studies" DROP COLUMN "state", DROP COLUMN "definition", DROP COLUMN "updated_at"`,
    );
    await queryRunner.query(
      `UPDATE "trials" SET
         "worker_id" = CASE
           WHEN "worker_id" IS NULL AND "state" IN ('COMPLETE', 'PRUNED', 'FAIL')
             AND jsonb_typeof("system_attrs"::jsonb -> 'platform:worker') = 'string'
           THEN left("system_attrs"::jsonb ->> 'platform:worker', 255) ELSE "worker_id" END,
         "attempt" = CASE
           WHEN "attempt" = 0 AND "state" IN ('COMPLETE', 'PRUNED', 'FAIL')
             AND ("system_attrs"::jsonb ->> 'platform:attempt') ~ '^[1-9][0-9]{0,8}$'
           THEN ("system_attrs"::jsonb ->> 'platform:attempt')::int ELSE "attempt" END,
         "system_attrs" = ("system_attrs"::jsonb - 'platform:worker' - 'platform:attempt')::text
       WHERE "system_attrs"::jsonb ?| ARRAY['platform:worker', 'platform:attempt']`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `UPDATE "trials" SET "system_attrs" = ("system_attrs"::jsonb || jsonb_strip_nulls(
         jsonb_build_object('platform:worker', "worker_id", 'platform:attempt', NULLIF("attempt", 0))))::text
       WHERE "worker_id" IS NOT NULL OR "attempt" > 0`,
    );
    await queryRunner.query(
      `ALTER TABLE "studies" ADD "state" character varying(32) NOT NULL DEFAULT 'RUNNING', ADD "definition" text, ADD "updated_at" bigint`,
    );
    await queryRunner.query(`UPDATE "studies" SET "updated_at" = "created_at"`);
    await queryRunner.query(`ALTER TABLE "studies" ALTER COLUMN "updated_at" SET NOT NULL`);
  }
}
