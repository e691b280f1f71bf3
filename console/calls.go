package console

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"time"

	"github.com/chimevoice/chimevoice"
)

// registerCalls adds the Calls pages: the account's calls, newest first,
// and one call with its transcript.
func (c *Console) registerCalls() {
	c.mux.HandleFunc("GET /console/calls", c.get(c.calls))
	c.mux.HandleFunc("GET /console/calls/{id}", c.get(c.call))
}

type callRow struct {
	*chimevoice.Call
	URL       string
	Direction chimevoice.CallDirection
	From, To  string
}

func newCallRow(cl *chimevoice.Call) callRow {
	r := callRow{Call: cl, URL: Prefix + "/calls/" + url.PathEscape(cl.TransactionID)}
	if a := cl.Leg(chimevoice.LegA); a != nil {
		r.Direction, r.From, r.To = a.Direction, a.From, a.To
	}
	return r
}

type callsData struct {
	Rows        []callRow
	First, Next string
}

// calls lists the account's calls, newest first. Reading calls needs
// ListSipMediaApplications in the key's allow list: calls belong to the
// account's SIP media applications.
func (c *Console) calls(w http.ResponseWriter, r *request) {
	next, err := token(r, "next")
	if err == nil {
		err = authorize(r, "ListSipMediaApplications", "list calls")
	}
	var cs []*chimevoice.Call
	var more string
	if err == nil {
		cs, more, err = c.svc.Calls.ListCalls(r.Context(), chimevoice.CallFilter{AccountID: r.caller.AccountID, Limit: pageSizes[0], After: next})
	}
	if err != nil {
		c.fail(w, r, err)
		return
	}
	var d callsData
	for _, cl := range cs {
		d.Rows = append(d.Rows, newCallRow(cl))
	}
	if next != "" {
		d.First = Prefix + "/calls"
	}
	if more != "" {
		d.Next = Prefix + "/calls?" + url.Values{"next": {more}}.Encode()
	}
	c.render(w, r, http.StatusOK, "calls", view{Title: "Calls", Nav: "calls", Data: &d})
}

// transcriptLine is one entry of a transcript as the page shows it: notes
// as text, events and responses as indented JSON.
type transcriptLine struct {
	chimevoice.TranscriptEntry
	Offset time.Duration // from the start of the call
	Event  string        // the InvocationEventType of an event sent
	Text   string        // a note
	JSON   string        // an event or a response, indented
}

type callData struct {
	callRow
	Lines []transcriptLine
}

// call shows one call of the account with its transcript; another
// account's call is not found, as in the API.
func (c *Console) call(w http.ResponseWriter, r *request) {
	err := authorize(r, "GetSipMediaApplication", "view calls")
	var cl *chimevoice.Call
	if err == nil {
		cl, err = c.svc.Calls.GetCall(r.Context(), r.PathValue("id"))
	}
	if err == nil && cl.AccountID != r.caller.AccountID {
		err = chimevoice.Errorf(chimevoice.CodeNotFound, "The call %s was not found.", r.PathValue("id"))
	}
	if err != nil {
		c.fail(w, r, err)
		return
	}
	d := callData{callRow: newCallRow(cl)}
	for _, en := range cl.Transcript {
		l := transcriptLine{TranscriptEntry: en, Offset: en.At.Sub(cl.CreatedAt)}
		switch en.Kind {
		case chimevoice.TranscriptNote:
			json.Unmarshal(en.Body, &l.Text)
		case chimevoice.TranscriptEventSent:
			var ev struct{ InvocationEventType string }
			json.Unmarshal(en.Body, &ev)
			l.Event = ev.InvocationEventType
		}
		if l.Text == "" {
			var b bytes.Buffer
			if json.Indent(&b, en.Body, "", "  ") == nil {
				l.JSON = b.String()
			} else {
				l.JSON = string(en.Body)
			}
		}
		d.Lines = append(d.Lines, l)
	}
	c.render(w, r, http.StatusOK, "call", view{Title: "Call " + cl.TransactionID, Nav: "calls", Data: &d})
}
