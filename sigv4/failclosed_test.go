package sigv4

import "testing"

// TestEmptyAllowListGrantsNothing: "allow: []" fails closed, an absent
// allow list grants everything, and the verifier keeps the two apart.
func TestEmptyAllowListGrantsNothing(t *testing.T) {
	creds, err := parseCredentials([]byte(`credentials:
  - access_key_id: NONE
    secret_access_key: s
    account_id: "111111111111"
    allow: []
  - access_key_id: ALL
    secret_access_key: s
    account_id: "111111111111"
  - access_key_id: STAR
    secret_access_key: s
    account_id: "111111111111"
    allow: ["*"]
`))
	if err != nil {
		t.Fatal(err)
	}
	v := NewVerifier(creds, nil)
	for key, want := range map[string]bool{"NONE": false, "ALL": true, "STAR": true} {
		for _, c := range []*Credential{findCred(t, creds, key), v.creds[key]} {
			if got := c.Allowed("ListPhoneNumbers"); got != want {
				t.Errorf("%s: Allowed = %v, want %v", key, got, want)
			}
		}
		if err := v.creds[key].Authorize("BatchDeletePhoneNumber"); (err == nil) != want {
			t.Errorf("%s: Authorize = %v", key, err)
		}
	}
}

func findCred(t *testing.T, creds []Credential, key string) *Credential {
	t.Helper()
	for i := range creds {
		if creds[i].AccessKeyID == key {
			return &creds[i]
		}
	}
	t.Fatalf("no credential %s", key)
	return nil
}
