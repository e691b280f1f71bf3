package httpapi

import (
	"context"

	"github.com/chimevoice/chimevoice"
	"github.com/chimevoice/chimevoice/model"
)

func (s *Server) registerOrders() {
	s.handle("CreatePhoneNumberOrder", s.createPhoneNumberOrder)
	s.handle("GetPhoneNumberOrder", s.getPhoneNumberOrder)
	s.handle("ListPhoneNumberOrders", s.listPhoneNumberOrders)
	s.handle("SearchAvailablePhoneNumbers", s.searchAvailablePhoneNumbers)
	s.handle("ListSupportedPhoneNumberCountries", s.listSupportedPhoneNumberCountries)
}

type orderOutput struct {
	PhoneNumberOrder orderOut
}

func (s *Server) createPhoneNumberOrder(ctx context.Context, c *call) (any, error) {
	var in struct {
		ProductType      string
		E164PhoneNumbers []string
		Name             string
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	ids, err := numberList("E164PhoneNumbers", in.E164PhoneNumbers)
	if err != nil {
		return nil, err
	}
	r := chimevoice.OrderRequest{ProductType: chimevoice.ProductType(in.ProductType), Name: in.Name, E164s: make([]string, len(ids))}
	for i, id := range ids {
		if id.E164 == "" {
			return nil, chimevoice.Errorf(chimevoice.CodeBadRequest, "E164PhoneNumbers[%d]: %q is not a valid E.164 number.", i, model.Clip(id.Raw))
		}
		r.E164s[i] = id.E164
	}
	o, err := s.svc.Orders.CreatePhoneNumberOrder(ctx, c.caller, r)
	if err != nil {
		return nil, err
	}
	return orderOutput{PhoneNumberOrder: order(o)}, nil
}

func (s *Server) getPhoneNumberOrder(ctx context.Context, c *call) (any, error) {
	var in struct{ PhoneNumberOrderId string }
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	o, err := s.svc.Orders.GetPhoneNumberOrder(ctx, c.caller, in.PhoneNumberOrderId)
	if err != nil {
		return nil, err
	}
	return orderOutput{PhoneNumberOrder: order(o)}, nil
}

func (s *Server) listPhoneNumberOrders(ctx context.Context, c *call) (any, error) {
	var in struct {
		MaxResults int
		NextToken  string
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	os, next, err := s.svc.Orders.ListPhoneNumberOrders(ctx, c.caller, in.MaxResults, in.NextToken)
	if err != nil {
		return nil, err
	}
	out := struct {
		PhoneNumberOrders []orderOut
		NextToken         string `json:",omitempty"`
	}{PhoneNumberOrders: make([]orderOut, len(os)), NextToken: next}
	for i, o := range os {
		out.PhoneNumberOrders[i] = order(o)
	}
	return out, nil
}

func (s *Server) searchAvailablePhoneNumbers(ctx context.Context, c *call) (any, error) {
	var in struct {
		AreaCode        string
		City            string
		Country         string
		State           string
		TollFreePrefix  string
		PhoneNumberType string
		MaxResults      int
		NextToken       string
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	nums, next, err := s.svc.Orders.SearchAvailablePhoneNumbers(ctx, c.caller, chimevoice.SearchRequest{
		Country: in.Country, AreaCode: in.AreaCode, City: in.City, State: in.State,
		TollFreePrefix: in.TollFreePrefix, PhoneNumberType: in.PhoneNumberType,
		Limit: in.MaxResults, NextToken: in.NextToken,
	})
	if err != nil {
		return nil, err
	}
	if nums == nil {
		nums = []string{}
	}
	return struct {
		E164PhoneNumbers []string
		NextToken        string `json:",omitempty"`
	}{nums, next}, nil
}

func (s *Server) listSupportedPhoneNumberCountries(ctx context.Context, c *call) (any, error) {
	var in struct{ ProductType string }
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	cs, err := s.svc.Orders.SupportedCountries(ctx, c.caller, chimevoice.ProductType(in.ProductType))
	if err != nil {
		return nil, err
	}
	type countryOut struct {
		CountryCode               string
		SupportedPhoneNumberTypes []string
	}
	out := struct{ PhoneNumberCountries []countryOut }{PhoneNumberCountries: make([]countryOut, len(cs))}
	for i, ct := range cs {
		types := make([]string, len(ct.Types))
		for j, t := range ct.Types {
			types[j] = string(t)
		}
		out.PhoneNumberCountries[i] = countryOut{CountryCode: ct.Code, SupportedPhoneNumberTypes: types}
	}
	return out, nil
}
