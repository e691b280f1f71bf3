package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"

	"github.com/chimevoice/chimevoice/bench"
)

// benchCmd runs `chimevoice bench`.
func benchCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "startup" {
		return helpIsNoError(benchStartupCmd(ctx, args[1:], stdout, stderr))
	}
	cfg := bench.DefaultConfig()
	if v, ok := os.LookupEnv("AWS_ACCESS_KEY_ID"); ok {
		cfg.AccessKey = v
	}
	if v, ok := os.LookupEnv("AWS_SECRET_ACCESS_KEY"); ok {
		cfg.SecretKey = v
	}
	fs := newFlagSet(command{name: "bench", synopsis: "[flags]", about: `
Load an endpoint and report throughput, latency percentiles and errors by
code. Credentials come from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY
(default test/test).`}, stderr)
	fs.StringVar(&cfg.Endpoint, "endpoint", cfg.Endpoint, "the chimevoice endpoint to load; several, comma-separated, spread the workers over replicas")
	fs.StringVar(&cfg.AccessKey, "access-key", cfg.AccessKey, "access key (default $AWS_ACCESS_KEY_ID or test)")
	fs.StringVar(&cfg.SecretKey, "secret-key", cfg.SecretKey, "secret key (default $AWS_SECRET_ACCESS_KEY or test)")
	fs.StringVar(&cfg.Region, "region", cfg.Region, "region to sign for")
	fs.StringVar(&cfg.AdminToken, "admin-token", cfg.AdminToken, "admin token, to complete orders at once on a non-loopback endpoint")
	fs.StringVar(&cfg.Workload, "workload", cfg.Workload, "delete, get, list, mix; or dynamodb (BatchWriteItem deletes, to load moto_server for comparison)")
	fs.StringVar(&cfg.Mode, "mode", cfg.Mode, "delete workload: fresh (a new number per delete) or restore (restore after each delete)")
	fs.IntVar(&cfg.Batch, "batch", cfg.Batch, "numbers per BatchDeletePhoneNumber request (1..1000)")
	fs.IntVar(&cfg.Provision, "provision", cfg.Provision, "numbers to have in the account first, ordered through the API (0: what the workload needs)")
	fs.IntVar(&cfg.Concurrency, "concurrency", cfg.Concurrency, "concurrent requests")
	durationVar(fs, &cfg.Duration, "duration", cfg.Duration, "how long to run (0: until --requests)")
	fs.IntVar(&cfg.Requests, "requests", cfg.Requests, "stop after this many measured requests (0: until --duration)")
	fs.BoolVar(&cfg.Baseline, "baseline", cfg.Baseline, "also measure a bare net/http server under the same load and print the ratio")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	if err := parseArgs(fs, args, stdout); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("bench: unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	cfg.Progress = stderr
	if f, ok := stderr.(*os.File); ok {
		cfg.Terminal = term.IsTerminal(int(f.Fd()))
	}
	rep, err := bench.Run(ctx, cfg)
	if err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	if *asJSON {
		return rep.WriteJSON(stdout)
	}
	return rep.WriteText(stdout)
}

// helpIsNoError turns the flag package's answer to -h/--help into success:
// asking for help is not a failure.
func helpIsNoError(err error) error {
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	return err
}
