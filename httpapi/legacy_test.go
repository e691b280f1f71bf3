package httpapi_test

import (
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/chime"
	ctypes "github.com/aws/aws-sdk-go-v2/service/chime/types"
	vtypes "github.com/aws/aws-sdk-go-v2/service/chimesdkvoice/types"

	"github.com/chimevoice/chimevoice/chimevoicetest"
)

func createAccount(t *testing.T, c *chime.Client, name string) string {
	t.Helper()
	out, err := c.CreateAccount(bg, &chime.CreateAccountInput{Name: aws.String(name)})
	chimevoicetest.Must(t, err, "create account %s", name)
	return aws.ToString(out.Account.AccountId)
}

func createUser(t *testing.T, c *chime.Client, account, email string) *ctypes.User {
	t.Helper()
	out, err := c.CreateUser(bg, &chime.CreateUserInput{AccountId: aws.String(account), Email: aws.String(email), Username: aws.String(email)})
	chimevoicetest.Must(t, err, "create user %s", email)
	return out.User
}

func TestLegacyAccounts(t *testing.T) {
	chimevoicetest.Each(t, func(t *testing.T, b chimevoicetest.Backend) {
		srv := chimevoicetest.New(t, chimevoicetest.Options{Backend: b, Credentials: twoAccounts})
		l := srv.Legacy
		out, err := l.CreateAccount(bg, &chime.CreateAccountInput{Name: aws.String("Team One")})
		chimevoicetest.Must(t, err, "create")
		a := out.Account
		id := aws.ToString(a.AccountId)
		if !guidPattern.MatchString(id) || aws.ToString(a.AwsAccountId) != "000000000000" || a.AccountType != ctypes.AccountTypeTeam ||
			a.DefaultLicense != ctypes.LicensePro || a.AccountStatus != ctypes.AccountStatusActive || a.CreatedTimestamp == nil || len(a.SupportedLicenses) == 0 {
			t.Fatalf("created %+v", a)
		}
		got, err := l.GetAccount(bg, &chime.GetAccountInput{AccountId: aws.String(id)})
		chimevoicetest.Must(t, err, "get")
		if aws.ToString(got.Account.Name) != "Team One" {
			t.Fatalf("get %+v", got.Account)
		}
		up, err := l.UpdateAccount(bg, &chime.UpdateAccountInput{AccountId: aws.String(id), DefaultLicense: ctypes.LicenseBasic})
		chimevoicetest.Must(t, err, "update license")
		if aws.ToString(up.Account.Name) != "Team One" || up.Account.DefaultLicense != ctypes.LicenseBasic {
			t.Fatalf("update %+v", up.Account)
		}
		up, err = l.UpdateAccount(bg, &chime.UpdateAccountInput{AccountId: aws.String(id), Name: aws.String("Team 1")})
		chimevoicetest.Must(t, err, "update name")
		if aws.ToString(up.Account.Name) != "Team 1" || up.Account.DefaultLicense != ctypes.LicenseBasic {
			t.Fatalf("update %+v", up.Account)
		}
		_, err = l.UpdateAccount(bg, &chime.UpdateAccountInput{AccountId: aws.String(id), DefaultLicense: "Gold"})
		wantAPIError(t, err, 400, "BadRequestException", "DefaultLicense")

		second := createAccount(t, l, "Team Two")
		createUser(t, l, second, "ann@example.com")
		createAccount(t, l, "Team Three")
		listedNames := allPages[*chime.ListAccountsOutput, chime.Options](t,
			chime.NewListAccountsPaginator(l, &chime.ListAccountsInput{MaxResults: aws.Int32(2)}),
			func(o *chime.ListAccountsOutput) []string {
				return names(o.Accounts, func(a ctypes.Account) *string { return a.Name })
			})
		if fmt.Sprint(listedNames) != "[Team 1 Team Three Team Two]" {
			t.Fatalf("listed %v", listedNames)
		}
		byName, err := l.ListAccounts(bg, &chime.ListAccountsInput{Name: aws.String("Team Two")})
		chimevoicetest.Must(t, err, "list by name")
		byEmail, err := l.ListAccounts(bg, &chime.ListAccountsInput{UserEmail: aws.String("ann@example.com")})
		chimevoicetest.Must(t, err, "list by user email")
		for _, got := range [][]ctypes.Account{byName.Accounts, byEmail.Accounts} {
			if len(got) != 1 || aws.ToString(got[0].AccountId) != second {
				t.Fatalf("filtered list %+v, want only %s", got, second)
			}
		}

		_, other := srv.Clients(otherAccount.AccessKeyID, otherAccount.SecretAccessKey)
		_, err = other.GetAccount(bg, &chime.GetAccountInput{AccountId: aws.String(id)})
		wantAPIError(t, err, 404, "NotFoundException", id)
		ol, err := other.ListAccounts(bg, &chime.ListAccountsInput{})
		chimevoicetest.Must(t, err, "list as other")
		if len(ol.Accounts) != 0 {
			t.Fatalf("other AWS account lists %d accounts", len(ol.Accounts))
		}

		_, err = l.DeleteAccount(bg, &chime.DeleteAccountInput{AccountId: aws.String(second)})
		chimevoicetest.Must(t, err, "delete account with a user")
		_, err = l.GetAccount(bg, &chime.GetAccountInput{AccountId: aws.String(second)})
		wantAPIError(t, err, 404, "NotFoundException")
		_, err = l.ListUsers(bg, &chime.ListUsersInput{AccountId: aws.String(second)})
		wantAPIError(t, err, 404, "NotFoundException")
		_, err = l.DeleteAccount(bg, &chime.DeleteAccountInput{AccountId: aws.String(second)})
		wantAPIError(t, err, 404, "NotFoundException")
	})
}

func TestLegacyUsers(t *testing.T) {
	chimevoicetest.Each(t, func(t *testing.T, b chimevoicetest.Backend) {
		srv := chimevoicetest.New(t, chimevoicetest.Options{Backend: b, Credentials: twoAccounts})
		l := srv.Legacy
		acct := createAccount(t, l, "Team")
		u := createUser(t, l, acct, "bob@example.com")
		uid := aws.ToString(u.UserId)
		if !guidPattern.MatchString(uid) || aws.ToString(u.AccountId) != acct || aws.ToString(u.PrimaryEmail) != "bob@example.com" ||
			u.UserType != ctypes.UserTypePrivateUser || u.LicenseType != ctypes.LicensePro || u.UserRegistrationStatus != ctypes.RegistrationStatusUnregistered ||
			u.PrimaryProvisionedNumber != nil {
			t.Fatalf("created %+v", u)
		}
		_, err := l.CreateUser(bg, &chime.CreateUserInput{AccountId: aws.String(acct), Email: aws.String("bob@example.com")})
		wantAPIError(t, err, 409, "ConflictException", "bob@example.com")
		_, err = l.CreateUser(bg, &chime.CreateUserInput{AccountId: aws.String(acct), Email: aws.String("not-an-address")})
		wantAPIError(t, err, 400, "BadRequestException", "Email")
		_, err = l.CreateUser(bg, &chime.CreateUserInput{AccountId: aws.String("nosuch"), Email: aws.String("x@example.com")})
		wantAPIError(t, err, 404, "NotFoundException", "nosuch")

		inv, err := l.InviteUsers(bg, &chime.InviteUsersInput{AccountId: aws.String(acct), UserEmailList: []string{"bob@example.com", "cat@example.com"}, UserType: ctypes.UserTypeSharedDevice})
		chimevoicetest.Must(t, err, "invite")
		if len(inv.Invites) != 2 || inv.Invites[1].Status != ctypes.InviteStatusPending || inv.Invites[1].EmailStatus != ctypes.EmailStatusSent || aws.ToString(inv.Invites[1].EmailAddress) != "cat@example.com" || aws.ToString(inv.Invites[0].InviteId) == "" {
			t.Fatalf("invites %+v", inv.Invites)
		}
		_, err = l.InviteUsers(bg, &chime.InviteUsersInput{AccountId: aws.String(acct), UserEmailList: []string{"dan@example.com", "dan@example.com"}})
		wantAPIError(t, err, 400, "BadRequestException", "UserEmailList")

		var invited *ctypes.User
		emails := allPages[*chime.ListUsersOutput, chime.Options](t,
			chime.NewListUsersPaginator(l, &chime.ListUsersInput{AccountId: aws.String(acct), MaxResults: aws.Int32(1)}),
			func(o *chime.ListUsersOutput) []string {
				for i, u := range o.Users {
					if aws.ToString(u.PrimaryEmail) == "cat@example.com" {
						invited = &o.Users[i]
					}
				}
				return names(o.Users, func(u ctypes.User) *string { return u.PrimaryEmail })
			})
		if invited == nil || invited.UserInvitationStatus != ctypes.InviteStatusPending || invited.InvitedOn == nil || invited.UserType != ctypes.UserTypeSharedDevice {
			t.Fatalf("invited user %+v", invited)
		}
		if fmt.Sprint(emails) != "[bob@example.com cat@example.com]" {
			t.Fatalf("listed %v (the failed invite must add nobody)", emails)
		}
		shared, err := l.ListUsers(bg, &chime.ListUsersInput{AccountId: aws.String(acct), UserType: ctypes.UserTypeSharedDevice})
		chimevoicetest.Must(t, err, "list by type")
		byEmail, err := l.ListUsers(bg, &chime.ListUsersInput{AccountId: aws.String(acct), UserEmail: aws.String("bob@example.com")})
		chimevoicetest.Must(t, err, "list by email")
		if len(shared.Users) != 1 || len(byEmail.Users) != 1 || aws.ToString(byEmail.Users[0].UserId) != uid {
			t.Fatalf("filtered: %d shared, %+v by email", len(shared.Users), byEmail.Users)
		}

		up, err := l.UpdateUser(bg, &chime.UpdateUserInput{AccountId: aws.String(acct), UserId: aws.String(uid), LicenseType: ctypes.LicenseBasic,
			AlexaForBusinessMetadata: &ctypes.AlexaForBusinessMetadata{IsAlexaForBusinessEnabled: aws.Bool(true), AlexaForBusinessRoomArn: aws.String("arn:aws:a4b:us-east-1:000000000000:room/1")}})
		chimevoicetest.Must(t, err, "update")
		if up.User.LicenseType != ctypes.LicenseBasic || up.User.UserType != ctypes.UserTypePrivateUser || !aws.ToBool(up.User.AlexaForBusinessMetadata.IsAlexaForBusinessEnabled) {
			t.Fatalf("update %+v", up.User)
		}
		got, err := l.GetUser(bg, &chime.GetUserInput{AccountId: aws.String(acct), UserId: aws.String(uid)})
		chimevoicetest.Must(t, err, "get")
		if got.User.LicenseType != ctypes.LicenseBasic || aws.ToString(got.User.AlexaForBusinessMetadata.AlexaForBusinessRoomArn) == "" {
			t.Fatalf("get %+v", got.User)
		}
		_, err = l.GetUser(bg, &chime.GetUserInput{AccountId: aws.String(acct), UserId: aws.String("nosuch")})
		wantAPIError(t, err, 404, "NotFoundException", "nosuch")
		_, other := srv.Clients(otherAccount.AccessKeyID, otherAccount.SecretAccessKey)
		_, err = other.GetUser(bg, &chime.GetUserInput{AccountId: aws.String(acct), UserId: aws.String(uid)})
		wantAPIError(t, err, 404, "NotFoundException")
		_, err = other.UpdateUser(bg, &chime.UpdateUserInput{AccountId: aws.String(acct), UserId: aws.String(uid), LicenseType: ctypes.LicensePro})
		wantAPIError(t, err, 404, "NotFoundException")
	})
}

// TestUserAssociationCycle: delete refused → disassociate → delete →
// restore → re-associate, for a legacy user.
func TestUserAssociationCycle(t *testing.T) {
	chimevoicetest.Each(t, func(t *testing.T, b chimevoicetest.Backend) {
		srv := chimevoicetest.New(t, chimevoicetest.Options{Backend: b, Credentials: twoAccounts})
		l := srv.Legacy
		acct := createAccount(t, l, "Team")
		u := aws.ToString(createUser(t, l, acct, "eve@example.com").UserId)
		u2 := aws.ToString(createUser(t, l, acct, "fay@example.com").UserId)
		nums := srv.Provision(t, srv.Voice, "206", 2, legacyProduct)
		n, n2 := nums[0], nums[1]
		vcNumber := srv.Provision(t, srv.Voice, "425", 1, vcProduct)[0]
		associate := func(user, e164 string) error {
			_, err := l.AssociatePhoneNumberWithUser(bg, &chime.AssociatePhoneNumberWithUserInput{AccountId: aws.String(acct), UserId: aws.String(user), E164PhoneNumber: aws.String(e164)})
			return err
		}
		disassociate := func(user string) {
			t.Helper()
			_, err := l.DisassociatePhoneNumberFromUser(bg, &chime.DisassociatePhoneNumberFromUserInput{AccountId: aws.String(acct), UserId: aws.String(user)})
			chimevoicetest.Must(t, err, "disassociate %s", user)
		}
		primary := func(user string) string {
			t.Helper()
			out, err := l.GetUser(bg, &chime.GetUserInput{AccountId: aws.String(acct), UserId: aws.String(user)})
			chimevoicetest.Must(t, err, "get user")
			return aws.ToString(out.User.PrimaryProvisionedNumber)
		}

		chimevoicetest.Must(t, associate(u, n), "associate")
		chimevoicetest.Must(t, associate(u, n), "associate again")
		numberIs(t, srv, n, vtypes.PhoneNumberStatusAssigned, "AccountId="+acct, "UserId="+u)
		if got := primary(u); got != n {
			t.Fatalf("PrimaryProvisionedNumber %q, want %q", got, n)
		}
		for _, f := range []struct {
			name  ctypes.PhoneNumberAssociationName
			value string
		}{{ctypes.PhoneNumberAssociationNameUserId, u}, {ctypes.PhoneNumberAssociationNameAccountId, acct}} {
			out, err := l.ListPhoneNumbers(bg, &chime.ListPhoneNumbersInput{FilterName: f.name, FilterValue: aws.String(f.value)})
			chimevoicetest.Must(t, err, "list by %s", f.name)
			if len(out.PhoneNumbers) != 1 || aws.ToString(out.PhoneNumbers[0].E164PhoneNumber) != n || len(out.PhoneNumbers[0].Associations) != 2 {
				t.Fatalf("listed by %s: %+v", f.name, out.PhoneNumbers)
			}
		}

		// Refusals change nothing.
		wantAPIError(t, associate(u, n2), 400, "BadRequestException", n)
		wantAPIError(t, associate(u2, n), 400, "BadRequestException", u)
		wantAPIError(t, associate(u2, vcNumber), 400, "BadRequestException", "ProductType")
		wantAPIError(t, associate(u2, "+12065550123"), 404, "NotFoundException")
		wantAPIError(t, associate("nosuch", n2), 404, "NotFoundException", "nosuch")
		_, other := srv.Clients(otherAccount.AccessKeyID, otherAccount.SecretAccessKey)
		_, err := other.AssociatePhoneNumberWithUser(bg, &chime.AssociatePhoneNumberWithUserInput{AccountId: aws.String(acct), UserId: aws.String(u2), E164PhoneNumber: aws.String(n2)})
		wantAPIError(t, err, 404, "NotFoundException")
		numberIs(t, srv, n2, vtypes.PhoneNumberStatusUnassigned)

		del, err := l.BatchDeletePhoneNumber(bg, &chime.BatchDeletePhoneNumberInput{PhoneNumberIds: []string{n}})
		chimevoicetest.Must(t, err, "batch delete")
		if len(del.PhoneNumberErrors) != 1 || del.PhoneNumberErrors[0].ErrorCode != ctypes.ErrorCodePhoneNumberAssociationsExist {
			t.Fatalf("batch delete errors %+v", del.PhoneNumberErrors)
		}
		_, err = l.DeletePhoneNumber(bg, &chime.DeletePhoneNumberInput{PhoneNumberId: aws.String(n)})
		wantAPIError(t, err, 400, "BadRequestException", "user "+u)
		_, err = l.DeleteAccount(bg, &chime.DeleteAccountInput{AccountId: aws.String(acct)})
		wantAPIError(t, err, 422, "UnprocessableEntityException", "DisassociatePhoneNumberFromUser")

		disassociate(u)
		disassociate(u) // a retry is a success
		numberIs(t, srv, n, vtypes.PhoneNumberStatusUnassigned)
		if got := primary(u); got != "" {
			t.Fatalf("PrimaryProvisionedNumber %q after disassociate", got)
		}
		del, err = l.BatchDeletePhoneNumber(bg, &chime.BatchDeletePhoneNumberInput{PhoneNumberIds: []string{n}})
		chimevoicetest.Must(t, err, "batch delete")
		if len(del.PhoneNumberErrors) != 0 {
			t.Fatalf("delete after disassociate: %+v", del.PhoneNumberErrors)
		}
		wantAPIError(t, associate(u, n), 400, "BadRequestException", "Deletion queue")
		restore(t, srv, n)
		chimevoicetest.Must(t, associate(u2, n), "re-associate with another user")
		numberIs(t, srv, n, vtypes.PhoneNumberStatusAssigned, "AccountId="+acct, "UserId="+u2)
		if got := primary(u2); got != n {
			t.Fatalf("PrimaryProvisionedNumber %q, want %q", got, n)
		}
		disassociate(u2)
		_, err = l.DeleteAccount(bg, &chime.DeleteAccountInput{AccountId: aws.String(acct)})
		chimevoicetest.Must(t, err, "delete account once its numbers are free")
	})
}
