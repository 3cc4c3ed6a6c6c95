/** Where the runner reports progress: one human-readable line per call. */
export type Log = (line: string) => void;

export const silent: Log = () => undefined;
