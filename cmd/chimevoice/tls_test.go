package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/chimesdkvoice"

	"github.com/chimevoice/chimevoice/postgres/pgtest"
)

// selfSigned writes a certificate for 127.0.0.1 and its key, and returns
// their paths and a pool that trusts the certificate.
func selfSigned(t *testing.T) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "chimevoice test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, DNSNames: []string{"localhost"},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}

// TestNativeTLS: with --tls-cert and --tls-key the server speaks HTTPS end
// to end: the SDK signs and calls over it, and console cookies are Secure.
func TestNativeTLS(t *testing.T) {
	certFile, keyFile, pool := selfSigned(t)
	p := startProcess(t, "--data", ":memory:", "--tls-cert", certFile, "--tls-key", keyFile)
	if !strings.HasPrefix(p.URL, "https://") {
		t.Fatalf("banner URL %s", p.URL)
	}
	hc := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	if _, err := voiceClient(p.URL, "test", "test", hc).ListPhoneNumbers(context.Background(), &chimesdkvoice.ListPhoneNumbersInput{}); err != nil {
		t.Fatalf("SDK over TLS: %v", err)
	}
	resp, err := hc.Get(p.URL + "/console/signin")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if cks := resp.Cookies(); len(cks) == 0 || !cks[0].Secure {
		t.Fatalf("console cookie over TLS: %v", cks)
	}
	// Plain HTTP to the TLS port is not served.
	plain, err := http.Get(strings.Replace(p.URL, "https://", "http://", 1) + "/_chimevoice/health")
	if err == nil {
		plain.Body.Close()
		if plain.StatusCode == http.StatusOK {
			t.Fatal("plain HTTP served on the TLS port")
		}
	}
}

func TestTLSFlagsGoTogether(t *testing.T) {
	cfg := DefaultConfig()
	if err := cfg.Parse([]string{"--tls-cert", "x.pem"}, func(string) (string, bool) { return "", false }, io.Discard); err == nil || !strings.Contains(err.Error(), "--tls-key") {
		t.Fatalf("--tls-cert alone: %v", err)
	}
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// TestConsoleSessionAcrossReplicaProcesses: two chimevoice processes on
// one PostgreSQL database; a person signs in through one and is signed in
// on the other.
func TestConsoleSessionAcrossReplicaProcesses(t *testing.T) {
	url1 := pgtest.Database(t)
	a := launch(t, "--database-url", url1)
	b := launch(t, "--database-url", url1)
	a.waitListening(t)
	b.waitListening(t)
	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar, Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(u string) (int, string) {
		t.Helper()
		resp, err := hc.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}
	_, form := get(a.URL + "/console/signin")
	m := csrfRE.FindStringSubmatch(form)
	if m == nil {
		t.Fatalf("no sign-in form on A: %s", form)
	}
	resp, err := hc.PostForm(b.URL+"/console/signin", url.Values{"csrf": {m[1]}, "method": {"key"}, "access_key": {"test"}, "secret": {"test"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-in form of A posted to B: %d", resp.StatusCode)
	}
	for _, p := range []*process{a, b} {
		if status, body := get(p.URL + "/console/numbers"); status != http.StatusOK || !strings.Contains(body, "000000000000") {
			t.Fatalf("session on %s: %d", p.URL, status)
		}
	}
}
