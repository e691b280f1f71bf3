package storetest

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/chimevoice/chimevoice"
	"github.com/chimevoice/chimevoice/chimevoicetest"
	"github.com/chimevoice/chimevoice/sqlstore"
)

// This file covers the resources numbers are associated with, their tags
// and sub-configurations, the legacy accounts and users, and state
// snapshots: every service of the store, on every backend.

// provisionAs is provision for numbers of product type pt.
func provisionAs(t testing.TB, st *sqlstore.Store, c chimevoice.Caller, area string, n int, pt chimevoice.ProductType) []string {
	t.Helper()
	nums := search(t, st, c, area, n)
	_, err := st.CreatePhoneNumberOrder(ctx(), c, chimevoice.OrderRequest{ProductType: pt, E164s: nums})
	must(t, err, "order")
	must(t, st.RunDue(ctx()), "run due work")
	for _, e164 := range nums {
		if got := status(t, st, c, e164); got != chimevoice.StatusUnassigned {
			t.Fatalf("%s after its order: %s, want Unassigned", e164, got)
		}
	}
	return nums
}

// wantField checks that err is a BadRequest about field.
func wantField(t testing.TB, err error, field, what string) {
	t.Helper()
	wantCode(t, err, chimevoice.CodeBadRequest, what)
	if got := chimevoice.ErrorField(err); got != field {
		t.Fatalf("%s: error %v is about field %q, want %q", what, err, got, field)
	}
}

// allPages lists every page of a paged list, two items at a time.
func allPages[T any](t testing.TB, list func(p chimevoice.Page) ([]T, string, error)) []T {
	t.Helper()
	var out []T
	p := chimevoice.Page{Limit: 2}
	for {
		items, next, err := list(p)
		must(t, err, "list page")
		out = append(out, items...)
		if next == "" {
			return out
		}
		p.NextToken = next
	}
}

// associated lists the account's numbers associated by (name, value).
func associated(t testing.TB, st *sqlstore.Store, c chimevoice.Caller, name chimevoice.AssociationName, value string) []string {
	t.Helper()
	ns, _, err := st.ListPhoneNumbers(ctx(), c, chimevoice.PhoneNumberFilter{FilterName: name, FilterValue: value})
	must(t, err, "list by "+string(name))
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = n.E164
	}
	return out
}

func testVoiceConnectors(t *testing.T, b chimevoicetest.Backend) {
	e := newEnv(t, b, sqlstore.Config{})
	st := e.st
	var vcs []*chimevoice.VoiceConnector
	for i := range 3 {
		e.clock.Add(time.Millisecond) // lists are in creation order
		v, err := st.CreateVoiceConnector(ctx(), alice, chimevoice.VoiceConnectorInput{Name: fmt.Sprintf("vc%d", i), RequireEncryption: true})
		must(t, err, "create voice connector")
		if v.AwsRegion != "us-east-1" || v.OutboundHostName != chimevoice.VoiceConnectorHost(v.ID) || v.ARN == "" {
			t.Fatalf("created %+v", v)
		}
		vcs = append(vcs, v)
	}
	listed := allPages(t, func(p chimevoice.Page) ([]*chimevoice.VoiceConnector, string, error) {
		return st.ListVoiceConnectors(ctx(), alice, p)
	})
	if len(listed) != 3 || listed[0].ID != vcs[0].ID || listed[2].ID != vcs[2].ID {
		t.Fatalf("listed %d voice connectors, want the 3 in creation order", len(listed))
	}
	_, err := st.GetVoiceConnector(ctx(), bob, vcs[0].ID)
	wantCode(t, err, chimevoice.CodeNotFound, "bob gets alice's voice connector")
	_, _, err = st.ListVoiceConnectors(ctx(), alice, chimevoice.Page{NextToken: "bogus"})
	wantField(t, err, "NextToken", "list with a bad token")

	up, err := st.UpdateVoiceConnector(ctx(), alice, vcs[0].ID, chimevoice.VoiceConnectorInput{Name: "renamed"})
	must(t, err, "update voice connector")
	if got, _ := st.GetVoiceConnector(ctx(), alice, vcs[0].ID); up.Name != "renamed" || got.Name != "renamed" || got.RequireEncryption {
		t.Fatalf("after update: returned %+v, stored %+v", up, got)
	}

	nums := provision(t, st, alice, "206", 2)
	r := chimevoice.AssociateRequest{Target: chimevoice.AssocVoiceConnector, TargetID: vcs[0].ID, IDs: ids(nums...)}
	failed, err := st.AssociatePhoneNumbers(ctx(), alice, r)
	must(t, err, "associate")
	if len(failed) != 0 || status(t, st, alice, nums[0]) != chimevoice.StatusAssigned {
		t.Fatalf("associate: failed %+v, status %s", failed, status(t, st, alice, nums[0]))
	}
	if got := associated(t, st, alice, chimevoice.AssocVoiceConnector, vcs[0].ID); !slices.Equal(got, slices.Sorted(slices.Values(nums))) {
		t.Fatalf("numbers of the voice connector: %v, want %v", got, nums)
	}
	failed, err = st.BatchDeletePhoneNumbers(ctx(), alice, ids(nums[0]))
	must(t, err, "delete an associated number")
	if len(failed) != 1 || failed[0].Code != chimevoice.CodePhoneNumberAssociationsExist {
		t.Fatalf("delete of an associated number: %+v", failed)
	}
	wantCode(t, st.DeleteVoiceConnector(ctx(), alice, vcs[0].ID), chimevoice.CodeConflict, "delete a voice connector with numbers")
	_, err = st.AssociatePhoneNumbers(ctx(), alice, chimevoice.AssociateRequest{Target: chimevoice.AssocVoiceConnector, TargetID: vcs[0].ID, IDs: ids(nums[0], nums[0])})
	wantField(t, err, "E164PhoneNumbers", "associate a list naming a number twice")

	failed, err = st.DisassociatePhoneNumbers(ctx(), alice, r)
	must(t, err, "disassociate")
	if len(failed) != 0 || status(t, st, alice, nums[0]) != chimevoice.StatusUnassigned {
		t.Fatalf("disassociate: failed %+v, status %s", failed, status(t, st, alice, nums[0]))
	}
	must(t, st.DeleteVoiceConnector(ctx(), alice, vcs[0].ID), "delete voice connector")
	_, err = st.GetVoiceConnector(ctx(), alice, vcs[0].ID)
	wantCode(t, err, chimevoice.CodeNotFound, "get a deleted voice connector")
}

func testGroups(t *testing.T, b chimevoicetest.Backend) {
	st := newEnv(t, b, sqlstore.Config{})
	s := st.st
	v1, err := s.CreateVoiceConnector(ctx(), alice, chimevoice.VoiceConnectorInput{Name: "a"})
	must(t, err, "create vc")
	v2, err := s.CreateVoiceConnector(ctx(), alice, chimevoice.VoiceConnectorInput{Name: "b"})
	must(t, err, "create vc")
	items := []chimevoice.VoiceConnectorItem{{VoiceConnectorID: v2.ID, Priority: 1}, {VoiceConnectorID: v1.ID, Priority: 2}}
	g, err := s.CreateVoiceConnectorGroup(ctx(), alice, chimevoice.VoiceConnectorGroupInput{Name: "g", Items: items})
	must(t, err, "create group")
	got, err := s.GetVoiceConnectorGroup(ctx(), alice, g.ID)
	must(t, err, "get group")
	if !slices.Equal(got.Items, items) {
		t.Fatalf("group items %+v, want %+v", got.Items, items)
	}
	_, err = s.CreateVoiceConnectorGroup(ctx(), alice, chimevoice.VoiceConnectorGroupInput{Name: "bad", Items: []chimevoice.VoiceConnectorItem{{VoiceConnectorID: v1.ID, Priority: 100}}})
	wantField(t, err, "VoiceConnectorItems[0].Priority", "create a group with priority 100")
	_, err = s.CreateVoiceConnectorGroup(ctx(), bob, chimevoice.VoiceConnectorGroupInput{Name: "bob", Items: []chimevoice.VoiceConnectorItem{{VoiceConnectorID: v1.ID, Priority: 1}}})
	wantField(t, err, "VoiceConnectorItems[0].VoiceConnectorId", "bob groups alice's voice connector")
	wantCode(t, s.DeleteVoiceConnector(ctx(), alice, v1.ID), chimevoice.CodeConflict, "delete a voice connector in a group")

	nums := provision(t, s, alice, "312", 1)
	r := chimevoice.AssociateRequest{Target: chimevoice.AssocVoiceConnectorGroup, TargetID: g.ID, IDs: ids(nums...)}
	_, err = s.AssociatePhoneNumbers(ctx(), alice, r)
	must(t, err, "associate with group")
	failed, err := s.BatchDeletePhoneNumbers(ctx(), alice, ids(nums...))
	must(t, err, "delete a number of a group")
	if len(failed) != 1 || failed[0].Code != chimevoice.CodeVoiceConnectorGroupAssociationsExist {
		t.Fatalf("delete of a group's number: %+v", failed)
	}
	wantCode(t, s.DeleteVoiceConnectorGroup(ctx(), alice, g.ID), chimevoice.CodeConflict, "delete a group with numbers")
	_, err = s.DisassociatePhoneNumbers(ctx(), alice, r)
	must(t, err, "disassociate from group")

	up, err := s.UpdateVoiceConnectorGroup(ctx(), alice, g.ID, chimevoice.VoiceConnectorGroupInput{Name: "g2", Items: items[:1]})
	must(t, err, "update group")
	if up.Name != "g2" || len(up.Items) != 1 {
		t.Fatalf("updated group %+v", up)
	}
	listed := allPages(t, func(p chimevoice.Page) ([]*chimevoice.VoiceConnectorGroup, string, error) {
		return s.ListVoiceConnectorGroups(ctx(), alice, p)
	})
	if len(listed) != 1 || len(listed[0].Items) != 1 {
		t.Fatalf("listed groups %+v", listed)
	}
	must(t, s.DeleteVoiceConnector(ctx(), alice, v1.ID), "delete a voice connector no group holds")
	// A group that still holds items cannot be deleted (DeleteVoiceConnectorGroup).
	wantCode(t, s.DeleteVoiceConnectorGroup(ctx(), alice, g.ID), chimevoice.CodeConflict, "delete a group holding an item")
	_, err = s.UpdateVoiceConnectorGroup(ctx(), alice, g.ID, chimevoice.VoiceConnectorGroupInput{Name: "g2"})
	must(t, err, "empty the group")
	must(t, s.DeleteVoiceConnectorGroup(ctx(), alice, g.ID), "delete group")
	_, err = s.GetVoiceConnectorGroup(ctx(), alice, g.ID)
	wantCode(t, err, chimevoice.CodeNotFound, "get a deleted group")
}

func testSipMedia(t *testing.T, b chimevoicetest.Backend) {
	st := newEnv(t, b, sqlstore.Config{}).st
	name := "ivr"
	const lambda = "arn:aws:lambda:us-east-1:111111111111:function:ivr"
	_, err := st.CreateSipMediaApplication(ctx(), alice, chimevoice.SipMediaApplicationInput{AwsRegion: "us-east-1", Name: &name})
	wantField(t, err, "Endpoints", "create without endpoints")
	a, err := st.CreateSipMediaApplication(ctx(), alice, chimevoice.SipMediaApplicationInput{AwsRegion: "us-east-1", Name: &name, Endpoints: []string{lambda}})
	must(t, err, "create sip media application")
	got, err := st.GetSipMediaApplication(ctx(), alice, a.ID)
	must(t, err, "get sip media application")
	if got.Name != name || !slices.Equal(got.Endpoints, []string{lambda}) {
		t.Fatalf("stored %+v", got)
	}
	renamed := "ivr2"
	up, err := st.UpdateSipMediaApplication(ctx(), alice, a.ID, chimevoice.SipMediaApplicationInput{Name: &renamed})
	must(t, err, "update sip media application")
	if up.Name != renamed || !slices.Equal(up.Endpoints, []string{lambda}) {
		t.Fatalf("updated %+v", up)
	}

	nums := provisionAs(t, st, alice, "415", 1, chimevoice.ProductSipMediaApplicationDialIn)
	rule, err := st.CreateSipRule(ctx(), alice, chimevoice.SipRule{Name: "main", TriggerType: chimevoice.TriggerToPhoneNumber, TriggerValue: nums[0],
		Targets: []chimevoice.SipRuleTarget{{SipMediaApplicationID: a.ID, Priority: 1}}})
	must(t, err, "create sip rule")
	if got := associated(t, st, alice, chimevoice.AssocSipRule, rule.ID); !slices.Equal(got, nums) {
		t.Fatalf("numbers of the rule: %v, want %v", got, nums)
	}
	_, err = st.CreateSipRule(ctx(), alice, chimevoice.SipRule{Name: "again", TriggerType: chimevoice.TriggerToPhoneNumber, TriggerValue: nums[0],
		Targets: []chimevoice.SipRuleTarget{{SipMediaApplicationID: a.ID, Priority: 1}}})
	wantCode(t, err, chimevoice.CodeConflict, "a second rule on the same number")
	_, err = st.CreateSipRule(ctx(), alice, chimevoice.SipRule{Name: "x", TriggerType: "Fax", TriggerValue: nums[0]})
	wantField(t, err, "TriggerType", "a rule with an unknown trigger type")
	rules := allPages(t, func(p chimevoice.Page) ([]*chimevoice.SipRule, string, error) {
		return st.ListSipRules(ctx(), alice, a.ID, p)
	})
	if len(rules) != 1 || rules[0].ID != rule.ID || len(rules[0].Targets) != 1 || rules[0].Targets[0].AwsRegion != "us-east-1" {
		t.Fatalf("rules of the application: %+v", rules)
	}
	wantCode(t, st.DeleteSipMediaApplication(ctx(), alice, a.ID), chimevoice.CodeConflict, "delete a targeted application")
	wantCode(t, st.DeleteSipRule(ctx(), alice, rule.ID), chimevoice.CodeConflict, "delete an enabled rule")
	disabled := true
	_, err = st.UpdateSipRule(ctx(), alice, rule.ID, chimevoice.SipRuleUpdate{Name: "main", Disabled: &disabled})
	must(t, err, "disable rule")
	must(t, st.DeleteSipRule(ctx(), alice, rule.ID), "delete rule")
	if got := status(t, st, alice, nums[0]); got != chimevoice.StatusUnassigned {
		t.Fatalf("number of a deleted rule: %s, want Unassigned", got)
	}
	must(t, st.DeleteSipMediaApplication(ctx(), alice, a.ID), "delete sip media application")
	_, err = st.GetSipMediaApplication(ctx(), alice, a.ID)
	wantCode(t, err, chimevoice.CodeNotFound, "get a deleted application")
}

func testTagsAndSettings(t *testing.T, b chimevoicetest.Backend) {
	st := newEnv(t, b, sqlstore.Config{}).st
	v, err := st.CreateVoiceConnector(ctx(), alice, chimevoice.VoiceConnectorInput{Name: "t", Tags: []chimevoice.Tag{{Key: "team", Value: "voice"}}})
	must(t, err, "create")
	must(t, st.TagResource(ctx(), alice, v.ARN, []chimevoice.Tag{{Key: "env", Value: "ci"}, {Key: "team", Value: "telephony"}}), "tag")
	tags, err := st.ListTagsForResource(ctx(), alice, v.ARN)
	must(t, err, "list tags")
	if want := []chimevoice.Tag{{Key: "env", Value: "ci"}, {Key: "team", Value: "telephony"}}; !slices.Equal(tags, want) {
		t.Fatalf("tags %+v, want %+v", tags, want)
	}
	wantCode(t, st.TagResource(ctx(), bob, v.ARN, []chimevoice.Tag{{Key: "k", Value: "v"}}), chimevoice.CodeNotFound, "bob tags alice's resource")
	wantField(t, st.TagResource(ctx(), alice, v.ARN, []chimevoice.Tag{{Key: "k"}, {Key: "k"}}), "Tags[1].Key", "tag a key twice")
	must(t, st.UntagResource(ctx(), alice, v.ARN, []string{"env", "absent"}), "untag")
	if tags, _ := st.ListTagsForResource(ctx(), alice, v.ARN); len(tags) != 1 {
		t.Fatalf("after untag: %+v", tags)
	}

	doc := []byte(`{"Routes":[{"Host":"10.0.0.1"}]}`)
	_, err = st.UpdateSettings(ctx(), alice, chimevoice.KindVoiceConnector, v.ID, "VoiceConnectorOrigination", func(old []byte) ([]byte, error) {
		if old != nil {
			return nil, errors.New("a new voice connector has an origination document")
		}
		return doc, nil
	})
	must(t, err, "put settings")
	got, err := st.GetSettings(ctx(), alice, chimevoice.KindVoiceConnector, v.ID, "VoiceConnectorOrigination")
	must(t, err, "get settings")
	if !bytes.Equal(got, doc) {
		t.Fatalf("settings %s, want %s", got, doc)
	}
	_, err = st.GetSettings(ctx(), bob, chimevoice.KindVoiceConnector, v.ID, "VoiceConnectorOrigination")
	wantCode(t, err, chimevoice.CodeNotFound, "bob reads alice's settings")
	must(t, st.DeleteVoiceConnector(ctx(), alice, v.ID), "delete")
	_, err = st.ListTagsForResource(ctx(), alice, v.ARN)
	wantCode(t, err, chimevoice.CodeNotFound, "tags of a deleted resource")
}

func testLegacy(t *testing.T, b chimevoicetest.Backend) {
	st := newEnv(t, b, sqlstore.Config{}).st
	a, err := st.CreateAccount(ctx(), alice, "team")
	must(t, err, "create account")
	u, err := st.CreateUser(ctx(), alice, a.ID, chimevoice.UserInput{Email: "ann@example.com"})
	must(t, err, "create user")
	_, err = st.CreateUser(ctx(), alice, a.ID, chimevoice.UserInput{Email: "ann@example.com"})
	wantCode(t, err, chimevoice.CodeConflict, "a second user with the address")
	invites, err := st.InviteUsers(ctx(), alice, a.ID, []string{"bo@example.com", "ann@example.com"}, "")
	must(t, err, "invite")
	if len(invites) != 2 {
		t.Fatalf("invites %+v", invites)
	}
	_, err = st.InviteUsers(ctx(), alice, a.ID, []string{"x@example.com", "x@example.com"}, "")
	wantField(t, err, "UserEmailList", "invite an address twice")
	users := allPages(t, func(p chimevoice.Page) ([]*chimevoice.User, string, error) {
		return st.ListUsers(ctx(), alice, a.ID, chimevoice.UserFilter{Page: p})
	})
	if len(users) != 2 {
		t.Fatalf("listed %d users, want 2", len(users))
	}
	_, err = st.GetAccount(ctx(), bob, a.ID)
	wantCode(t, err, chimevoice.CodeNotFound, "bob reads alice's account")

	nums := provisionAs(t, st, alice, "503", 1, chimevoice.ProductBusinessCalling)
	must(t, st.AssociatePhoneNumberWithUser(ctx(), alice, a.ID, u.ID, nums[0]), "associate with user")
	got, err := st.GetUser(ctx(), alice, a.ID, u.ID)
	must(t, err, "get user")
	if got.PrimaryProvisionedNumber != nums[0] || status(t, st, alice, nums[0]) != chimevoice.StatusAssigned {
		t.Fatalf("user %+v, number %s", got, status(t, st, alice, nums[0]))
	}
	wantCode(t, st.DeleteAccount(ctx(), alice, a.ID), chimevoice.CodeUnprocessable, "delete an account whose user has a number")
	must(t, st.DisassociatePhoneNumberFromUser(ctx(), alice, a.ID, u.ID), "disassociate from user")
	must(t, st.DeleteAccount(ctx(), alice, a.ID), "delete account")
	_, err = st.GetUser(ctx(), alice, a.ID, u.ID)
	wantCode(t, err, chimevoice.CodeNotFound, "a user of a deleted account")
}

func testState(t *testing.T, b chimevoicetest.Backend) {
	st := newEnv(t, b, sqlstore.Config{}).st
	nums := provision(t, st, alice, "206", 2)
	v, err := st.CreateVoiceConnector(ctx(), alice, chimevoice.VoiceConnectorInput{Name: "snap", Tags: []chimevoice.Tag{{Key: "k", Value: "v"}}})
	must(t, err, "create")
	_, err = st.AssociatePhoneNumbers(ctx(), alice, chimevoice.AssociateRequest{Target: chimevoice.AssocVoiceConnector, TargetID: v.ID, IDs: ids(nums[0])})
	must(t, err, "associate")
	must(t, st.DeletePhoneNumber(ctx(), alice, nums[1]), "delete")
	var snap bytes.Buffer
	must(t, st.ExportState(ctx(), &snap, chimevoice.ExportOptions{}), "export")

	must(t, st.ResetState(ctx()), "reset")
	_, err = st.GetPhoneNumber(ctx(), alice, nums[0])
	wantCode(t, err, chimevoice.CodeNotFound, "a number after reset")

	counts, err := st.ImportState(ctx(), snap.Bytes())
	must(t, err, "import")
	if counts["PhoneNumbers"] != 2 || counts["VoiceConnectors"] != 1 || counts["PhoneNumberAssociations"] != 1 {
		t.Fatalf("imported %v", counts)
	}
	if status(t, st, alice, nums[0]) != chimevoice.StatusAssigned || status(t, st, alice, nums[1]) != chimevoice.StatusDeleteInProgress {
		t.Fatalf("statuses after import: %s, %s", status(t, st, alice, nums[0]), status(t, st, alice, nums[1]))
	}
	var again bytes.Buffer
	must(t, st.ExportState(ctx(), &again, chimevoice.ExportOptions{}), "export again")
	if !bytes.Equal(snap.Bytes(), again.Bytes()) {
		t.Fatalf("export after import differs:\n%s\n---\n%s", snap.Bytes(), again.Bytes())
	}
	bad := bytes.Replace(snap.Bytes(), []byte(`"Status": "Assigned"`), []byte(`"Status": "Bogus"`), 1)
	_, err = st.ImportState(ctx(), bad)
	wantCode(t, err, chimevoice.CodeBadRequest, "import a bad status")
	if status(t, st, alice, nums[0]) != chimevoice.StatusAssigned {
		t.Fatal("a refused import changed the store")
	}
}
