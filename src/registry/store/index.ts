/** schemas/: reading, validating and writing the registry and its stored schemas. */
export * from './types';
export { readRegistry, readVersionSchema } from './read';
export { registryModel, surfaceOf } from './model';
export { writeRegistry, writeVersionSchema } from './write';
