import { targetProblem } from '../../functions/http/routes/webhooks';

describe('webhook target URLs', () => {
  it.each([
    'http://localhost/',
    'https://localhost./',
    'https://LOCALHOST/',
    'https://api.localhost/hooks',
    'https://api.localhost./hooks',
    'https://127.0.0.1/',
    'https://127.1.2.3:8443/',
    'https://[::1]/',
    'https://[::ffff:127.0.0.1]/',
    'https://2130706433/', // 127.0.0.1 as one number; the URL parser normalises it
  ])('refuses %s, which is this machine, when loopback is not allowed', (url) => {
    expect(targetProblem(url, false)).toBe('must not point at this machine (loopback)');
  });

  it.each(['http://localhost:9000/hooks', 'http://127.0.0.1:9000/', 'http://api.localhost/x'])(
    'takes %s over http when loopback is allowed (the local runtime)',
    (url) => {
      expect(targetProblem(url, true)).toBeUndefined();
    },
  );

  it.each([
    ['http://crm.example.com/hooks', 'must be an https URL'],
    ['https://10.0.0.8/hooks', '10.0.0.8 is a private address'],
    ['https://169.254.169.254/latest/meta-data', '169.254.169.254 is a link-local address'],
    ['https://crm.example.com/hooks#x', 'must not have a #fragment'],
    ['https://user:pw@crm.example.com/', 'URLs with credentials are not fetched'],
    ['not a url', 'is not a URL'],
  ])('refuses %s: %s', (url, problem) => {
    expect(targetProblem(url, true)).toBe(problem);
  });

  it('takes a public https URL', () => {
    expect(targetProblem('https://crm.example.com/hooks/whatsapp', false)).toBeUndefined();
  });
});
