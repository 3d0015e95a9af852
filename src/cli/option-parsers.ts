import { InvalidArgumentError } from 'commander';

/** Option parsers that say what was expected; commander prefixes the option's name. */
export function integerOption(minimum: number, maximum = Number.MAX_SAFE_INTEGER): (value: string) => number {
  return (value) => {
    const parsed = Number(value);
    if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(parsed) || parsed < minimum || parsed > maximum) {
      throw new InvalidArgumentError(`expected an integer from ${minimum} to ${maximum}, got ${JSON.stringify(value)}`);
    }
    return parsed;
  };
}

export function fractionOption(value: string): number {
  const parsed = Number(value);
  if (value.trim() === '' || !Number.isFinite(parsed) || parsed < 0 || parsed > 1) {
    throw new InvalidArgumentError(`expected a number from 0 to 1, got ${JSON.stringify(value)}`);
  }
  return parsed;
}
