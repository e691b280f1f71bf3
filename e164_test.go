package chimevoice

import (
	"regexp"
	"testing"
)

func TestParseID(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"+12065550100", "+12065550100", true},
		{"12065550100", "+12065550100", true},
		{"%2B12065550100", "+12065550100", true},
		{"%252B12065550100", "+12065550100", true}, // encoded once more in a path
		{"%2b12065550100", "+12065550100", true},
		{"+442071838750", "+442071838750", true},
		{"+1", "", false},
		{"+0123", "", false},
		{"", "", false},
		{"+", "", false},
		{"++12065550100", "", false},
		{"+1206555010a", "", false},
		{"+1234567890123456", "", false}, // 16 digits
		{"%ZZ", "", false},
		{" +12065550100", "", false},
		{"%25252B12065550100", "", false}, // three layers is not a form anyone sends
	}
	for _, tc := range tests {
		got, ok := ParseID(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("ParseID(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
	if got := OutputID("+12065550100"); got != "%2B12065550100" {
		t.Errorf("OutputID = %q", got)
	}
}

var e164Pattern = regexp.MustCompile(`^\+[1-9]\d{1,14}$`)

// FuzzParseID checks that whatever it is given, ParseID either refuses or
// returns an E.164 number that parses to itself and round-trips through
// OutputID.
func FuzzParseID(f *testing.F) {
	for _, s := range []string{"+12065550100", "12065550100", "%2B12065550100", "%252B1", "", "%", "+0", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := ParseID(s)
		if !ok {
			if got != "" {
				t.Fatalf("refused %q but returned %q", s, got)
			}
			return
		}
		if !e164Pattern.MatchString(got) {
			t.Fatalf("ParseID(%q) = %q, not E.164", s, got)
		}
		if again, ok := ParseID(got); !ok || again != got {
			t.Fatalf("ParseID(%q) = %q, not a fixed point", got, again)
		}
		if back, ok := ParseID(OutputID(got)); !ok || back != got {
			t.Fatalf("OutputID(%q) does not parse back: %q", got, back)
		}
	})
}

func TestDeleteRefusal(t *testing.T) {
	vc := Association{Name: AssocVoiceConnector, Value: "abc"}
	grp := Association{Name: AssocVoiceConnectorGroup, Value: "g"}
	tests := []struct {
		status Status
		assocs []Association
		want   Code
	}{
		{StatusUnassigned, nil, ""},
		{StatusDeleteInProgress, nil, ""},
		{StatusAcquireInProgress, nil, CodePreconditionFailed},
		{StatusAssigned, []Association{vc}, CodePhoneNumberAssociationsExist},
		{StatusAssigned, []Association{vc, grp}, CodeVoiceConnectorGroupAssociationsExist},
		{StatusAssigned, []Association{{Name: AssocUser, Value: "u"}}, CodePhoneNumberAssociationsExist},
	}
	for _, tc := range tests {
		if got, msg := DeleteRefusal(tc.status, tc.assocs); got != tc.want || (got != "" && msg == "") {
			t.Errorf("DeleteRefusal(%s, %v) = %q %q, want %q", tc.status, tc.assocs, got, msg, tc.want)
		}
	}
}
