import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { TrialEntity } from './trial.entity';

/** A parameter of a trial in its internal (numeric) form; `param_id` keeps the order of suggestion. */
@Entity({ name: 'trial_params' })
@Unique('uq_trial_params_trial_name', ['trialId', 'name'])
@Index('ix_trial_params_study', ['studyId'])
export class TrialParamEntity {
  @PrimaryGeneratedColumn({ name: 'param_id', primaryKeyConstraintName: 'pk_trial_params' })
  paramId!: number;

  @Column({ name: 'trial_id', type: 'integer' })
  trialId!: number;

  /** The trial's study, copied here so that a whole study's rows are read without a join. */
  @Column({ name: 'study_id', type: 'integer' })
  studyId!: number;

  @ManyToOne(() => TrialEntity, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'trial_id', foreignKeyConstraintName: 'fk_trial_params_trial' })
  trial?: TrialEntity;

  @Column({ name: 'name', type: 'varchar', length: 512 })
  name!: string;

  @Column({ name: 'internal_value', type: 'double precision' })
  internalValue!: number;

  /** JSON of the core's Distribution. */
  @Column({ name: 'distribution', type: 'text' })
  distribution!: string;
}
