package httpapi

import (
	"context"

	"github.com/chimevoice/chimevoice"
)

// registerE911 registers ValidateE911Address when its service is set.
func (s *Server) registerE911() {
	if s.svc.E911 == nil {
		return
	}
	s.handle("ValidateE911Address", op(s.validateE911Address))
}

type addressOut struct {
	StreetName      string `json:"streetName,omitempty"`
	StreetSuffix    string `json:"streetSuffix,omitempty"`
	PostDirectional string `json:"postDirectional,omitempty"`
	PreDirectional  string `json:"preDirectional,omitempty"`
	StreetNumber    string `json:"streetNumber,omitempty"`
	City            string `json:"city,omitempty"`
	State           string `json:"state,omitempty"`
	PostalCode      string `json:"postalCode,omitempty"`
	PostalCodePlus4 string `json:"postalCodePlus4,omitempty"`
	Country         string `json:"country,omitempty"`
}

type candidateAddressOut struct {
	StreetInfo      string `json:"streetInfo,omitempty"`
	StreetNumber    string `json:"streetNumber,omitempty"`
	City            string `json:"city,omitempty"`
	State           string `json:"state,omitempty"`
	PostalCode      string `json:"postalCode,omitempty"`
	PostalCodePlus4 string `json:"postalCodePlus4,omitempty"`
	Country         string `json:"country,omitempty"`
}

type validateE911AddressIn struct {
	AwsAccountId, StreetNumber, StreetInfo, City, State, Country, PostalCode string
}

func (s *Server) validateE911Address(ctx context.Context, c chimevoice.Caller, in validateE911AddressIn) (any, error) {
	r, err := s.svc.E911.ValidateE911Address(ctx, c, chimevoice.E911Address{AwsAccountID: in.AwsAccountId, StreetNumber: in.StreetNumber,
		StreetInfo: in.StreetInfo, City: in.City, State: in.State, Country: in.Country, PostalCode: in.PostalCode})
	if err != nil {
		return nil, err
	}
	out := struct {
		ValidationResult     int
		AddressExternalId    string      `json:",omitempty"`
		Address              *addressOut `json:",omitempty"`
		CandidateAddressList []candidateAddressOut
	}{ValidationResult: r.Result, AddressExternalId: r.AddressExternalID,
		CandidateAddressList: convert(r.Candidates, func(a chimevoice.CandidateAddress) candidateAddressOut { return candidateAddressOut(a) })}
	if a := r.Address; a != nil {
		out.Address = &addressOut{a.StreetName, a.StreetSuffix, a.PostDirectional, a.PreDirectional, a.StreetNumber, a.City, a.State, a.PostalCode, a.PostalCodePlus4, a.Country}
	}
	return out, nil
}
