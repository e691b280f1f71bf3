package model

import (
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/chimevoice/chimevoice"
)

func load(t testing.TB) *API {
	t.Helper()
	api, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	return api
}

func TestRoutes(t *testing.T) {
	api := load(t)
	tests := []struct {
		method, path, query, op string
		params                  map[string]string
	}{
		{"POST", "/phone-numbers", "operation=batch-delete", "BatchDeletePhoneNumber", nil},
		{"POST", "/phone-numbers", "operation=batch-update", "BatchUpdatePhoneNumber", nil},
		{"POST", "/phone-numbers/%2B12065550100", "operation=restore", "RestorePhoneNumber", map[string]string{"phoneNumberId": "+12065550100"}},
		{"POST", "/phone-numbers/%2B12065550100", "", "UpdatePhoneNumber", map[string]string{"phoneNumberId": "+12065550100"}},
		{"GET", "/phone-numbers/%252B12065550100", "", "GetPhoneNumber", map[string]string{"phoneNumberId": "%2B12065550100"}},
		{"DELETE", "/phone-numbers/12065550100", "", "DeletePhoneNumber", map[string]string{"phoneNumberId": "12065550100"}},
		{"GET", "/search", "type=phone-numbers&area-code=206", "SearchAvailablePhoneNumbers", nil},
		{"GET", "/accounts", "", "ListAccounts", nil},
		{"GET", "/nothing", "", "", nil},
		{"POST", "/phone-numbers", "operation=explode", "", nil},
	}
	for _, tc := range tests {
		q, _ := url.ParseQuery(tc.query)
		op, params := api.Match(tc.method, tc.path, q)
		name := ""
		if op != nil {
			name = op.Name
		}
		if name != tc.op {
			t.Errorf("%s %s?%s: %q, want %q", tc.method, tc.path, tc.query, name, tc.op)
			continue
		}
		for k, v := range tc.params {
			if params[k] != v {
				t.Errorf("%s %s: param %s = %q, want %q", tc.method, tc.path, k, params[k], v)
			}
		}
	}
}

func TestMergedShapesAcceptBothModels(t *testing.T) {
	api := load(t)
	list := api.Operation("ListPhoneNumbers")
	if !list.HasService(ServiceVoice) || !list.HasService(ServiceLegacy) {
		t.Fatalf("ListPhoneNumbers services %v", list.Services)
	}
	// Legacy's enum value and voice's larger maximum are both accepted.
	for _, q := range []url.Values{
		{"product-type": {"BusinessCalling"}},
		{"max-results": {"100"}},
		{"filter-name": {"UserId"}, "filter-value": {"u"}},
	} {
		if _, err := list.Decode(nil, q, nil); err != nil {
			t.Errorf("%v: %v", q, err)
		}
	}
	if _, err := list.Decode(nil, url.Values{"max-results": {"101"}}, nil); chimevoice.ErrorCode(err) != chimevoice.CodeBadRequest {
		t.Errorf("max-results 101: %v", err)
	}
}

func TestDecodeAssign(t *testing.T) {
	api := load(t)
	op := api.Operation("BatchUpdatePhoneNumber")
	in, err := op.Decode(nil, nil, []byte(`{"UpdatePhoneNumberRequestItems":[{"PhoneNumberId":"+12065550100","Name":"a b","Unknown":1}],"Extra":true}`))
	if err != nil {
		t.Fatal(err)
	}
	var dst struct {
		UpdatePhoneNumberRequestItems []struct {
			PhoneNumberId string
			Name          *string
			CallingName   *string
		}
	}
	if err := Assign(in, &dst); err != nil {
		t.Fatal(err)
	}
	it := dst.UpdatePhoneNumberRequestItems
	if len(it) != 1 || it[0].PhoneNumberId != "+12065550100" || it[0].Name == nil || *it[0].Name != "a b" || it[0].CallingName != nil {
		t.Fatalf("assigned %+v", dst)
	}
}

// FuzzDecode feeds arbitrary bodies and query values to the decoder of the
// seed operation and of a query-driven one: it must never panic, and every
// refusal must be a BadRequest *chimevoice.Error.
func FuzzDecode(f *testing.F) {
	api := load(f)
	del := api.Operation("BatchDeletePhoneNumber")
	list := api.Operation("ListPhoneNumbers")
	f.Add([]byte(`{"PhoneNumberIds":["%2B12065550100"]}`), "100")
	f.Add([]byte(`{"PhoneNumberIds":[1,null,{}]}`), "x")
	f.Add([]byte(`[`), "-1")
	f.Add([]byte(`{"PhoneNumberIds":["a"]} {}`), "99999999999")
	f.Fuzz(func(t *testing.T, body []byte, max string) {
		for _, try := range []func() (Input, error){
			func() (Input, error) { return del.Decode(nil, nil, body) },
			func() (Input, error) {
				return list.Decode(nil, url.Values{"max-results": {max}, "status": {string(body)}}, nil)
			},
		} {
			in, err := try()
			if err != nil {
				var ce *chimevoice.Error
				if !errors.As(err, &ce) || ce.Code != chimevoice.CodeBadRequest || ce.Message == "" {
					t.Fatalf("refusal %v is not a BadRequest", err)
				}
				continue
			}
			var dst struct {
				PhoneNumberIds []string
				MaxResults     int
			}
			if err := Assign(in, &dst); err != nil {
				t.Fatalf("accepted input does not assign: %v", err)
			}
		}
	})
}

// BenchmarkDecode decodes and validates the seed request, a batch of 1000
// IDs, and the query of a list call.
func BenchmarkDecode(b *testing.B) {
	api := load(b)
	del := api.Operation("BatchDeletePhoneNumber")
	list := api.Operation("ListPhoneNumbers")
	big := []byte(`{"PhoneNumberIds":[` + strings.Repeat(`"%2B12065550100",`, 999) + `"%2B12065550100"]}`)
	for _, bc := range []struct {
		name string
		run  func() (Input, error)
	}{
		{"batch-delete-1", func() (Input, error) { return del.Decode(nil, nil, []byte(`{"PhoneNumberIds":["%2B12065550100"]}`)) }},
		{"batch-delete-1000", func() (Input, error) { return del.Decode(nil, nil, big) }},
		{"list-query", func() (Input, error) {
			return list.Decode(nil, url.Values{"max-results": {"100"}, "status": {"DeleteInProgress"}}, nil)
		}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				in, err := bc.run()
				if err != nil {
					b.Fatal(err)
				}
				var dst struct{ PhoneNumberIds []string }
				if err := Assign(in, &dst); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
