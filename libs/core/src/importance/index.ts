/** Parameter importances: fANOVA on a seeded random forest of regression trees. */
export { importances, type ImportanceOptions, type ParamImportance } from './param-importances';
