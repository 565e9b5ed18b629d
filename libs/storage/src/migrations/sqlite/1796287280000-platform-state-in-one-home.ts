import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The same change as the Postgres migration of this name, in SQLite's dialect (see there for why).
 * `down` adds `updated_at` back with a default (SQLite adds a NOT NULL column only with one), then
 * sets it to the creation time.
 */
export class PlatformStateInOneHome1796287280000 implements MigrationInterface {
  name = 'PlatformStateInOneHome1796287280000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "studies" DROP COLUMN "state"`);
    await queryRunner.query(`ALTER TABLE "studies" DROP COLUMN "definition"`);
    await queryRunner.query(`ALTER TABLE "studies" DROP COLUMN "updated_at"`);
    await queryRunner.query(
      `UPDATE "trials" SET
         "worker_id" = CASE
           WHEN "worker_id" IS NULL AND "state" IN ('COMPLETE', 'PRUNED', 'FAIL')
             AND json_type("system_attrs", '$."platform:worker"') = 'text'
           THEN substr(json_extract("system_attrs", '$."platform:worker"'), 1, 255) ELSE "worker_id" END,
         "attempt" = CASE
           WHEN "attempt" = 0 AND "state" IN ('COMPLETE', 'PRUNED', 'FAIL')
             AND json_type("system_attrs", '$."platform:attempt"') = 'integer'
             AND json_extract("system_attrs", '$."platform:attempt"') BETWEEN 1 AND 999999999
           THEN json_extract("system_attrs", '$."platform:attempt"') ELSE "attempt" END,
         "system_attrs" = json_remove("system_attrs", '$."platform:worker"', '$."platform:attempt"')
       WHERE json_type("system_attrs", '$."platform:worker"') IS NOT NULL
          OR json_type("system_attrs", '$."platform:attempt"') IS NOT NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `UPDATE "trials" SET "system_attrs" = json_set("system_attrs", '$."platform:worker"', "worker_id")
       WHERE "worker_id" IS NOT NULL`,
    );
    await queryRunner.query(
      `UPDATE "trials" SET "system_attrs" = json_set("system_attrs", '$."platform:attempt"', "attempt")
       WHERE "attempt" > 0`,
    );
    await queryRunner.query(
      `ALTER TABLE "studies" ADD COLUMN "state" varchar(32) NOT NULL DEFAULT ('RUNNING')`,
    );
    await queryRunner.query(`ALTER TABLE "studies" ADD COLUMN "definition" text`);
    await queryRunner.query(`ALTER TABLE "studies" ADD COLUMN "updated_at" bigint NOT NULL DEFAULT (0)`);
    await queryRunner.query(`UPDATE "studies" SET "updated_at" = "created_at"`);
  }
}
