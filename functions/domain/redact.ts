/** Keeps enough of a phone number to tell numbers apart in logs without exposing it: +4915******78. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/[^\d]/g, '');
  if (digits.length <= 4) return '****';
  return `+${digits.slice(0, 4)}${'*'.repeat(Math.max(digits.length - 6, 1))}${digits.slice(-2)}`;
}
