package httpapi

import (
	"context"
	"encoding/base64"
	"strings"

	"github.com/chimevoice/chimevoice"
)

// registerNumbers registers the operations of phone numbers.
func (s *Server) registerNumbers() {
	s.handle("GetPhoneNumber", op(s.getPhoneNumber))
	s.handle("ListPhoneNumbers", op(s.listPhoneNumbers))
	s.handle("UpdatePhoneNumber", op(s.updatePhoneNumber))
	s.handle("BatchUpdatePhoneNumber", op(s.batchUpdatePhoneNumber))
	s.handle("DeletePhoneNumber", op(s.deletePhoneNumber))
	s.handle("BatchDeletePhoneNumber", op(s.batchDeletePhoneNumber))
	s.handle("RestorePhoneNumber", op(s.restorePhoneNumber))
	s.handle("GetPhoneNumberSettings", op(s.getPhoneNumberSettings))
	s.handle("UpdatePhoneNumberSettings", op(s.updatePhoneNumberSettings))
}

type phoneNumberIDIn struct {
	PhoneNumberId string
}

// phoneNumberOutput wraps a number for a caller in region (its PhoneNumberArn's).
func phoneNumberOutput(region string) func(n *chimevoice.PhoneNumber) any {
	return func(n *chimevoice.PhoneNumber) any {
		return struct{ PhoneNumber phoneNumberOut }{phoneNumber(region, n)}
	}
}

func (s *Server) getPhoneNumber(ctx context.Context, c chimevoice.Caller, in phoneNumberIDIn) (any, error) {
	return out(phoneNumberOutput(c.Region))(s.svc.Numbers.GetPhoneNumber(ctx, c, in.PhoneNumberId))
}

const listTokenPrefix = "n1:"

type listPhoneNumbersIn struct {
	Status      string
	ProductType string
	FilterName  string
	FilterValue string
	MaxResults  int
	NextToken   string
}

func (s *Server) listPhoneNumbers(ctx context.Context, c chimevoice.Caller, in listPhoneNumbersIn) (any, error) {
	f := chimevoice.PhoneNumberFilter{
		Status:      chimevoice.Status(in.Status),
		ProductType: chimevoice.ProductType(in.ProductType),
		FilterName:  chimevoice.AssociationName(in.FilterName),
		FilterValue: in.FilterValue,
		Limit:       in.MaxResults,
	}
	if in.NextToken != "" {
		b, err := base64.RawURLEncoding.DecodeString(in.NextToken)
		after, ok := strings.CutPrefix(string(b), listTokenPrefix)
		if err != nil || !ok {
			return nil, chimevoice.FieldErrorf("NextToken", "the token is not valid.")
		}
		f.After = after
	}
	ns, next, err := s.svc.Numbers.ListPhoneNumbers(ctx, c, f)
	if err != nil {
		return nil, err
	}
	if next != "" {
		next = base64.RawURLEncoding.EncodeToString([]byte(listTokenPrefix + next))
	}
	return listed("PhoneNumbers", convert(ns, func(n *chimevoice.PhoneNumber) phoneNumberOut { return phoneNumber(c.Region, n) }), next), nil
}

type updateItemIn struct {
	PhoneNumberId string
	ProductType   *string
	CallingName   *string
	Name          *string
}

func (u updateItemIn) update() chimevoice.PhoneNumberUpdate {
	e164, _ := chimevoice.ParseID(u.PhoneNumberId)
	out := chimevoice.PhoneNumberUpdate{Raw: u.PhoneNumberId, E164: e164, CallingName: u.CallingName, Name: u.Name}
	if u.ProductType != nil {
		pt := chimevoice.ProductType(*u.ProductType)
		out.ProductType = &pt
	}
	return out
}

func (s *Server) updatePhoneNumber(ctx context.Context, c chimevoice.Caller, in updateItemIn) (any, error) {
	return out(phoneNumberOutput(c.Region))(s.svc.Numbers.UpdatePhoneNumber(ctx, c, in.update()))
}

func (s *Server) batchUpdatePhoneNumber(ctx context.Context, c chimevoice.Caller, in struct{ UpdatePhoneNumberRequestItems []updateItemIn }) (any, error) {
	updates := convert(in.UpdatePhoneNumberRequestItems, updateItemIn.update)
	return batch(ctx, s, chimevoice.CheckUpdateBatch(updates), updates, func(u chimevoice.PhoneNumberUpdate) string { return u.Raw },
		func(us []chimevoice.PhoneNumberUpdate) ([]chimevoice.PhoneNumberError, error) {
			return s.svc.Numbers.BatchUpdatePhoneNumbers(ctx, c, us)
		})
}

func (s *Server) batchDeletePhoneNumber(ctx context.Context, c chimevoice.Caller, in struct{ PhoneNumberIds []string }) (any, error) {
	ids := chimevoice.NewBatch(in.PhoneNumberIds)
	return batch(ctx, s, chimevoice.CheckBatch("PhoneNumberIds", ids), ids, func(id chimevoice.BatchID) string { return id.Raw },
		func(ids []chimevoice.BatchID) ([]chimevoice.PhoneNumberError, error) {
			return s.svc.Numbers.BatchDeletePhoneNumbers(ctx, c, ids)
		})
}

// batch runs a batch operation with fault injection: the items an injected
// per-item fault fails are split off before the service sees the rest. The
// list is checked whole first (invalid is the domain's answer, before any
// fault), and a batch the faults emptied does not reach the service.
func batch[T any](ctx context.Context, s *Server, invalid error, items []T, raw func(T) string, apply func([]T) ([]chimevoice.PhoneNumberError, error)) (any, error) {
	if invalid != nil {
		return nil, invalid
	}
	items, injected := splitItemFaults(ctx, s, items, raw)
	var failed []chimevoice.PhoneNumberError
	if len(items) > 0 {
		var err error
		if failed, err = apply(items); err != nil {
			return nil, err
		}
	}
	return phoneNumberErrors(append(injected, failed...)), nil
}

func (s *Server) deletePhoneNumber(ctx context.Context, c chimevoice.Caller, in phoneNumberIDIn) (any, error) {
	return nil, s.svc.Numbers.DeletePhoneNumber(ctx, c, in.PhoneNumberId)
}

func (s *Server) restorePhoneNumber(ctx context.Context, c chimevoice.Caller, in phoneNumberIDIn) (any, error) {
	return out(phoneNumberOutput(c.Region))(s.svc.Numbers.RestorePhoneNumber(ctx, c, in.PhoneNumberId))
}

func (s *Server) getPhoneNumberSettings(ctx context.Context, c chimevoice.Caller, _ struct{}) (any, error) {
	return out(func(st *chimevoice.PhoneNumberSettings) any {
		return struct {
			CallingName                 string `json:",omitempty"`
			CallingNameUpdatedTimestamp *Time  `json:",omitempty"`
		}{st.CallingName, timePtr(st.CallingNameUpdatedAt)}
	})(s.svc.Numbers.GetPhoneNumberSettings(ctx, c))
}

func (s *Server) updatePhoneNumberSettings(ctx context.Context, c chimevoice.Caller, in struct{ CallingName string }) (any, error) {
	return nil, s.svc.Numbers.UpdatePhoneNumberSettings(ctx, c, in.CallingName)
}
