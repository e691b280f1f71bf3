package console

import "testing"

// TestPagesParse parses every page template, as the first render does:
// templates are parsed on first use, not when the server starts.
func TestPagesParse(t *testing.T) {
	pages := parsePages()
	if len(pages) == 0 {
		t.Fatal("no pages")
	}
	for name, p := range pages {
		if p.Lookup("layout") == nil {
			t.Errorf("page %s has no layout", name)
		}
	}
}
