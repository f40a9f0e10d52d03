/**
 * Bad input in a read request (a malformed filter, cursor, field, order or predicate): the
 * API answers 400 with Backstage's `InputError` and this message, which names the parameter.
 */
export class QueryInputError extends Error {
  override readonly name = 'InputError';
}
