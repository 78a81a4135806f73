import { describe, expect, it } from 'vitest';
import { formatCommand, issueCommand } from './command.js';

describe('workflow commands', () => {
  it('escapes data and properties as @actions/core does', () => {
    expect(formatCommand('error', { title: 'Invalid input: a, b' }, '50% done\r\nnext')).toBe(
      '::error title=Invalid input%3A a%2C b::50%25 done%0D%0Anext',
    );
  });

  it('omits empty properties', () => {
    expect(formatCommand('add-mask', {}, 's3cr3t')).toBe('::add-mask::s3cr3t');
    expect(formatCommand('warning', { title: undefined, file: '' }, 'x')).toBe('::warning::x');
  });

  it('writes one line per command', () => {
    const out: string[] = [];
    issueCommand('error', { title: 'T' }, 'm', (text) => out.push(text));
    expect(out).toEqual(['::error title=T::m\n']);
  });
});
