// Starts chimevoice for JavaScript tests (node:test, Jest, Vitest) and
// drives its admin API. CommonJS, so that Jest loads it as it is and ES
// modules import it too:
//
//   const { startChimevoice } = require("./chimevoice.cjs");   // Jest, CommonJS
//   import { startChimevoice } from "./chimevoice.cjs";         // node:test, Vitest
//
//   const cv = await startChimevoice();          // fresh server, throwaway store, free port
//   const client = new ChimeSDKVoiceClient(cv.clientConfig);
//   await cv.advanceClock("7d");                 // purge the Deletion queue
//   await cv.stop();
//
// The server comes from options.binary, $CHIMEVOICE_BIN, or chimevoice on
// PATH; or, with options.image or $CHIMEVOICE_IMAGE, a container (docker or
// podman). No dependency besides Node 18+.
"use strict";
const { spawn, execFileSync } = require("node:child_process");

const HOW_TO_GET_IT = `chimevoice not found. Give the tests a server in one of these ways:
  - the binary on PATH: go install ./cmd/chimevoice (in a clone of the repository)
  - CHIMEVOICE_BIN=/path/to/chimevoice
  - CHIMEVOICE_IMAGE=chimevoice (docker build -t chimevoice . in the clone), with Docker or Podman`;

async function startChimevoice(options = {}) {
  const args = options.args || [];
  const binary = options.binary || process.env.CHIMEVOICE_BIN;
  const image = options.image || process.env.CHIMEVOICE_IMAGE;
  const server = !binary && image ? await startContainer(image, args) : await startProcess(binary || "chimevoice", args);
  return withAdmin(server);
}

function startProcess(binary, args) {
  return new Promise((resolve, reject) => {
    const proc = spawn(binary, ["serve", "--listen", "127.0.0.1:0", "--data", ":memory:", "--log-level", "warn", ...args],
      { stdio: ["ignore", "pipe", "pipe"] });
    let out = "", err = "", done = false;
    proc.on("error", (e) => {
      done = true;
      reject(new Error(e.code === "ENOENT" ? HOW_TO_GET_IT : e.message));
    });
    proc.stderr.on("data", (d) => { err += d; });
    proc.stdout.on("data", (d) => {
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m && !done) {
        done = true;
        resolve({
          endpoint: m[1],
          stop: () => new Promise((res) => {
            if (proc.exitCode !== null) return res();
            proc.once("exit", () => res());
            proc.kill("SIGTERM");
          }),
        });
      }
    });
    proc.on("exit", (code) => {
      if (!done) { done = true; reject(new Error(`chimevoice exited (${code}) before listening:\n${err}`)); }
    });
  });
}

async function startContainer(image, args) {
  const engine = [process.env.CHIMEVOICE_CONTAINER_ENGINE, "docker", "podman"].filter(Boolean).find((e) => {
    try { execFileSync(e, ["--version"], { stdio: "ignore" }); return true; } catch { return false; }
  });
  if (!engine) throw new Error("CHIMEVOICE_IMAGE is set but neither docker nor podman is on PATH.\n" + HOW_TO_GET_IT);
  const id = execFileSync(engine, ["run", "-d", "-p", "127.0.0.1::8080", "-e", "CHIMEVOICE_DATA=:memory:", image, "serve", ...args]).toString().trim();
  const stop = async () => { try { execFileSync(engine, ["rm", "-f", "-v", id], { stdio: "ignore" }); } catch { /* gone */ } };
  try {
    const port = execFileSync(engine, ["port", id, "8080"]).toString().trim().split("\n")[0].split(":").pop();
    const endpoint = `http://127.0.0.1:${port}`;
    for (const deadline = Date.now() + 30000; ;) {
      try { if ((await fetch(endpoint + "/_chimevoice/health")).ok) break; } catch { /* not yet */ }
      if (Date.now() > deadline) throw new Error("the chimevoice container never became healthy");
      await new Promise((r) => setTimeout(r, 100));
    }
    return { endpoint, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

function withAdmin({ endpoint, stop }) {
  async function admin(method, path, body) {
    // JSON bodies say so: the server refuses text/plain (fetch's default for a
    // string), the content type a web page could send it from another site.
    const res = await fetch(endpoint + path, body === undefined ? { method } : {
      method,
      headers: { "Content-Type": "application/json" },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) {
      let msg = text;
      try { msg = JSON.parse(text).Message || text; } catch { /* not JSON */ }
      throw new Error(`${method} ${path}: ${res.status} ${msg}`);
    }
    return text ? JSON.parse(text) : undefined;
  }
  return {
    endpoint,
    // The config of any AWS SDK v3 client: new ChimeSDKVoiceClient(cv.clientConfig).
    clientConfig: { endpoint, region: "us-east-1", credentials: { accessKeyId: "test", secretAccessKey: "test" } },
    admin,
    // Moves the service clock ("7d", "168h", "0s") and runs what became due; resolves to the new time.
    advanceClock: async (d) => (await admin("POST", "/_chimevoice/clock", { Advance: d })).Now,
    // Sets the service clock to an ISO 8601 time ("2030-01-01T00:00:00.000Z") and runs what became due.
    setClock: async (when) => (await admin("POST", "/_chimevoice/clock", { Set: when })).Now,
    now: async () => (await admin("GET", "/_chimevoice/clock")).Now,
    reset: () => admin("POST", "/_chimevoice/reset"),
    // A snapshot object or JSON text, as `chimevoice state export` writes it; all or nothing.
    loadState: async (snapshot) => (await admin("POST", "/_chimevoice/state", snapshot)).Imported,
    // Fault rules, e.g. [{ Operation: "ListPhoneNumbers", Error: "ThrottledClientException", Count: 2 }]; none clears.
    faults: (rules) => (rules && rules.length ? admin("POST", "/_chimevoice/faults", rules) : admin("DELETE", "/_chimevoice/faults")),
    stop,
  };
}

module.exports = { startChimevoice };
