package pool

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
)

func TestCheckEntry(t *testing.T) {
	tests := []struct {
		in   Entry
		want Entry
		err  string // "" = valid; else a prefix of the error
	}{
		{Entry{E164: "+12067301307", Country: "US", Type: "Local", City: "Seattle", State: "WA"}, Entry{"+12067301307", "US", "Local", "Seattle", "WA"}, ""},
		{Entry{E164: " 12067301307 ", Country: "us", Type: "local", City: " Seattle ", State: "wa"}, Entry{"+12067301307", "US", "Local", "Seattle", "WA"}, ""},
		{Entry{E164: "%2B18005550199", Country: "US", Type: "TollFree"}, Entry{E164: "+18005550199", Country: "US", Type: "TollFree"}, ""},
		{Entry{E164: "+442071838750", Country: "GB", Type: "Local", City: "London", State: "England"}, Entry{"+442071838750", "GB", "Local", "London", "England"}, ""},
		{Entry{Country: "US", Type: "Local"}, Entry{}, "number: missing"},
		{Entry{E164: "phone", Country: "US", Type: "Local"}, Entry{}, "number: \"phone\" is not"},
		{Entry{E164: "+12065550100", Country: "US", Type: "Local"}, Entry{}, ""}, // 555-01XX is valid per libphonenumber
		{Entry{E164: "+1206123", Country: "US", Type: "Local"}, Entry{}, "number: +1206123 is not a valid"},
		{Entry{E164: "+12067301307", Type: "Local"}, Entry{}, "country: missing"},
		{Entry{E164: "+12067301307", Country: "CA", Type: "Local"}, Entry{}, "country: CA does not match"},
		{Entry{E164: "+12067301307", Country: "US"}, Entry{}, "type: missing"},
		{Entry{E164: "+12067301307", Country: "US", Type: "Mobile"}, Entry{}, "type: \"Mobile\" is not"},
		{Entry{E164: "+12067301307", Country: "US", Type: "TollFree"}, Entry{}, "type: TollFree does not match"},
		{Entry{E164: "+12067301307", Country: "US", Type: "Local", City: "Seattle"}, Entry{}, "city: a city needs a state"},
		{Entry{E164: "+12067301307", Country: "US", Type: "Local", State: "Washington"}, Entry{}, "state: \"Washington\" is not"},
		{Entry{E164: "+12067301307", Country: "US", Type: "Local", State: "OR"}, Entry{}, "state: OR does not match"},
		{Entry{E164: "+12067301307", Country: "US", Type: "Local", City: strings.Repeat("x", 101), State: "WA"}, Entry{}, "city: must be"},
	}
	for _, tc := range tests {
		got, err := CheckEntry(tc.in)
		switch {
		case tc.err == "" && err != nil:
			t.Errorf("%+v: %v", tc.in, err)
		case tc.err != "" && (err == nil || !strings.HasPrefix(err.Error(), tc.err)):
			t.Errorf("%+v: error %v, want %q", tc.in, err, tc.err)
		case tc.err == "" && tc.want.E164 != "" && got != tc.want:
			t.Errorf("%+v: got %+v, want %+v", tc.in, got, tc.want)
		}
	}
}

func readAll(t *testing.T, csv string) (entries []Entry, lines []int, rowErrs []string, fatal error) {
	t.Helper()
	r := NewCSVReader(strings.NewReader(csv))
	for {
		e, line, err := r.Next()
		var re *RowError
		switch {
		case errors.Is(err, io.EOF):
			return
		case errors.As(err, &re):
			rowErrs = append(rowErrs, re.Error())
		case err != nil:
			fatal = err
			return
		default:
			entries = append(entries, e)
			lines = append(lines, line)
		}
	}
}

func TestCSVReader(t *testing.T) {
	t.Run("positional", func(t *testing.T) {
		es, lines, errs, fatal := readAll(t, "# carrier file\n+12067301307,US,Local,Seattle,WA\n\n+18005550199,US,TollFree\n+1206,US,Local\nx,y\n+12063412302,US,Local,\"Seattle\",WA\n")
		if fatal != nil || len(es) != 3 || fmt.Sprint(lines) != "[2 4 7]" {
			t.Fatalf("entries %v lines %v fatal %v", es, lines, fatal)
		}
		want := []string{"line 5: number: +1206 is not a valid phone number (libphonenumber)", "line 6: 2 fields, want 3 to 5 (number, country, type, city, state)"}
		if fmt.Sprint(errs) != fmt.Sprint(want) {
			t.Fatalf("row errors %q", errs)
		}
	})
	t.Run("header in any order", func(t *testing.T) {
		es, _, errs, fatal := readAll(t, "\uFEFFState,Number,Type,Country\nWA,+12067301307,Local,US\nWA,+12063412302\n")
		if fatal != nil || len(es) != 1 || es[0] != (Entry{"+12067301307", "US", "Local", "", "WA"}) {
			t.Fatalf("entries %v fatal %v", es, fatal)
		}
		if len(errs) != 1 || !strings.HasPrefix(errs[0], "line 3: 2 fields, the header names 4") {
			t.Fatalf("row errors %q", errs)
		}
	})
	t.Run("bad quote is one bad row", func(t *testing.T) {
		es, _, errs, fatal := readAll(t, "+12067301307,US,Local\n+12063412302,\"US,Local\n")
		if fatal != nil || len(es) != 1 || len(errs) != 1 || !strings.Contains(errs[0], "not valid CSV") {
			t.Fatalf("entries %v errors %q fatal %v", es, errs, fatal)
		}
	})
	for name, csv := range map[string]string{
		"unknown column":   "number,country,type,zip\n",
		"missing type":     "number,country\n",
		"duplicate column": "number,country,type,country\n",
	} {
		t.Run(name, func(t *testing.T) {
			if _, _, _, fatal := readAll(t, csv); fatal == nil || !strings.HasPrefix(fatal.Error(), "line 1: header") {
				t.Fatalf("fatal %v", fatal)
			}
		})
	}
}
