package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"
)

var healthcheckCommand = command{name: "healthcheck", synopsis: "[--url URL] [--timeout D]", about: `
Ask a running server whether it is healthy (GET /_chimevoice/health): exit 0
when it answers 200, 1 otherwise. The container image's HEALTHCHECK runs it
(the image has no shell or curl). Without --url it asks the server that
CHIMEVOICE_LISTEN names, through loopback.`}

// healthcheckCmd runs `chimevoice healthcheck`.
func healthcheckCmd(ctx context.Context, args []string, lookup func(string) (string, bool), stdout, stderr io.Writer) error {
	listen, _ := lookup("CHIMEVOICE_LISTEN")
	fs := newFlagSet(healthcheckCommand, stderr)
	url := fs.String("url", defaultHealthURL(listen), "the server's base `URL`")
	timeout := 3 * time.Second
	durationVar(fs, &timeout, "timeout", timeout, "how long to wait for the answer")
	if err := parseArgs(fs, args, stdout); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("healthcheck: unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	target := strings.TrimSuffix(*url, "/") + "/_chimevoice/health"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return usagef("healthcheck: %v", err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("healthcheck: %s answered %d %s", target, resp.StatusCode, strings.TrimSpace(string(body)))
	}
	fmt.Fprintf(stdout, "%s\n", strings.TrimSpace(string(body)))
	return nil
}

// defaultHealthURL is the loopback URL of a server listening on listen
// (127.0.0.1:8080 when unset): a wildcard or loopback host is asked on
// 127.0.0.1, any other host as it is.
func defaultHealthURL(listen string) string {
	if listen == "" {
		listen = DefaultConfig().Listen
	}
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		return "http://" + listen
	}
	if ip := net.ParseIP(host); host == "" || host == "localhost" || ip != nil && (ip.IsUnspecified() || ip.IsLoopback()) {
		if ip != nil && ip.To4() == nil && !ip.IsUnspecified() {
			host = "::1"
		} else {
			host = "127.0.0.1"
		}
	}
	return "http://" + net.JoinHostPort(host, port)
}

// clientAddr is where a client on this host reaches a server listening on
// addr: a wildcard host becomes 127.0.0.1.
func clientAddr(addr string) string {
	return strings.TrimPrefix(defaultHealthURL(addr), "http://")
}
