/* eslint-disable @typescript-eslint/no-require-imports, no-undef -- a plain Node script run as a fake kubectl */
// The fake `kubectl port-forward`: a real local HTTP port answering like nginx, logging like nginx.
const fs = require("node:fs");
const path = require("node:path");
const http = require("node:http");

const log = path.join(process.env.FAKE_SMOKE_STATE, "nginx.log");
const server = http.createServer((req, res) => {
  const line = `127.0.0.1 - - [28/Nov/2026:14:36:42 +0000] "${req.method} ${req.url} HTTP/${req.httpVersion}" 200 0 "-" "${req.headers["user-agent"]}" "-"\n`;
  fs.appendFileSync(log, line);
  res.writeHead(200, { Server: "nginx/1.30.4", "Content-Type": "text/html", "Content-Length": "615" });
  res.end();
});
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`Forwarding from 127.0.0.1:${server.address().port} -> 80\n`);
});
process.on("SIGTERM", () => process.exit(0));
