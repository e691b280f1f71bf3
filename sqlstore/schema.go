package sqlstore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"reflect"
	"strings"
	"time"

	"github.com/chimevoice/chimevoice"
)

// A table ties a state section (stateSections in state.go: the one list of
// a table's columns, with their snapshot names and formats) to the domain
// type its rows are read into. Its select and insert lists, scans and
// insert arguments all follow from the section, so that a column is
// written once, in the section, and once more in the migration that
// creates it.
type table[T any] struct {
	sec *stateSection
	// held are the indexes in sec.cols of the columns T holds, and fields
	// the pointers to them, in the same order.
	held   []int
	fields []func(*T) any
	// cols is the list of held columns, for SELECT and INSERT.
	cols string
	// after completes a scanned value (constants, empty lists).
	after func(*T)
	// noun names a row in NotFound messages ("Voice Connector").
	noun string
}

// fieldMap maps the JSON names of a section's columns to the fields of T
// that hold them: a pointer to the field (time columns: *time.Time, kept
// as milliseconds), or a value that is a sql.Scanner and driver.Valuer.
type fieldMap[T any] map[string]func(*T) any

// newTable builds the table of section name for T. It panics when the map
// names a column the section does not have: a programming error that every
// test finds at start.
func newTable[T any](name, noun string, fields fieldMap[T], after func(*T)) *table[T] {
	sec := section(name)
	if sec == nil {
		panic("sqlstore: no state section " + name)
	}
	t := &table[T]{sec: sec, after: after, noun: noun}
	var cols []string
	for i, c := range sec.cols {
		if f, ok := fields[c.json]; ok {
			t.held = append(t.held, i)
			t.fields = append(t.fields, f)
			cols = append(cols, c.sql)
		}
	}
	if len(t.held) != len(fields) {
		panic(fmt.Sprintf("sqlstore: a field of %s names no column of its section", name))
	}
	t.cols = strings.Join(cols, ", ")
	return t
}

// selectFrom is "SELECT <columns> FROM <table>".
func (t *table[T]) selectFrom() string { return `SELECT ` + t.cols + ` FROM ` + t.sec.sql }

// dest returns the scan destinations of v's columns.
func (t *table[T]) dest(v *T) []any {
	out := make([]any, len(t.fields))
	for i, f := range t.fields {
		out[i] = wrapTime(f(v), t.sec.cols[t.held[i]].kind)
	}
	return out
}

// scan reads one row into a new T.
func (t *table[T]) scan(sc scanner) (*T, error) {
	v := new(T)
	if err := sc.Scan(t.dest(v)...); err != nil {
		return nil, err
	}
	if t.after != nil {
		t.after(v)
	}
	return v, nil
}

// insert writes v as a new row.
func (t *table[T]) insert(ctx context.Context, tx *Tx, v *T) error {
	args := make([]any, len(t.fields))
	for i, d := range t.dest(v) {
		args[i] = argOf(d)
	}
	_, err := tx.exec(ctx, `INSERT INTO `+t.sec.sql+` (`+t.cols+`) VALUES (`+strings.TrimSuffix(strings.Repeat("?, ", len(args)), ", ")+`)`, args...)
	return err
}

// notFound is the NotFound error of the row id.
func (t *table[T]) notFound(id string) error {
	return chimevoice.Errorf(chimevoice.CodeNotFound, "The %s %s was not found.", t.noun, id)
}

// lockClause is what a read through q appends to lock the rows it reads:
// reads inside a write transaction lock them (where the dialect has row
// locks), so that what the transaction decides on cannot change under it;
// reads on the read pool lock nothing. It is the one idiom of locked reads.
func (s *Store) lockClause(q querier) string {
	if _, ok := q.(*Tx); ok {
		return s.d.ForUpdate
	}
	return ""
}

// get reads the row of t whose id is id and whose account is account, or
// reports t's NotFound; inside a write transaction the row is locked.
func get[T any](ctx context.Context, s *Store, q querier, t *table[T], account, id string) (*T, error) {
	v, err := t.scan(q.queryRow(ctx, t.selectFrom()+` WHERE id = ? AND account_id = ?`+s.lockClause(q), id, account))
	if isNoRows(err) {
		return nil, t.notFound(id)
	}
	if err != nil {
		return nil, s.wrap(err, "get "+t.noun)
	}
	return v, nil
}

// list reads one keyset page of the account's rows of t (in creation
// order) that match where (" AND ..." with its args, or "").
func list[T any](ctx context.Context, s *Store, t *table[T], kind string, p chimevoice.Page, account, where string, args []any, key func(*T) (time.Time, string)) ([]*T, string, error) {
	return listPage(ctx, s, kind, p, t.selectFrom()+` WHERE account_id = ?`+where, append([]any{account}, args...), t.scan, key)
}

// wrapTime turns a *time.Time destination into its millisecond column.
func wrapTime(p any, kind colKind) any {
	tp, ok := p.(*time.Time)
	if !ok {
		return p
	}
	return &msTime{t: tp, null: kind == kNullTime}
}

// msTime is a time stored as milliseconds since the epoch; a null one is
// NULL when zero.
type msTime struct {
	t    *time.Time
	null bool
}

// Scan implements sql.Scanner.
func (m *msTime) Scan(src any) error {
	var v sql.NullInt64
	if err := v.Scan(src); err != nil {
		return err
	}
	*m.t = nullMS(v)
	return nil
}

// Value implements driver.Valuer.
func (m *msTime) Value() (driver.Value, error) {
	if m.null && m.t.IsZero() {
		return nil, nil
	}
	return ms(*m.t), nil
}

// argOf turns a scan destination into the value to insert: what it
// points at, with named string types as plain strings.
func argOf(d any) any {
	switch d := d.(type) {
	case driver.Valuer:
		return d
	case *string:
		return *d
	case *bool:
		return *d
	case *int:
		return *d
	case *int64:
		return *d
	}
	v := reflect.ValueOf(d).Elem()
	if v.Kind() == reflect.String {
		return v.String()
	}
	return v.Interface()
}

// The tables of the domain types.
var (
	numbersTable = newTable("PhoneNumbers", "phone number", fieldMap[chimevoice.PhoneNumber]{
		"E164": func(n *chimevoice.PhoneNumber) any { return &n.E164 }, "AccountId": func(n *chimevoice.PhoneNumber) any { return &n.AccountID },
		"Country": func(n *chimevoice.PhoneNumber) any { return &n.Country }, "NumberType": func(n *chimevoice.PhoneNumber) any { return &n.Type },
		"ProductType": func(n *chimevoice.PhoneNumber) any { return &n.ProductType }, "Status": func(n *chimevoice.PhoneNumber) any { return &n.Status },
		"CallingName": func(n *chimevoice.PhoneNumber) any { return &n.CallingName }, "CallingNameStatus": func(n *chimevoice.PhoneNumber) any { return &n.CallingNameStatus },
		"Name": func(n *chimevoice.PhoneNumber) any { return &n.Name }, "OrderId": func(n *chimevoice.PhoneNumber) any { return &n.OrderID },
		"CreatedAt": func(n *chimevoice.PhoneNumber) any { return &n.CreatedAt }, "UpdatedAt": func(n *chimevoice.PhoneNumber) any { return &n.UpdatedAt },
		"DeletedAt": func(n *chimevoice.PhoneNumber) any { return &n.DeletedAt },
	}, nil)

	ordersTable = newTable("PhoneNumberOrders", "phone number order", fieldMap[chimevoice.Order]{
		"Id": func(o *chimevoice.Order) any { return &o.ID }, "AccountId": func(o *chimevoice.Order) any { return &o.AccountID },
		"ProductType": func(o *chimevoice.Order) any { return &o.ProductType }, "Status": func(o *chimevoice.Order) any { return &o.Status },
		"OrderType": func(o *chimevoice.Order) any { return &o.OrderType }, "Name": func(o *chimevoice.Order) any { return &o.Name },
		"CreatedAt": func(o *chimevoice.Order) any { return &o.CreatedAt }, "UpdatedAt": func(o *chimevoice.Order) any { return &o.UpdatedAt },
	}, nil)

	vcTable = newTable("VoiceConnectors", "Voice Connector", fieldMap[chimevoice.VoiceConnector]{
		"Id": func(v *chimevoice.VoiceConnector) any { return &v.ID }, "AccountId": func(v *chimevoice.VoiceConnector) any { return &v.AccountID },
		"AwsRegion": func(v *chimevoice.VoiceConnector) any { return &v.AwsRegion }, "Name": func(v *chimevoice.VoiceConnector) any { return &v.Name },
		"OutboundHostName":  func(v *chimevoice.VoiceConnector) any { return &v.OutboundHostName },
		"RequireEncryption": func(v *chimevoice.VoiceConnector) any { return &v.RequireEncryption },
		"IntegrationType":   func(v *chimevoice.VoiceConnector) any { return &v.IntegrationType },
		"NetworkType":       func(v *chimevoice.VoiceConnector) any { return &v.NetworkType }, "Arn": func(v *chimevoice.VoiceConnector) any { return &v.ARN },
		"CreatedAt": func(v *chimevoice.VoiceConnector) any { return &v.CreatedAt }, "UpdatedAt": func(v *chimevoice.VoiceConnector) any { return &v.UpdatedAt },
	}, nil)

	groupsTable = newTable("VoiceConnectorGroups", "Voice Connector group", fieldMap[chimevoice.VoiceConnectorGroup]{
		"Id": func(g *chimevoice.VoiceConnectorGroup) any { return &g.ID }, "AccountId": func(g *chimevoice.VoiceConnectorGroup) any { return &g.AccountID },
		"Name": func(g *chimevoice.VoiceConnectorGroup) any { return &g.Name }, "Arn": func(g *chimevoice.VoiceConnectorGroup) any { return &g.ARN },
		"CreatedAt": func(g *chimevoice.VoiceConnectorGroup) any { return &g.CreatedAt }, "UpdatedAt": func(g *chimevoice.VoiceConnectorGroup) any { return &g.UpdatedAt },
		"CallDistributionType": func(g *chimevoice.VoiceConnectorGroup) any { return &g.Distribution },
	}, func(g *chimevoice.VoiceConnectorGroup) {
		g.Items = []chimevoice.VoiceConnectorItem{}
		if g.Distribution == "" { // groups made before the model had it route by priority
			g.Distribution = chimevoice.DistributionPriorityWeighted
		}
	})

	smaTable = newTable("SipMediaApplications", "SIP media application", fieldMap[chimevoice.SipMediaApplication]{
		"Id": func(a *chimevoice.SipMediaApplication) any { return &a.ID }, "AccountId": func(a *chimevoice.SipMediaApplication) any { return &a.AccountID },
		"AwsRegion": func(a *chimevoice.SipMediaApplication) any { return &a.AwsRegion }, "Name": func(a *chimevoice.SipMediaApplication) any { return &a.Name },
		"LambdaArn": func(a *chimevoice.SipMediaApplication) any { return (*endpoint)(&a.Endpoints) }, "Arn": func(a *chimevoice.SipMediaApplication) any { return &a.ARN },
		"CreatedAt": func(a *chimevoice.SipMediaApplication) any { return &a.CreatedAt }, "UpdatedAt": func(a *chimevoice.SipMediaApplication) any { return &a.UpdatedAt },
	}, nil)

	rulesTable = newTable("SipRules", "SIP rule", fieldMap[chimevoice.SipRule]{
		"Id": func(r *chimevoice.SipRule) any { return &r.ID }, "AccountId": func(r *chimevoice.SipRule) any { return &r.AccountID },
		"Name": func(r *chimevoice.SipRule) any { return &r.Name }, "Disabled": func(r *chimevoice.SipRule) any { return &r.Disabled },
		"TriggerType": func(r *chimevoice.SipRule) any { return &r.TriggerType }, "TriggerValue": func(r *chimevoice.SipRule) any { return &r.TriggerValue },
		"CreatedAt": func(r *chimevoice.SipRule) any { return &r.CreatedAt }, "UpdatedAt": func(r *chimevoice.SipRule) any { return &r.UpdatedAt },
	}, func(r *chimevoice.SipRule) { r.Targets = []chimevoice.SipRuleTarget{} })

	accountsTable = newTable("ChimeAccounts", "account", fieldMap[chimevoice.Account]{
		"Id": func(a *chimevoice.Account) any { return &a.ID }, "AccountId": func(a *chimevoice.Account) any { return &a.AWSAccountID },
		"Name": func(a *chimevoice.Account) any { return &a.Name }, "DefaultLicense": func(a *chimevoice.Account) any { return &a.DefaultLicense },
		"CreatedAt": func(a *chimevoice.Account) any { return &a.CreatedAt },
	}, func(a *chimevoice.Account) { a.AccountType, a.Status = accountTypeTeam, accountActive })

	usersTable = newTable("ChimeUsers", "user", fieldMap[chimevoice.User]{
		"Id": func(u *chimevoice.User) any { return &u.ID }, "ChimeAccountId": func(u *chimevoice.User) any { return &u.AccountID },
		"Email": func(u *chimevoice.User) any { return &u.Email }, "DisplayName": func(u *chimevoice.User) any { return &u.DisplayName },
		"LicenseType": func(u *chimevoice.User) any { return &u.LicenseType }, "UserType": func(u *chimevoice.User) any { return &u.UserType },
		"InvitationStatus": func(u *chimevoice.User) any { return &u.InvitationStatus }, "InvitedAt": func(u *chimevoice.User) any { return &u.InvitedAt },
		"AlexaEnabled": func(u *chimevoice.User) any { return &u.AlexaEnabled }, "AlexaRoomArn": func(u *chimevoice.User) any { return &u.AlexaRoomARN },
		"CreatedAt": func(u *chimevoice.User) any { return &u.CreatedAt },
	}, func(u *chimevoice.User) { u.RegistrationStatus = userUnregistered })
)

// endpoint keeps a SIP media application's one endpoint in lambda_arn.
type endpoint []string

// Scan implements sql.Scanner.
func (e *endpoint) Scan(src any) error {
	var s sql.NullString
	if err := s.Scan(src); err != nil {
		return err
	}
	*e = []string{s.String}
	return nil
}

// Value implements driver.Valuer.
func (e *endpoint) Value() (driver.Value, error) {
	if len(*e) == 0 {
		return "", nil
	}
	return (*e)[0], nil
}

// writeValue runs fn in a write transaction (as write does, possibly more
// than once) and returns what its committed run returned.
func writeValue[T any](ctx context.Context, s *Store, fn func(ctx context.Context, tx *Tx) (T, error)) (T, error) {
	var out T
	err := s.write(ctx, func(ctx context.Context, tx *Tx) error {
		v, err := fn(ctx, tx)
		out = v
		return err
	})
	if err != nil {
		var zero T
		return zero, err
	}
	return out, nil
}

// fill loads what belongs to parents (a rule's targets, a group's items)
// with one query and hands each child to add. query selects the parent's
// ID, then the child's columns (dest gives their destinations); its %s
// stands for the predicate "col is one of the parents' IDs", which takes
// the last argument.
func fill[P, C any](ctx context.Context, s *Store, q querier, what string, parents []P, id func(P) string,
	query, col string, args []any, dest func(*C) []any, add func(P, C)) error {
	if len(parents) == 0 {
		return nil
	}
	ids := make([]string, len(parents))
	byID := make(map[string]P, len(parents))
	for i, p := range parents {
		ids[i] = id(p)
		byID[ids[i]] = p
	}
	type row struct {
		parent string
		child  C
	}
	rows, err := collect(ctx, s, q, what, func(sc scanner) (row, error) {
		var r row
		return r, sc.Scan(append([]any{&r.parent}, dest(&r.child)...)...)
	}, fmt.Sprintf(query, s.d.InList(col)), append(args, s.d.ListArg(ids))...)
	for _, r := range rows {
		add(byID[r.parent], r.child)
	}
	return err
}
