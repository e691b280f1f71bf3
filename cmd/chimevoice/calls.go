package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/chimevoice/chimevoice"
	"github.com/chimevoice/chimevoice/lambdainvoke"
	"github.com/chimevoice/chimevoice/server"
)

// lambdaFlags adds the flags of how calls invoke SIP media application
// handlers. The Lambda endpoint defaults to the standard
// AWS_ENDPOINT_URL_LAMBDA (CHIMEVOICE_LAMBDA_ENDPOINT and the flag win).
func (c *Config) lambdaFlags(fs *flag.FlagSet, lookup func(string) (string, bool)) {
	if v, ok := lookup(lambdainvoke.EnvEndpoint); ok && c.LambdaEndpoint == "" {
		c.LambdaEndpoint = v
	}
	fs.StringVar(&c.LambdaEndpoint, "lambda-endpoint", c.LambdaEndpoint,
		"Lambda Invoke API that runs SIP media application handlers, e.g. http://127.0.0.1:3001 for sam local start-lambda (default $"+lambdainvoke.EnvEndpoint+")")
	fs.StringVar(&c.LambdaURL, "lambda-url", c.LambdaURL,
		"handlers that run as local HTTP servers: function=URL,... (a function name, an ARN or *); wins over --lambda-endpoint")
}

// lambda is the invoker's configuration from the flags.
func (c Config) lambda() (lambdainvoke.Config, error) {
	urls, err := lambdainvoke.ParseURLMap(c.LambdaURL)
	if err != nil {
		return lambdainvoke.Config{}, fmt.Errorf("--lambda-url: %w", err)
	}
	cfg := lambdainvoke.Config{Endpoint: c.LambdaEndpoint, URLs: urls}
	if _, err := lambdainvoke.New(cfg); err != nil {
		return lambdainvoke.Config{}, fmt.Errorf("--lambda-endpoint or --lambda-url: %w", err)
	}
	return cfg, nil
}

// runCalls runs the calls' due timers every worker interval until Close,
// so that calls progress in real time (a clock move through the admin API
// runs them at once).
func (m *Main) runCalls(calls chimevoice.CallService) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		select {
		case <-m.stop:
			cancel()
		case <-ctx.Done():
		}
	}()
	server.RunCalls(ctx, calls, m.Config.WorkerInterval, m.Logger)
}
