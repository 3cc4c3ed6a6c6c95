// The bare arm's activities: no I/O, so the bare figures are Temporal's own cost on this machine.

export function createBareActivities(receipts: Map<string, number>) {
  return {
    async noop(): Promise<void> {},
    /** The bare stand-in for "LinkedIn received the post": when the activity ran (G2). */
    async receipt(key: string): Promise<void> {
      receipts.set(key, Date.now());
    },
  };
}
