import { describe, expect, it } from 'vitest';
import { bullets, plural } from '../../src/domain/comment-blocks.js';

describe('comment blocks', () => {
  it('counts in the singular for one, the plural otherwise', () => {
    expect([0, 1, 2].map((n) => plural(n, 'failure'))).toEqual(['0 failures', '1 failure', '2 failures']);
    expect(plural(3, 'entry', 'entries')).toBe('3 entries');
  });

  it('writes one bullet per item', () => {
    expect(bullets(['a', 'b'])).toBe('- a\n- b');
  });
});
