package chimevoice

import "context"

// E911 address validation (ValidateE911Address): the results of the
// model's ValidationResult.
const (
	E911Valid     = 0 // the address is valid as given
	E911Corrected = 1 // valid once corrected: Address holds the corrected form
	E911Invalid   = 2 // not valid: resubmit one of the candidates, if any
)

// E911Address is a ValidateE911Address request.
type E911Address struct {
	AwsAccountID string
	StreetNumber string
	StreetInfo   string
	City         string
	State        string
	Country      string
	PostalCode   string
}

// Validate checks the account: an address is validated for the caller's
// own account only.
func (a E911Address) Validate(c Caller) error {
	if a.AwsAccountID != c.AccountID {
		e := FieldErrorf("AwsAccountId", "%q is not the caller's account %s.", a.AwsAccountID, c.AccountID)
		e.Code = CodeForbidden
		return e
	}
	return nil
}

// ValidatedAddress is the model's Address: an address in its corrected,
// USPS form.
type ValidatedAddress struct {
	StreetName, StreetSuffix, PostDirectional, PreDirectional string
	StreetNumber, City, State, PostalCode, PostalCodePlus4    string
	Country                                                   string
}

// CandidateAddress is one suggestion of an invalid address's CandidateAddressList.
type CandidateAddress struct {
	StreetInfo, StreetNumber, City, State, PostalCode, PostalCodePlus4, Country string
}

// E911Result is the answer of ValidateE911Address.
type E911Result struct {
	Result            int
	AddressExternalID string            // for valid and corrected addresses
	Address           *ValidatedAddress // for valid and corrected addresses
	Candidates        []CandidateAddress
}

// E911Service validates emergency addresses.
type E911Service interface {
	ValidateE911Address(ctx context.Context, c Caller, a E911Address) (*E911Result, error)
}
