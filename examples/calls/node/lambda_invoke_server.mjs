#!/usr/bin/env node
// A local AWS Lambda Invoke API that runs an unmodified Node.js handler: the
// Node twin of ../lambda_invoke_server.py (same flags, same behaviour), with
// Node's standard library only.
//
//   POST /2015-03-31/functions/{FunctionName}/invocations
//
// runs `handler(event, context)` (an exported async function, or one taking
// a callback) and answers 200 with its result as JSON; when it throws, 200
// with X-Amz-Function-Error: Unhandled and {"errorType", "errorMessage",
// "trace"}, as Lambda's Node runtime does. Any other POST path answers the
// plain way (200, or 500 with the error document).
//
//   node lambda_invoke_server.mjs --handler handler.mjs[:name] [--port 0] [--events FILE] [--function NAME]
import { appendFileSync } from "node:fs";
import { createServer } from "node:http";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { randomUUID } from "node:crypto";

const args = { port: "0", events: "", function: "", handler: "", "timeout-ms": "20000" };
for (let i = 2; i < process.argv.length; i += 2) {
  const k = process.argv[i].replace(/^--/, "");
  if (!(k in args) || process.argv[i + 1] === undefined) {
    console.error(`usage: lambda_invoke_server.mjs --handler FILE[:name] [--port N] [--events FILE] [--function NAME]`);
    process.exit(2);
  }
  args[k] = process.argv[i + 1];
}
if (!args.handler) {
  console.error("--handler is required");
  process.exit(2);
}
const [file, name = "handler"] = args.handler.split(":");
const handler = (await import(pathToFileURL(resolve(file)).href))[name];
const invokePath = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/;

// What handlers log is their log (CloudWatch on AWS): keep stdout for the address.
console.log = console.info = (...a) => console.error(...a);

function run(event, fn) {
  const deadline = Date.now() + Number(args["timeout-ms"]);
  const context = {
    functionName: fn, functionVersion: "$LATEST", invokedFunctionArn: fn, memoryLimitInMB: "128",
    awsRequestId: randomUUID(), logGroupName: "/aws/lambda/" + fn.split(":").pop(), logStreamName: "local",
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
  return new Promise((ok, fail) => {
    const done = (err, res) => (err ? fail(err) : ok(res));
    try {
      const r = handler(event, context, done);
      if (r && typeof r.then === "function") r.then(ok, fail);
      else if (handler.length < 3) ok(r);
    } catch (e) {
      fail(e);
    }
  });
}

const server = createServer((req, res) => {
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", async () => {
    const answer = (status, body, headers = {}) => {
      const data = JSON.stringify(body === undefined ? null : body);
      res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(data), ...headers });
      res.end(data);
    };
    if (req.method !== "POST") return answer(405, { message: "POST only" });
    const m = invokePath.exec(req.url);
    const fn = m ? decodeURIComponent(m[1]) : args.function || "handler";
    if (m && args.function && fn !== args.function && fn.split(":").pop() !== args.function) {
      return answer(404, { Type: "User", message: "Function not found: " + fn }, { "X-Amzn-ErrorType": "ResourceNotFoundException" });
    }
    let event;
    try {
      event = JSON.parse(Buffer.concat(chunks).toString() || "null");
    } catch (e) {
      return answer(400, { Type: "User", message: "Could not parse request body into json: " + e.message },
        { "X-Amzn-ErrorType": "InvalidRequestContentException" });
    }
    if (args.events) appendFileSync(args.events, JSON.stringify(event) + "\n");
    const started = Date.now();
    try {
      const result = await run(event, fn);
      console.error(`invoke ${fn} ${event?.InvocationEventType ?? "?"} -> 200 (${Date.now() - started} ms)`);
      answer(200, result);
    } catch (e) {
      const body = { errorType: e?.name ?? "Error", errorMessage: e?.message ?? String(e), trace: String(e?.stack ?? "").split("\n") };
      console.error(`invoke ${fn} ${event?.InvocationEventType ?? "?"} -> ${m ? 200 : 500} ${body.errorType}`);
      if (m) answer(200, body, { "X-Amz-Function-Error": "Unhandled" });
      else answer(500, body);
    }
  });
});
server.listen(Number(args.port), "127.0.0.1", () => {
  process.stdout.write(`listening on http://127.0.0.1:${server.address().port}\n`);
});
