package httpapi

import (
	"encoding/json"
	"net/http"

	"github.com/google/uuid"

	"github.com/chimevoice/chimevoice"
)

// Malformed is the answer to a request that net/http cannot parse before
// any handler runs (a path with a malformed percent-escape such as %zz, a
// malformed header line, headers over the limit): the AWS error shape
// instead of net/http's plain text (see httpx.Limits.Malformed). status
// and text are net/http's.
func Malformed(status int, text string) (http.Header, []byte) {
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	h.Set("X-Amzn-ErrorType", "BadRequestException")
	h.Set("X-Amzn-RequestId", uuid.NewString())
	msg := "The request could not be parsed (" + chimevoice.Clip(text) + "): check that every percent-escape of the path is valid (%zz is not) and that the headers are well formed."
	if status == http.StatusRequestHeaderFieldsTooLarge {
		msg = "The request headers are larger than the limit of 64 KiB."
	}
	body, _ := json.Marshal(errorBody{Code: chimevoice.CodeBadRequest, Message: msg})
	return h, body
}
