import { typeName, type TypeName } from '../../../sdk/values.js';

const TEXT: Readonly<Record<TypeName, string>> = {
  null: 'null',
  bool: 'a boolean',
  number: 'a number',
  string: 'a string',
  array: 'an array',
  record: 'a record',
  bytes: 'bytes',
};

/** A value's type as the operators' messages say it: `takes an array, received a string`. */
export const typeText = (v: unknown): string => TEXT[typeName(v)];
