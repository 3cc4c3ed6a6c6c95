import { randomUUID } from 'node:crypto';
import { FaultSpecSchema, type Fault, type FaultSpec, type ParsedFaultSpec } from './types';

/** Faults wait in order; each applies to the next `times` requests it matches. */
export class FaultQueue {
  #faults: Fault[] = [];

  add(spec: FaultSpec): Fault {
    const parsed = FaultSpecSchema.parse(spec);
    const fault = { ...parsed, id: randomUUID(), remaining: parsed.times };
    this.#faults.push(fault);
    return { ...fault };
  }

  take(method: string, path: string): ParsedFaultSpec | undefined {
    const fault = this.#faults.find(
      (candidate) => candidate.method === method && path.startsWith(candidate.path),
    );
    if (!fault) return undefined;
    fault.remaining -= 1;
    if (fault.remaining === 0) this.#faults = this.#faults.filter((other) => other !== fault);
    return fault;
  }

  list(): Fault[] {
    return this.#faults.map((fault) => ({ ...fault }));
  }

  clear(): void {
    this.#faults = [];
  }
}
