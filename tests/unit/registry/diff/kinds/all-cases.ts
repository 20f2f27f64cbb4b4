import type { KindCase } from './case';
import { annotationCases } from './annotations.cases';
import { typeAndValueCases } from './types-values.cases';
import { numberCases, stringCases } from './strings-numbers.cases';
import { objectCases } from './objects.cases';
import { arrayCases } from './arrays.cases';
import { combinatorCases } from './combinators.cases';

/** Every schema-kind case, by group. */
export const schemaCases: KindCase[] = [
  ...annotationCases,
  ...typeAndValueCases,
  ...stringCases,
  ...numberCases,
  ...objectCases,
  ...arrayCases,
  ...combinatorCases,
];
