package httpapi

import (
	"context"

	"github.com/chimevoice/chimevoice"
	"github.com/chimevoice/chimevoice/model"
)

func (s *Server) registerLegacy() {
	a := s.svc.Accounts
	s.handle("CreateAccount", s.createAccount)
	s.handle("GetAccount", getter("AccountId", a.GetAccount, accountOutput))
	s.handle("ListAccounts", s.listAccounts)
	s.handle("UpdateAccount", s.updateAccount)
	s.handle("DeleteAccount", deleter("AccountId", a.DeleteAccount))
	s.handle("CreateUser", s.createUser)
	s.handle("InviteUsers", s.inviteUsers)
	s.handle("GetUser", s.getUser)
	s.handle("ListUsers", s.listUsers)
	s.handle("UpdateUser", s.updateUser)
	s.handle("AssociatePhoneNumberWithUser", s.associatePhoneNumberWithUser)
	s.handle("DisassociatePhoneNumberFromUser", s.disassociatePhoneNumberFromUser)
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

func (s *Server) createAccount(ctx context.Context, c *call) (any, error) {
	var in accountIn
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	a, err := s.svc.Accounts.CreateAccount(ctx, c.caller, *in.Name)
	if err != nil {
		return nil, err
	}
	return accountOutput(a), nil
}

func (s *Server) listAccounts(ctx context.Context, c *call) (any, error) {
	var in struct {
		Name       string
		UserEmail  string
		MaxResults int
		NextToken  string
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	as, next, err := s.svc.Accounts.ListAccounts(ctx, c.caller, chimevoice.AccountFilter{Name: in.Name, UserEmail: in.UserEmail, Page: pageIn{in.MaxResults, in.NextToken}.page()})
	if err != nil {
		return nil, err
	}
	return listed("Accounts", convert(as, account), next), nil
}

func (s *Server) updateAccount(ctx context.Context, c *call) (any, error) {
	var in accountIn
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	a, err := s.svc.Accounts.UpdateAccount(ctx, c.caller, in.AccountId, chimevoice.AccountUpdate{Name: in.Name, DefaultLicense: in.DefaultLicense})
	if err != nil {
		return nil, err
	}
	return accountOutput(a), nil
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

type userOutput struct{ User userOut }

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

func (s *Server) createUser(ctx context.Context, c *call) (any, error) {
	var in userIn
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	ui := chimevoice.UserInput{Username: in.Username, Email: in.Email}
	if in.UserType != nil {
		ui.UserType = *in.UserType
	}
	u, err := s.svc.Accounts.CreateUser(ctx, c.caller, in.AccountId, ui)
	if err != nil {
		return nil, err
	}
	return userOutput{user(u)}, nil
}

func (s *Server) inviteUsers(ctx context.Context, c *call) (any, error) {
	var in struct {
		AccountId     string
		UserEmailList []string
		UserType      string
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if len(in.UserEmailList) == 0 {
		return nil, chimevoice.Errorf(chimevoice.CodeBadRequest, "UserEmailList: at least one e-mail address is required.")
	}
	invites, err := s.svc.Accounts.InviteUsers(ctx, c.caller, in.AccountId, in.UserEmailList, in.UserType)
	if err != nil {
		return nil, err
	}
	type inviteOut struct {
		InviteId     string
		Status       string
		EmailAddress string
		EmailStatus  string
	}
	return struct{ Invites []inviteOut }{convert(invites, func(i chimevoice.Invite) inviteOut {
		return inviteOut{i.ID, i.Status, i.Email, i.EmailStatus}
	})}, nil
}

func (s *Server) getUser(ctx context.Context, c *call) (any, error) {
	var in userIn
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	u, err := s.svc.Accounts.GetUser(ctx, c.caller, in.AccountId, in.UserId)
	if err != nil {
		return nil, err
	}
	return userOutput{user(u)}, nil
}

func (s *Server) listUsers(ctx context.Context, c *call) (any, error) {
	var in struct {
		AccountId  string
		UserEmail  string
		UserType   string
		MaxResults int
		NextToken  string
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	us, next, err := s.svc.Accounts.ListUsers(ctx, c.caller, in.AccountId, chimevoice.UserFilter{Email: in.UserEmail, UserType: in.UserType, Page: pageIn{in.MaxResults, in.NextToken}.page()})
	if err != nil {
		return nil, err
	}
	return listed("Users", convert(us, user), next), nil
}

func (s *Server) updateUser(ctx context.Context, c *call) (any, error) {
	var in userIn
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	up := chimevoice.UserUpdate{LicenseType: in.LicenseType, UserType: in.UserType}
	if a := in.AlexaForBusinessMetadata; a != nil {
		up.AlexaEnabled, up.AlexaRoomARN = a.IsAlexaForBusinessEnabled, a.AlexaForBusinessRoomArn
	}
	u, err := s.svc.Accounts.UpdateUser(ctx, c.caller, in.AccountId, in.UserId, up)
	if err != nil {
		return nil, err
	}
	return userOutput{user(u)}, nil
}

func (s *Server) associatePhoneNumberWithUser(ctx context.Context, c *call) (any, error) {
	var in userIn
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	e164, ok := chimevoice.ParseID(in.E164PhoneNumber)
	if !ok {
		return nil, chimevoice.Errorf(chimevoice.CodeBadRequest, "E164PhoneNumber: %q is not a valid E.164 phone number.", model.Clip(in.E164PhoneNumber))
	}
	return struct{}{}, s.svc.Accounts.AssociatePhoneNumberWithUser(ctx, c.caller, in.AccountId, in.UserId, e164)
}

func (s *Server) disassociatePhoneNumberFromUser(ctx context.Context, c *call) (any, error) {
	var in userIn
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return struct{}{}, s.svc.Accounts.DisassociatePhoneNumberFromUser(ctx, c.caller, in.AccountId, in.UserId)
}
