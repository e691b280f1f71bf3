package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/chimesdkvoice"
	"github.com/aws/smithy-go"

	"github.com/chimevoice/chimevoice/postgres/pgtest"
)

// closedPort is a loopback port nothing listens on.
func closedPort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	return port
}

// expectUnavailable checks that health and the API answer 503.
func expectUnavailable(t *testing.T, p *process) {
	t.Helper()
	ctx := context.Background()
	code, body, err := admin(ctx, http.DefaultClient, http.MethodGet, p.URL+"/_chimevoice/health", nil)
	if err != nil || code != http.StatusServiceUnavailable || !strings.Contains(string(body), "unavailable") {
		t.Fatalf("health with the database down: %d %s %v", code, body, err)
	}
	_, err = voiceClient(p.URL, "test", "test", &http.Client{Timeout: 10 * time.Second}).ListPhoneNumbers(ctx, &chimesdkvoice.ListPhoneNumbersInput{})
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) || apiErr.ErrorCode() != "ServiceUnavailableException" {
		t.Fatalf("API with the database down: %v", err)
	}
}

// TestStartsWithDatabaseUnreachable: with nothing listening at the
// database's address the server still starts and answers 503.
func TestStartsWithDatabaseUnreachable(t *testing.T) {
	p := startProcess(t, "--database-url", fmt.Sprintf("postgres://postgres@127.0.0.1:%d/test?sslmode=disable&connect_timeout=1", closedPort(t)))
	expectUnavailable(t, p)
}

// TestBecomesReadyWhenTheDatabaseComesUp: started while its PostgreSQL is
// stopped, the server answers 503, then serves once PostgreSQL starts,
// without a restart.
func TestBecomesReadyWhenTheDatabaseComesUp(t *testing.T) {
	pgtest.ServerURL(t) // runs with the PostgreSQL tests
	cluster := pgtest.StartCluster(t)
	cluster.Stop(t)
	p := startProcess(t, "--database-url", cluster.URL)
	expectUnavailable(t, p)
	cluster.Start(t)
	ctx := context.Background()
	deadline := time.Now().Add(30 * time.Second)
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		code, _, err := admin(ctx, http.DefaultClient, http.MethodGet, p.URL+"/_chimevoice/health", nil)
		if err == nil && code == http.StatusOK {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("not ready 30 s after the database started: %d %v", code, err)
		}
		<-tick.C
	}
	if _, err := voiceClient(p.URL, "test", "test", &http.Client{Timeout: 10 * time.Second}).ListPhoneNumbers(ctx, &chimesdkvoice.ListPhoneNumbersInput{}); err != nil {
		t.Fatalf("API once ready: %v", err)
	}
}
