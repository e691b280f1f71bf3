package sigv4

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/chimevoice/chimevoice"
)

func TestAllowed(t *testing.T) {
	tests := []struct {
		allow []string
		op    string
		want  bool
	}{
		{nil, "BatchDeletePhoneNumber", true},
		{[]string{}, "DeletePhoneNumber", false}, // allow: [] fails closed
		{[]string{"*"}, "BatchDeletePhoneNumber", true},
		{[]string{"Get*"}, "GetPhoneNumber", true},
		{[]string{"Get*"}, "GetPhoneNumberOrder", true},
		{[]string{"Get*"}, "ListPhoneNumbers", false},
		{[]string{"Get*"}, "ForgetPhoneNumber", false}, // anchored at the start
		{[]string{"Get*", "List*"}, "ListPhoneNumbers", true},
		{[]string{"*PhoneNumber*"}, "BatchDeletePhoneNumber", true},
		{[]string{"*PhoneNumber*"}, "ListPhoneNumberOrders", true},
		{[]string{"*PhoneNumber*"}, "CreateVoiceConnector", false},
		{[]string{"*PhoneNumber"}, "ListPhoneNumbers", false}, // anchored at the end
		{[]string{"Delete*Number"}, "DeletePhoneNumber", true},
		{[]string{"Delete*Number"}, "DeletePhoneNumbers", false},
		{[]string{"GetPhoneNumber"}, "GetPhoneNumber", true},
		{[]string{"GetPhoneNumber"}, "GetPhoneNumberOrder", false},
		{[]string{"GetPhoneNumber"}, "GetPhone", false},
		{[]string{"getphonenumber"}, "GetPhoneNumber", true}, // IAM compares actions case-insensitively
		{[]string{"RestorePhoneNumber"}, "BatchDeletePhoneNumber", false},
		{[]string{"**"}, "", true},
		{[]string{"A*B*C"}, "AxxBxxBxxC", true},
		{[]string{"A*B*C"}, "AxxBxxCxxB", false},
	}
	for _, tc := range tests {
		c := Credential{Allow: tc.allow}
		if got := c.Allowed(tc.op); got != tc.want {
			t.Errorf("allow %q, Allowed(%q) = %v, want %v", tc.allow, tc.op, got, tc.want)
		}
	}
}

func TestAuthorize(t *testing.T) {
	c := Credential{AccessKeyID: "AKIAREADONLY", Allow: []string{"Get*", "List*"}}
	if err := c.Authorize("ListPhoneNumbers"); err != nil {
		t.Errorf("Authorize(ListPhoneNumbers) = %v", err)
	}
	err := c.Authorize("BatchDeletePhoneNumber")
	if code := chimevoice.ErrorCode(err); code != chimevoice.CodeForbidden {
		t.Fatalf("Authorize(BatchDeletePhoneNumber) code = %s (%v), want Forbidden", code, err)
	}
	if msg := chimevoice.ErrorMessage(err); !strings.Contains(msg, "AKIAREADONLY") || !strings.Contains(msg, "BatchDeletePhoneNumber") {
		t.Errorf("message %q does not name the key and the operation", msg)
	}
}

func writeFile(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "credentials.yaml")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestLoadFile(t *testing.T) {
	path := writeFile(t, `
credentials:
  - access_key_id: AKIAEXAMPLEA
    secret_access_key: "secret/A+"
    account_id: "111111111111"
    allow: ["*"]
  - access_key_id: AKIAEXAMPLEB
    secret_access_key: secretB
    account_id: 000000000222
    allow: ["Get*", "List*"]
  - access_key_id: AKIAEXAMPLEC
    secret_access_key: secretC
    account_id: "333333333333"
`)
	got, err := LoadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want := []Credential{
		{AccessKeyID: "AKIAEXAMPLEA", SecretAccessKey: "secret/A+", AccountID: "111111111111", Allow: []string{"*"}},
		{AccessKeyID: "AKIAEXAMPLEB", SecretAccessKey: "secretB", AccountID: "000000000222", Allow: []string{"Get*", "List*"}},
		{AccessKeyID: "AKIAEXAMPLEC", SecretAccessKey: "secretC", AccountID: "333333333333"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("LoadFile = %+v\nwant %+v", got, want)
	}
}

func TestLoadFileErrors(t *testing.T) {
	const good = "  - access_key_id: AKIAGOOD\n    secret_access_key: s\n    account_id: \"111111111111\"\n"
	tests := []struct {
		name, content, want string
	}{
		{"empty file", "", "no credentials"},
		{"empty list", "credentials: []\n", "no credentials"},
		{"not YAML", "credentials: [\n", "parse YAML"},
		{"unknown field", "credentials:\n" + good + "    allowed: [\"*\"]\n", "field allowed not found"},
		{"empty access key", "credentials:\n" + good + "  - access_key_id: \"\"\n    secret_access_key: s\n    account_id: \"111111111111\"\n",
			"credentials[1].access_key_id: must not be empty"},
		{"duplicate access key", "credentials:\n" + good + good, `credentials[1].access_key_id: "AKIAGOOD" duplicates credentials[0]`},
		{"empty secret", "credentials:\n  - access_key_id: AKIAX\n    account_id: \"111111111111\"\n",
			"credentials[0].secret_access_key: must not be empty"},
		{"short account", "credentials:\n  - access_key_id: AKIAX\n    secret_access_key: s\n    account_id: \"12345\"\n",
			`credentials[0].account_id: must be exactly 12 digits, got "12345"`},
		{"non-digit account", "credentials:\n  - access_key_id: AKIAX\n    secret_access_key: s\n    account_id: \"11111111111a\"\n",
			"credentials[0].account_id: must be exactly 12 digits"},
		{"missing account", "credentials:\n  - access_key_id: AKIAX\n    secret_access_key: s\n",
			"credentials[0].account_id: must be exactly 12 digits"},
		{"empty allow pattern", "credentials:\n" + good + "    allow: [\"Get*\", \"\"]\n", "credentials[0].allow[1]: pattern must not be empty"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := writeFile(t, tc.content)
			_, err := LoadFile(path)
			if err == nil {
				t.Fatalf("LoadFile accepted:\n%s", tc.content)
			}
			if !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), path) {
				t.Errorf("error %q does not contain %q and the path", err, tc.want)
			}
			if strings.Contains(err.Error(), "secret_access_key: s\n") {
				t.Errorf("error leaks a secret: %q", err)
			}
		})
	}

	if _, err := LoadFile(filepath.Join(t.TempDir(), "absent.yaml")); err == nil || !strings.Contains(err.Error(), "read credentials file") {
		t.Errorf("missing file: error %v", err)
	}
}

func TestDevCredential(t *testing.T) {
	c := DevCredential()
	if c.AccessKeyID != "test" || c.SecretAccessKey != "test" || c.AccountID != "000000000000" || !c.Allowed("DeletePhoneNumber") {
		t.Errorf("DevCredential() = %+v", c)
	}
}
