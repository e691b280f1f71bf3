package model

import (
	"runtime"
	"strings"
	"testing"

	"github.com/chimevoice/chimevoice"
)

// shapeDepth is how deep JSON of shape s nests (a scalar is 0).
func shapeDepth(s *Shape, seen map[*Shape]bool) int {
	if s == nil || seen[s] {
		return 0
	}
	seen[s] = true
	defer delete(seen, s)
	d := 0
	switch s.Type {
	case "structure":
		for _, m := range s.Members {
			d = max(d, shapeDepth(m.Shape, seen))
		}
	case "list":
		d = shapeDepth(s.Elem, seen)
	case "map":
		d = shapeDepth(s.Value, seen)
	default:
		return 0
	}
	return d + 1
}

// TestEveryInputFitsTheBounds keeps MaxDepth above what any operation's
// input can legitimately nest.
func TestEveryInputFitsTheBounds(t *testing.T) {
	deepest := 0
	for _, op := range load(t).Operations() {
		deepest = max(deepest, shapeDepth(op.Input, map[*Shape]bool{}))
	}
	if deepest == 0 || deepest >= MaxDepth {
		t.Fatalf("deepest input nests %d levels; MaxDepth is %d", deepest, MaxDepth)
	}
	t.Logf("deepest input nests %d levels", deepest)
}

func TestBoundsRefuseWhileScanning(t *testing.T) {
	api := load(t)
	batch := api.Operation("BatchDeletePhoneNumber")
	update := api.Operation("BatchUpdatePhoneNumber")
	tags := api.Operation("TagResource")
	items := func(n int, item string) string {
		return strings.TrimSuffix(strings.Repeat(item+",", n), ",")
	}
	nest := func(n int) string { return strings.Repeat("[", n) + strings.Repeat("]", n) }
	tests := []struct {
		name string
		op   *Operation
		body string
		want string // "" = accepted by the scan
	}{
		{"1000 ids", batch, `{"PhoneNumberIds":[` + items(1000, `"+12065550100"`) + `]}`, ""},
		{"1001 ids", batch, `{"PhoneNumberIds":[` + items(1001, `"+12065550100"`) + `]}`, "PhoneNumberIds: the list must contain at most 1000 item(s)"},
		{"349k objects", batch, `{"PhoneNumberIds":[` + items(349000, `{}`) + `]}`, "PhoneNumberIds: the list must contain at most 1000"},
		{"escaped member name", batch, `{"Phone\u004eumberIds":[` + items(1001, `1`) + `]}`, "PhoneNumberIds: the list"},
		{"unknown member list", batch, `{"Other":[` + items(1001, `1`) + `]}`, "?: the list must contain at most 1000"},
		{"values spread over lists", batch, `{"A":[` + items(1000, `1`) + `],"B":[` + items(1000, `[`+items(30, `1`)+`]`) + `]}`, "more than 20000 JSON values"},
		{"duplicate keys", batch, `{` + items(100, `"PhoneNumberIds":[`+items(300, `"x"`)+`]`) + `}`, "more than 20000 JSON values"},
		{"deep lists", batch, `{"PhoneNumberIds":` + nest(100000) + `}`, "nests deeper than 20 levels"},
		{"deep objects", batch, strings.Repeat(`{"a":`, 50) + `1` + strings.Repeat(`}`, 50), "nests deeper than 20 levels"},
		{"nested item path", update, `{"UpdatePhoneNumberRequestItems":[{"PhoneNumberId":"+12065550100"},{"X":` + nest(30) + `}]}`, "UpdatePhoneNumberRequestItems[1].?"},
		{"model maximum", tags, `{"Tags":[` + items(51, `{"Key":"k","Value":"v"}`) + `]}`, "Tags: the list must contain at most 50 item(s)"},
		{"strings with brackets", batch, `{"PhoneNumberIds":["[[[[\"]]]{{{"]}`, ""},
		{"malformed left to the decoder", batch, `{"PhoneNumberIds":[1,`, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := checkBounds([]byte(tc.body), tc.op.Input)
			if tc.want == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if err == nil || chimevoice.ErrorCode(err) != chimevoice.CodeBadRequest || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want BadRequest containing %q", err, tc.want)
			}
			// Decode refuses it the same way.
			if _, derr := tc.op.Decode(nil, nil, []byte(tc.body)); derr == nil || derr.Error() != err.Error() {
				t.Fatalf("Decode: %v", derr)
			}
		})
	}
}

// TestAmplificationIsCheap: the request of the issue, a list of 349k empty
// objects in just under 1 MiB, is refused without allocating per element.
func TestAmplificationIsCheap(t *testing.T) {
	op := load(t).Operation("BatchDeletePhoneNumber")
	body := []byte(`{"PhoneNumberIds":[` + strings.TrimSuffix(strings.Repeat("{},", 349000), ",") + `]}`)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := op.Decode(nil, nil, body)
	runtime.ReadMemStats(&after)
	if err == nil {
		t.Fatal("accepted")
	}
	if got := after.TotalAlloc - before.TotalAlloc; got > 64<<10 {
		t.Fatalf("refusing allocated %d bytes", got)
	}
}

func BenchmarkCheckBounds1000IDs(b *testing.B) {
	op := load(b).Operation("BatchDeletePhoneNumber")
	body := []byte(`{"PhoneNumberIds":[` + strings.TrimSuffix(strings.Repeat(`"+12065550100",`, 1000), ",") + `]}`)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if err := checkBounds(body, op.Input); err != nil {
			b.Fatal(err)
		}
	}
}
