package httpapi

import (
	"context"

	"github.com/chimevoice/chimevoice"
)

// registerLegacy registers the operations of legacy Amazon Chime accounts and users.
func (s *Server) registerLegacy() {
	a := s.svc.Accounts
	s.handle("CreateAccount", op(s.createAccount))
	s.handle("GetAccount", getter("AccountId", a.GetAccount, accountOutput))
	s.handle("ListAccounts", op(s.listAccounts))
	s.handle("UpdateAccount", op(s.updateAccount))
	s.handle("DeleteAccount", deleter("AccountId", a.DeleteAccount))
	s.handle("CreateUser", op(s.createUser))
	s.handle("InviteUsers", op(s.inviteUsers))
	s.handle("GetUser", op(s.getUser))
	s.handle("ListUsers", op(s.listUsers))
	s.handle("UpdateUser", op(s.updateUser))
	s.handle("AssociatePhoneNumberWithUser", op(s.associatePhoneNumberWithUser))
	s.handle("DisassociatePhoneNumberFromUser", op(s.disassociatePhoneNumberFromUser))
}

type accountOut struct {
	AwsAccountId      string
	AccountId         string
	Name              string
	AccountType       string
	CreatedTimestamp  *Time
	DefaultLicense    string
	SupportedLicenses []string
	AccountStatus     string
}

func account(a *chimevoice.Account) accountOut {
	return accountOut{
		AwsAccountId: a.AWSAccountID, AccountId: a.ID, Name: a.Name, AccountType: a.AccountType,
		CreatedTimestamp: timePtr(a.CreatedAt), DefaultLicense: a.DefaultLicense,
		SupportedLicenses: chimevoice.SupportedLicenses, AccountStatus: a.Status,
	}
}

func accountOutput(a *chimevoice.Account) any { return struct{ Account accountOut }{account(a)} }

type accountIn struct {
	AccountId      string
	UserId         string
	Name           *string
	DefaultLicense *string
}

func (s *Server) createAccount(ctx context.Context, c chimevoice.Caller, in accountIn) (any, error) {
	return out(accountOutput)(s.svc.Accounts.CreateAccount(ctx, c, *in.Name))
}

func (s *Server) listAccounts(ctx context.Context, c chimevoice.Caller, in struct {
	Name       string
	UserEmail  string
	MaxResults int
	NextToken  string
}) (any, error) {
	f := chimevoice.AccountFilter{Name: in.Name, UserEmail: in.UserEmail, Page: pageIn{in.MaxResults, in.NextToken}.page()}
	return page("Accounts", account)(s.svc.Accounts.ListAccounts(ctx, c, f))
}

func (s *Server) updateAccount(ctx context.Context, c chimevoice.Caller, in accountIn) (any, error) {
	return out(accountOutput)(s.svc.Accounts.UpdateAccount(ctx, c, in.AccountId, chimevoice.AccountUpdate{Name: in.Name, DefaultLicense: in.DefaultLicense}))
}

type alexaIO struct {
	IsAlexaForBusinessEnabled *bool
	AlexaForBusinessRoomArn   *string `json:",omitempty"`
}

type userOut struct {
	UserId                   string
	AccountId                string
	PrimaryEmail             string `json:",omitempty"`
	PrimaryProvisionedNumber string `json:",omitempty"`
	DisplayName              string `json:",omitempty"`
	LicenseType              string
	UserType                 string
	UserRegistrationStatus   string
	UserInvitationStatus     string `json:",omitempty"`
	InvitedOn                *Time  `json:",omitempty"`
	AlexaForBusinessMetadata alexaIO
}

func user(u *chimevoice.User) userOut {
	out := userOut{
		UserId: u.ID, AccountId: u.AccountID, PrimaryEmail: u.Email, PrimaryProvisionedNumber: u.PrimaryProvisionedNumber,
		DisplayName: u.DisplayName, LicenseType: u.LicenseType, UserType: u.UserType, UserRegistrationStatus: u.RegistrationStatus,
		UserInvitationStatus: u.InvitationStatus, InvitedOn: timePtr(u.InvitedAt),
		AlexaForBusinessMetadata: alexaIO{IsAlexaForBusinessEnabled: &u.AlexaEnabled},
	}
	if u.AlexaRoomARN != "" {
		out.AlexaForBusinessMetadata.AlexaForBusinessRoomArn = &u.AlexaRoomARN
	}
	return out
}

func userOutput(u *chimevoice.User) any { return struct{ User userOut }{user(u)} }

type userIn struct {
	AccountId                string
	UserId                   string
	Username                 string
	Email                    string
	UserType                 *string
	LicenseType              *string
	AlexaForBusinessMetadata *alexaIO
	E164PhoneNumber          string
}

func (s *Server) createUser(ctx context.Context, c chimevoice.Caller, in userIn) (any, error) {
	ui := chimevoice.UserInput{Username: in.Username, Email: in.Email}
	if in.UserType != nil {
		ui.UserType = *in.UserType
	}
	return out(userOutput)(s.svc.Accounts.CreateUser(ctx, c, in.AccountId, ui))
}

type inviteOut struct {
	InviteId     string
	Status       string
	EmailAddress string
	EmailStatus  string
}

func (s *Server) inviteUsers(ctx context.Context, c chimevoice.Caller, in struct {
	AccountId     string
	UserEmailList []string
	UserType      string
}) (any, error) {
	return page("Invites", func(i chimevoice.Invite) inviteOut {
		return inviteOut{i.ID, i.Status, i.Email, i.EmailStatus}
	})(withoutToken(s.svc.Accounts.InviteUsers(ctx, c, in.AccountId, in.UserEmailList, in.UserType)))
}

func (s *Server) getUser(ctx context.Context, c chimevoice.Caller, in userIn) (any, error) {
	return out(userOutput)(s.svc.Accounts.GetUser(ctx, c, in.AccountId, in.UserId))
}

func (s *Server) listUsers(ctx context.Context, c chimevoice.Caller, in struct {
	AccountId  string
	UserEmail  string
	UserType   string
	MaxResults int
	NextToken  string
}) (any, error) {
	f := chimevoice.UserFilter{Email: in.UserEmail, UserType: in.UserType, Page: pageIn{in.MaxResults, in.NextToken}.page()}
	return page("Users", user)(s.svc.Accounts.ListUsers(ctx, c, in.AccountId, f))
}

func (s *Server) updateUser(ctx context.Context, c chimevoice.Caller, in userIn) (any, error) {
	up := chimevoice.UserUpdate{LicenseType: in.LicenseType, UserType: in.UserType}
	if a := in.AlexaForBusinessMetadata; a != nil {
		up.AlexaEnabled, up.AlexaRoomARN = a.IsAlexaForBusinessEnabled, a.AlexaForBusinessRoomArn
	}
	return out(userOutput)(s.svc.Accounts.UpdateUser(ctx, c, in.AccountId, in.UserId, up))
}

func (s *Server) associatePhoneNumberWithUser(ctx context.Context, c chimevoice.Caller, in userIn) (any, error) {
	return empty(s.svc.Accounts.AssociatePhoneNumberWithUser(ctx, c, in.AccountId, in.UserId, in.E164PhoneNumber))
}

func (s *Server) disassociatePhoneNumberFromUser(ctx context.Context, c chimevoice.Caller, in userIn) (any, error) {
	return empty(s.svc.Accounts.DisassociatePhoneNumberFromUser(ctx, c, in.AccountId, in.UserId))
}
