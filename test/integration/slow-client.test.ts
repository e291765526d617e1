// Request bodies and headers have timeouts (issue 8, principle 8): a slow-loris client that trickles
// its headers, or a body, is cut off with 408 and a closed connection, and the node keeps answering
// everyone else meanwhile. Raw sockets on loopback against a real node.
import net from "node:net";
import { startTestNode, type TestNode } from "../support/node";

let node: TestNode;

beforeAll(async () => {
  node = await startTestNode({ IPN_REQUEST_TIMEOUT_MS: "2000" });
});
afterAll(async () => { await node?.stop(); });

/** Opens a socket, sends `head`, then one byte of `drip` every 200 ms; resolves with what the server said when it closed. */
function trickle(head: string, drip: string, limitMs = 20_000): Promise<{ answer: string; closedBeforeEnd: boolean }> {
  const { hostname, port } = new URL(node.listenUrl);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname);
    let answer = "";
    let sent = 0;
    let timer: NodeJS.Timeout | undefined;
    const guard = setTimeout(() => { socket.destroy(); reject(new Error("the server never closed the connection")); }, limitMs);
    socket.on("connect", () => {
      socket.write(head);
      timer = setInterval(() => {
        if (sent < drip.length && !socket.destroyed) socket.write(drip[sent++]!);
      }, 200);
    });
    socket.on("data", (d) => { answer += d.toString(); });
    socket.on("error", () => { /* reset by the server: also a cut-off */ });
    socket.on("close", () => {
      clearInterval(timer);
      clearTimeout(guard);
      resolve({ answer, closedBeforeEnd: sent < drip.length });
    });
  });
}

it("cuts off a client that trickles its headers, and keeps serving others meanwhile", async () => {
  const slow = trickle("GET /api/v1/challenges HTTP/1.1\r\nHost: x\r\n", "X-Slow: " + "a".repeat(200));
  const res = await fetch(`${node.listenUrl}/healthz`);
  expect(res.status).toBe(200);
  const { answer, closedBeforeEnd } = await slow;
  expect(closedBeforeEnd).toBe(true);
  expect(answer === "" || answer.startsWith("HTTP/1.1 408")).toBe(true);
});

it("cuts off a client that trickles a request body", async () => {
  const body = JSON.stringify({ type: "Follow", padding: "a".repeat(300) });
  const { answer, closedBeforeEnd } = await trickle(
    `POST /inbox HTTP/1.1\r\nHost: x\r\nContent-Type: application/activity+json\r\nContent-Length: ${body.length}\r\n\r\n`, body);
  expect(closedBeforeEnd).toBe(true);
  expect(answer === "" || answer.startsWith("HTTP/1.1 408")).toBe(true);
});
