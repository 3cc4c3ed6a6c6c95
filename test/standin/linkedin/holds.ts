import { randomUUID } from 'node:crypto';
import type { HeldRequest } from './types';

interface Hold {
  request: HeldRequest;
  resume: (released: boolean) => void;
}

/** Requests paused by a `hold` fault until a test releases them (or the stand-in closes). */
export class HoldRegistry {
  readonly #holds = new Map<string, Hold>();

  /** Resolves true when released, false when dropped or the stand-in closes first. */
  hold(request: Omit<HeldRequest, 'id' | 'since'>, closing: AbortSignal): Promise<boolean> {
    if (closing.aborted) return Promise.resolve(false);
    const id = randomUUID();
    return new Promise((resolve) => {
      const onClose = () => this.#finish(id, false);
      closing.addEventListener('abort', onClose, { once: true });
      this.#holds.set(id, {
        request: { ...request, id, since: Date.now() },
        resume: (released) => {
          closing.removeEventListener('abort', onClose);
          resolve(released);
        },
      });
    });
  }

  list(): HeldRequest[] {
    return [...this.#holds.values()].map((hold) => ({ ...hold.request }));
  }

  release(id?: string): number {
    const ids =
      id === undefined ? [...this.#holds.keys()] : [id].filter((one) => this.#holds.has(one));
    for (const one of ids) this.#finish(one, true);
    return ids.length;
  }

  /** Ends every hold without letting it proceed, e.g. on reset: nothing held gets created. */
  dropAll(): void {
    for (const id of [...this.#holds.keys()]) this.#finish(id, false);
  }

  #finish(id: string, released: boolean): void {
    const hold = this.#holds.get(id);
    if (!hold) return;
    this.#holds.delete(id);
    hold.resume(released);
  }
}
