import { actionForCode } from '../../functions/domain/whatsapp-errors';

describe('actionForCode', () => {
  it.each([130429, 131056, 131000, 131016, 133004, 1, 2, 4, 80007, 131057])(
    'retries transient code %i',
    (code) => {
      expect(actionForCode(code)).toBe('retry');
    },
  );

  it.each([131026, 131047, 131050, 131051, 132000, 132001, 132005, 132012, 133010, 131009, 100, 130472])(
    'fails permanent code %i at once',
    (code) => {
      expect(actionForCode(code)).toBe('fail');
    },
  );

  it.each([0, 190, 368])('pauses sending on account-level code %i', (code) => {
    expect(actionForCode(code)).toBe('pause');
  });

  it('retries network failures and server errors without a Meta body, not client errors', () => {
    expect(actionForCode(null)).toBe('retry');
    expect(actionForCode(null, 503)).toBe('retry');
    expect(actionForCode(null, 429)).toBe('retry');
    expect(actionForCode(null, 404)).toBe('fail');
  });
});
