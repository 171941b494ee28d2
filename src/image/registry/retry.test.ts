import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  isRetryableNetworkError,
  isRetryableStatus,
  parseRetryAfter,
  retryDelay,
  retryPolicy,
} from './retry.js';

describe('parseRetryAfter', () => {
  const now = Date.parse('2025-01-01T00:00:00Z');
  test('delta-seconds', () => {
    assert.equal(parseRetryAfter('7', now), 7000);
    assert.equal(parseRetryAfter(['0'], now), 0);
  });
  test('HTTP-date, in the past counts as zero', () => {
    assert.equal(parseRetryAfter('Wed, 01 Jan 2025 00:00:30 GMT', now), 30_000);
    assert.equal(parseRetryAfter('Tue, 31 Dec 2024 23:00:00 GMT', now), 0);
  });
  test('absent or garbage', () => {
    assert.equal(parseRetryAfter(undefined, now), undefined);
    assert.equal(parseRetryAfter('soon', now), undefined);
    assert.equal(parseRetryAfter('-5', now), undefined);
  });
});

describe('retryDelay', () => {
  const policy = retryPolicy({ baseDelayMs: 100, maxDelayMs: 1000 });
  test('exponential backoff with jitter between half and full', () => {
    assert.equal(
      retryDelay(policy, 1, undefined, () => 0),
      50,
    );
    assert.equal(
      retryDelay(policy, 1, undefined, () => 1),
      100,
    );
    assert.equal(
      retryDelay(policy, 3, undefined, () => 1),
      400,
    );
    assert.equal(
      retryDelay(policy, 10, undefined, () => 1),
      1000,
    );
  });
  test('Retry-After wins but is capped', () => {
    assert.equal(retryDelay(policy, 1, 700), 700);
    assert.equal(retryDelay(policy, 1, 60_000), 1000);
  });
});

describe('retryPolicy', () => {
  test('defaults and bounds', () => {
    const p = retryPolicy();
    assert.equal(p.attempts, 4);
    assert.equal(p.baseDelayMs, 500);
    assert.equal(p.maxDelayMs, 30_000);
    assert.equal(retryPolicy({ attempts: 0 }).attempts, 1);
    assert.equal(retryPolicy({ attempts: 1000 }).attempts, 10);
  });
});

test('retryable statuses and network errors', () => {
  assert.deepEqual([429, 500, 501, 502, 503, 504, 400, 404].map(isRetryableStatus), [
    true,
    true,
    false,
    true,
    true,
    true,
    false,
    false,
  ]);
  assert.equal(isRetryableNetworkError(Object.assign(new Error('reset'), { code: 'ECONNRESET' })), true);
  assert.equal(
    isRetryableNetworkError(
      new Error('wrapped', { cause: Object.assign(new Error('x'), { code: 'UND_ERR_SOCKET' }) }),
    ),
    true,
  );
  assert.equal(isRetryableNetworkError(Object.assign(new Error('no'), { code: 'ENOTFOUND' })), false);
  assert.equal(isRetryableNetworkError('text'), false);
});
