export { buildEstate } from './build';
export { typeFromId } from './read';
export type * from './model';
export { affectedSubjectKeys, containerOf } from './neighbourhood';
