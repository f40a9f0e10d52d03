import { AttemptCounter } from './attempt-counter';

const at = (offset: string, partition = 0) => ({ topic: 'deliveries', partition, offset });

describe('AttemptCounter', () => {
  it('gives up on a message at its last allowed attempt, counting each message on its own', () => {
    const counter = new AttemptCounter(3);
    expect(counter.failed(at('5'))).toEqual({ attempts: 1, exhausted: false });
    expect(counter.failed(at('5', 1))).toEqual({ attempts: 1, exhausted: false });
    expect(counter.failed(at('5'))).toEqual({ attempts: 2, exhausted: false });
    expect(counter.failed(at('5'))).toEqual({ attempts: 3, exhausted: true });
    // Given up means forgotten: the same position (a replayed copy lands elsewhere anyway) starts again.
    expect(counter.tracked).toBe(1);
    expect(counter.failed(at('5'))).toEqual({ attempts: 1, exhausted: false });
  });

  it('forgets a message that succeeded, so a later failure there counts from one', () => {
    const counter = new AttemptCounter(2);
    counter.failed(at('7'));
    counter.succeeded(at('7'));
    expect(counter.tracked).toBe(0);
    expect(counter.failed(at('7'))).toEqual({ attempts: 1, exhausted: false });
  });

  it('gives up at once with a single attempt allowed', () => {
    expect(new AttemptCounter(1).failed(at('1'))).toEqual({ attempts: 1, exhausted: true });
  });

  it('drops the longest-untouched entries beyond its cap', () => {
    const counter = new AttemptCounter(5, 2);
    counter.failed(at('1'));
    counter.failed(at('2'));
    counter.failed(at('1'));
    counter.failed(at('3'));
    expect(counter.tracked).toBe(2);
    // '2' was dropped, '1' was touched more recently and kept its count.
    expect(counter.failed(at('2')).attempts).toBe(1);
    expect(counter.failed(at('3')).attempts).toBe(2);
  });

  it('refuses a bound that is not a positive integer', () => {
    expect(() => new AttemptCounter(0)).toThrow(RangeError);
    expect(() => new AttemptCounter(1.5)).toThrow(RangeError);
  });
});
