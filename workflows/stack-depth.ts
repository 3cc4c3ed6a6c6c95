// The SDK records a stack for every promise workflow code creates (for the Temporal UI's stack
// trace) and keeps it while the promise is pending: V8's default ten frames, each source-mapped.
// For a sleeping post that was 19 pending promises, ~11 KB of its ~68 KB of heap, and much of the
// workflow thread's work and garbage per activation (docs/performance.md, G3 and G4). Six frames
// still show where a post waits and which of our functions called it. The worker preloads this
// module once per workflow thread (worker/create-worker.ts), so it sets the limit of the context
// every workflow runs in, and of nothing else: activities keep their full stacks.

/** Frames kept in stacks captured inside workflow code. */
export const WORKFLOW_STACK_FRAMES = 6;

Error.stackTraceLimit = WORKFLOW_STACK_FRAMES;
