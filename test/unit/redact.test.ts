import { maskContact, maskPath, maskPhone } from '../../functions/domain/redact';

describe('masking customers in logs', () => {
  it.each([
    ['/api/conversations/%2B4915112345678/messages', '/api/conversations/+4915*******78/messages'],
    ['/api/conversations/+4915112345678', '/api/conversations/+4915*******78'],
    ['/api/contacts/4915112345678', '/api/contacts/+4915*******78'],
    ['/api/conversations/US.13491208655302741918', '/api/conversations/US.********1918'],
    [
      '/api/campaigns/01M8T0NWECSC6N3XW55V3GRTWS/recipients',
      '/api/campaigns/01M8T0NWECSC6N3XW55V3GRTWS/recipients',
    ],
    ['/api/conversations/%zz', '/api/conversations/%zz'],
    ['/api/templates', '/api/templates'],
  ])('%s -> %s', (path, masked) => {
    expect(maskPath(path)).toBe(masked);
  });

  it('tells a user id from a phone number', () => {
    expect(maskContact('US.13491208655302741918')).toBe('US.********1918');
    expect(maskContact('US.ENT.11815799212886844830')).toBe('US.********4830');
    expect(maskContact('+4915112345678')).toBe(maskPhone('+4915112345678'));
    expect(maskContact('US.13491208655302741918')).not.toContain('13491208655302741918');
  });
});
