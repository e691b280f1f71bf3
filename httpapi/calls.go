package httpapi

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"github.com/chimevoice/chimevoice"
)

// registerCalls registers the operations on calls of SIP media
// applications (the PSTN audio service: package pstn runs them).
func (s *Server) registerCalls() {
	s.handle("CreateSipMediaApplicationCall", op(s.createSipMediaApplicationCall))
	s.handle("UpdateSipMediaApplicationCall", op(s.updateSipMediaApplicationCall))
}

// registerCallAdmin adds the admin API's endpoints of calls: place an
// inbound call, read calls and their transcripts, and the script of the
// callee of outbound calls.
func (s *Server) registerCallAdmin(mux *http.ServeMux) {
	mux.HandleFunc("POST /_chimevoice/calls", s.adminOp(s.postCall))
	mux.HandleFunc("GET /_chimevoice/calls", s.adminOp(s.listCalls))
	mux.HandleFunc("GET /_chimevoice/calls/{TransactionId}", s.adminOp(s.getCall))
	mux.HandleFunc("GET /_chimevoice/outbound-callee", s.adminOp(s.getOutboundCallee))
	mux.HandleFunc("PUT /_chimevoice/outbound-callee", s.adminOp(s.putOutboundCallee))
}

// sipMediaApplicationCall is the output of both operations.
func sipMediaApplicationCall(c *chimevoice.Call) any {
	return map[string]any{"SipMediaApplicationCall": map[string]string{"TransactionId": c.TransactionID}}
}

func (s *Server) createSipMediaApplicationCall(ctx context.Context, c chimevoice.Caller, in struct {
	SipMediaApplicationId string
	FromPhoneNumber       string
	ToPhoneNumber         string
	SipHeaders            map[string]string
	ArgumentsMap          map[string]string
}) (any, error) {
	return out(sipMediaApplicationCall)(s.svc.Calls.CreateSipMediaApplicationCall(ctx, c, chimevoice.CreateCallRequest{
		SipMediaApplicationID: in.SipMediaApplicationId, FromPhoneNumber: in.FromPhoneNumber, ToPhoneNumber: in.ToPhoneNumber,
		SipHeaders: in.SipHeaders, ArgumentsMap: in.ArgumentsMap,
	}))
}

func (s *Server) updateSipMediaApplicationCall(ctx context.Context, c chimevoice.Caller, in struct {
	SipMediaApplicationId string
	TransactionId         string
	Arguments             map[string]string
}) (any, error) {
	args := in.Arguments
	if args == nil {
		args = map[string]string{} // the model requires the member; {} is 0 pairs
	}
	return out(sipMediaApplicationCall)(s.svc.Calls.UpdateSipMediaApplicationCall(ctx, c, chimevoice.UpdateCallRequest{
		SipMediaApplicationID: in.SipMediaApplicationId, TransactionID: in.TransactionId, Arguments: args,
	}))
}

// postCall places an inbound call: 201 with the call (and its transcript
// so far). A call that nothing routes is recorded as Failed and answered
// with 404; Location names it either way.
func (s *Server) postCall(w http.ResponseWriter, r *http.Request) (int, any, error) {
	body, err := readBody(w, r)
	if err != nil {
		return 0, nil, err
	}
	req, err := chimevoice.DecodeInboundCall(body)
	if err != nil {
		return 0, nil, err
	}
	c, err := s.svc.Calls.PlaceInboundCall(r.Context(), req)
	if c != nil {
		w.Header().Set("Location", AdminPrefix+"calls/"+url.PathEscape(c.TransactionID))
		if err != nil {
			err = chimevoice.Errorf(chimevoice.ErrorCode(err), "%s The call %s is recorded as Failed.", chimevoice.ErrorMessage(err), c.TransactionID)
		}
	}
	return http.StatusCreated, c, err
}

// maxCallPage is the largest page of GET /_chimevoice/calls.
const maxCallPage = 100

// listCalls answers GET /_chimevoice/calls?AccountId=&Status=&MaxResults=&NextToken=:
// calls newest first, without transcripts.
func (s *Server) listCalls(w http.ResponseWriter, r *http.Request) (int, any, error) {
	q := r.URL.Query()
	f := chimevoice.CallFilter{AccountID: q.Get("AccountId"), Status: chimevoice.CallStatus(q.Get("Status")), After: q.Get("NextToken")}
	switch f.Status {
	case "", chimevoice.CallInProgress, chimevoice.CallCompleted, chimevoice.CallFailed:
	default:
		return 0, nil, chimevoice.FieldErrorf("Status", "%q is not one of InProgress, Completed, Failed.", f.Status)
	}
	if v := q.Get("MaxResults"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxCallPage {
			return 0, nil, chimevoice.FieldErrorf("MaxResults", "%q is not a whole number from 1 to %d.", v, maxCallPage)
		}
		f.Limit = n
	}
	calls, next, err := s.svc.Calls.ListCalls(r.Context(), f)
	if calls == nil {
		calls = []*chimevoice.Call{}
	}
	return http.StatusOK, listed("Calls", calls, next), err
}

// getCall answers GET /_chimevoice/calls/{TransactionId}: the call with its transcript.
func (s *Server) getCall(w http.ResponseWriter, r *http.Request) (int, any, error) {
	c, err := s.svc.Calls.GetCall(r.Context(), r.PathValue("TransactionId"))
	return http.StatusOK, c, err
}

func (s *Server) getOutboundCallee(w http.ResponseWriter, r *http.Request) (int, any, error) {
	return http.StatusOK, s.svc.Calls.OutboundScript(), nil
}

// putOutboundCallee sets what the callee of outbound calls does
// (CreateSipMediaApplicationCall carries no script): {"Callee": "Busy"},
// {"Callee": "Answer", "RingTime": "5s", "Digits": "1#", "HangupAfter": "1m"}.
// {} restores the default (answer after 2 s, press nothing).
func (s *Server) putOutboundCallee(w http.ResponseWriter, r *http.Request) (int, any, error) {
	body, err := readBody(w, r)
	if err != nil {
		return 0, nil, err
	}
	sc, err := chimevoice.DecodeCallScript(body)
	if err == nil {
		err = s.svc.Calls.SetOutboundScript(sc)
	}
	return http.StatusOK, s.svc.Calls.OutboundScript(), err
}
