package sqlstore_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chimevoice/chimevoice"
	"github.com/chimevoice/chimevoice/chimevoicetest"
	"github.com/chimevoice/chimevoice/lambdainvoke"
	"github.com/chimevoice/chimevoice/lambdainvoke/lambdatest"
	"github.com/chimevoice/chimevoice/pstn"
	"github.com/chimevoice/chimevoice/sqlstore"
)

var _ pstn.Store = (*sqlstore.Store)(nil)

func testCall(id string, at time.Time, account string) *chimevoice.Call {
	return &chimevoice.Call{
		TransactionID: id, AccountID: account, Region: "us-east-1", SipMediaApplicationID: "sma-1", SipRuleID: "rule-1",
		Status: chimevoice.CallInProgress, Script: chimevoice.CallScript{Digits: "12#", HangupAfter: 20 * time.Second},
		CreatedAt: at, UpdatedAt: at, DueAt: at.Add(1500 * time.Millisecond), State: json.RawMessage(`{"seq":1}`), Version: 1,
		Participants: []chimevoice.Participant{{CallID: id + "-a", Tag: chimevoice.LegA, To: "+12065550100", From: "+15105550101",
			Direction: chimevoice.Inbound, StartTime: at, Status: chimevoice.ParticipantConnected}},
	}
}

func entry(seq int, at time.Time, kind chimevoice.TranscriptKind, body string) chimevoice.TranscriptEntry {
	return chimevoice.TranscriptEntry{Seq: seq, At: at, Kind: kind, Body: json.RawMessage(body)}
}

// TestCallStore checks pstn.Store on every backend: round trips, versions,
// transcript order, paging and due timers.
func TestCallStore(t *testing.T) {
	chimevoicetest.Each(t, func(t *testing.T, b chimevoicetest.Backend) {
		ctx := context.Background()
		st := b.Open(t, sqlstore.Config{Clock: chimevoicetest.NewClock(chimevoicetest.Epoch)})
		t0 := chimevoicetest.Epoch
		c := testCall("tx-1", t0, "111111111111")
		e1 := []chimevoice.TranscriptEntry{entry(1, t0, chimevoice.TranscriptNote, `"placed"`), entry(2, t0, chimevoice.TranscriptEventSent, `{"Sequence":1}`)}
		chimevoicetest.Must(t, st.CreateCall(ctx, c, e1), "create")
		if err := st.CreateCall(ctx, c, nil); chimevoice.ErrorCode(err) != chimevoice.CodeConflict {
			t.Fatalf("second create: %v, want Conflict", err)
		}
		got, err := st.GetCall(ctx, "tx-1")
		chimevoicetest.Must(t, err, "get")
		c.Transcript = e1
		if a, b := mustJSON(t, got), mustJSON(t, c); a != b || string(got.State) != string(c.State) || got.Version != 1 {
			t.Fatalf("round trip:\n got %s %s v%d\nwant %s %s", a, got.State, got.Version, b, c.State)
		}

		// Save: version 2 over 1; a stale save is Conflict and changes nothing.
		c.Version, c.Status, c.EndReason, c.EndedAt, c.DueAt = 2, chimevoice.CallCompleted, "done", t0.Add(time.Minute), time.Time{}
		c.Participants[0].Status = chimevoice.ParticipantDisconnected
		e2 := []chimevoice.TranscriptEntry{entry(3, t0.Add(time.Minute), chimevoice.TranscriptResponseReceived, `{"Actions":[]}`)}
		chimevoicetest.Must(t, st.SaveCall(ctx, c, e2), "save")
		stale := *c
		if err := st.SaveCall(ctx, &stale, []chimevoice.TranscriptEntry{entry(4, t0, chimevoice.TranscriptNote, `"x"`)}); chimevoice.ErrorCode(err) != chimevoice.CodeConflict {
			t.Fatalf("stale save: %v, want Conflict", err)
		}
		unknown := testCall("tx-none", t0, "111111111111")
		unknown.Version = 2
		if err := st.SaveCall(ctx, unknown, nil); chimevoice.ErrorCode(err) != chimevoice.CodeNotFound {
			t.Fatalf("save unknown: %v, want NotFound", err)
		}
		got, err = st.GetCall(ctx, "tx-1")
		chimevoicetest.Must(t, err, "get")
		c.Transcript = append(slices.Clone(e1), e2...)
		if a, b := mustJSON(t, got), mustJSON(t, c); a != b || got.Version != 2 {
			t.Fatalf("after save:\n got %s\nwant %s", a, b)
		}
		if _, err := st.GetCall(ctx, "tx-none"); chimevoice.ErrorCode(err) != chimevoice.CodeNotFound {
			t.Fatalf("get unknown: %v", err)
		}

		// Lists: newest first, by pages, filtered.
		for i := 2; i <= 5; i++ {
			acct := "111111111111"
			if i%2 == 1 {
				acct = "222222222222"
			}
			chimevoicetest.Must(t, st.CreateCall(ctx, testCall(fmt.Sprintf("tx-%d", i), t0.Add(time.Duration(i)*time.Second), acct), nil), "create")
		}
		var ids []string
		tok := ""
		for {
			page, next, err := st.ListCalls(ctx, chimevoice.CallFilter{Limit: 2, After: tok})
			chimevoicetest.Must(t, err, "list")
			for _, c := range page {
				if c.Transcript != nil {
					t.Fatal("list returned a transcript")
				}
				ids = append(ids, c.TransactionID)
			}
			if tok = next; tok == "" {
				break
			}
		}
		if want := []string{"tx-5", "tx-4", "tx-3", "tx-2", "tx-1"}; !slices.Equal(ids, want) {
			t.Fatalf("pages: %v, want %v", ids, want)
		}
		page, _, err := st.ListCalls(ctx, chimevoice.CallFilter{AccountID: "111111111111", Status: chimevoice.CallInProgress})
		chimevoicetest.Must(t, err, "list filtered")
		if len(page) != 2 || page[0].TransactionID != "tx-4" || page[1].TransactionID != "tx-2" {
			t.Fatalf("filtered: %v", page)
		}
		if _, _, err := st.ListCalls(ctx, chimevoice.CallFilter{After: "garbage"}); chimevoice.ErrorCode(err) != chimevoice.CodeBadRequest {
			t.Fatalf("bad token: %v", err)
		}

		// Due: in-progress calls whose timer is not after now, each claimed
		// once until the lease ends or the call is saved.
		now := t0.Add(4500 * time.Millisecond)
		due, err := st.ClaimDueCalls(ctx, now, time.Minute, 10)
		chimevoicetest.Must(t, err, "claim")
		if want := []string{"tx-2", "tx-3"}; !slices.Equal(due, want) {
			t.Fatalf("due: %v, want %v", due, want)
		}
		if again, err := st.ClaimDueCalls(ctx, now, time.Minute, 10); err != nil || len(again) != 0 {
			t.Fatalf("claimed twice: %v, %v", again, err)
		}
		tx3, err := st.GetCall(ctx, "tx-3")
		chimevoicetest.Must(t, err, "get")
		tx3.Version++
		chimevoicetest.Must(t, st.SaveCall(ctx, tx3, nil), "save releases the claim")
		if again, err := st.ClaimDueCalls(ctx, now, time.Minute, 10); err != nil || !slices.Equal(again, []string{"tx-3"}) {
			t.Fatalf("after save: %v, %v", again, err)
		}
		if again, err := st.ClaimDueCalls(ctx, now.Add(time.Minute), time.Minute, 10); err != nil || !slices.Equal(again, []string{"tx-2", "tx-3", "tx-4", "tx-5"}) {
			t.Fatalf("after the lease: %v, %v", again, err)
		}
	})
}

// TestClaimDueCallsConcurrently: processes claiming at once each get
// different calls, and together all of them.
func TestClaimDueCallsConcurrently(t *testing.T) {
	chimevoicetest.Each(t, func(t *testing.T, b chimevoicetest.Backend) {
		ctx := context.Background()
		st := b.Open(t, sqlstore.Config{Clock: chimevoicetest.NewClock(chimevoicetest.Epoch)})
		t0 := chimevoicetest.Epoch
		const n = 40
		for i := range n {
			chimevoicetest.Must(t, st.CreateCall(ctx, testCall(fmt.Sprintf("tx-%02d", i), t0, "111111111111"), nil), "create")
		}
		var mu sync.Mutex
		got := map[string]int{}
		var wg sync.WaitGroup
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					ids, err := st.ClaimDueCalls(ctx, t0.Add(time.Hour), time.Minute, 3)
					if err != nil {
						t.Error(err)
						return
					}
					if len(ids) == 0 {
						return
					}
					mu.Lock()
					for _, id := range ids {
						got[id]++
					}
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		if len(got) != n {
			t.Fatalf("%d calls claimed, want %d", len(got), n)
		}
		for id, k := range got {
			if k != 1 {
				t.Fatalf("%s claimed %d times", id, k)
			}
		}
	})
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestCallsOnStore runs the example handler behind a real Lambda Invoke API
// with calls kept in the store, on every backend, moving the store's
// service clock.
func TestCallsOnStore(t *testing.T) {
	lambda := lambdatest.Start(t, lambdatest.RepoFile("examples/calls/handler.py"))
	chimevoicetest.Each(t, func(t *testing.T, b chimevoicetest.Backend) {
		ctx := context.Background()
		st := b.Open(t, sqlstore.Config{Clock: chimevoicetest.NewClock(chimevoicetest.Epoch)})
		inv, err := lambdainvoke.New(lambdainvoke.Config{Endpoint: lambda.URL})
		chimevoicetest.Must(t, err, "invoker")
		serviceClock := chimevoice.ClockFunc(func() time.Time {
			now, err := st.Now(ctx)
			if err != nil {
				t.Errorf("service clock: %v", err)
			}
			return now
		})
		me := chimevoice.Caller{AccountID: "111111111111", Region: "us-east-1"}
		sma, rule, nums := provisionSMA(t, st, me)
		eng := pstn.New(st, st, inv, serviceClock, pstn.Options{})

		route, err := st.RouteInbound(ctx, nums[0], "")
		chimevoicetest.Must(t, err, "route")
		if route != (pstn.Route{AccountID: me.AccountID, Region: "us-east-1", SipRuleID: rule.ID, SipMediaApplicationID: sma.ID, Function: sma.Endpoints[0]}) {
			t.Fatalf("route %+v", route)
		}
		if _, err := st.RouteInbound(ctx, nums[1], ""); chimevoice.ErrorCode(err) != chimevoice.CodeNotFound {
			t.Fatalf("number without a rule: %v", err)
		}
		// A call arriving on a Voice Connector is routed by its host name.
		vc, err := st.CreateVoiceConnector(ctx, me, chimevoice.VoiceConnectorInput{Name: "trunk", AwsRegion: "us-east-1"})
		chimevoicetest.Must(t, err, "create voice connector")
		hostRule, err := st.CreateSipRule(ctx, me, chimevoice.SipRule{Name: "trunk", TriggerType: chimevoice.TriggerRequestURIHostname, TriggerValue: vc.OutboundHostName,
			Targets: []chimevoice.SipRuleTarget{{SipMediaApplicationID: sma.ID, Priority: 2, AwsRegion: "us-east-1"}}})
		chimevoicetest.Must(t, err, "create host rule")
		route, err = st.RouteInbound(ctx, "+15105550199", vc.OutboundHostName)
		chimevoicetest.Must(t, err, "route by host")
		if route.SipRuleID != hostRule.ID || route.SipMediaApplicationID != sma.ID {
			t.Fatalf("route by host %+v", route)
		}
		disabled := true
		_, err = st.UpdateSipRule(ctx, me, hostRule.ID, chimevoice.SipRuleUpdate{Name: "trunk", Disabled: &disabled})
		chimevoicetest.Must(t, err, "disable rule")
		if _, err := st.RouteInbound(ctx, "+15105550199", vc.OutboundHostName); chimevoice.ErrorCode(err) != chimevoice.CodeNotFound || !strings.Contains(chimevoice.ErrorMessage(err), "disabled") {
			t.Fatalf("disabled rule: %v", err)
		}
		chimevoicetest.Must(t, st.CheckFromNumber(ctx, me, nums[1]), "from number")
		for _, bad := range []string{"+15105550101", nums[2]} {
			if err := st.CheckFromNumber(ctx, me, bad); chimevoice.ErrorCode(err) != chimevoice.CodeBadRequest {
				t.Fatalf("from %s: %v", bad, err)
			}
		}
		if err := st.CheckFromNumber(ctx, chimevoice.Caller{AccountID: "222222222222"}, nums[1]); chimevoice.ErrorCode(err) != chimevoice.CodeBadRequest {
			t.Fatalf("another account's number: %v", err)
		}
		if _, err := st.SipMediaApplication(ctx, chimevoice.Caller{AccountID: "222222222222"}, sma.ID); chimevoice.ErrorCode(err) != chimevoice.CodeNotFound {
			t.Fatalf("another account's application: %v", err)
		}

		c, err := eng.PlaceInboundCall(ctx, chimevoice.InboundCallRequest{From: "+15105550101", To: nums[0], Script: chimevoice.CallScript{Digits: "2"}})
		chimevoicetest.Must(t, err, "place call")
		if got, err := st.GetCall(ctx, c.TransactionID); err != nil || !got.DueAt.Equal(c.DueAt) || c.DueAt.IsZero() {
			t.Fatalf("stored DueAt %v (%v), want %s", got.DueAt, err, c.DueAt)
		}
		_, err = st.AdvanceClock(ctx, time.Minute)
		chimevoicetest.Must(t, err, "advance")
		chimevoicetest.Must(t, eng.RunDue(ctx), "run due")
		got, err := eng.GetCall(ctx, c.TransactionID)
		chimevoicetest.Must(t, err, "get")
		if got.Status != chimevoice.CallCompleted || got.EndedAt.IsZero() || !got.DueAt.IsZero() {
			t.Fatalf("call: %s %q ended %s due %s", got.Status, got.EndReason, got.EndedAt, got.DueAt)
		}
		var events []string
		for i, e := range got.Transcript {
			if e.Seq != i+1 || (i > 0 && e.At.Before(got.Transcript[i-1].At)) {
				t.Fatalf("transcript out of order at %d: %+v", i, e)
			}
			if e.Kind == chimevoice.TranscriptEventSent {
				var ev struct {
					InvocationEventType string
					Sequence            int
				}
				chimevoicetest.Must(t, json.Unmarshal(e.Body, &ev), "event")
				events = append(events, fmt.Sprint(ev.Sequence, " ", ev.InvocationEventType))
			}
		}
		if want := []string{"1 NEW_INBOUND_CALL", "2 ACTION_SUCCESSFUL", "3 HANGUP"}; !slices.Equal(events, want) {
			t.Fatalf("events %v, want %v", events, want)
		}

		// An outbound call from the account's other SipMediaApplicationDialIn number.
		out, err := eng.CreateSipMediaApplicationCall(ctx, me, chimevoice.CreateCallRequest{SipMediaApplicationID: sma.ID,
			FromPhoneNumber: nums[1], ToPhoneNumber: "+15105550101", Script: chimevoice.CallScript{Digits: "2"}})
		chimevoicetest.Must(t, err, "outbound call")
		_, err = st.AdvanceClock(ctx, time.Minute)
		chimevoicetest.Must(t, err, "advance")
		chimevoicetest.Must(t, eng.RunDue(ctx), "run due")
		got, err = eng.GetCall(ctx, out.TransactionID)
		chimevoicetest.Must(t, err, "get")
		if got.Status != chimevoice.CallCompleted || got.SipRuleID != "" || got.Participants[0].From != nums[1] {
			t.Fatalf("outbound call: %s %q %+v", got.Status, got.EndReason, got.Participants)
		}

		// Calls are in state snapshots: one in progress with a timer, one
		// ended, each with its transcript, the same after an import.
		live, err := eng.PlaceInboundCall(ctx, chimevoice.InboundCallRequest{From: "+15105550101", To: nums[0]})
		chimevoicetest.Must(t, err, "place call")
		var snap bytes.Buffer
		chimevoicetest.Must(t, st.ExportState(ctx, &snap, chimevoice.ExportOptions{}), "export")
		other := b.Open(t, sqlstore.Config{Clock: chimevoicetest.NewClock(chimevoicetest.Epoch)})
		counts, err := other.ImportState(ctx, snap.Bytes())
		chimevoicetest.Must(t, err, "import")
		if counts["Calls"] != 3 || counts["CallTranscripts"] == 0 {
			t.Fatalf("imported %v", counts)
		}
		for _, id := range []string{c.TransactionID, live.TransactionID} {
			a, err := st.GetCall(ctx, id)
			chimevoicetest.Must(t, err, "get")
			imported, err := other.GetCall(ctx, id)
			chimevoicetest.Must(t, err, "get imported")
			if mustJSON(t, a) != mustJSON(t, imported) || string(a.State) != string(imported.State) || a.Version != imported.Version {
				t.Fatalf("imported call %s differs:\n%s\n%s", id, mustJSON(t, a), mustJSON(t, imported))
			}
		}
		if got, _ := other.GetCall(ctx, live.TransactionID); got.DueAt.IsZero() || got.Status != chimevoice.CallInProgress {
			t.Fatalf("imported live call: %s due %s", got.Status, got.DueAt)
		}
		chimevoicetest.Must(t, other.ResetState(ctx), "reset")
		if _, err := other.GetCall(ctx, live.TransactionID); chimevoice.ErrorCode(err) != chimevoice.CodeNotFound {
			t.Fatalf("call after reset: %v", err)
		}
	})
}

// provisionSMA orders three SipMediaApplicationDialIn numbers, creates a SIP
// media application and a rule that routes the first number to it, and
// moves the third into the Deletion queue.
func provisionSMA(t *testing.T, st *sqlstore.Store, me chimevoice.Caller) (*chimevoice.SipMediaApplication, *chimevoice.SipRule, []string) {
	ctx := context.Background()
	nums, _, err := st.SearchAvailablePhoneNumbers(ctx, me, chimevoice.SearchRequest{Country: "US", AreaCode: "206", Limit: 3})
	chimevoicetest.Must(t, err, "search")
	_, err = st.CreatePhoneNumberOrder(ctx, me, chimevoice.OrderRequest{ProductType: chimevoice.ProductSipMediaApplicationDialIn, E164s: nums})
	chimevoicetest.Must(t, err, "order")
	chimevoicetest.Must(t, st.RunDue(ctx), "complete the order")
	name := "example"
	sma, err := st.CreateSipMediaApplication(ctx, me, chimevoice.SipMediaApplicationInput{AwsRegion: "us-east-1", Name: &name,
		Endpoints: []string{"arn:aws:lambda:us-east-1:111111111111:function:example-handler"}})
	chimevoicetest.Must(t, err, "create sma")
	rule, err := st.CreateSipRule(ctx, me, chimevoice.SipRule{Name: "inbound", TriggerType: chimevoice.TriggerToPhoneNumber, TriggerValue: nums[0],
		Targets: []chimevoice.SipRuleTarget{{SipMediaApplicationID: sma.ID, Priority: 1, AwsRegion: "us-east-1"}}})
	chimevoicetest.Must(t, err, "create rule")
	chimevoicetest.Must(t, st.DeletePhoneNumber(ctx, me, nums[2]), "delete")
	return sma, rule, nums
}
