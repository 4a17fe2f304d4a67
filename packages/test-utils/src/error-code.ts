import { expect } from 'vitest';
import { isAirlockError, type ErrorCode } from '@airlock/core';

/** Asserts that the promise rejects with an AirlockError carrying `code`; returns the error. */
export async function expectCode(promise: Promise<unknown> | (() => Promise<unknown>), code: ErrorCode) {
  const pending = typeof promise === 'function' ? promise() : promise;
  let caught: unknown;
  try {
    await pending;
  } catch (err) {
    caught = err;
  }
  expect(caught, `expected a rejection with code ${code}`).toBeDefined();
  if (!isAirlockError(caught)) throw new Error(`expected AirlockError ${code}, got: ${String(caught)}`, { cause: caught });
  expect(caught.code, caught.message).toBe(code);
  return caught;
}

/** Synchronous counterpart of expectCode. */
export function expectCodeSync(fn: () => unknown, code: ErrorCode) {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  if (!isAirlockError(caught)) throw new Error(`expected AirlockError ${code}, got: ${String(caught)}`, { cause: caught });
  expect(caught.code, caught.message).toBe(code);
  return caught;
}
