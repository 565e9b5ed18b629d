import { StudyEntity } from './study.entity';
import { TrialIntermediateValueEntity } from './trial-intermediate-value.entity';
import { TrialParamEntity } from './trial-param.entity';
import { TrialEntity } from './trial.entity';

export { StudyEntity, TrialEntity, TrialIntermediateValueEntity, TrialParamEntity };

/** Every entity of the storage, for a DataSource's `entities`. */
export const storageEntities = [StudyEntity, TrialEntity, TrialParamEntity, TrialIntermediateValueEntity];
