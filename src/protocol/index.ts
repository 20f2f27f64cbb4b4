/** The protocol as generated from asyncapi.yaml: the one reader of `generated/`. */
export { loadGeneratedValidators } from './validators';
