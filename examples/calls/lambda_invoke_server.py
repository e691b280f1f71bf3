#!/usr/bin/env python3
"""A local AWS Lambda Invoke API that runs an unmodified Python handler.

It serves what `sam local start-lambda` serves, for one handler file and with
the standard library only (no Docker, no pip):

    POST /2015-03-31/functions/{FunctionName}/invocations

runs handler(event, context) with the request body as the event and answers
200 with the handler's return value as JSON. When the handler raises, it
answers 200 with X-Amz-Function-Error: Unhandled and the error document
{"errorMessage", "errorType", "stackTrace"}, as Lambda does. Any function
name or ARN is accepted (--function restricts it); signatures are not
verified. Any other POST path (e.g. /) runs the handler too and answers the
plain way chimevoice's handler URL mapping expects: 200 with the answer, 500
with the error document.

    python3 lambda_invoke_server.py --handler handler.py [--port 0] [--events FILE]

prints "listening on http://127.0.0.1:PORT" once it accepts requests, logs
each invocation to stderr, and with --events appends every event it
receives to FILE, one JSON document a line.
"""

import argparse
import importlib.util
import json
import os
import re
import sys
import threading
import time
import traceback
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

INVOKE_PATH = re.compile(r"^/2015-03-31/functions/([^/]+)/invocations$")
MAX_EVENT_BYTES = 6 * 1024 * 1024  # Lambda's synchronous payload limit


class Context:
    """The parts of the Lambda context object handlers commonly use."""

    def __init__(self, function_name, timeout_ms):
        self.function_name = function_name
        self.function_version = "$LATEST"
        self.invoked_function_arn = function_name
        self.memory_limit_in_mb = 128
        self.aws_request_id = str(uuid.uuid4())
        self.log_group_name = "/aws/lambda/" + function_name.split(":")[-1]
        self.log_stream_name = "local"
        self._deadline = time.monotonic() + timeout_ms / 1000.0

    def get_remaining_time_in_millis(self):
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def load_handler(spec):
    """Loads "path/to/file.py" or "path/to/file.py:function" (default handler)."""
    path, _, name = spec.partition(":")
    name = name or "handler"
    module_spec = importlib.util.spec_from_file_location("lambda_handler_module", path)
    module = importlib.util.module_from_spec(module_spec)
    sys.path.insert(0, os.path.dirname(os.path.abspath(path)))
    module_spec.loader.exec_module(module)
    return getattr(module, name)


def make_server(handler, function, events_path, timeout_ms, port):
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, fmt, *args):  # the invocation log below replaces it
            pass

        def answer(self, status, body, headers=()):
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for k, v in headers:
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_EVENT_BYTES:
                self.answer(413, {"Type": "User", "message": "Request must be smaller than 6291456 bytes"})
                return
            raw = self.rfile.read(length)
            m = INVOKE_PATH.match(self.path)
            name = function or "handler"
            if m:
                from urllib.parse import unquote

                name = unquote(m.group(1))
                if function and name != function and name.split(":")[-1] != function:
                    self.answer(404, {"Type": "User", "message": "Function not found: " + name},
                                [("X-Amzn-ErrorType", "ResourceNotFoundException")])
                    return
            try:
                event = json.loads(raw or b"null")
            except ValueError as e:
                self.answer(400, {"Type": "User", "message": "Could not parse request body into json: %s" % e},
                            [("X-Amzn-ErrorType", "InvalidRequestContentException")])
                return
            if events_path:
                with lock, open(events_path, "a") as f:
                    f.write(json.dumps(event) + "\n")
            kind = event.get("InvocationEventType", "?") if isinstance(event, dict) else "?"
            started = time.monotonic()
            try:
                result = handler(event, Context(name, timeout_ms))
                status, body, headers = 200, result, []
            except Exception as e:  # the function's error, reported as Lambda reports it
                body = {"errorMessage": str(e), "errorType": type(e).__name__,
                        "stackTrace": traceback.format_tb(e.__traceback__)}
                status, headers = (200, [("X-Amz-Function-Error", "Unhandled")]) if m else (500, [])
            took = (time.monotonic() - started) * 1000
            print("invoke %s %s -> %s%s (%.1f ms)" % (name, kind, status,
                  " " + body.get("errorType", "") if headers else "", took), file=sys.stderr, flush=True)
            self.answer(status, body, headers)

    return ThreadingHTTPServer(("127.0.0.1", port), Handler)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--handler", required=True, help="file.py or file.py:function (default function: handler)")
    p.add_argument("--function", default="", help="only answer for this function name or ARN")
    p.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0: any free port)")
    p.add_argument("--events", default="", help="append every event received to this file")
    p.add_argument("--timeout-ms", type=int, default=20000, help="what the context reports as the time limit")
    args = p.parse_args()
    server = make_server(load_handler(args.handler), args.function, args.events, args.timeout_ms, args.port)
    print("listening on http://127.0.0.1:%d" % server.server_address[1], flush=True)
    # What handlers print is their log (CloudWatch on AWS): keep stdout for
    # the address line above.
    sys.stdout = sys.stderr
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
