import { parseLockError, provablyOwnStale } from "../../bot/engineLock";

// The engine's lock message (pkg/backend/diy/lock.go at v3.248.0) and when the bot may clear a lock.
const message = (host: string, pid: number, at: string) =>
  "error: the stack is currently locked by 1 lock(s). Either wait for the other process(es) to end or delete the lock file with `pulumi cancel`.\n" +
  `  file:///state/.pulumi/locks/organization/kernelci-deploy/staging/1b2c.json: created by root@${host} (pid ${pid}) at ${at}\n`;
const op = { deploy: 7, attempt: 0, hostname: "kcibot-6f9c", startedAt: Date.parse("2026-01-05T10:00:00Z") };

describe("stale engine locks", () => {
  it("reads the locks out of the engine's error, and nothing out of other errors", () => {
    expect(parseLockError(message("kcibot-6f9c", 41, "2026-01-05T10:00:02Z"))).toEqual([
      {
        url: "file:///state/.pulumi/locks/organization/kernelci-deploy/staging/1b2c.json",
        user: "root",
        hostname: "kcibot-6f9c",
        pid: 41,
        at: Date.parse("2026-01-05T10:00:02Z"),
      },
    ]);
    expect(parseLockError("error: update failed")).toBeNull();
  });

  const judge = (
    host: string,
    pid: number,
    at: string,
    interrupted = op,
    here = "kcibot-77aa",
    alive = false,
  ) => provablyOwnStale(parseLockError(message(host, pid, at)) ?? [], interrupted, here, () => alive);

  it("clears a lock taken by the interrupted operation on a pod that is gone", () => {
    expect(judge("kcibot-6f9c", 41, "2026-01-05T10:00:02Z")).toEqual({
      own: true,
      why: expect.stringContaining("deploy #7"),
    });
  });

  it("clears a lock of the interrupted operation on this host only when its process is dead", () => {
    expect(judge("kcibot-6f9c", 41, "2026-01-05T10:00:02Z", op, "kcibot-6f9c", false).own).toBe(true);
    expect(judge("kcibot-6f9c", 41, "2026-01-05T10:00:02Z", op, "kcibot-6f9c", true)).toEqual({
      own: false,
      why: "root@kcibot-6f9c (pid 41) is still running",
    });
  });

  it("never clears a lock it cannot prove its own: another host, an older lock, no interrupted operation", () => {
    expect(judge("laptop", 41, "2026-01-05T10:00:02Z").why).toMatch(/not the host of interrupted deploy #7/);
    expect(judge("kcibot-6f9c", 41, "2026-01-05T09:00:00Z").why).toMatch(/taken before deploy #7 started/);
    expect(
      provablyOwnStale(
        parseLockError(message("kcibot-6f9c", 41, "2026-01-05T10:00:02Z")) ?? [],
        null,
        "x",
        () => false,
      ),
    ).toEqual({
      own: false,
      why: "no bot operation was interrupted",
    });
  });
});
