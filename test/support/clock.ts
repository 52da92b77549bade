import type { Clock } from "../../lib/poll";

/**
 * A clock whose sleeps advance time instead of waiting, so waits with deadlines run in no time.
 * `onAdvance` moves whatever the test simulates (a pipeline) to the new time.
 */
export function fakeClock(start = 0, onAdvance?: (now: number) => void): Clock {
  let t = start;
  return {
    now: () => t,
    sleep: async (ms) => {
      t += ms;
      onAdvance?.(t);
    },
  };
}
