package httpapi_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/chimesdkvoice"
	vtypes "github.com/aws/aws-sdk-go-v2/service/chimesdkvoice/types"

	"github.com/chimevoice/chimevoice/chimevoicetest"
)

func ids(n int) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = fmt.Sprintf(`"+1206555%04d"`, i)
	}
	return `{"PhoneNumberIds":[` + strings.Join(parts, ",") + `]}`
}

// badInput is a request that must fail: status and shape ("" for
// BadRequestException), and what the message must name.
type badInput struct {
	name, method, path, body string
	status                   int
	shape, field             string
}

// checkBadInputs sends each request, as a subtest, and checks its answer.
func checkBadInputs(t *testing.T, srv *chimevoicetest.Server, tests []badInput) {
	t.Helper()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var body []byte
			if tc.body != "" {
				body = []byte(tc.body)
			}
			r := srv.Do(t, tc.method, tc.path, body)
			shape := tc.shape
			if shape == "" {
				shape = "BadRequestException"
			}
			_, msg := errorShape(t, r, tc.status, shape)
			if !strings.Contains(msg, tc.field) {
				t.Fatalf("message %q does not name %q", msg, tc.field)
			}
			if len(msg) > 2000 {
				t.Fatalf("message of %d bytes: the caller's input is echoed unbounded", len(msg))
			}
		})
	}
}

// pairs is a JSON object of n string pairs.
func pairs(n int) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = fmt.Sprintf(`"k%d":"v"`, i)
	}
	return "{" + strings.Join(parts, ",") + "}"
}

// TestBadInputs sends malformed requests; each must be a 4xx in the AWS
// shape whose message names the offending field, and change nothing.
func TestBadInputs(t *testing.T) {
	chimevoicetest.Each(t, func(t *testing.T, b chimevoicetest.Backend) {
		srv := chimevoicetest.New(t, chimevoicetest.Options{Backend: b})
		nums := srv.Provision(t, srv.Voice, "206", 2, vtypes.PhoneNumberProductTypeVoiceConnector)
		n0, n1 := nums[0], nums[1]
		_, err := srv.Voice.UpdatePhoneNumberSettings(ctx, &chimesdkvoice.UpdatePhoneNumberSettingsInput{CallingName: aws.String("Acme")})
		chimevoicetest.Must(t, err, "settings")
		batchDelete(t, srv, n1)
		p0 := "/phone-numbers/%2B" + n0[1:]
		smaCalls := "/sip-media-applications/11111111-2222-3333-4444-555555555555/calls"

		tests := []badInput{
			{"batch delete: no body member", "POST", "/phone-numbers?operation=batch-delete", `{}`, 400, "", "PhoneNumberIds"},
			{"batch delete: empty list", "POST", "/phone-numbers?operation=batch-delete", `{"PhoneNumberIds":[]}`, 400, "", "PhoneNumberIds"},
			{"batch delete: list is a string", "POST", "/phone-numbers?operation=batch-delete", `{"PhoneNumberIds":"` + n0 + `"}`, 400, "", "PhoneNumberIds"},
			{"batch delete: item is a number", "POST", "/phone-numbers?operation=batch-delete", `{"PhoneNumberIds":[` + n0[1:] + `]}`, 400, "", "PhoneNumberIds[0]"},
			{"batch delete: null item", "POST", "/phone-numbers?operation=batch-delete", `{"PhoneNumberIds":["` + n0 + `",null]}`, 400, "", "PhoneNumberIds[1]"},
			{"batch delete: object item", "POST", "/phone-numbers?operation=batch-delete", `{"PhoneNumberIds":["` + n0 + `",{}]}`, 400, "", "PhoneNumberIds[1]"},
			{"batch delete: 1001 items", "POST", "/phone-numbers?operation=batch-delete", ids(1001), 400, "", "PhoneNumberIds"},
			{"batch delete: same number twice", "POST", "/phone-numbers?operation=batch-delete", `{"PhoneNumberIds":["` + n0 + `","` + n0[1:] + `"]}`, 400, "", "PhoneNumberIds"},
			{"batch delete: malformed JSON", "POST", "/phone-numbers?operation=batch-delete", `{"PhoneNumberIds":["` + n0 + `"`, 400, "", "JSON"},
			{"batch delete: body is a list", "POST", "/phone-numbers?operation=batch-delete", `["` + n0 + `"]`, 400, "", "object"},
			{"batch delete: trailing data", "POST", "/phone-numbers?operation=batch-delete", `{"PhoneNumberIds":["` + n0 + `"]} {}`, 400, "", "after"},
			{"batch delete: body over 1 MiB", "POST", "/phone-numbers?operation=batch-delete", `{"PhoneNumberIds":["` + n0 + `"],"Pad":"` + strings.Repeat("x", 1<<20) + `"}`, 400, "", "limit"},
			{"batch delete: body of 2 MiB", "POST", "/phone-numbers?operation=batch-delete", `{"PhoneNumberIds":["` + n0 + `"],"Pad":"` + strings.Repeat("x", 2<<20) + `"}`, 400, "", "limit"},
			{"batch delete: 349k empty objects", "POST", "/phone-numbers?operation=batch-delete", `{"PhoneNumberIds":[` + strings.Repeat("{},", 349000) + `{}]}`, 400, "", "PhoneNumberIds: the list must contain at most 1000"},
			{"batch delete: lists nested 100k deep", "POST", "/phone-numbers?operation=batch-delete", `{"PhoneNumberIds":` + strings.Repeat("[", 100000) + strings.Repeat("]", 100000) + `}`, 400, "", "nests deeper than 20"},
			{"batch delete: 30k values in an unknown member", "POST", "/phone-numbers?operation=batch-delete", `{"PhoneNumberIds":["` + n0 + `"],"X":[` + strings.Repeat("[1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1],", 999) + `[]]}`, 400, "", "20000 JSON values"},
			{"batch update: no items", "POST", "/phone-numbers?operation=batch-update", `{}`, 400, "", "UpdatePhoneNumberRequestItems"},
			{"batch update: item without id", "POST", "/phone-numbers?operation=batch-update", `{"UpdatePhoneNumberRequestItems":[{"Name":"x"}]}`, 400, "", "PhoneNumberId"},
			{"batch update: bad product type", "POST", "/phone-numbers?operation=batch-update", `{"UpdatePhoneNumberRequestItems":[{"PhoneNumberId":"` + n0 + `","ProductType":"Fax"}]}`, 400, "", "ProductType"},
			{"batch update: bad calling name", "POST", "/phone-numbers?operation=batch-update", `{"UpdatePhoneNumberRequestItems":[{"PhoneNumberId":"` + n0 + `","CallingName":"x"}]}`, 400, "", "CallingName"},
			{"batch update: name too long", "POST", "/phone-numbers?operation=batch-update", `{"UpdatePhoneNumberRequestItems":[{"PhoneNumberId":"` + n0 + `","Name":"` + strings.Repeat("a", 257) + `"}]}`, 400, "", "Name"},
			{"batch update: same number twice", "POST", "/phone-numbers?operation=batch-update", `{"UpdatePhoneNumberRequestItems":[{"PhoneNumberId":"` + n0 + `","Name":"a"},{"PhoneNumberId":"` + n0 + `","Name":"b"}]}`, 400, "", "UpdatePhoneNumberRequestItems"},
			{"batch update: items not a list", "POST", "/phone-numbers?operation=batch-update", `{"UpdatePhoneNumberRequestItems":{"PhoneNumberId":"` + n0 + `"}}`, 400, "", "UpdatePhoneNumberRequestItems"},
			{"update: malformed path id", "POST", "/phone-numbers/abc", `{"Name":"x"}`, 400, "", "PhoneNumberId"},
			{"update: two attributes", "POST", p0, `{"Name":"x","CallingName":"Acme"}`, 400, "", "CallingName"},
			{"update: no attribute", "POST", p0, `{}`, 400, "", "Name"},
			{"update: bad product type", "POST", p0, `{"ProductType":"Nope"}`, 400, "", "ProductType"},
			{"update: name with symbols", "POST", p0, `{"Name":"bad!name"}`, 400, "", "Name"},
			{"update: name is a number", "POST", p0, `{"Name":42}`, 400, "", "Name"},
			{"update: queued number", "POST", "/phone-numbers/%2B" + n1[1:], `{"Name":"x"}`, 409, "ConflictException", "Deletion queue"},
			{"get: malformed path id", "GET", "/phone-numbers/abc", "", 400, "", "PhoneNumberId"},
			{"get: 70 KB path id", "GET", "/phone-numbers/" + strings.Repeat("9", 70000), "", 400, "", "PhoneNumberId"},
			{"unknown path of 70 KB", "GET", "/" + strings.Repeat("z", 70000), "", 400, "", "no route"},
			{"delete: malformed path id", "DELETE", "/phone-numbers/%2B0", "", 400, "", "PhoneNumberId"},
			{"restore: malformed path id", "POST", "/phone-numbers/x1?operation=restore", "", 400, "", "PhoneNumberId"},
			{"restore: number not queued", "POST", p0 + "?operation=restore", "", 400, "", "Deletion queue"},
			{"list: max-results 0", "GET", "/phone-numbers?max-results=0", "", 400, "", "MaxResults"},
			{"list: max-results 101", "GET", "/phone-numbers?max-results=101", "", 400, "", "MaxResults"},
			{"list: max-results not a number", "GET", "/phone-numbers?max-results=ten", "", 400, "", "MaxResults"},
			{"list: unknown status", "GET", "/phone-numbers?status=Deleted", "", 400, "", "Status"},
			{"list: unknown product type", "GET", "/phone-numbers?product-type=Fax", "", 400, "", "ProductType"},
			{"list: unknown filter", "GET", "/phone-numbers?filter-name=Owner&filter-value=x", "", 400, "", "FilterName"},
			{"list: filter without value", "GET", "/phone-numbers?filter-name=VoiceConnectorId", "", 400, "", "FilterValue"},
			{"list: forged token", "GET", "/phone-numbers?next-token=garbage", "", 400, "", "NextToken"},
			{"order: no product type", "POST", "/phone-number-orders", `{"E164PhoneNumbers":["+12065550123"]}`, 400, "", "ProductType"},
			{"order: unknown product type", "POST", "/phone-number-orders", `{"ProductType":"Fax","E164PhoneNumbers":["+12065550123"]}`, 400, "", "ProductType"},
			{"order: malformed number", "POST", "/phone-number-orders", `{"ProductType":"VoiceConnector","E164PhoneNumbers":["+0123"]}`, 400, "", "E164PhoneNumbers[0]"},
			{"order: no numbers", "POST", "/phone-number-orders", `{"ProductType":"VoiceConnector","E164PhoneNumbers":[]}`, 400, "", "E164PhoneNumbers"},
			{"order: same number twice", "POST", "/phone-number-orders", `{"ProductType":"VoiceConnector","E164PhoneNumbers":["+12065550123","12065550123"]}`, 400, "", "E164PhoneNumbers"},
			{"order: bad name", "POST", "/phone-number-orders", `{"ProductType":"VoiceConnector","E164PhoneNumbers":["+12065550123"],"Name":"bad!name"}`, 400, "", "Name"},
			{"get order: not a GUID", "GET", "/phone-number-orders/not-a-guid", "", 400, "", "PhoneNumberOrderId"},
			{"list orders: max-results 0", "GET", "/phone-number-orders?max-results=0", "", 400, "", "MaxResults"},
			{"list orders: forged token", "GET", "/phone-number-orders?next-token=abc", "", 400, "", "NextToken"},
			{"search: no criteria", "GET", "/search?type=phone-numbers", "", 400, "", "AreaCode"},
			{"search: short area code", "GET", "/search?type=phone-numbers&area-code=20", "", 400, "", "AreaCode"},
			{"search: bad toll-free prefix", "GET", "/search?type=phone-numbers&toll-free-prefix=801", "", 400, "", "TollFreePrefix"},
			{"search: lower-case country", "GET", "/search?type=phone-numbers&country=us&area-code=206", "", 400, "", "Country"},
			{"search: max-results 501", "GET", "/search?type=phone-numbers&area-code=206&max-results=501", "", 400, "", "MaxResults"},
			{"search: city without state", "GET", "/search?type=phone-numbers&city=Seattle", "", 400, "", "City"},
			{"search: unknown number type", "GET", "/search?type=phone-numbers&country=GB&phone-number-type=Mobile", "", 400, "", "PhoneNumberType"},
			{"search: area code outside the US", "GET", "/search?type=phone-numbers&country=GB&phone-number-type=Local&area-code=206", "", 400, "", "AreaCode"},
			{"search: forged token", "GET", "/search?type=phone-numbers&area-code=206&next-token=zzz", "", 400, "", "NextToken"},
			{"countries: no product type", "GET", "/phone-number-countries", "", 400, "", "ProductType"},
			{"countries: unknown product type", "GET", "/phone-number-countries?product-type=Fax", "", 400, "", "ProductType"},
			{"settings: no calling name", "PUT", "/settings/phone-number", `{}`, 400, "", "CallingName"},
			{"settings: bad calling name", "PUT", "/settings/phone-number", `{"CallingName":"<script>"}`, 400, "", "CallingName"},
			{"unknown operation query", "POST", "/phone-numbers?operation=explode", `{}`, 400, "", "POST /phone-numbers"},
			{"unknown path", "GET", "/no-such-thing", "", 400, "", "/no-such-thing"},
			{"unsupported operation", "POST", "/accounts/11111111-2222-3333-4444-555555555555/bots", `{"DisplayName":"bot"}`, 400, "", "CreateBot"},
			{"create call: no FromPhoneNumber", "POST", smaCalls, `{"ToPhoneNumber":"+12065550101"}`, 400, "", "FromPhoneNumber"},
			{"create call: malformed ToPhoneNumber", "POST", smaCalls, `{"FromPhoneNumber":"` + n0 + `","ToPhoneNumber":"206-555"}`, 400, "", "ToPhoneNumber"},
			{"create call: ArgumentsMap a string", "POST", smaCalls, `{"FromPhoneNumber":"` + n0 + `","ToPhoneNumber":"+12065550101","ArgumentsMap":"a=b"}`, 400, "", "ArgumentsMap"},
			{"create call: ArgumentsMap value a number", "POST", smaCalls, `{"FromPhoneNumber":"` + n0 + `","ToPhoneNumber":"+12065550101","ArgumentsMap":{"a":1}}`, 400, "", "ArgumentsMap"},
			{"create call: ArgumentsMap empty key", "POST", smaCalls, `{"FromPhoneNumber":"` + n0 + `","ToPhoneNumber":"+12065550101","ArgumentsMap":{"":"x"}}`, 400, "", "ArgumentsMap"},
			{"create call: 21 SipHeaders", "POST", smaCalls, `{"FromPhoneNumber":"` + n0 + `","ToPhoneNumber":"+12065550101","SipHeaders":` + pairs(21) + `}`, 400, "", "SipHeaders"},
			{"create call: unknown application", "POST", smaCalls, `{"FromPhoneNumber":"` + n0 + `","ToPhoneNumber":"+12065550101"}`, 404, "NotFoundException", "11111111-2222-3333-4444-555555555555"},
			{"update call: no Arguments", "POST", smaCalls + "/22222222-2222-4222-8222-222222222222", `{}`, 400, "", "Arguments"},
			{"update call: Arguments a list", "POST", smaCalls + "/22222222-2222-4222-8222-222222222222", `{"Arguments":["a"]}`, 400, "", "Arguments"},
			{"update call: 21 Arguments", "POST", smaCalls + "/22222222-2222-4222-8222-222222222222", `{"Arguments":` + pairs(21) + `}`, 400, "", "Arguments"},
			{"update call: unknown TransactionId", "POST", smaCalls + "/22222222-2222-4222-8222-222222222222", `{"Arguments":{"a":"b"}}`, 404, "NotFoundException", "22222222-2222-4222-8222-222222222222"},
		}
		if len(tests) < 40 {
			t.Fatalf("only %d bad inputs", len(tests))
		}
		before := srv.Snapshot(t, srv.Voice)
		checkBadInputs(t, srv, tests)
		if after := srv.Snapshot(t, srv.Voice); after != before {
			t.Fatalf("bad inputs changed the store:\nbefore %s\nafter  %s", before, after)
		}
		var calls struct{ Calls []any }
		if srv.Admin(t, "GET", "/_chimevoice/calls", nil, &calls); len(calls.Calls) != 0 {
			t.Fatalf("bad inputs placed %d calls", len(calls.Calls))
		}
		if got := getNumber(t, srv, n0); got.Status != vtypes.PhoneNumberStatusUnassigned {
			t.Fatalf("status %s", got.Status)
		}
	})
}

// TestUnparsableRequestsGetTheAWSShape: requests net/http refuses before
// any handler (a bad percent-escape in the path, a malformed header line)
// are answered in the AWS error shape, not net/http's plain text.
func TestUnparsableRequestsGetTheAWSShape(t *testing.T) {
	srv := chimevoicetest.New(t, chimevoicetest.Options{})
	addr := strings.TrimPrefix(srv.URL, "http://")
	for _, tc := range []struct{ name, request string }{
		{"bad percent-escape in the path", "GET /phone-numbers/%zz HTTP/1.1\r\nHost: " + addr + "\r\n\r\n"},
		{"malformed header line", "GET /phone-numbers HTTP/1.1\r\nHost: " + addr + "\r\nno colon here\r\n\r\n"},
		{"headers over 64 KiB", "GET /phone-numbers HTTP/1.1\r\nHost: " + addr + "\r\nX-Pad: " + strings.Repeat("a", 80<<10) + "\r\n\r\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			c.SetDeadline(time.Now().Add(5 * time.Second))
			go io.WriteString(c, tc.request)
			resp, err := http.ReadResponse(bufio.NewReader(c), nil)
			if err != nil {
				t.Fatalf("no answer: %v", err)
			}
			defer resp.Body.Close()
			var body struct{ Code, Message string }
			if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
				t.Fatalf("status %d, body not JSON: %v", resp.StatusCode, err)
			}
			if resp.StatusCode/100 != 4 || resp.Header.Get("X-Amzn-ErrorType") != "BadRequestException" || body.Code != "BadRequest" || body.Message == "" {
				t.Fatalf("status %d, type %q, body %+v", resp.StatusCode, resp.Header.Get("X-Amzn-ErrorType"), body)
			}
		})
	}
}
