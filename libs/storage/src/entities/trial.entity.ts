import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { StudyEntity } from './study.entity';

/**
 * A trial. `version` is the change cursor of `getTrialsChangedSince`: every write to the trial or to
 * its params, intermediate values or attributes sets it to a value above every cursor handed out
 * before (the writing transaction's id on Postgres, a per-study counter on SQLite).
 */
@Entity({ name: 'trials' })
@Unique('uq_trials_study_number', ['studyId', 'number'])
@Index('ix_trials_study_state_number', ['studyId', 'state', 'number'])
// On the first value (an expression) or partial, built by the migration BigStudyReads1796900000000 on
// Postgres only: declared so that the schema builder leaves them alone.
@Index('ix_trials_study_value', { synchronize: false })
@Index('ix_trials_study_value_desc', { synchronize: false })
@Index('ix_trials_study_no_value', { synchronize: false })
@Index('ix_trials_study_version', ['studyId', 'version'])
export class TrialEntity {
  @PrimaryGeneratedColumn({ name: 'trial_id', primaryKeyConstraintName: 'pk_trials' })
  trialId!: number;

  @Column({ name: 'study_id', type: 'integer' })
  studyId!: number;

  @ManyToOne(() => StudyEntity, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'study_id', foreignKeyConstraintName: 'fk_trials_study' })
  study?: StudyEntity;

  /** 0-based, dense and unique within the study. */
  @Column({ name: 'number', type: 'integer' })
  number!: number;

  /** WAITING | RUNNING | COMPLETE | PRUNED | FAIL */
  @Column({ name: 'state', type: 'varchar', length: 16 })
  state!: string;

  /** JSON array of numbers (non-finite ones as the strings "Infinity", "-Infinity", "NaN"), or null. */
  @Column({ name: 'values', type: 'text', nullable: true })
  values!: string | null;

  @Column({ name: 'datetime_start', type: 'bigint', nullable: true })
  datetimeStart!: number | null;

  @Column({ name: 'datetime_complete', type: 'bigint', nullable: true })
  datetimeComplete!: number | null;

  /**
   * The lease of a claimed trial (epoch ms of its last renewal) while it runs; null otherwise. The lease
   * columns are the one home of these facts: reads show `worker_id` and `attempt` as the system
   * attributes `platform:worker` and `platform:attempt`, which are never stored in `system_attrs`.
   */
  @Column({ name: 'heartbeat_at', type: 'bigint', nullable: true })
  heartbeatAt!: number | null;

  /** The worker of the last claim: kept when the trial ends, cleared when it is requeued. */
  @Column({ name: 'worker_id', type: 'varchar', length: 255, nullable: true })
  workerId!: string | null;

  /** How many times a worker took the trial (kept across requeues). */
  @Column({ name: 'attempt', type: 'integer', default: 0 })
  attempt!: number;

  @Column({ name: 'user_attrs', type: 'text', default: '{}' })
  userAttrs!: string;

  @Column({ name: 'system_attrs', type: 'text', default: '{}' })
  systemAttrs!: string;

  @Column({ name: 'version', type: 'bigint', default: 0 })
  version!: number;
}
