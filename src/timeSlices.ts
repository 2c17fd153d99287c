import { performance } from "node:perf_hooks";

/**
 * Long synchronous work (building a vector graph of 100k chunks takes a
 * minute) cut into slices, so that between them the event loop runs: the
 * server that builds its index at start keeps answering `/healthz`, and
 * progress lines get written. Call `due()` between units of work and
 * `await pause()` when it says so.
 */
export interface TimeSlices {
  /** True once `sliceMs` have passed since the last pause. */
  due(): boolean;
  /** Lets timers and I/O run, then starts a new slice. */
  pause(): Promise<void>;
}

export function timeSlices(sliceMs = 10): TimeSlices {
  let sliceStart = performance.now();
  return {
    due: () => performance.now() - sliceStart >= sliceMs,
    pause: () =>
      new Promise((resolve) =>
        setImmediate(() => {
          sliceStart = performance.now();
          resolve();
        }),
      ),
  };
}
