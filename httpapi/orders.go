package httpapi

import (
	"context"

	"github.com/chimevoice/chimevoice"
)

// registerOrders registers the operations of orders and search.
func (s *Server) registerOrders() {
	s.handle("CreatePhoneNumberOrder", op(s.createPhoneNumberOrder))
	s.handle("GetPhoneNumberOrder", getter("PhoneNumberOrderId", s.svc.Orders.GetPhoneNumberOrder, orderOutput))
	s.handle("ListPhoneNumberOrders", op(s.listPhoneNumberOrders))
	s.handle("SearchAvailablePhoneNumbers", op(s.searchAvailablePhoneNumbers))
	s.handle("ListSupportedPhoneNumberCountries", op(s.listSupportedPhoneNumberCountries))
}

func orderOutput(o *chimevoice.Order) any { return struct{ PhoneNumberOrder orderOut }{order(o)} }

func (s *Server) createPhoneNumberOrder(ctx context.Context, c chimevoice.Caller, in struct {
	ProductType      string
	E164PhoneNumbers []string
	Name             string
}) (any, error) {
	r := chimevoice.OrderRequest{ProductType: chimevoice.ProductType(in.ProductType), E164s: in.E164PhoneNumbers, Name: in.Name}
	return out(orderOutput)(s.svc.Orders.CreatePhoneNumberOrder(ctx, c, r))
}

func (s *Server) listPhoneNumberOrders(ctx context.Context, c chimevoice.Caller, in pageIn) (any, error) {
	return page("PhoneNumberOrders", order)(s.svc.Orders.ListPhoneNumberOrders(ctx, c, in.MaxResults, in.NextToken))
}

func (s *Server) searchAvailablePhoneNumbers(ctx context.Context, c chimevoice.Caller, in struct {
	AreaCode        string
	City            string
	Country         string
	State           string
	TollFreePrefix  string
	PhoneNumberType string
	MaxResults      int
	NextToken       string
}) (any, error) {
	nums, next, err := s.svc.Orders.SearchAvailablePhoneNumbers(ctx, c, chimevoice.SearchRequest{
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
	return listed("E164PhoneNumbers", nums, next), nil
}

type countryOut struct {
	CountryCode               string
	SupportedPhoneNumberTypes []string
}

func (s *Server) listSupportedPhoneNumberCountries(ctx context.Context, c chimevoice.Caller, in struct{ ProductType string }) (any, error) {
	return page("PhoneNumberCountries", func(ct chimevoice.Country) countryOut {
		return countryOut{CountryCode: ct.Code, SupportedPhoneNumberTypes: chimevoice.Strings(ct.Types)}
	})(withoutToken(s.svc.Orders.SupportedCountries(ctx, c, chimevoice.ProductType(in.ProductType))))
}

// withoutToken adapts a list answer that has no paging to page.
func withoutToken[T any](xs []T, err error) ([]T, string, error) { return xs, "", err }
