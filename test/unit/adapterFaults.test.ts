/**
 * Every adapter against servers that misbehave (issue 10, defect 6): one that accepts and
 * never answers, one that closes mid-response, one that sends garbage. Each call ends by its
 * (short) deadline with a message naming the URL; none hangs.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { actionsClient, dispatchAndWait } from "../../lib/actions/workflowRun";
import { GithubForge } from "../../lib/forge/github";
import { lsRemote } from "../../lib/git/repo";
import { jenkinsClient } from "../../lib/jenkins/client";
import { kernelciApi } from "../../lib/kernelci/api";
import { type Fault, type FaultyServer, startFaultyServer } from "../support/faultyServer";

const DEADLINE_MS = 800;
const faults: Fault[] = ["silent", "cut", "garbage"];

const adapters: Record<string, (url: string) => Promise<unknown>> = {
  "git over HTTP": (url) => lsRemote(`${url}/kernelci/demo.git`, ["refs/heads/*"], undefined, DEADLINE_MS),
  "the GitHub API": (url) =>
    new GithubForge({ owner: "kernelci", apiUrl: url, token: "t", requestTimeoutMs: DEADLINE_MS }).openPulls(
      "demo",
    ),
  "the KernelCI API": (url) =>
    kernelciApi({ baseUrl: url, token: "t", timeoutMs: DEADLINE_MS }).nodes({ kind: "checkout" }),
  Jenkins: (url) =>
    jenkinsClient({ url, user: "admin", token: "t", requestTimeoutMs: DEADLINE_MS }).build("job-dsl", {}),
  "GitHub Actions": (url) =>
    dispatchAndWait(
      actionsClient("t", url, DEADLINE_MS),
      { owner: "kernelci", repo: "kernelci-core", workflow: "rootfs.yml", ref: "main" },
      {},
      { initialMs: 10, maxMs: 10, factor: 1, timeoutMs: 100 },
    ),
};

describe.each(faults)("adapters against a server that is %s", (fault) => {
  let server: FaultyServer;
  beforeAll(async () => {
    server = await startFaultyServer(fault);
  });
  afterAll(() => server.close());

  it.each(Object.keys(adapters))(
    "%s fails by its deadline, naming the URL",
    async (name) => {
      const error = await adapters[name](server.url).then(
        () => null,
        (err: Error) => err,
      );
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).toContain(server.url);
      expect(server.requests.length).toBeGreaterThan(0);
      if (fault === "silent") expect((error as Error).message).toMatch(/within \d+ ms|timeout|timed out/i);
    },
    15_000,
  );
});

describe("defect 10: a refused connection is not an HTTP status", () => {
  it("says the GitHub API could not be reached, naming the URL", async () => {
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    const url = `http://127.0.0.1:${port}`;
    const error = await new GithubForge({ owner: "kernelci", apiUrl: url })
      .openPulls("demo")
      .catch((e: Error) => e);
    expect((error as Error).message).toMatch(
      new RegExp(`${url}/repos/kernelci/demo/pulls\\S* could not be reached`),
    );
    expect((error as Error).message).not.toMatch(/HTTP 500/);
  });
});

describe("defect 6: KernelCI API pagination is bounded", () => {
  it("stops a server that omits `total` and never runs out of pages, naming the URL", async () => {
    let requests = 0;
    const server = http.createServer((_req, res) => {
      requests++;
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ items: [{ id: `n${requests}` }, { id: `m${requests}` }] }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const api = kernelciApi({ baseUrl: url, token: "t", timeoutMs: 2000, pageSize: 2, maxPages: 5 });
      await expect(api.nodes({})).rejects.toThrow(new RegExp(`${url}/latest/nodes: more than 5 pages`));
      expect(requests).toBe(5);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
