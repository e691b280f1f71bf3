package console

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/chimevoice/chimevoice"
)

// token reads an opaque paging token of a service list from the query.
// The service validates it; the console only bounds its length.
func token(r *request, name string) (string, error) {
	t := r.URL.Query().Get(name)
	if len(t) > 1024 {
		return "", badRequest("The page link is not valid: start again from the first page.")
	}
	return t, nil
}

type orderRow struct {
	*chimevoice.Order
	URL      string
	Acquired int
	Failed   int
}

func newOrderRow(o *chimevoice.Order) orderRow {
	r := orderRow{Order: o, URL: Prefix + "/orders/" + url.PathEscape(o.ID)}
	for _, n := range o.Numbers {
		switch n.Status {
		case chimevoice.OrderedAcquired:
			r.Acquired++
		case chimevoice.OrderedFailed:
			r.Failed++
		}
	}
	return r
}

type ordersData struct {
	Rows        []orderRow
	First, Next string
}

// orders lists the account's phone number orders, oldest first, as the
// service pages them.
func (c *Console) orders(w http.ResponseWriter, r *request) {
	next, err := token(r, "next")
	if err == nil {
		err = authorize(r, "ListPhoneNumberOrders", "list orders")
	}
	var os []*chimevoice.Order
	var more string
	if err == nil {
		os, more, err = c.svc.Orders.ListPhoneNumberOrders(r.Context(), r.caller, pageSizes[0], next)
	}
	if err != nil {
		c.fail(w, r, err)
		return
	}
	var d ordersData
	for _, o := range os {
		d.Rows = append(d.Rows, newOrderRow(o))
	}
	if next != "" {
		d.First = Prefix + "/orders"
	}
	if more != "" {
		d.Next = Prefix + "/orders?" + url.Values{"next": {more}}.Encode()
	}
	c.render(w, r, http.StatusOK, "orders", view{Title: "Orders", Nav: "orders", Data: &d})
}

func (c *Console) order(w http.ResponseWriter, r *request) {
	err := authorize(r, "GetPhoneNumberOrder", "view orders")
	var o *chimevoice.Order
	if err == nil {
		o, err = c.svc.Orders.GetPhoneNumberOrder(r.Context(), r.caller, r.PathValue("id"))
	}
	if err != nil {
		c.fail(w, r, err)
		return
	}
	row := newOrderRow(o)
	c.render(w, r, http.StatusOK, "order", view{Title: "Order " + o.ID, Nav: "orders", Data: &row})
}

type groupRow struct {
	*chimevoice.VoiceConnectorGroup
	NumbersURL string
}

type vcsData struct {
	Connectors        []*chimevoice.VoiceConnector
	Groups            []groupRow
	First, Next       string
	GroupNext         string
	GroupsUnavailable bool
}

// voiceConnectors lists the account's Voice Connectors and groups; each
// links to the numbers associated with it.
func (c *Console) voiceConnectors(w http.ResponseWriter, r *request) {
	next, err := token(r, "next")
	var gnext string
	if err == nil {
		gnext, err = token(r, "gnext")
	}
	if err == nil {
		err = authorize(r, "ListVoiceConnectors", "list Voice Connectors")
	}
	var d vcsData
	var more string
	if err == nil {
		d.Connectors, more, err = c.svc.VoiceConnectors.ListVoiceConnectors(r.Context(), r.caller, chimevoice.Page{Limit: pageSizes[0], NextToken: next})
	}
	if err != nil {
		c.fail(w, r, err)
		return
	}
	if next != "" || gnext != "" {
		d.First = Prefix + "/voice-connectors"
	}
	if more != "" {
		d.Next = Prefix + "/voice-connectors?" + url.Values{"next": {more}}.Encode()
	}
	if r.s.allowed("ListVoiceConnectorGroups") {
		gs, gmore, err := c.svc.VoiceConnectors.ListVoiceConnectorGroups(r.Context(), r.caller, chimevoice.Page{Limit: pageSizes[0], NextToken: gnext})
		if err != nil {
			c.fail(w, r, err)
			return
		}
		for _, g := range gs {
			d.Groups = append(d.Groups, groupRow{VoiceConnectorGroup: g,
				NumbersURL: Prefix + "/numbers?" + url.Values{"assoc": {string(chimevoice.AssocVoiceConnectorGroup)}, "value": {g.ID}}.Encode()})
		}
		if gmore != "" {
			d.GroupNext = Prefix + "/voice-connectors?" + url.Values{"gnext": {gmore}}.Encode()
		}
	} else {
		d.GroupsUnavailable = true
	}
	c.render(w, r, http.StatusOK, "voiceconnectors", view{Title: "Voice Connectors", Nav: "vcs", Data: &d})
}

type vcData struct {
	VC          *chimevoice.VoiceConnector
	Rows        []numberRow
	First, Next string
	AllURL      string
}

// voiceConnector shows a Voice Connector and a keyset page of its numbers.
func (c *Console) voiceConnector(w http.ResponseWriter, r *request) {
	id := r.PathValue("id")
	err := authorize(r, "GetVoiceConnector", "view Voice Connectors")
	if err == nil {
		err = authorize(r, "ListPhoneNumbers", "list phone numbers")
	}
	after := ""
	if a := r.URL.Query().Get("after"); a != "" && err == nil {
		e164, ok := chimevoice.ParseID(strings.TrimSpace(a))
		if !ok {
			err = badRequest("The page link is not valid (after=%q is not a phone number): start again from the first page.", clip(a))
		}
		after = e164
	}
	d := vcData{}
	if err == nil {
		d.VC, err = c.svc.VoiceConnectors.GetVoiceConnector(r.Context(), r.caller, id)
	}
	var ns []*chimevoice.PhoneNumber
	var next string
	if err == nil {
		ns, next, err = c.svc.Numbers.ListPhoneNumbers(r.Context(), r.caller, chimevoice.PhoneNumberFilter{
			FilterName: chimevoice.AssocVoiceConnector, FilterValue: id, Limit: pageSizes[0], After: after})
	}
	if err != nil {
		c.fail(w, r, err)
		return
	}
	base := Prefix + "/voice-connectors/" + url.PathEscape(id)
	now := c.now(r)
	for _, n := range ns {
		d.Rows = append(d.Rows, c.row(n, now))
	}
	if after != "" {
		d.First = base
	}
	if next != "" {
		d.Next = base + "?" + url.Values{"after": {next}}.Encode()
	}
	d.AllURL = Prefix + "/numbers?" + url.Values{"assoc": {string(chimevoice.AssocVoiceConnector)}, "value": {id}}.Encode()
	c.render(w, r, http.StatusOK, "voiceconnector", view{Title: "Voice Connector " + d.VC.Name, Nav: "vcs", Data: &d})
}
