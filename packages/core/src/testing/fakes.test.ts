import { describe, expect, it } from 'vitest';
import { FakeParameterStore } from './fakes.js';

describe('FakeParameterStore', () => {
  it('creates without overwriting, labels like SSM (a label moves), and deletes', async () => {
    const store = new FakeParameterStore([]);
    const name = '/shared-hosting/app/prod/lock';
    expect(await store.create(name, 'a', 'lock')).toEqual({ version: 1 });
    expect(await store.create(name, 'b', 'lock')).toBe('exists');
    await store.put(name, 'c', 'next');
    await store.label(name, 1, ['live', 'first']);
    await store.label(name, 2, ['live']);
    expect((await store.history(name)).map((v) => [v.version, v.value, v.labels])).toEqual([
      [2, 'c', ['live']],
      [1, 'a', ['first']],
    ]);
    await expect(store.label(name, 9, ['x'])).rejects.toThrow('Version 9 of');
    await store.delete(name);
    await store.delete(name);
    expect(await store.get(name)).toBeUndefined();
    expect(await store.create(name, 'd', 'lock')).toEqual({ version: 1 });
  });
});
