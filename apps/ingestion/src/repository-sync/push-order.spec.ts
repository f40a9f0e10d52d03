import { placePush } from './push-order';

const sha = (c: string) => c.repeat(40);
const SECOND = 1_700_000_000_000;

describe('placePush', () => {
  const recorded = { sha: sha('b'), before: sha('a'), sourceVersion: SECOND };

  it('applies the first push of a repository, and a redelivery of the recorded head without moving it', () => {
    expect(placePush(undefined, { sha: sha('a'), before: sha('0'), sourceVersion: SECOND })).toEqual({ kind: 'apply', sourceVersion: SECOND, advancesHead: true });
    expect(placePush(recorded, { sha: sha('b'), before: sha('a'), sourceVersion: SECOND })).toEqual({ kind: 'apply', sourceVersion: SECOND, advancesHead: false });
  });

  it('applies a push following the recorded head with at least its version, in the same second or with an earlier clock', () => {
    expect(placePush(recorded, { sha: sha('c'), before: sha('b'), sourceVersion: SECOND })).toEqual({ kind: 'apply', sourceVersion: SECOND, advancesHead: true });
    expect(placePush(recorded, { sha: sha('c'), before: sha('b'), sourceVersion: SECOND - 5_000 })).toEqual({ kind: 'apply', sourceVersion: SECOND, advancesHead: true });
  });

  it('places the recorded head’s predecessor behind it, whatever their times', () => {
    expect(placePush(recorded, { sha: sha('a'), before: sha('9'), sourceVersion: SECOND })).toEqual({ kind: 'behind' });
  });

  it('orders by time when the chain does not link them, and asks the branch when the times tie', () => {
    expect(placePush(recorded, { sha: sha('d'), before: sha('c'), sourceVersion: SECOND + 1_000 })).toEqual({ kind: 'apply', sourceVersion: SECOND + 1_000, advancesHead: true });
    expect(placePush(recorded, { sha: sha('9'), before: sha('8'), sourceVersion: SECOND - 1_000 })).toEqual({ kind: 'apply', sourceVersion: SECOND - 1_000, advancesHead: false });
    expect(placePush(recorded, { sha: sha('9'), before: sha('8'), sourceVersion: SECOND })).toEqual({ kind: 'ask-branch' });
  });
});
