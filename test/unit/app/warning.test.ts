import { describe, expect, it } from 'vitest';

import { warning } from '../../../src/app/relearn-system.js';
import { describeError } from '../../../src/domain/errors.js';

describe('warning (a role’s warning as an error for the activity log)', () => {
  it('keeps the warning’s own words before the cause’s message, and the other fields', () => {
    const error = warning('champion cannot be loaded; live-performance sample skipped', { scope: 'user:u1', kind: 'categorizer', ...describeError(new Error('bad magic')) });
    expect(error.message).toBe('champion cannot be loaded; live-performance sample skipped: bad magic');
    expect(error).toMatchObject({ scope: 'user:u1', kind: 'categorizer', errorClass: 'Error' });
  });

  it('is the warning alone without a cause', () => {
    expect(warning('batch keeps failing', { topic: 't' }).message).toBe('batch keeps failing');
  });
});
