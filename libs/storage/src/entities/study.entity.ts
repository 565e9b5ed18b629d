import { Column, Entity, PrimaryGeneratedColumn, Unique } from 'typeorm';

/**
 * A study. JSON columns are `text` holding JSON (the same on Postgres and SQLite); times are epoch
 * milliseconds, as the core carries them. The platform's study state and definition are system
 * attributes (`platform:state`, `platform:definition`), which travel with the Storage port.
 */
@Entity({ name: 'studies' })
@Unique('uq_studies_name', ['studyName'])
export class StudyEntity {
  @PrimaryGeneratedColumn({ name: 'study_id', primaryKeyConstraintName: 'pk_studies' })
  studyId!: number;

  @Column({ name: 'study_name', type: 'varchar', length: 512 })
  studyName!: string;

  /** JSON array of 'minimize' | 'maximize', one per objective. */
  @Column({ name: 'directions', type: 'text' })
  directions!: string;

  @Column({ name: 'user_attrs', type: 'text', default: '{}' })
  userAttrs!: string;

  @Column({ name: 'system_attrs', type: 'text', default: '{}' })
  systemAttrs!: string;

  /** The number the next trial gets; bumped in the same statement that inserts trials, so numbers are dense. */
  @Column({ name: 'next_trial_number', type: 'integer', default: 0 })
  nextTrialNumber!: number;

  @Column({ name: 'created_at', type: 'bigint' })
  createdAt!: number;
}
