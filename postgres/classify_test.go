package postgres

import (
	"context"
	"database/sql/driver"
	"fmt"
	"io"
	"net"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/chimevoice/chimevoice/sqlstore"
)

// TestClassify checks that errors are classed by SQLSTATE and error type,
// also when wrapped as the store wraps them.
func TestClassify(t *testing.T) {
	pg := func(code string) error { return &pgconn.PgError{Code: code, Message: "whatever the server says"} }
	tests := []struct {
		err  error
		want sqlstore.ErrorClass
	}{
		{pg("23505"), sqlstore.ErrUnique},
		{pg("40001"), sqlstore.ErrRetry},
		{pg("40P01"), sqlstore.ErrRetry},
		{pg("57P01"), sqlstore.ErrUnavailable},
		{pg("57P03"), sqlstore.ErrUnavailable},
		{pg("08006"), sqlstore.ErrUnavailable},
		{pg("53300"), sqlstore.ErrUnavailable},
		{pg("23503"), sqlstore.ErrOther},
		{pg("42P01"), sqlstore.ErrOther},
		{driver.ErrBadConn, sqlstore.ErrUnavailable},
		{io.ErrUnexpectedEOF, sqlstore.ErrUnavailable},
		{&net.OpError{Op: "dial", Err: fmt.Errorf("connection refused")}, sqlstore.ErrUnavailable},
		{pgconn.ErrConnClosed, sqlstore.ErrUnavailable},
		{context.Canceled, sqlstore.ErrOther},
		{fmt.Errorf("some bug"), sqlstore.ErrOther},
	}
	for _, tt := range tests {
		wrapped := fmt.Errorf("exec: %w", tt.err)
		if got := classify(wrapped); got != tt.want {
			t.Errorf("classify(%v) = %d, want %d", tt.err, got, tt.want)
		}
	}
}

// TestURL checks the defaults added to the URL and that chimevoice's own
// parameter is taken out before pgx sees it.
func TestURL(t *testing.T) {
	u, n, err := splitURL("postgres://u:secret@db:5432/cv?sslmode=disable&pool_max_conns=4")
	if err != nil {
		t.Fatal(err)
	}
	if n != 4 || u != "postgres://u:secret@db:5432/cv?application_name=chimevoice&connect_timeout=5&sslmode=disable" {
		t.Fatalf("splitURL = %q, %d", u, n)
	}
	if _, _, err := splitURL("mysql://db/cv"); err == nil {
		t.Fatal("splitURL accepted a mysql URL")
	}
	if _, _, err := splitURL("postgres://db/cv?pool_max_conns=0"); err == nil {
		t.Fatal("splitURL accepted pool_max_conns=0")
	}
	if got := Redact("postgres://u:secret@db/cv"); got != "postgres://u:xxxxx@db/cv" {
		t.Fatalf("Redact = %q", got)
	}
}
