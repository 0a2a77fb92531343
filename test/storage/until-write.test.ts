import { describe, expect, it } from 'vitest';
import { UntilWrite } from '../../src/storage/until-write.js';

describe('values kept until a write', () => {
  it('are made once per key until the changes move', () => {
    let changes = 0;
    let made = 0;
    const kept = new UntilWrite<string>(() => changes, 10);
    const get = (key: string) => kept.get(key, () => `${key}${++made}`);
    expect([get('a'), get('a'), get('b'), get('a')]).toEqual(['a1', 'a1', 'b2', 'a1']);
    changes++;
    expect([get('a'), get('b'), get('a')]).toEqual(['a3', 'b4', 'a3']);
  });

  it('are all forgotten past the number of values allowed', () => {
    let made = 0;
    const kept = new UntilWrite<string>(() => 0, 2);
    const get = (key: string) => kept.get(key, () => `${key}${++made}`);
    get('a');
    get('b');
    get('c'); // a third: the two before are forgotten
    expect([get('c'), get('a'), get('b')]).toEqual(['c3', 'a4', 'b5']);
  });

  it('are all forgotten past the weight allowed, and one heavier than it is not kept', () => {
    let made = 0;
    const kept = new UntilWrite<string>(
      () => 0,
      100,
      10,
      (value) => value.length,
    );
    const get = (key: string, value: string) => kept.get(key, () => `${value}${++made}`);
    get('a', 'xxx'); // weighs 4
    get('b', 'xxx'); // 8 in all
    expect(get('a', '')).toBe('xxx1');
    get('c', 'xx'); // 3 more would pass 10: a and b are forgotten
    expect([get('c', ''), get('a', 'y'), get('b', 'y')]).toEqual(['xx3', 'y4', 'y5']);
    const heavy = 'v'.repeat(10);
    expect([get('d', heavy), get('d', heavy)]).toEqual([`${heavy}6`, `${heavy}7`]);
  });
});
