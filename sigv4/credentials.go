package sigv4

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"

	"gopkg.in/yaml.v3"

	"github.com/chimevoice/chimevoice"
)

// Credential is one access key from the credentials file.
type Credential struct {
	AccessKeyID     string   `yaml:"access_key_id"`
	SecretAccessKey string   `yaml:"secret_access_key"`
	AccountID       string   `yaml:"account_id"`
	Allow           []string `yaml:"allow"` // operation-name patterns; '*' wildcards ("Get*", "List*", "*"); absent (nil) = all allowed, [] = none
}

// DevCredential returns the development credential: access key "test",
// secret "test", account 000000000000, every operation allowed. These are the
// LocalStack conventions, so tooling already configured for LocalStack signs
// requests this server accepts.
func DevCredential() Credential {
	return Credential{
		AccessKeyID:     "test",
		SecretAccessKey: "test",
		AccountID:       "000000000000",
	}
}

// credentialsFile is the on-disk shape of the --credentials file.
type credentialsFile struct {
	Credentials []Credential `yaml:"credentials"`
}

// LoadFile reads the YAML credentials file:
//
//	credentials:
//	  - access_key_id: AKIAEXAMPLEA
//	    secret_access_key: "..."
//	    account_id: "111111111111"
//	    allow: ["*"]
//
// It validates: at least one credential; access key non-empty and unique;
// secret non-empty; account_id exactly 12 digits; each allow pattern
// non-empty. Errors name the entry index and field. Unknown fields are an
// error: a misspelt "allow" would otherwise silently grant every operation.
// Secrets never appear in error messages.
func LoadFile(path string) ([]Credential, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read credentials file: %w", err)
	}
	creds, err := parseCredentials(data)
	if err != nil {
		return nil, fmt.Errorf("credentials file %s: %w", path, err)
	}
	return creds, nil
}

// parseCredentials decodes and validates the contents of a credentials file.
func parseCredentials(data []byte) ([]Credential, error) {
	var file credentialsFile
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&file); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("parse YAML: %w", err)
	}
	if len(file.Credentials) == 0 {
		return nil, errors.New("no credentials: the file must list at least one entry under \"credentials\"")
	}
	seen := make(map[string]int, len(file.Credentials))
	for i, c := range file.Credentials {
		switch {
		case c.AccessKeyID == "":
			return nil, fmt.Errorf("credentials[%d].access_key_id: must not be empty", i)
		case c.SecretAccessKey == "":
			return nil, fmt.Errorf("credentials[%d].secret_access_key: must not be empty (access key %q)", i, c.AccessKeyID)
		case !isAccountID(c.AccountID):
			return nil, fmt.Errorf("credentials[%d].account_id: must be exactly 12 digits, got %q (quote it in YAML to keep leading zeros)", i, c.AccountID)
		}
		if j, dup := seen[c.AccessKeyID]; dup {
			return nil, fmt.Errorf("credentials[%d].access_key_id: %q duplicates credentials[%d]", i, c.AccessKeyID, j)
		}
		seen[c.AccessKeyID] = i
		for k, p := range c.Allow {
			if p == "" {
				return nil, fmt.Errorf("credentials[%d].allow[%d]: pattern must not be empty", i, k)
			}
		}
	}
	return file.Credentials, nil
}

// isAccountID reports whether s is an AWS account ID: exactly 12 ASCII digits.
func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// Allowed reports whether operation (e.g. "BatchDeletePhoneNumber") matches
// the credential's allow list. A credential without an allow entry (nil)
// behaves like a full-access key; an empty list ("allow: []") allows
// nothing: it fails closed, and ["*"] is how to write "everything". Patterns
// use '*' as "any run of characters" and must match the whole name; letters
// compare case-insensitively, as IAM compares action names.
func (c *Credential) Allowed(operation string) bool {
	if c.Allow == nil {
		return true
	}
	for _, p := range c.Allow {
		if matchPattern(p, operation) {
			return true
		}
	}
	return false
}

// Authorize is Allowed as an error, for the HTTP layer to return directly:
// nil when the credential may call operation, else a *chimevoice.Error with
// CodeForbidden (403 ForbiddenException) naming the key and the operation.
func (c *Credential) Authorize(operation string) error {
	if c.Allowed(operation) {
		return nil
	}
	return chimevoice.Errorf(chimevoice.CodeForbidden,
		"access key %s is not allowed to perform %s: the operation is not in the key's allow list", c.AccessKeyID, operation)
}

// matchPattern reports whether name matches pattern, where '*' matches any
// run of characters (including none). It backtracks only to the last star,
// so it runs in O(len(pattern)*len(name)) time without allocating, whatever
// the pattern.
func matchPattern(pattern, name string) bool {
	p, n := 0, 0
	star, starN := -1, 0
	for n < len(name) {
		switch {
		case p < len(pattern) && pattern[p] == '*':
			star, starN = p, n
			p++
		case p < len(pattern) && lowerASCII(pattern[p]) == lowerASCII(name[n]):
			p++
			n++
		case star >= 0:
			// Let the last star swallow one more character and retry.
			starN++
			p, n = star+1, starN
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + ('a' - 'A')
	}
	return c
}
