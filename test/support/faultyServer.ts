import * as http from "node:http";
import type { AddressInfo, Socket } from "node:net";

/**
 * An HTTP server that misbehaves on every request, for the adapters' fault tests:
 * - `silent`: accepts the connection and never answers;
 * - `cut`: sends the status line, headers and half of the announced body, then closes;
 * - `garbage`: answers 200 with a body that is neither JSON nor git's protocol.
 */
export type Fault = "silent" | "cut" | "garbage";

export interface FaultyServer {
  url: string;
  /** Requests received (method and path). */
  requests: string[];
  close(): Promise<void>;
}

export async function startFaultyServer(fault: Fault): Promise<FaultyServer> {
  const requests: string[] = [];
  const sockets = new Set<Socket>();
  const server = http.createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    req.resume();
    if (fault === "silent") return;
    const type = /info\/refs/.test(req.url ?? "")
      ? "application/x-git-upload-pack-advertisement"
      : "application/json";
    if (fault === "cut") {
      res.writeHead(200, { "Content-Type": type, "Content-Length": "4096" });
      res.write(type === "application/json" ? '{"items": [{"id": "' : "001e# service=git-upload-pack\n");
      setTimeout(() => res.socket?.destroy(), 20);
      return;
    }
    res.writeHead(200, { "Content-Type": type });
    res.end("\u0000\u00ff<html>garbage, not what you asked for</html>\r\n");
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
