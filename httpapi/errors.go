package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"

	"github.com/chimevoice/chimevoice"
)

// errorKind is how one error code goes on the wire.
type errorKind struct {
	status int
	shape  string // the model's exception shape, sent as X-Amzn-ErrorType
}

// errorTable maps every error code to its HTTP status and AWS error shape.
// It is the one place that decides how an error looks on the wire.
var errorTable = map[chimevoice.Code]errorKind{
	chimevoice.CodeBadRequest:            {http.StatusBadRequest, "BadRequestException"},
	chimevoice.CodePreconditionFailed:    {http.StatusBadRequest, "BadRequestException"},
	chimevoice.CodeValidation:            {http.StatusBadRequest, "BadRequestException"},
	chimevoice.CodeResourceLimitExceeded: {http.StatusBadRequest, "ResourceLimitExceededException"},
	chimevoice.CodeUnauthorized:          {http.StatusUnauthorized, "UnauthorizedClientException"},
	chimevoice.CodeForbidden:             {http.StatusForbidden, "ForbiddenException"},
	chimevoice.CodeAccessDenied:          {http.StatusForbidden, "AccessDeniedException"},
	chimevoice.CodeNotFound:              {http.StatusNotFound, "NotFoundException"},
	chimevoice.CodeConflict:              {http.StatusConflict, "ConflictException"},
	chimevoice.CodeGone:                  {http.StatusGone, "GoneException"},
	chimevoice.CodeUnprocessable:         {http.StatusUnprocessableEntity, "UnprocessableEntityException"},
	chimevoice.CodeThrottled:             {http.StatusTooManyRequests, "ThrottledClientException"},
	chimevoice.CodeServiceFailure:        {http.StatusInternalServerError, "ServiceFailureException"},
	chimevoice.CodeServiceUnavailable:    {http.StatusServiceUnavailable, "ServiceUnavailableException"},
	// Per-item codes that a single-number operation reports as a whole.
	chimevoice.CodePhoneNumberAssociationsExist:         {http.StatusBadRequest, "BadRequestException"},
	chimevoice.CodeVoiceConnectorGroupAssociationsExist: {http.StatusBadRequest, "BadRequestException"},
}

type errorBody struct {
	Code    chimevoice.Code `json:"Code"`
	Message string          `json:"Message"`
}

// writeError writes err in the AWS shape. Errors that are not
// *chimevoice.Error are logged with their detail and sent as a generic
// ServiceFailure.
func writeError(ctx context.Context, w http.ResponseWriter, log *slog.Logger, err error) int {
	code := chimevoice.ErrorCode(err)
	msg := chimevoice.ErrorMessage(err)
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		code, msg = chimevoice.CodeServiceUnavailable, "The request timed out."
	case errors.Is(err, context.Canceled):
		// The client went away; nobody reads this answer, and it is no failure of ours.
		code, msg = chimevoice.CodeServiceUnavailable, "The request was canceled."
		log = slog.New(slog.DiscardHandler)
	}
	kind, ok := errorTable[code]
	if !ok {
		kind = errorTable[chimevoice.CodeServiceFailure]
	}
	if kind.status >= 500 {
		log.ErrorContext(ctx, "request failed", "err", err)
	}
	body, _ := json.Marshal(errorBody{Code: code, Message: msg})
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("X-Amzn-ErrorType", kind.shape)
	w.WriteHeader(kind.status)
	w.Write(body)
	return kind.status
}
