import { describe, expect, it } from 'vitest';
import {
  ERROR_CODES,
  exitCodeOf,
  formatError,
  httpStatusOf,
  IngestError,
  InputError,
  NotFoundError,
} from './errors.ts';

describe('errors', () => {
  it('maps codes to exit codes and HTTP statuses in one place', () => {
    expect(exitCodeOf(new InputError('bad'))).toBe(2);
    expect(httpStatusOf(new InputError('bad'))).toBe(400);
    expect(httpStatusOf(new NotFoundError('x'))).toBe(404);
    expect(exitCodeOf(new Error('boom'))).toBe(ERROR_CODES.INTERNAL.exit);
    expect(httpStatusOf('boom')).toBe(500);
  });

  it('formats details with their location', () => {
    const text = formatError(
      new IngestError('cannot load', [{ location: 'orders.csv:3 column price', message: 'bad' }]),
    );
    expect(text).toBe('error [INGEST_FAILED]: cannot load\n  - orders.csv:3 column price: bad');
  });
});
