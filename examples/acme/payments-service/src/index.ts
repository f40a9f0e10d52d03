export function authorise(amount: number, currency: string): { status: 'authorised'; amount: number; currency: string } {
  return { status: 'authorised', amount, currency };
}
