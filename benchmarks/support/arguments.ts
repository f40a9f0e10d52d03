/** `--name value` command-line arguments of the benchmark scripts. */
function valueOf(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  if (index < 0) return undefined;
  const value = process.argv[index + 1];
  if (value === undefined || value.startsWith('--')) throw new Error(`--${name} needs a value`);
  return value;
}

export function numberArgument(name: string, fallback: number): number {
  const raw = valueOf(name);
  if (raw === undefined) return fallback;
  const value = Number(raw.replace(/[_,]/g, ''));
  if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} must be a non-negative number (got "${raw}")`);
  return value;
}

export function stringArgument(name: string, fallback: string): string {
  return valueOf(name) ?? fallback;
}

export function flag(name: string): boolean {
  return process.argv.includes(`--${name}`);
}
