package sigv4

import (
	"bytes"
	"net/http"
	"testing"
	"time"
)

func TestSignerIsVerified(t *testing.T) {
	now := time.Date(2026, 11, 22, 10, 0, 0, 0, time.UTC)
	v := NewVerifier([]Credential{DevCredential()}, func() time.Time { return now })
	s := NewSigner("test", "test", "eu-west-1")
	for _, target := range []string{
		"http://127.0.0.1:8080/phone-numbers?operation=batch-delete",
		"http://127.0.0.1:8080/phone-numbers/%2B12065550100?operation=restore",
		"http://127.0.0.1:8080/phone-numbers?max-results=10&status=DeleteInProgress&next-token=a%2Fb",
	} {
		body := []byte(`{"PhoneNumberIds":["+12065550100"]}`)
		req, err := http.NewRequest(http.MethodPost, target, bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.RequestURI = req.URL.RequestURI()
		s.Sign(req, body, now)
		id, err := v.Verify(req, body)
		if err != nil {
			t.Fatalf("%s: %v", target, err)
		}
		if id.Region != "eu-west-1" || id.Credential.AccountID != "000000000000" {
			t.Fatalf("identity %+v", id)
		}
		if _, err := v.Verify(req, append(body, ' ')); err == nil {
			t.Fatalf("%s: a changed body verified", target)
		}
	}
}
