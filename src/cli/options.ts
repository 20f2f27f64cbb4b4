import { InvalidArgumentError } from 'commander';

/**
 * A commander argument parser for a number in [min, max] (an integer when `integer`); anything else is a usage error
 * naming the flag (exit 2).
 *
 * @example
 * program.option('--users <n>', 'virtual users', number('--users', 1, 10_000, true));
 */
export const number =
  (name: string, min: number, max: number, integer = false) =>
  (raw: string): number => {
    const value = Number(raw);
    const bad =
      raw.trim() === '' ||
      !Number.isFinite(value) ||
      value < min ||
      value > max ||
      (integer && !Number.isInteger(value));
    if (bad)
      throw new InvalidArgumentError(`${name} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}`);
    return value;
  };

/**
 * {@link number} for integers.
 *
 * @example
 * program.option('--load-users <n>', 'users', integer('--load-users', 0, 10_000), 10);
 */
export const integer = (name: string, min: number, max: number): ((raw: string) => number) =>
  number(name, min, max, true);

/**
 * A commander collector for a repeatable flag.
 *
 * @example
 * program.option('--url <url>', 'a node (repeatable)', collect, []);
 */
export const collect = (value: string, previous: string[]): string[] => [...previous, value];
