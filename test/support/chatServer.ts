import * as http from "node:http";
import type { AddressInfo } from "node:net";

/** A chat webhook double on 127.0.0.1: records each POST, answers with `status` (or never). */
export interface ChatServer {
  /** A webhook URL on the double; its path stands for the webhook's token. */
  url: string;
  posts: { path: string; contentType?: string; body: unknown }[];
  answer(status: number | "never"): void;
  close(): Promise<void>;
}

export async function startChatServer(): Promise<ChatServer> {
  const posts: ChatServer["posts"] = [];
  let status: number | "never" = 204;
  const hung: http.ServerResponse[] = [];
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => {
      body += chunk;
    });
    req.on("end", () => {
      posts.push({
        path: req.url ?? "",
        contentType: req.headers["content-type"],
        body: JSON.parse(body || "null"),
      });
      if (status === "never") {
        hung.push(res);
        return;
      }
      res.writeHead(status, { "content-type": "application/json" });
      res.end(status < 300 ? "" : JSON.stringify({ message: "Invalid Webhook Token" }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api/webhooks/123/t0ken-path`,
    posts,
    answer: (s) => {
      status = s;
    },
    close: () => {
      for (const res of hung) res.destroy();
      server.closeAllConnections();
      return new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
    },
  };
}
