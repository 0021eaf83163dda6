import { kumaVersionList, normalizeKumaVersion, type KumaVersion } from '../core';

/** A mistake on the command line: reported with the usage text, exit status 2. */
export class UsageError extends Error {}

/**
 * Walks command-line arguments: each option (`--x v` or `--x=v`) goes to `onOption` with a
 * function that takes its value; everything else (and everything after `--`) is a path.
 * `onOption` returns false for an option it does not know.
 */
export function walkArgs(args: string[], onOption: (flag: string, value: () => string) => boolean): string[] {
  const paths: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const eq = a.startsWith('--') ? a.indexOf('=') : -1;
    const [flag, inline] = eq > 0 ? [a.slice(0, eq), a.slice(eq + 1)] : [a, undefined];
    const value = () => {
      const v = inline ?? args[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    if (flag === '--') {
      paths.push(...args.slice(i + 1));
      break;
    }
    if (flag.startsWith('-') && flag !== '-') {
      if (!onOption(flag, value)) throw new UsageError(`unknown option "${flag}"`);
    } else paths.push(a);
  }
  return paths;
}

/** The value of --kuma-version, or a usage error that lists the versions. */
export function kumaVersionArg(v: string): KumaVersion {
  const n = normalizeKumaVersion(v);
  if (!n) throw new UsageError(`--kuma-version must be ${kumaVersionList()}, not "${v}"`);
  return n;
}

/** The value of an option that takes one of a few words. */
export function choiceArg<T extends string>(flag: string, v: string, choices: readonly T[]): T {
  if (!(choices as readonly string[]).includes(v))
    throw new UsageError(`${flag} must be ${choices.slice(0, -1).join(', ')} or ${choices[choices.length - 1]}, not "${v}"`);
  return v as T;
}
