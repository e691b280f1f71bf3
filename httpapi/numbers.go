package httpapi

import (
	"context"
	"encoding/base64"
	"strings"

	"github.com/chimevoice/chimevoice"
	"github.com/chimevoice/chimevoice/model"
)

func (s *Server) registerNumbers() {
	s.handle("GetPhoneNumber", s.getPhoneNumber)
	s.handle("ListPhoneNumbers", s.listPhoneNumbers)
	s.handle("UpdatePhoneNumber", s.updatePhoneNumber)
	s.handle("BatchUpdatePhoneNumber", s.batchUpdatePhoneNumber)
	s.handle("DeletePhoneNumber", s.deletePhoneNumber)
	s.handle("BatchDeletePhoneNumber", s.batchDeletePhoneNumber)
	s.handle("RestorePhoneNumber", s.restorePhoneNumber)
	s.handle("GetPhoneNumberSettings", s.getPhoneNumberSettings)
	s.handle("UpdatePhoneNumberSettings", s.updatePhoneNumberSettings)
}

// pathID normalizes the PhoneNumberId path parameter. A string that is not
// an E.164 number is malformed input (BadRequest), not an unknown number.
func pathID(raw string) (string, error) {
	e164, ok := chimevoice.ParseID(raw)
	if !ok {
		return "", chimevoice.Errorf(chimevoice.CodeBadRequest, "PhoneNumberId: %q is not a valid E.164 phone number ID.", model.Clip(raw))
	}
	return e164, nil
}

// numberList is batchIDs for a list that must name at least one number.
func numberList(member string, raws []string) ([]chimevoice.BatchID, error) {
	if len(raws) == 0 {
		return nil, chimevoice.Errorf(chimevoice.CodeBadRequest, "%s: at least one phone number is required.", member)
	}
	return batchIDs(member, raws)
}

// batchIDs normalizes a batch list, refusing more than MaxBatch items and
// the same number named twice. Malformed IDs stay in the list (with an
// empty E164) to be reported per item.
func batchIDs(member string, raws []string) ([]chimevoice.BatchID, error) {
	if len(raws) > chimevoice.MaxBatch {
		return nil, chimevoice.Errorf(chimevoice.CodeBadRequest, "%s: at most %d items are allowed in one request, got %d.", member, chimevoice.MaxBatch, len(raws))
	}
	ids := make([]chimevoice.BatchID, len(raws))
	seen := make(map[string]int, len(raws))
	for i, raw := range raws {
		e164, _ := chimevoice.ParseID(raw)
		if e164 != "" {
			if j, dup := seen[e164]; dup {
				return nil, chimevoice.Errorf(chimevoice.CodeBadRequest, "%s: items %d and %d name the same phone number %s.", member, j, i, e164)
			}
			seen[e164] = i
		}
		ids[i] = chimevoice.BatchID{Raw: raw, E164: e164}
	}
	return ids, nil
}

type phoneNumberIDIn struct {
	PhoneNumberId string
}

type phoneNumberOutput struct {
	PhoneNumber phoneNumberOut
}

func (s *Server) getPhoneNumber(ctx context.Context, c *call) (any, error) {
	var in phoneNumberIDIn
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	e164, err := pathID(in.PhoneNumberId)
	if err != nil {
		return nil, err
	}
	n, err := s.svc.Numbers.GetPhoneNumber(ctx, c.caller, e164)
	if err != nil {
		return nil, err
	}
	return phoneNumberOutput{PhoneNumber: phoneNumber(n)}, nil
}

const listTokenPrefix = "n1:"

func (s *Server) listPhoneNumbers(ctx context.Context, c *call) (any, error) {
	var in struct {
		Status      string
		ProductType string
		FilterName  string
		FilterValue string
		MaxResults  int
		NextToken   string
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	f := chimevoice.PhoneNumberFilter{
		ProductType: chimevoice.ProductType(in.ProductType),
		FilterName:  chimevoice.AssociationName(in.FilterName),
		FilterValue: in.FilterValue,
		Limit:       in.MaxResults,
	}
	if in.Status != "" {
		f.Status = chimevoice.Status(in.Status)
		known := false
		names := make([]string, len(chimevoice.AllStatuses))
		for i, st := range chimevoice.AllStatuses {
			known = known || st == f.Status
			names[i] = string(st)
		}
		if !known {
			return nil, chimevoice.Errorf(chimevoice.CodeBadRequest, "Status: %q is not one of %s.", in.Status, strings.Join(names, ", "))
		}
	}
	if (in.FilterName == "") != (in.FilterValue == "") {
		return nil, chimevoice.Errorf(chimevoice.CodeBadRequest, "FilterName and FilterValue must be given together.")
	}
	if in.NextToken != "" {
		b, err := base64.RawURLEncoding.DecodeString(in.NextToken)
		after, ok := strings.CutPrefix(string(b), listTokenPrefix)
		if err != nil || !ok {
			return nil, chimevoice.Errorf(chimevoice.CodeBadRequest, "NextToken: the token is not valid.")
		}
		f.After = after
	}
	ns, next, err := s.svc.Numbers.ListPhoneNumbers(ctx, c.caller, f)
	if err != nil {
		return nil, err
	}
	out := struct {
		PhoneNumbers []phoneNumberOut
		NextToken    string `json:",omitempty"`
	}{PhoneNumbers: make([]phoneNumberOut, len(ns))}
	for i, n := range ns {
		out.PhoneNumbers[i] = phoneNumber(n)
	}
	if next != "" {
		out.NextToken = base64.RawURLEncoding.EncodeToString([]byte(listTokenPrefix + next))
	}
	return out, nil
}

type updateItemIn struct {
	PhoneNumberId string
	ProductType   *string
	CallingName   *string
	Name          *string
}

// update turns one update request into a PhoneNumberUpdate, refusing
// anything but exactly one attribute, as the service does.
func (u updateItemIn) update(prefix string) (chimevoice.PhoneNumberUpdate, error) {
	e164, _ := chimevoice.ParseID(u.PhoneNumberId)
	out := chimevoice.PhoneNumberUpdate{Raw: u.PhoneNumberId, E164: e164, CallingName: u.CallingName, Name: u.Name}
	n := 0
	if u.ProductType != nil {
		pt := chimevoice.ProductType(*u.ProductType)
		out.ProductType = &pt
		n++
	}
	if u.CallingName != nil {
		n++
	}
	if u.Name != nil {
		n++
	}
	if n != 1 {
		return out, chimevoice.Errorf(chimevoice.CodeBadRequest, "%sgive exactly one of ProductType, CallingName or Name: one attribute is updated at a time.", prefix)
	}
	return out, nil
}

func (s *Server) updatePhoneNumber(ctx context.Context, c *call) (any, error) {
	var in updateItemIn
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	if _, err := pathID(in.PhoneNumberId); err != nil {
		return nil, err
	}
	u, err := in.update("")
	if err != nil {
		return nil, err
	}
	n, err := s.svc.Numbers.UpdatePhoneNumber(ctx, c.caller, u)
	if err != nil {
		return nil, err
	}
	return phoneNumberOutput{PhoneNumber: phoneNumber(n)}, nil
}

func (s *Server) batchUpdatePhoneNumber(ctx context.Context, c *call) (any, error) {
	var in struct{ UpdatePhoneNumberRequestItems []updateItemIn }
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	raws := make([]string, len(in.UpdatePhoneNumberRequestItems))
	for i, it := range in.UpdatePhoneNumberRequestItems {
		raws[i] = it.PhoneNumberId
	}
	if _, err := batchIDs("UpdatePhoneNumberRequestItems", raws); err != nil {
		return nil, err
	}
	var updates []chimevoice.PhoneNumberUpdate
	var failed []chimevoice.PhoneNumberError
	for _, it := range in.UpdatePhoneNumberRequestItems {
		u, err := it.update("")
		if err != nil {
			failed = append(failed, chimevoice.PhoneNumberError{PhoneNumberID: it.PhoneNumberId, Code: chimevoice.CodeBadRequest, Message: chimevoice.ErrorMessage(err)})
			continue
		}
		updates = append(updates, u)
	}
	updates, injected := splitItemFaults(ctx, s, updates, func(u chimevoice.PhoneNumberUpdate) string { return u.Raw })
	more, err := s.svc.Numbers.BatchUpdatePhoneNumbers(ctx, c.caller, updates)
	if err != nil {
		return nil, err
	}
	return phoneNumberErrors(append(append(failed, injected...), more...)), nil
}

func (s *Server) deletePhoneNumber(ctx context.Context, c *call) (any, error) {
	var in phoneNumberIDIn
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	e164, err := pathID(in.PhoneNumberId)
	if err != nil {
		return nil, err
	}
	return nil, s.svc.Numbers.DeletePhoneNumber(ctx, c.caller, e164)
}

func (s *Server) batchDeletePhoneNumber(ctx context.Context, c *call) (any, error) {
	var in struct{ PhoneNumberIds []string }
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	ids, err := batchIDs("PhoneNumberIds", in.PhoneNumberIds)
	if err != nil {
		return nil, err
	}
	ids, injected := splitItemFaults(ctx, s, ids, func(id chimevoice.BatchID) string { return id.Raw })
	failed, err := s.svc.Numbers.BatchDeletePhoneNumbers(ctx, c.caller, ids)
	if err != nil {
		return nil, err
	}
	return phoneNumberErrors(append(injected, failed...)), nil
}

func (s *Server) restorePhoneNumber(ctx context.Context, c *call) (any, error) {
	var in phoneNumberIDIn
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	e164, err := pathID(in.PhoneNumberId)
	if err != nil {
		return nil, err
	}
	n, err := s.svc.Numbers.RestorePhoneNumber(ctx, c.caller, e164)
	if err != nil {
		return nil, err
	}
	return phoneNumberOutput{PhoneNumber: phoneNumber(n)}, nil
}

func (s *Server) getPhoneNumberSettings(ctx context.Context, c *call) (any, error) {
	st, err := s.svc.Numbers.GetPhoneNumberSettings(ctx, c.caller)
	if err != nil {
		return nil, err
	}
	return struct {
		CallingName                 string `json:",omitempty"`
		CallingNameUpdatedTimestamp *Time  `json:",omitempty"`
	}{st.CallingName, timePtr(st.CallingNameUpdatedAt)}, nil
}

func (s *Server) updatePhoneNumberSettings(ctx context.Context, c *call) (any, error) {
	var in struct{ CallingName string }
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return nil, s.svc.Numbers.UpdatePhoneNumberSettings(ctx, c.caller, in.CallingName)
}
