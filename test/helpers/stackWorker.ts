/**
 * Test-only: the entry of the worker thread `threadStack.ts` starts. It runs `startStack()` (emulators and gateway)
 * in this thread and reports their URLs, so that the test thread's clocks keep running while the gateway computes.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { startStack, type StackOptions } from './stack.js';

/** Messages this worker posts. */
export type StackWorkerMessage =
  { type: 'ready'; url: string; emulators: Record<string, string> } | { type: 'failed'; error: string } | { type: 'closed' };

const port = parentPort!;
try {
  const stack = await startStack(workerData as StackOptions);
  const emulators = Object.fromEntries(Object.entries(stack.embedded.emulators).map(([platform, e]) => [platform, e.url]));
  port.on('message', (message: { type: string }) => {
    if (message.type !== 'close') return;
    void stack.close().finally(() => port.postMessage({ type: 'closed' } satisfies StackWorkerMessage));
  });
  port.postMessage({ type: 'ready', url: stack.url, emulators } satisfies StackWorkerMessage);
} catch (err) {
  port.postMessage({ type: 'failed', error: err instanceof Error ? (err.stack ?? err.message) : String(err) } satisfies StackWorkerMessage);
}
