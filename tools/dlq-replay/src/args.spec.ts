import { parseReplayArgs, UsageError } from './args';

describe('dlq:replay arguments', () => {
  it('reads the topic, filters and flags, in both --name value and --name=value forms', () => {
    expect(parseReplayArgs(['--topic', 'callboard.github.deliveries.v1'])).toEqual({ topic: 'callboard.github.deliveries.v1', dryRun: false, json: false });
    expect(parseReplayArgs(['--topic=callboard.entity-events.v1', '--delivery', 'abc-1', '--since=2026-05-01T10:00:00Z', '--dry-run', '--json'])).toEqual({
      topic: 'callboard.entity-events.v1',
      deliveryId: 'abc-1',
      since: new Date('2026-05-01T10:00:00Z'),
      dryRun: true,
      json: true,
    });
  });

  it('accepts the dead-letter topic name for its source topic', () => {
    expect(parseReplayArgs(['--topic', 'callboard.github.deliveries.v1.dlq'])).toMatchObject({ topic: 'callboard.github.deliveries.v1' });
  });

  it('answers help', () => {
    expect(parseReplayArgs(['--help'])).toBe('help');
  });

  it('refuses what it cannot use, naming it', () => {
    const refusal = (argv: string[]) => {
      try {
        parseReplayArgs(argv);
      } catch (err) {
        expect(err).toBeInstanceOf(UsageError);
        return (err as Error).message;
      }
      throw new Error('expected a usage error');
    };
    expect(refusal([])).toMatch(/--topic is required/);
    expect(refusal(['--topic', 'callboard.nope.v1'])).toMatch(/not a Callboard topic: callboard.nope.v1/);
    expect(refusal(['--topic', 'callboard.entity-events.v1', '--since', 'yesterday'])).toMatch(/--since: not an ISO 8601 time/);
    expect(refusal(['--topic', 'callboard.entity-events.v1', '--delivery'])).toMatch(/--delivery needs a value/);
    expect(refusal(['--topic', '--dry-run'])).toMatch(/--topic needs a value/);
    expect(refusal(['--topic', 'callboard.entity-events.v1', '--force'])).toMatch(/unknown argument: --force/);
  });
});
