import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { TrialEntity } from './trial.entity';

/** The value a trial reported at one step; upserted by (trial, step). */
@Entity({ name: 'trial_intermediate_values' })
@Unique('uq_trial_intermediate_values_trial_step', ['trialId', 'step'])
@Index('ix_trial_intermediate_values_study', ['studyId'])
export class TrialIntermediateValueEntity {
  @PrimaryGeneratedColumn({
    name: 'intermediate_value_id',
    primaryKeyConstraintName: 'pk_trial_intermediate_values',
  })
  intermediateValueId!: number;

  @Column({ name: 'trial_id', type: 'integer' })
  trialId!: number;

  /** The trial's study, copied here so that a whole study's rows are read without a join. */
  @Column({ name: 'study_id', type: 'integer' })
  studyId!: number;

  @ManyToOne(() => TrialEntity, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'trial_id', foreignKeyConstraintName: 'fk_trial_intermediate_values_trial' })
  trial?: TrialEntity;

  @Column({ name: 'step', type: 'bigint' })
  step!: number;

  /** Null stands for NaN (SQLite cannot store NaN); infinities are stored as such. */
  @Column({ name: 'value', type: 'double precision', nullable: true })
  value!: number | null;
}
