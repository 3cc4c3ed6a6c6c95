export {};

// Loaded with `--import` into every process the run measures (the production worker and API
// entry points unchanged): answers `{probe: 'rss'}` over IPC with the lowest of three RSS
// readings, each after a full collection of the main isolate, so a sample is live memory rather
// than the garbage of the last burst. Workflow threads collect on their own; the lowest of three
// mostly absorbs that.
const gc = (globalThis as { gc?: () => void }).gc;

async function lowestRss(): Promise<number> {
  let lowest = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 3; i++) {
    gc?.();
    await new Promise((resolve) => setTimeout(resolve, 300));
    lowest = Math.min(lowest, process.memoryUsage().rss);
  }
  return lowest;
}

if (process.send) {
  process.on('message', (message: { probe?: string }) => {
    if (message?.probe !== 'rss') return;
    void lowestRss().then((rss) => process.send?.({ rss }));
  });
  // The IPC channel must not keep a process alive that would otherwise exit.
  process.channel?.unref();
}
