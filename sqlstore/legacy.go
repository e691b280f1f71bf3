package sqlstore

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/chimevoice/chimevoice"
)

// Legacy Amazon Chime accounts and users, and the association of
// BusinessCalling numbers with users. A user's number is not stored on the
// user: it is the number whose UserId association names the user, so the
// two can never disagree.

const (
	defaultLicense  = "Pro"
	accountTypeTeam = "Team"
	userTypePrivate = "PrivateUser"
	invitePending   = "Pending"
	accountActive   = "Active"
	// userUnregistered is every user's registration status: nobody signs in.
	userUnregistered = "Unregistered"
)

// CreateAccount implements chimevoice.AccountService.
func (s *Store) CreateAccount(ctx context.Context, c chimevoice.Caller, name string) (*chimevoice.Account, error) {
	a := &chimevoice.Account{ID: uuid.NewString(), AWSAccountID: c.AccountID, Name: name, AccountType: accountTypeTeam, DefaultLicense: defaultLicense, Status: accountActive}
	return writeValue(ctx, s, func(ctx context.Context, tx *Tx) (*chimevoice.Account, error) {
		a.CreatedAt = tx.now
		return a, accountsTable.insert(ctx, tx, a)
	})
}

// GetAccount implements chimevoice.AccountService.
func (s *Store) GetAccount(ctx context.Context, c chimevoice.Caller, id string) (*chimevoice.Account, error) {
	return get(ctx, s, reader{s}, accountsTable, c.AccountID, id)
}

// ListAccounts implements chimevoice.AccountService.
func (s *Store) ListAccounts(ctx context.Context, c chimevoice.Caller, f chimevoice.AccountFilter) ([]*chimevoice.Account, string, error) {
	var where string
	var args []any
	if f.Name != "" {
		where += ` AND name = ?`
		args = append(args, f.Name)
	}
	if f.UserEmail != "" {
		where += ` AND id IN (SELECT chime_account_id FROM chime_users WHERE email = ?)`
		args = append(args, f.UserEmail)
	}
	return list(ctx, s, accountsTable, "acct1", f.Page, c.AccountID, where, args, func(a *chimevoice.Account) (time.Time, string) { return a.CreatedAt, a.ID })
}

// UpdateAccount implements chimevoice.AccountService.
func (s *Store) UpdateAccount(ctx context.Context, c chimevoice.Caller, id string, u chimevoice.AccountUpdate) (*chimevoice.Account, error) {
	var out *chimevoice.Account
	err := s.write(ctx, func(ctx context.Context, tx *Tx) error {
		a, err := get(ctx, s, tx, accountsTable, c.AccountID, id)
		if err != nil {
			return err
		}
		if u.Name != nil {
			a.Name = *u.Name
		}
		if u.DefaultLicense != nil {
			a.DefaultLicense = *u.DefaultLicense
		}
		if _, err := tx.exec(ctx, `UPDATE chime_accounts SET name = ?, default_license = ? WHERE id = ?`, a.Name, a.DefaultLicense, id); err != nil {
			return err
		}
		out = a
		return nil
	})
	return out, err
}

// DeleteAccount implements chimevoice.AccountService. The account row is
// locked first, as AssociatePhoneNumberWithUser locks it: a number is
// either associated before (and refuses the delete) or finds the account gone.
func (s *Store) DeleteAccount(ctx context.Context, c chimevoice.Caller, id string) error {
	return s.write(ctx, func(ctx context.Context, tx *Tx) error {
		if _, err := get(ctx, s, tx, accountsTable, c.AccountID, id); err != nil {
			return err
		}
		n, err := s.countAssociated(ctx, tx, c.AccountID, chimevoice.AssocAccount, id)
		if err != nil {
			return err
		}
		if n > 0 {
			return chimevoice.Errorf(chimevoice.CodeUnprocessable, "The account %s still has %d phone number(s) associated with its users; disassociate them (DisassociatePhoneNumberFromUser) before deleting it.", id, n)
		}
		_, err = tx.exec(ctx, `DELETE FROM chime_accounts WHERE id = ?`, id)
		return err
	})
}

// userNumbers fills PrimaryProvisionedNumber of the users.
func (s *Store) userNumbers(ctx context.Context, q querier, owner string, users []*chimevoice.User) error {
	return fill(ctx, s, q, "user numbers", users, func(u *chimevoice.User) string { return u.ID },
		`SELECT value, e164 FROM phone_number_associations WHERE account_id = ? AND name = ? AND %s`, "value", []any{owner, string(chimevoice.AssocUser)},
		func(e164 *string) []any { return []any{e164} },
		func(u *chimevoice.User, e164 string) { u.PrimaryProvisionedNumber = e164 })
}

// getUser reads a user of an account the caller owns (the account must
// have been checked); inside a write transaction the user is locked.
func (s *Store) getUser(ctx context.Context, q querier, owner, accountID, userID string) (*chimevoice.User, error) {
	u, err := usersTable.scan(q.queryRow(ctx, usersTable.selectFrom()+` WHERE id = ? AND chime_account_id = ?`+s.lockClause(q), userID, accountID))
	if isNoRows(err) {
		return nil, usersTable.notFound(userID)
	}
	if err != nil {
		return nil, s.wrap(err, "get user")
	}
	return u, s.userNumbers(ctx, q, owner, []*chimevoice.User{u})
}

// insertUser adds a user to a (locked) account; Conflict when the account
// already has a user with the e-mail address.
func (s *Store) insertUser(ctx context.Context, tx *Tx, a *chimevoice.Account, in chimevoice.UserInput, invitation string) (*chimevoice.User, error) {
	if in.Email != "" {
		taken, err := s.exists(ctx, tx, "users", `SELECT 1 FROM chime_users WHERE chime_account_id = ? AND email = ?`, a.ID, in.Email)
		if err != nil {
			return nil, err
		}
		if taken {
			return nil, chimevoice.Errorf(chimevoice.CodeConflict, "Email: the account %s already has a user with the e-mail address %s.", a.ID, in.Email)
		}
	}
	u := &chimevoice.User{ID: uuid.NewString(), AccountID: a.ID, Email: in.Email, DisplayName: in.Username, LicenseType: a.DefaultLicense,
		UserType: in.UserType, RegistrationStatus: userUnregistered, InvitationStatus: invitation, CreatedAt: tx.now}
	if u.UserType == "" {
		u.UserType = userTypePrivate
	}
	if invitation != "" {
		u.InvitedAt = tx.now
	}
	return u, usersTable.insert(ctx, tx, u)
}

// CreateUser implements chimevoice.AccountService.
func (s *Store) CreateUser(ctx context.Context, c chimevoice.Caller, accountID string, in chimevoice.UserInput) (*chimevoice.User, error) {
	var out *chimevoice.User
	err := s.write(ctx, func(ctx context.Context, tx *Tx) error {
		a, err := get(ctx, s, tx, accountsTable, c.AccountID, accountID)
		if err != nil {
			return err
		}
		out, err = s.insertUser(ctx, tx, a, in, "")
		return err
	})
	return out, err
}

// InviteUsers implements chimevoice.AccountService.
func (s *Store) InviteUsers(ctx context.Context, c chimevoice.Caller, accountID string, emails []string, userType string) ([]chimevoice.Invite, error) {
	if err := chimevoice.CheckEmails(emails); err != nil {
		return nil, err
	}
	var out []chimevoice.Invite
	err := s.write(ctx, func(ctx context.Context, tx *Tx) error {
		out = make([]chimevoice.Invite, 0, len(emails))
		a, err := get(ctx, s, tx, accountsTable, c.AccountID, accountID)
		if err != nil {
			return err
		}
		for _, e := range emails {
			res, err := tx.exec(ctx, `UPDATE chime_users SET invitation_status = ?, invited_at = ? WHERE chime_account_id = ? AND email = ?`, invitePending, ms(tx.now), a.ID, e)
			if err != nil {
				return err
			}
			if n, err := res.RowsAffected(); err != nil {
				return s.wrap(err, "invite user")
			} else if n == 0 {
				if _, err := s.insertUser(ctx, tx, a, chimevoice.UserInput{Email: e, UserType: userType}, invitePending); err != nil {
					return err
				}
			}
			out = append(out, chimevoice.Invite{ID: uuid.NewString(), Status: invitePending, Email: e, EmailStatus: "Sent"})
		}
		return nil
	})
	return out, err
}

// GetUser implements chimevoice.AccountService.
func (s *Store) GetUser(ctx context.Context, c chimevoice.Caller, accountID, userID string) (*chimevoice.User, error) {
	r := reader{s}
	if _, err := get(ctx, s, r, accountsTable, c.AccountID, accountID); err != nil {
		return nil, err
	}
	return s.getUser(ctx, r, c.AccountID, accountID, userID)
}

// ListUsers implements chimevoice.AccountService.
func (s *Store) ListUsers(ctx context.Context, c chimevoice.Caller, accountID string, f chimevoice.UserFilter) ([]*chimevoice.User, string, error) {
	r := reader{s}
	if _, err := get(ctx, s, r, accountsTable, c.AccountID, accountID); err != nil {
		return nil, "", err
	}
	q := usersTable.selectFrom() + ` WHERE chime_account_id = ?`
	args := []any{accountID}
	if f.Email != "" {
		q += ` AND email = ?`
		args = append(args, f.Email)
	}
	if f.UserType != "" {
		q += ` AND user_type = ?`
		args = append(args, f.UserType)
	}
	users, next, err := listPage(ctx, s, "user1", f.Page, q, args, usersTable.scan, func(u *chimevoice.User) (time.Time, string) { return u.CreatedAt, u.ID })
	if err != nil {
		return nil, "", err
	}
	return users, next, s.userNumbers(ctx, r, c.AccountID, users)
}

// UpdateUser implements chimevoice.AccountService.
func (s *Store) UpdateUser(ctx context.Context, c chimevoice.Caller, accountID, userID string, up chimevoice.UserUpdate) (*chimevoice.User, error) {
	var out *chimevoice.User
	err := s.write(ctx, func(ctx context.Context, tx *Tx) error {
		if _, err := get(ctx, s, tx, accountsTable, c.AccountID, accountID); err != nil {
			return err
		}
		u, err := s.getUser(ctx, tx, c.AccountID, accountID, userID)
		if err != nil {
			return err
		}
		set := func(dst *string, v *string) {
			if v != nil {
				*dst = *v
			}
		}
		set(&u.LicenseType, up.LicenseType)
		set(&u.UserType, up.UserType)
		set(&u.AlexaRoomARN, up.AlexaRoomARN)
		if up.AlexaEnabled != nil {
			u.AlexaEnabled = *up.AlexaEnabled
		}
		if _, err := tx.exec(ctx, `UPDATE chime_users SET license_type = ?, user_type = ?, alexa_enabled = ?, alexa_room_arn = ? WHERE id = ?`,
			u.LicenseType, u.UserType, u.AlexaEnabled, u.AlexaRoomARN, userID); err != nil {
			return err
		}
		out = u
		return nil
	})
	return out, err
}

// lockUser locks the account and then the user, in that order everywhere.
func (s *Store) lockUser(ctx context.Context, tx *Tx, owner, accountID, userID string) (*chimevoice.User, error) {
	if _, err := get(ctx, s, tx, accountsTable, owner, accountID); err != nil {
		return nil, err
	}
	return s.getUser(ctx, tx, owner, accountID, userID)
}

// AssociatePhoneNumberWithUser implements chimevoice.AccountService.
func (s *Store) AssociatePhoneNumberWithUser(ctx context.Context, c chimevoice.Caller, accountID, userID, id string) error {
	e164, err := chimevoice.ParsePhoneNumberID("E164PhoneNumber", id)
	if err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, tx *Tx) error {
		u, err := s.lockUser(ctx, tx, c.AccountID, accountID, userID)
		if err != nil {
			return err
		}
		if u.PrimaryProvisionedNumber == e164 {
			return nil
		}
		if u.PrimaryProvisionedNumber != "" {
			return chimevoice.Errorf(chimevoice.CodeBadRequest, "The user %s already has the phone number %s; disassociate it first.", userID, u.PrimaryProvisionedNumber)
		}
		nums, err := s.lockNumbers(ctx, tx, c.AccountID, []string{e164})
		if err != nil {
			return err
		}
		n := nums[e164]
		if n == nil {
			return notFound(e164)
		}
		d := chimevoice.AssociateRefusal(n.status, n.product, n.assocs, chimevoice.Association{Name: chimevoice.AssocUser, Value: userID}, false)
		if d.Code != "" {
			return chimevoice.FieldErrorf("E164PhoneNumber", "%s", d.Message)
		}
		for _, a := range []chimevoice.Association{{Name: chimevoice.AssocUser, Value: userID}, {Name: chimevoice.AssocAccount, Value: accountID}} {
			if err := s.addAssociation(ctx, tx, c.AccountID, []string{e164}, a); err != nil {
				return err
			}
		}
		return s.refreshStatus(ctx, tx, c.AccountID, []string{e164})
	})
}

// DisassociatePhoneNumberFromUser implements chimevoice.AccountService.
func (s *Store) DisassociatePhoneNumberFromUser(ctx context.Context, c chimevoice.Caller, accountID, userID string) error {
	return s.write(ctx, func(ctx context.Context, tx *Tx) error {
		u, err := s.lockUser(ctx, tx, c.AccountID, accountID, userID)
		if err != nil || u.PrimaryProvisionedNumber == "" {
			return err
		}
		e164 := []string{u.PrimaryProvisionedNumber}
		if _, err := s.lockNumbers(ctx, tx, c.AccountID, e164); err != nil {
			return err
		}
		if err := s.removeAssociations(ctx, tx, c.AccountID, e164, chimevoice.AssocUser, chimevoice.AssocAccount); err != nil {
			return err
		}
		return s.refreshStatus(ctx, tx, c.AccountID, e164)
	})
}
