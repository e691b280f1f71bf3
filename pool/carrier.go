package pool

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/chimevoice/chimevoice"
)

// FieldError is what CheckEntry refuses: the column (number, country,
// type, city, state) and why.
type FieldError struct {
	Field, Reason string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Reason }

func fieldError(field, format string, args ...any) error {
	return &FieldError{Field: field, Reason: fmt.Sprintf(format, args...)}
}

// Entry is one number of a carrier's inventory: what `chimevoice pool
// import` reads from a CSV row and the store keeps in its imported pool.
type Entry struct {
	E164    string // "+12065550100"
	Country string // ISO alpha-2, upper case
	Type    string // Local or TollFree
	City    string // optional
	State   string // optional; for US numbers the 2-letter state code
}

// maxPlaceLen bounds City and State.
const maxPlaceLen = 100

// CheckEntry validates a carrier entry and returns it normalized (number
// in E.164 form, country upper case, type spelled as the API spells it,
// city and state trimmed, a US state upper case). The number must be valid
// per libphonenumber, and the country and type must be what
// libphonenumber says of it, so that what is imported can be ordered; a
// US local number's state must be its area code's state where
// libphonenumber knows it. The error says which field is wrong and why.
func CheckEntry(e Entry) (Entry, error) {
	raw := strings.TrimSpace(e.E164)
	if raw == "" {
		return e, fieldError("number", "missing")
	}
	e164, ok := chimevoice.ParseID(raw)
	if !ok {
		return e, fieldError("number", "%q is not an E.164 phone number", raw)
	}
	info, ok := Classify(e164)
	if !ok {
		return e, fieldError("number", "%s is not a valid phone number (libphonenumber)", e164)
	}
	e.E164 = e164
	e.Country = strings.ToUpper(strings.TrimSpace(e.Country))
	switch {
	case e.Country == "":
		return e, fieldError("country", "missing")
	case e.Country != info.Country:
		return e, fieldError("country", "%s does not match the number %s, which is %s", e.Country, e164, info.Country)
	}
	switch t := strings.TrimSpace(e.Type); {
	case t == "":
		return e, fieldError("type", "missing")
	case strings.EqualFold(t, typeLocal):
		e.Type = typeLocal
	case strings.EqualFold(t, typeTollFree):
		e.Type = typeTollFree
	default:
		return e, fieldError("type", "%q is not Local or TollFree", t)
	}
	if e.Type != info.Type {
		return e, fieldError("type", "%s does not match the number %s, which is %s", e.Type, e164, info.Type)
	}
	e.City, e.State = strings.TrimSpace(e.City), strings.TrimSpace(e.State)
	for _, f := range []struct{ name, v string }{{"city", e.City}, {"state", e.State}} {
		if len(f.v) > maxPlaceLen || !utf8.ValidString(f.v) {
			return e, fieldError(f.name, "must be valid UTF-8 of at most %d bytes", maxPlaceLen)
		}
	}
	if e.City != "" && e.State == "" {
		return e, fieldError("city", "a city needs a state (searches take City with State)")
	}
	if e.Country == "US" && e.State != "" {
		if !isLetters(e.State, 2) {
			return e, fieldError("state", "%q is not a 2-letter US state code", e.State)
		}
		e.State = strings.ToUpper(e.State)
		if e.Type == typeLocal {
			if err := checkUSState(e164, e.State); err != nil {
				return e, err
			}
		}
	}
	return e, nil
}

// checkUSState checks a US local number's state against its area code's.
func checkUSState(e164, state string) error {
	cat, err := loadCatalog()
	if err != nil {
		return err
	}
	npa := e164[2:5]
	if a := cat.areaCode(npa); a != nil && a.state != "" && a.state != state {
		return fieldError("state", "%s does not match the number %s, whose area code %s is in %s", state, e164, npa, a.state)
	}
	return nil
}

// CSV columns, in the order of a file without a header row.
var csvColumns = []string{"number", "country", "type", "city", "state"}

// RowError is a CSV row that cannot be imported; the import skips it and
// goes on.
type RowError struct {
	Line   int
	Reason string
}

func (e *RowError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Reason) }

// CSVReader reads carrier entries from CSV: columns number, country, type,
// city, state (city and state optional). A first row with a field
// "number" is a header: its names (case-insensitive, any order, city and
// state optional) then say which column is which. Lines starting with '#'
// are comments.
type CSVReader struct {
	r      *csv.Reader
	cols   []int // field index of each of csvColumns, -1 if absent
	header bool  // the file has a header row
	first  bool
}

// NewCSVReader reads entries from r.
func NewCSVReader(r io.Reader) *CSVReader {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.Comment = '#'
	cr.ReuseRecord = true
	return &CSVReader{r: cr, first: true}
}

// Next returns the next entry, checked with CheckEntry, and its line. A row
// that cannot be imported is a *RowError (keep calling Next); the end of
// the input is io.EOF; any other error (reading, a bad header) is fatal.
func (c *CSVReader) Next() (Entry, int, error) {
	for {
		rec, err := c.r.Read()
		line, _ := c.r.FieldPos(0)
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			if c.first {
				c.first = false
				c.cols = positional()
			}
			return Entry{}, pe.StartLine, &RowError{Line: pe.StartLine, Reason: "not valid CSV: " + pe.Err.Error()}
		}
		if err != nil {
			return Entry{}, 0, err // io.EOF or a read error
		}
		if c.first {
			c.first = false
			rec[0] = strings.TrimPrefix(rec[0], "\uFEFF") // a byte order mark
			if isHeader(rec) {
				if err := c.readHeader(rec, line); err != nil {
					return Entry{}, line, err
				}
				continue
			}
			c.cols = positional()
		}
		e, err := c.entry(rec, line)
		return e, line, err
	}
}

// isHeader reports whether a first row is a header: it names the number
// column, which no data row can.
func isHeader(rec []string) bool {
	for _, f := range rec {
		if strings.EqualFold(strings.TrimSpace(f), csvColumns[0]) {
			return true
		}
	}
	return false
}

func positional() []int { return []int{0, 1, 2, 3, 4} }

func (c *CSVReader) readHeader(rec []string, line int) error {
	c.header = true
	c.cols = []int{-1, -1, -1, -1, -1}
	for i, name := range rec {
		k := -1
		for j, col := range csvColumns {
			if strings.EqualFold(strings.TrimSpace(name), col) {
				k = j
			}
		}
		if k < 0 {
			return fmt.Errorf("line %d: header column %d %q is not one of %s", line, i+1, name, strings.Join(csvColumns, ", "))
		}
		if c.cols[k] >= 0 {
			return fmt.Errorf("line %d: header names column %q twice", line, csvColumns[k])
		}
		c.cols[k] = i
	}
	for k := 0; k < 3; k++ {
		if c.cols[k] < 0 {
			return fmt.Errorf("line %d: header has no %q column", line, csvColumns[k])
		}
	}
	return nil
}

func (c *CSVReader) entry(rec []string, line int) (Entry, error) {
	if c.header {
		width := 0
		for _, i := range c.cols {
			width = max(width, i+1)
		}
		if len(rec) < width {
			return Entry{}, &RowError{Line: line, Reason: fmt.Sprintf("%d fields, the header names %d", len(rec), width)}
		}
	} else if len(rec) < 3 || len(rec) > len(csvColumns) {
		return Entry{}, &RowError{Line: line, Reason: fmt.Sprintf("%d fields, want 3 to 5 (number, country, type, city, state)", len(rec))}
	}
	field := func(k int) string {
		if i := c.cols[k]; i >= 0 && i < len(rec) {
			return rec[i]
		}
		return ""
	}
	e, err := CheckEntry(Entry{E164: field(0), Country: field(1), Type: field(2), City: field(3), State: field(4)})
	if err != nil {
		return Entry{}, &RowError{Line: line, Reason: err.Error()}
	}
	return e, nil
}
