package httpapi

import (
	"time"

	"github.com/chimevoice/chimevoice"
)

// Time is a timestamp on the wire: ISO 8601, UTC, milliseconds.
type Time time.Time

// TimeFormat is the wire format of every timestamp.
const TimeFormat = "2006-01-02T15:04:05.000Z"

// MarshalJSON implements json.Marshaler.
func (t Time) MarshalJSON() ([]byte, error) {
	b := make([]byte, 0, len(TimeFormat)+2)
	b = append(b, '"')
	b = time.Time(t).UTC().AppendFormat(b, TimeFormat)
	return append(b, '"'), nil
}

func timePtr(t time.Time) *Time {
	if t.IsZero() {
		return nil
	}
	v := Time(t)
	return &v
}

type capabilitiesOut struct {
	InboundCall  bool
	OutboundCall bool
	InboundSMS   bool
	OutboundSMS  bool
	InboundMMS   bool
	OutboundMMS  bool
}

type associationOut struct {
	Value               string
	Name                string
	AssociatedTimestamp *Time
}

// phoneNumberOut is the PhoneNumber shape, the union of both models.
type phoneNumberOut struct {
	PhoneNumberId     string
	E164PhoneNumber   string
	PhoneNumberArn    string
	Country           string
	Type              string
	ProductType       string
	Status            string
	Capabilities      capabilitiesOut
	Associations      []associationOut
	CallingName       string `json:",omitempty"`
	CallingNameStatus string
	CreatedTimestamp  *Time  `json:",omitempty"`
	UpdatedTimestamp  *Time  `json:",omitempty"`
	DeletionTimestamp *Time  `json:",omitempty"`
	OrderId           string `json:",omitempty"`
	Name              string `json:",omitempty"`
}

// capabilities of a number by country and type: US numbers take calls and
// messages (toll-free numbers no MMS); elsewhere, calls only.
func capabilities(n *chimevoice.PhoneNumber) capabilitiesOut {
	if n.Country != "US" {
		return capabilitiesOut{InboundCall: true, OutboundCall: true}
	}
	mms := n.Type != chimevoice.NumberTollFree
	return capabilitiesOut{InboundCall: true, OutboundCall: true, InboundSMS: true, OutboundSMS: true, InboundMMS: mms, OutboundMMS: mms}
}

// phoneNumber is the PhoneNumber shape of n for a caller in region.
func phoneNumber(region string, n *chimevoice.PhoneNumber) phoneNumberOut {
	out := phoneNumberOut{
		PhoneNumberId:     chimevoice.OutputID(n.E164),
		E164PhoneNumber:   n.E164,
		PhoneNumberArn:    chimevoice.PhoneNumberARN(region, n.AccountID, n.E164),
		Country:           n.Country,
		Type:              string(n.Type),
		ProductType:       string(n.ProductType),
		Status:            string(n.Status),
		Capabilities:      capabilities(n),
		Associations:      make([]associationOut, len(n.Associations)),
		CallingName:       n.CallingName,
		CallingNameStatus: string(n.CallingNameStatus),
		CreatedTimestamp:  timePtr(n.CreatedAt),
		UpdatedTimestamp:  timePtr(n.UpdatedAt),
		DeletionTimestamp: timePtr(n.DeletedAt),
		OrderId:           n.OrderID,
		Name:              n.Name,
	}
	for i, a := range n.Associations {
		out.Associations[i] = associationOut{Value: a.Value, Name: string(a.Name), AssociatedTimestamp: timePtr(a.AssociatedAt)}
	}
	return out
}

type phoneNumberErrorOut struct {
	PhoneNumberId string
	ErrorCode     string
	ErrorMessage  string
}

// phoneNumberErrorsOut is the output of the batch calls; the list is always
// present, empty when every item succeeded.
type phoneNumberErrorsOut struct {
	PhoneNumberErrors []phoneNumberErrorOut
}

func phoneNumberErrorsOutput(errs []chimevoice.PhoneNumberError) any { return phoneNumberErrors(errs) }

func phoneNumberErrors(errs []chimevoice.PhoneNumberError) phoneNumberErrorsOut {
	out := phoneNumberErrorsOut{PhoneNumberErrors: make([]phoneNumberErrorOut, len(errs))}
	for i, e := range errs {
		out.PhoneNumberErrors[i] = phoneNumberErrorOut{PhoneNumberId: e.PhoneNumberID, ErrorCode: string(e.Code), ErrorMessage: e.Message}
	}
	return out
}

type orderedNumberOut struct {
	E164PhoneNumber string
	Status          string
}

type orderOut struct {
	PhoneNumberOrderId  string
	ProductType         string
	Status              string
	OrderType           string
	OrderedPhoneNumbers []orderedNumberOut
	CreatedTimestamp    *Time  `json:",omitempty"`
	UpdatedTimestamp    *Time  `json:",omitempty"`
	Name                string `json:",omitempty"`
}

func order(o *chimevoice.Order) orderOut {
	out := orderOut{
		PhoneNumberOrderId:  o.ID,
		ProductType:         string(o.ProductType),
		Status:              string(o.Status),
		OrderType:           o.OrderType,
		OrderedPhoneNumbers: make([]orderedNumberOut, len(o.Numbers)),
		CreatedTimestamp:    timePtr(o.CreatedAt),
		UpdatedTimestamp:    timePtr(o.UpdatedAt),
		Name:                o.Name,
	}
	for i, n := range o.Numbers {
		out.OrderedPhoneNumbers[i] = orderedNumberOut{E164PhoneNumber: n.E164, Status: string(n.Status)}
	}
	return out
}
