import { describe, expect, it } from 'vitest';
import { isRedisUnavailable, WriteNotAppliedError } from '../../src/store/redis.js';

describe('isRedisUnavailable', () => {
  it.each([
    ['a command Redis did not answer in time', new Error('Command timed out')],
    ['a command sent while disconnected, without an offline queue', new Error("Stream isn't writeable and enableOfflineQueue options is false")],
    ['a command cut off by the connection closing', new Error('Connection is closed.')],
    ['a command given up after its retries', Object.assign(new Error('Reached the max retries per request limit (which is 0). Refer to "maxRetriesPerRequest" option for details.'), { name: 'MaxRetriesPerRequestError' })],
    ['Redis still loading its data', new Error('LOADING Redis is loading the dataset in memory')],
    ['Redis busy with a script', new Error('BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.')],
    ['a write Redis refused past its deadline', new WriteNotAppliedError('Redis ran the receive after its deadline')],
  ])('is true for %s', (_, error) => {
    expect(isRedisUnavailable(error)).toBe(true);
  });

  it.each([
    ['a script error', new Error('ERR Error running script (call to f_1234): @user_script:1: Script attempted to access nonexistent global variable')],
    ['a wrong-type reply', new Error('WRONGTYPE Operation against a key holding the wrong kind of value')],
    ['something that is not an error', 'Command timed out'],
  ])('is false for %s', (_, error) => {
    expect(isRedisUnavailable(error)).toBe(false);
  });
});
