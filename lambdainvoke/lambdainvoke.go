// Package lambdainvoke invokes SIP media application handlers: through the
// AWS Lambda Invoke API, the way the PSTN audio service invokes them, so
// that a handler runs unchanged under `sam local start-lambda`, LocalStack
// or the Lambda Runtime Interface Emulator; or, for a handler that runs as a
// plain local HTTP server, by POSTing the event to a URL.
//
// Lambda Invoke API (Config.Endpoint):
//
//	POST {endpoint}/2015-03-31/functions/{function name or ARN}/invocations
//	X-Amz-Invocation-Type: RequestResponse
//	Authorization: AWS4-HMAC-SHA256 ... (service "lambda")
//
// 200 with the function's answer as the body is a success; 200 with an
// X-Amz-Function-Error header is a function error (the body is the error
// document), and any other status is an invocation error.
//
// URL mapping (Config.URLs): a function name or ARN (or "*" for any
// function) maps to a URL; the event is POSTed there as the request body
// (Content-Type application/json) and a 2xx answer's body is the handler's
// response. Anything else is a function error. Nothing is signed.
//
// Each invocation is bounded by Config.Timeout (default 5 s: the PSTN audio
// service waits 5 seconds for a handler before it retries) and its answer
// by Config.MaxResponseBytes (default 6 MB, Lambda's limit for a
// synchronous response).
package lambdainvoke

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/chimevoice/chimevoice/sigv4"
)

// Defaults.
const (
	DefaultTimeout          = 5 * time.Second
	DefaultMaxResponseBytes = 6 << 20
	DefaultRegion           = "us-east-1"
	// DefaultAccessKey and DefaultSecretKey sign requests when no key is
	// configured: the LocalStack convention, which SAM local and the
	// Runtime Interface Emulator accept like any key.
	DefaultAccessKey = "test"
	DefaultSecretKey = "test"
)

// EnvEndpoint is the standard variable that names the Lambda endpoint.
const EnvEndpoint = "AWS_ENDPOINT_URL_LAMBDA"

// Config configures an Invoker.
type Config struct {
	// Endpoint is the base URL of a Lambda Invoke API, e.g.
	// http://127.0.0.1:3001 for `sam local start-lambda`. "" with no URL
	// mapping for a function makes its invocations fail.
	Endpoint string
	// URLs maps a function name or ARN (or "*") to the URL of a handler
	// that runs as a local HTTP server; they take precedence over Endpoint.
	URLs map[string]string
	// Region, AccessKey and SecretKey sign Lambda API requests. An ARN's
	// own region takes precedence over Region.
	Region, AccessKey, SecretKey string
	Timeout                      time.Duration
	MaxResponseBytes             int64
	// HTTPClient sends the requests (default: a client of its own).
	HTTPClient *http.Client
	// Now is the real clock that signatures use (default time.Now).
	Now func() time.Time
}

// Invoker invokes functions. It is safe for concurrent use.
type Invoker struct {
	cfg Config
}

// New returns an invoker.
func New(cfg Config) (*Invoker, error) {
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.MaxResponseBytes <= 0 {
		cfg.MaxResponseBytes = DefaultMaxResponseBytes
	}
	if cfg.Region == "" {
		cfg.Region = DefaultRegion
	}
	if cfg.AccessKey == "" {
		cfg.AccessKey, cfg.SecretKey = DefaultAccessKey, DefaultSecretKey
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{}
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Endpoint != "" {
		u, err := url.Parse(cfg.Endpoint)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("lambda endpoint %q: an http or https URL is required", cfg.Endpoint)
		}
		cfg.Endpoint = strings.TrimRight(cfg.Endpoint, "/")
	}
	for fn, target := range cfg.URLs {
		u, err := url.Parse(target)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("handler URL for %s: %q is not an http or https URL", fn, target)
		}
	}
	return &Invoker{cfg: cfg}, nil
}

// ParseURLMap parses "function=url,function=url" (the form of a command-line
// flag) into a URL map. A function is a name, an ARN or "*".
func ParseURLMap(s string) (map[string]string, error) {
	m := map[string]string{}
	for item := range strings.SplitSeq(s, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		// ARNs hold '=' nowhere, URLs may: split at the first '='.
		fn, target, ok := strings.Cut(item, "=")
		if !ok || fn == "" || target == "" {
			return nil, fmt.Errorf("handler URL %q: want function=url", item)
		}
		m[fn] = target
	}
	return m, nil
}

// FunctionError is a handler that ran and failed: X-Amz-Function-Error
// (Unhandled, Handled) or a URL handler's non-2xx status.
type FunctionError struct {
	Function string
	Kind     string // X-Amz-Function-Error, or "HTTP <status>"
	Payload  []byte // the error document
}

func (e *FunctionError) Error() string {
	return fmt.Sprintf("function %s failed (%s): %s", e.Function, e.Kind, clip(e.Payload))
}

// InvokeError is an invocation that did not reach the function or that
// the Lambda API refused (unknown function, throttling, ...).
type InvokeError struct {
	Function string
	Status   int // 0 when the endpoint could not be reached
	Err      error
	Body     []byte
}

func (e *InvokeError) Error() string {
	if e.Status == 0 {
		return fmt.Sprintf("invoke %s: %v", e.Function, e.Err)
	}
	return fmt.Sprintf("invoke %s: HTTP %d: %s", e.Function, e.Status, clip(e.Body))
}

func (e *InvokeError) Unwrap() error { return e.Err }

// ErrNoEndpoint is returned for a function that no URL maps and no Lambda
// endpoint is configured for.
var ErrNoEndpoint = errors.New("no Lambda endpoint is configured (set --lambda-endpoint or AWS_ENDPOINT_URL_LAMBDA) and no handler URL maps the function")

// Invoke implements pstn.Invoker.
func (i *Invoker) Invoke(ctx context.Context, function string, event []byte) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, i.cfg.Timeout)
	defer cancel()
	if target, ok := i.lookupURL(function); ok {
		return i.post(ctx, function, target, event, false)
	}
	if i.cfg.Endpoint == "" {
		return nil, &InvokeError{Function: function, Err: ErrNoEndpoint}
	}
	return i.post(ctx, function, i.cfg.Endpoint+"/2015-03-31/functions/"+escapeFunction(function)+"/invocations", event, true)
}

// lookupURL finds the URL of a function: by the exact name or ARN, then by
// the function name of an ARN, then "*".
func (i *Invoker) lookupURL(function string) (string, bool) {
	if len(i.cfg.URLs) == 0 {
		return "", false
	}
	if u, ok := i.cfg.URLs[function]; ok {
		return u, true
	}
	if name := FunctionName(function); name != function {
		if u, ok := i.cfg.URLs[name]; ok {
			return u, true
		}
	}
	u, ok := i.cfg.URLs["*"]
	return u, ok
}

// FunctionName returns the function name of a Lambda function ARN
// (arn:aws:lambda:region:account:function:name[:qualifier]), or s itself.
func FunctionName(s string) string {
	parts := strings.Split(s, ":")
	if len(parts) >= 7 && parts[0] == "arn" && parts[2] == "lambda" && parts[5] == "function" {
		return parts[6]
	}
	return s
}

// regionOf returns the region of a Lambda ARN, or "".
func regionOf(s string) string {
	parts := strings.Split(s, ":")
	if len(parts) >= 7 && parts[0] == "arn" && parts[2] == "lambda" {
		return parts[3]
	}
	return ""
}

// escapeFunction escapes a function name or ARN as one path segment, the
// way the AWS SDKs do (':' becomes %3A).
func escapeFunction(fn string) string {
	return strings.ReplaceAll(url.PathEscape(fn), ":", "%3A")
}

func (i *Invoker) post(ctx context.Context, function, target string, event []byte, lambdaAPI bool) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(event))
	if err != nil {
		return nil, &InvokeError{Function: function, Err: err}
	}
	req.Header.Set("Content-Type", "application/json")
	if lambdaAPI {
		req.Header.Set("X-Amz-Invocation-Type", "RequestResponse")
		region := regionOf(function)
		if region == "" {
			region = i.cfg.Region
		}
		sigv4.NewServiceSigner(i.cfg.AccessKey, i.cfg.SecretKey, region, "lambda").Sign(req, event, i.cfg.Now())
	}
	resp, err := i.cfg.HTTPClient.Do(req)
	if err != nil {
		return nil, &InvokeError{Function: function, Err: err}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, i.cfg.MaxResponseBytes+1))
	if err != nil {
		return nil, &InvokeError{Function: function, Status: resp.StatusCode, Err: fmt.Errorf("read answer: %w", err)}
	}
	if int64(len(body)) > i.cfg.MaxResponseBytes {
		return nil, &InvokeError{Function: function, Status: resp.StatusCode, Err: fmt.Errorf("answer larger than %d bytes", i.cfg.MaxResponseBytes),
			Body: []byte(fmt.Sprintf("answer larger than %d bytes", i.cfg.MaxResponseBytes))}
	}
	if !lambdaAPI {
		if resp.StatusCode/100 != 2 {
			return nil, &FunctionError{Function: function, Kind: fmt.Sprintf("HTTP %d", resp.StatusCode), Payload: body}
		}
		return body, nil
	}
	if resp.StatusCode != http.StatusOK {
		return nil, &InvokeError{Function: function, Status: resp.StatusCode, Body: body, Err: fmt.Errorf("HTTP %d", resp.StatusCode)}
	}
	if fe := resp.Header.Get("X-Amz-Function-Error"); fe != "" {
		return nil, &FunctionError{Function: function, Kind: fe, Payload: body}
	}
	return body, nil
}

func clip(b []byte) string {
	const max = 300
	s := strings.TrimSpace(string(b))
	if len(s) > max {
		return s[:max] + "..."
	}
	return s
}
