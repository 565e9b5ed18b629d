import { QueryInt } from '../../common/validation';

export class PlotsQuery {
  @QueryInt({
    min: 0,
    max: 63,
    default: 0,
    description: 'Which objective slice, contour, parallel coordinates, EDF and importances show.',
  })
  objective?: number;
}
