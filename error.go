package chimevoice

import (
	"errors"
	"fmt"
	"strings"
)

// Code is an AWS Chime error code: the value of the ErrorCode enum that
// both service models share. The transport maps each code to an HTTP status
// and an error shape (see httpapi's error table); domain code only ever
// chooses a code and writes a message.
type Code string

// Error codes, as named by the models' ErrorCode enum.
const (
	CodeBadRequest            Code = "BadRequest"
	CodeConflict              Code = "Conflict"
	CodeForbidden             Code = "Forbidden"
	CodeNotFound              Code = "NotFound"
	CodePreconditionFailed    Code = "PreconditionFailed"
	CodeResourceLimitExceeded Code = "ResourceLimitExceeded"
	CodeServiceFailure        Code = "ServiceFailure"
	CodeAccessDenied          Code = "AccessDenied"
	CodeServiceUnavailable    Code = "ServiceUnavailable"
	CodeThrottled             Code = "Throttled"
	CodeUnauthorized          Code = "Unauthorized"
	CodeUnprocessable         Code = "Unprocessable"
	CodeGone                  Code = "Gone"

	// Per-item codes used in PhoneNumberErrors.
	CodeVoiceConnectorGroupAssociationsExist Code = "VoiceConnectorGroupAssociationsExist"
	CodePhoneNumberAssociationsExist         Code = "PhoneNumberAssociationsExist"
)

// Error is the one error type of chimevoice. Every failure that reaches a
// caller is an *Error; anything else is reported as ServiceFailure with a
// generic message and logged.
type Error struct {
	Code    Code
	Message string
	// Field names the request member (or snapshot field, or CSV column) the
	// error is about, "" when it is about no single one. Message starts with
	// it ("E164PhoneNumbers[2]: ..."), for people; code that needs the field
	// reads it here, never from the message.
	Field string
}

func (e *Error) Error() string { return fmt.Sprintf("%s: %s", e.Code, e.Message) }

// Errorf returns an *Error with the given code and formatted message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// FieldErrorf returns a BadRequest *Error about one field: the message is
// "field: " followed by the formatted text, whose string arguments (the
// caller's values) are clipped to MaxEcho bytes.
func FieldErrorf(field, format string, args ...any) *Error {
	return &Error{Code: CodeBadRequest, Field: field, Message: field + ": " + fmt.Sprintf(format, clipArgs(args)...)}
}

// Detail is the message without the field it starts with.
func (e *Error) Detail() string { return strings.TrimPrefix(e.Message, e.Field+": ") }

// ErrorField returns the field err is about if it is (or wraps) an *Error
// that names one, and "" otherwise.
func ErrorField(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Field
	}
	return ""
}

// ErrorCode returns the code of err if it is (or wraps) an *Error, and
// CodeServiceFailure otherwise.
func ErrorCode(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeServiceFailure
}

// ErrorMessage returns the message of err if it is (or wraps) an *Error, and
// a generic message otherwise: internal details are never sent to callers.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "The service encountered an unexpected error."
}
