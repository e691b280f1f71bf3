// Package chimevoice holds the domain of chimevoice: the phone-number types,
// their statuses and lifecycle rules, and the service interfaces the storage
// packages implement and the transport calls. It does no I/O.
package chimevoice

import (
	"context"
	"time"
)

// Version is the chimevoice release, printed by `chimevoice version`.
const Version = "0.1.0"

// Status is the status of a phone number (the models' PhoneNumberStatus).
type Status string

// The statuses a number moves through (docs/design.md, "The life of a phone number").
const (
	StatusAcquireInProgress Status = "AcquireInProgress"
	StatusUnassigned        Status = "Unassigned"
	StatusAssigned          Status = "Assigned"
	StatusDeleteInProgress  Status = "DeleteInProgress"
)

// AllStatuses lists every value of the PhoneNumberStatus enum of both models,
// including those chimevoice never produces, so that a filter by any of them
// is valid and simply matches nothing.
var AllStatuses = []Status{
	"Cancelled", "PortinCancelRequested", "PortinInProgress",
	StatusAcquireInProgress, "AcquireFailed", StatusUnassigned, StatusAssigned,
	"ReleaseInProgress", StatusDeleteInProgress, "ReleaseFailed", "DeleteFailed",
}

// ProductType is what a number is used for.
type ProductType string

// Product types of both models (BusinessCalling is legacy only).
const (
	ProductBusinessCalling           ProductType = "BusinessCalling"
	ProductVoiceConnector            ProductType = "VoiceConnector"
	ProductSipMediaApplicationDialIn ProductType = "SipMediaApplicationDialIn"
)

// NumberType is Local or TollFree.
type NumberType string

// Number types.
const (
	NumberLocal    NumberType = "Local"
	NumberTollFree NumberType = "TollFree"
)

// CallingNameStatus tracks an asynchronous calling-name (CNAM) update.
type CallingNameStatus string

// Calling name statuses.
const (
	CallingNameUnassigned       CallingNameStatus = "Unassigned"
	CallingNameUpdateInProgress CallingNameStatus = "UpdateInProgress"
	CallingNameUpdateSucceeded  CallingNameStatus = "UpdateSucceeded"
)

// AssociationName names what a number is associated with.
type AssociationName string

// Association names of both models (AccountId and UserId are legacy only).
const (
	AssocVoiceConnector      AssociationName = "VoiceConnectorId"
	AssocVoiceConnectorGroup AssociationName = "VoiceConnectorGroupId"
	AssocSipRule             AssociationName = "SipRuleId"
	AssocAccount             AssociationName = "AccountId"
	AssocUser                AssociationName = "UserId"
)

// Association links a number to another resource.
type Association struct {
	Name         AssociationName
	Value        string
	AssociatedAt time.Time
}

// PhoneNumber is a number in an account's inventory (including the Deletion
// queue and numbers still being acquired).
type PhoneNumber struct {
	E164              string // "+12065550100"
	AccountID         string
	Country           string
	Type              NumberType
	ProductType       ProductType
	Status            Status
	CallingName       string
	CallingNameStatus CallingNameStatus
	Name              string
	OrderID           string
	Associations      []Association
	CreatedAt         time.Time
	UpdatedAt         time.Time
	DeletedAt         time.Time // zero unless Status is DeleteInProgress
}

// OrderStatus is the status of a phone number order.
type OrderStatus string

// Order statuses chimevoice produces.
const (
	OrderProcessing OrderStatus = "Processing"
	OrderSuccessful OrderStatus = "Successful"
	OrderFailed     OrderStatus = "Failed"
	OrderPartial    OrderStatus = "Partial"
)

// OrderedNumberStatus is the status of one number in an order.
type OrderedNumberStatus string

// Ordered number statuses.
const (
	OrderedProcessing OrderedNumberStatus = "Processing"
	OrderedAcquired   OrderedNumberStatus = "Acquired"
	OrderedFailed     OrderedNumberStatus = "Failed"
)

// Order is a phone number order.
type Order struct {
	ID          string
	AccountID   string
	ProductType ProductType
	Status      OrderStatus
	OrderType   string // always "New"
	Name        string
	Numbers     []OrderedNumber
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// OrderedNumber is one number of an order.
type OrderedNumber struct {
	E164   string
	Status OrderedNumberStatus
}

// OrderOutcome returns the status of a completed order of total numbers of
// which acquired were acquired: Successful when all were, Failed when none
// were, Partial otherwise.
func OrderOutcome(total, acquired int) OrderStatus {
	switch acquired {
	case total:
		return OrderSuccessful
	case 0:
		return OrderFailed
	default:
		return OrderPartial
	}
}

// PhoneNumberError is one failed item of a batch call.
type PhoneNumberError struct {
	PhoneNumberID string // echoes the string the caller sent
	Code          Code
	Message       string
}

// Caller is the authenticated account a request acts for.
type Caller struct {
	AccountID string
	Region    string
}

// BatchID is one entry of a batch request: the string the caller sent and
// its normalized E.164 form ("" when it is not a valid number).
type BatchID struct {
	Raw  string
	E164 string
}

// PhoneNumberFilter selects numbers for ListPhoneNumbers. Zero fields do not filter.
type PhoneNumberFilter struct {
	Status      Status
	ProductType ProductType
	FilterName  AssociationName
	FilterValue string
	Limit       int // 1..100
	// After is the keyset cursor of the previous page: numbers with E.164
	// greater than it, or, for the Deletion queue (Status DeleteInProgress,
	// listed in the order it is purged), a QueueCursor.
	After string
}

// PhoneNumberUpdate changes one attribute of a number. Nil fields are unchanged.
type PhoneNumberUpdate struct {
	Raw         string // the ID as the caller sent it, for error items
	E164        string
	ProductType *ProductType
	CallingName *string
	Name        *string
}

// PhoneNumberSettings is the account-wide default outbound calling name.
type PhoneNumberSettings struct {
	CallingName          string
	CallingNameUpdatedAt time.Time
}

// OrderRequest is a CreatePhoneNumberOrder request.
type OrderRequest struct {
	ProductType ProductType
	E164s       []string // as the caller sent them (Validate, then Numbers)
	Name        string
}

// SearchRequest is a SearchAvailablePhoneNumbers request, already validated.
type SearchRequest struct {
	Country         string
	AreaCode        string
	City            string
	State           string
	TollFreePrefix  string
	PhoneNumberType string
	Limit           int
	NextToken       string
}

// PhoneNumberService manages an account's phone-number inventory. Every
// method acts only on the caller's account: another account's numbers are
// reported as not found, never as existing. Errors are *Error values.
type PhoneNumberService interface {
	// GetPhoneNumber returns a number of the caller's inventory, or NotFound.
	GetPhoneNumber(ctx context.Context, c Caller, e164 string) (*PhoneNumber, error)

	// ListPhoneNumbers returns a page of the caller's numbers ordered by
	// E.164, and the cursor of the next page ("" on the last page).
	ListPhoneNumbers(ctx context.Context, c Caller, f PhoneNumberFilter) ([]*PhoneNumber, string, error)

	// UpdatePhoneNumber changes one attribute of a number. Numbers in the
	// Deletion queue or still being acquired are Conflict.
	UpdatePhoneNumber(ctx context.Context, c Caller, u PhoneNumberUpdate) (*PhoneNumber, error)

	// BatchUpdatePhoneNumbers applies updates item by item; items that fail
	// are returned, the others are committed together.
	BatchUpdatePhoneNumbers(ctx context.Context, c Caller, us []PhoneNumberUpdate) ([]PhoneNumberError, error)

	// DeletePhoneNumber moves an Unassigned number into the Deletion queue.
	// Idempotent: a number already queued is a success that changes nothing.
	// NotFound for unknown numbers; BadRequest for associated or acquiring ones.
	DeletePhoneNumber(ctx context.Context, c Caller, e164 string) error

	// BatchDeletePhoneNumbers moves numbers into the Deletion queue. Every
	// successful item is committed in one transaction before it returns;
	// failed items are reported with NotFound, PreconditionFailed,
	// PhoneNumberAssociationsExist, VoiceConnectorGroupAssociationsExist or
	// BadRequest. Idempotent for numbers already queued.
	BatchDeletePhoneNumbers(ctx context.Context, c Caller, ids []BatchID) ([]PhoneNumberError, error)

	// RestorePhoneNumber takes a number out of the Deletion queue.
	// BadRequest if it is not queued, NotFound if unknown or purged,
	// ResourceLimitExceeded over the quota.
	RestorePhoneNumber(ctx context.Context, c Caller, e164 string) (*PhoneNumber, error)

	// GetPhoneNumberSettings and UpdatePhoneNumberSettings read and write the
	// account's default calling name.
	GetPhoneNumberSettings(ctx context.Context, c Caller) (*PhoneNumberSettings, error)
	UpdatePhoneNumberSettings(ctx context.Context, c Caller, callingName string) error
}

// OrderService orders numbers from the pool.
type OrderService interface {
	// CreatePhoneNumberOrder records an order in Processing; its numbers are
	// AcquireInProgress until the order worker completes it. Over the quota
	// is ResourceLimitExceeded.
	CreatePhoneNumberOrder(ctx context.Context, c Caller, r OrderRequest) (*Order, error)
	GetPhoneNumberOrder(ctx context.Context, c Caller, id string) (*Order, error)
	ListPhoneNumberOrders(ctx context.Context, c Caller, limit int, next string) ([]*Order, string, error)

	// SearchAvailablePhoneNumbers returns numbers nobody owns, and the token
	// of the next page ("" when there are no more).
	SearchAvailablePhoneNumbers(ctx context.Context, c Caller, r SearchRequest) ([]string, string, error)

	// SupportedCountries lists where numbers of a product type can be ordered.
	SupportedCountries(ctx context.Context, c Caller, pt ProductType) ([]Country, error)
}

// Country is a country numbers can be ordered in, with the types offered.
type Country struct {
	Code  string
	Types []NumberType
}

// Clock is a source of the current time. The service clock is a base Clock
// plus an offset that the admin API moves and the store persists.
type Clock interface {
	Now() time.Time
}

// ClockFunc adapts a function to Clock.
type ClockFunc func() time.Time

// Now returns f().
func (f ClockFunc) Now() time.Time { return f() }

// AdminService is the operator side: the service clock and due work.
type AdminService interface {
	// Now returns the service clock.
	Now(ctx context.Context) (time.Time, error)
	// AdvanceClock moves the service clock forward by d (d >= 0) and runs
	// every piece of work that became due before returning.
	AdvanceClock(ctx context.Context, d time.Duration) (time.Time, error)
	// SetClock moves the service clock to t, which must not be before now.
	SetClock(ctx context.Context, t time.Time) (time.Time, error)
	// Ping reports whether the store is reachable.
	Ping(ctx context.Context) error
}
