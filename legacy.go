package chimevoice

import (
	"context"
	"time"
)

// Account is a legacy Amazon Chime account (a team), owned by an AWS account.
type Account struct {
	ID             string // a GUID: the Chime AccountId
	AWSAccountID   string // the owner
	Name           string
	AccountType    string // always "Team"
	DefaultLicense string
	Status         string // always "Active"
	CreatedAt      time.Time
}

// SupportedLicenses are the licenses a Team account offers.
var SupportedLicenses = []string{"Basic", "Pro"}

// AccountFilter selects accounts for ListAccounts. Zero fields do not filter.
type AccountFilter struct {
	Name      string // exact name
	UserEmail string // accounts with a user of this e-mail address
	Page      Page
}

// AccountUpdate changes an account. Nil fields are unchanged.
type AccountUpdate struct {
	Name           *string
	DefaultLicense *string
}

// User is a user of a legacy Chime account.
type User struct {
	ID                 string // a GUID
	AccountID          string // the Chime account
	Email              string
	DisplayName        string
	LicenseType        string
	UserType           string // PrivateUser or SharedDevice
	RegistrationStatus string // Unregistered
	InvitationStatus   string // "" for created users, Pending for invited ones
	InvitedAt          time.Time
	AlexaEnabled       bool
	AlexaRoomARN       string
	// PrimaryProvisionedNumber is the E.164 number associated with the user, if any.
	PrimaryProvisionedNumber string
	CreatedAt                time.Time
}

// UserInput creates a user (CreateUser, InviteUsers).
type UserInput struct {
	Username string
	Email    string
	UserType string // "": PrivateUser
}

// UserFilter selects users for ListUsers. Zero fields do not filter.
type UserFilter struct {
	Email    string
	UserType string
	Page     Page
}

// UserUpdate changes a user. Nil fields are unchanged.
type UserUpdate struct {
	LicenseType  *string
	UserType     *string
	AlexaEnabled *bool
	AlexaRoomARN *string
}

// Invite is one invitation sent by InviteUsers.
type Invite struct {
	ID          string
	Status      string // Pending
	Email       string
	EmailStatus string // Sent
}

// AccountService is the legacy Chime accounts-and-users API and the
// association of BusinessCalling numbers with users. Accounts belong to
// the caller's AWS account; another AWS account's are NotFound.
type AccountService interface {
	CreateAccount(ctx context.Context, c Caller, name string) (*Account, error)
	GetAccount(ctx context.Context, c Caller, id string) (*Account, error)
	ListAccounts(ctx context.Context, c Caller, f AccountFilter) ([]*Account, string, error)
	UpdateAccount(ctx context.Context, c Caller, id string, u AccountUpdate) (*Account, error)
	// DeleteAccount deletes an account and its users. Unprocessable while
	// a phone number is still associated with one of its users.
	DeleteAccount(ctx context.Context, c Caller, id string) error

	// CreateUser is Conflict when the account has a user with that e-mail.
	CreateUser(ctx context.Context, c Caller, accountID string, in UserInput) (*User, error)
	// InviteUsers creates a Pending user for each address that has none
	// in the account and returns one invite per address.
	InviteUsers(ctx context.Context, c Caller, accountID string, emails []string, userType string) ([]Invite, error)
	GetUser(ctx context.Context, c Caller, accountID, userID string) (*User, error)
	ListUsers(ctx context.Context, c Caller, accountID string, f UserFilter) ([]*User, string, error)
	UpdateUser(ctx context.Context, c Caller, accountID, userID string, u UserUpdate) (*User, error)

	// AssociatePhoneNumberWithUser associates a BusinessCalling number of
	// the caller's inventory with the user (associations UserId and
	// AccountId); it becomes the user's PrimaryProvisionedNumber.
	// Idempotent for the same number; BadRequest when the user already has
	// another number or the number another association.
	AssociatePhoneNumberWithUser(ctx context.Context, c Caller, accountID, userID, e164 string) error
	// DisassociatePhoneNumberFromUser removes the user's number, if any.
	DisassociatePhoneNumberFromUser(ctx context.Context, c Caller, accountID, userID string) error
}
