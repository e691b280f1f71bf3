package httpapi_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/chimesdkvoice"
	vtypes "github.com/aws/aws-sdk-go-v2/service/chimesdkvoice/types"

	"github.com/chimevoice/chimevoice/chimevoicetest"
	"github.com/chimevoice/chimevoice/sigv4"
)

var (
	vcIDPattern   = regexp.MustCompile(`^[a-z0-9]{22}$`)
	guidPattern   = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
	otherAccount  = sigv4.Credential{AccessKeyID: "AKIAOTHER", SecretAccessKey: "other-secret", AccountID: "222222222222"}
	twoAccounts   = []sigv4.Credential{sigv4.DevCredential(), otherAccount}
	vcProduct     = vtypes.PhoneNumberProductTypeVoiceConnector
	smaProduct    = vtypes.PhoneNumberProductTypeSipMediaApplicationDialIn
	legacyProduct = vtypes.PhoneNumberProductType("BusinessCalling")
)

func TestVoiceConnectorCRUD(t *testing.T) {
	chimevoicetest.Each(t, func(t *testing.T, b chimevoicetest.Backend) {
		srv := chimevoicetest.New(t, chimevoicetest.Options{Backend: b, Credentials: twoAccounts})
		v := srv.Voice
		out, err := v.CreateVoiceConnector(bg, &chimesdkvoice.CreateVoiceConnectorInput{
			Name: aws.String("trunk-1"), RequireEncryption: aws.Bool(true), AwsRegion: vtypes.VoiceConnectorAwsRegionUsWest2,
			Tags: []vtypes.Tag{{Key: aws.String("team"), Value: aws.String("voice")}},
		})
		chimevoicetest.Must(t, err, "create")
		vc := out.VoiceConnector
		id := aws.ToString(vc.VoiceConnectorId)
		if !vcIDPattern.MatchString(id) {
			t.Fatalf("VoiceConnectorId %q is not 22 lowercase letters and digits", id)
		}
		if got, want := aws.ToString(vc.OutboundHostName), id+".voiceconnector.chime.aws"; got != want {
			t.Fatalf("OutboundHostName %q, want %q", got, want)
		}
		if got, want := aws.ToString(vc.VoiceConnectorArn), "arn:aws:chime:us-east-1:000000000000:vc/"+id; got != want {
			t.Fatalf("VoiceConnectorArn %q, want %q", got, want)
		}
		if vc.AwsRegion != vtypes.VoiceConnectorAwsRegionUsWest2 || !aws.ToBool(vc.RequireEncryption) || vc.CreatedTimestamp == nil {
			t.Fatalf("created %+v", vc)
		}

		got, err := v.GetVoiceConnector(bg, &chimesdkvoice.GetVoiceConnectorInput{VoiceConnectorId: aws.String(id)})
		chimevoicetest.Must(t, err, "get")
		if aws.ToString(got.VoiceConnector.Name) != "trunk-1" {
			t.Fatalf("get: %+v", got.VoiceConnector)
		}
		srv.Advance(t, time.Second)
		up, err := v.UpdateVoiceConnector(bg, &chimesdkvoice.UpdateVoiceConnectorInput{VoiceConnectorId: aws.String(id), Name: aws.String("trunk-renamed"), RequireEncryption: aws.Bool(false)})
		chimevoicetest.Must(t, err, "update")
		if aws.ToString(up.VoiceConnector.Name) != "trunk-renamed" || aws.ToBool(up.VoiceConnector.RequireEncryption) || !up.VoiceConnector.UpdatedTimestamp.After(*up.VoiceConnector.CreatedTimestamp) {
			t.Fatalf("update: %+v", up.VoiceConnector)
		}

		// Another account sees nothing of it.
		otherVoice, _ := srv.Clients(otherAccount.AccessKeyID, otherAccount.SecretAccessKey)
		_, err = otherVoice.GetVoiceConnector(bg, &chimesdkvoice.GetVoiceConnectorInput{VoiceConnectorId: aws.String(id)})
		wantAPIError(t, err, 404, "NotFoundException", id)
		_, err = otherVoice.DeleteVoiceConnector(bg, &chimesdkvoice.DeleteVoiceConnectorInput{VoiceConnectorId: aws.String(id)})
		wantAPIError(t, err, 404, "NotFoundException")
		ol, err := otherVoice.ListVoiceConnectors(bg, &chimesdkvoice.ListVoiceConnectorsInput{})
		chimevoicetest.Must(t, err, "list as other account")
		if len(ol.VoiceConnectors) != 0 {
			t.Fatalf("other account lists %d voice connectors", len(ol.VoiceConnectors))
		}

		regions, err := v.ListAvailableVoiceConnectorRegions(bg, &chimesdkvoice.ListAvailableVoiceConnectorRegionsInput{})
		chimevoicetest.Must(t, err, "regions")
		if len(regions.VoiceConnectorRegions) != 10 || regions.VoiceConnectorRegions[0] != vtypes.VoiceConnectorAwsRegionUsEast1 {
			t.Fatalf("regions %v", regions.VoiceConnectorRegions)
		}

		_, err = v.DeleteVoiceConnector(bg, &chimesdkvoice.DeleteVoiceConnectorInput{VoiceConnectorId: aws.String(id)})
		chimevoicetest.Must(t, err, "delete")
		_, err = v.GetVoiceConnector(bg, &chimesdkvoice.GetVoiceConnectorInput{VoiceConnectorId: aws.String(id)})
		wantAPIError(t, err, 404, "NotFoundException")
		_, err = v.UpdateVoiceConnector(bg, &chimesdkvoice.UpdateVoiceConnectorInput{VoiceConnectorId: aws.String(id), Name: aws.String("x"), RequireEncryption: aws.Bool(false)})
		wantAPIError(t, err, 404, "NotFoundException")
		_, err = v.DeleteVoiceConnector(bg, &chimesdkvoice.DeleteVoiceConnectorInput{VoiceConnectorId: aws.String(id)})
		wantAPIError(t, err, 404, "NotFoundException")
	})
}

func TestVoiceConnectorValidation(t *testing.T) {
	srv := chimevoicetest.New(t, chimevoicetest.Options{})
	v := srv.Voice
	cases := []struct {
		name  string
		in    *chimesdkvoice.CreateVoiceConnectorInput
		field string
	}{
		{"long name", &chimesdkvoice.CreateVoiceConnectorInput{Name: aws.String(strings.Repeat("n", 257)), RequireEncryption: aws.Bool(true)}, "Name"},
		{"bad region", &chimesdkvoice.CreateVoiceConnectorInput{Name: aws.String("a"), RequireEncryption: aws.Bool(true), AwsRegion: "mars-1"}, "AwsRegion"},
		{"bad integration type", &chimesdkvoice.CreateVoiceConnectorInput{Name: aws.String("a"), RequireEncryption: aws.Bool(true), IntegrationType: "NOPE"}, "IntegrationType"},
		{"duplicate tag", &chimesdkvoice.CreateVoiceConnectorInput{Name: aws.String("a"), RequireEncryption: aws.Bool(true),
			Tags: []vtypes.Tag{{Key: aws.String("k"), Value: aws.String("1")}, {Key: aws.String("k"), Value: aws.String("2")}}}, "Tags[1].Key"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := v.CreateVoiceConnector(bg, tc.in)
			wantAPIError(t, err, 400, "BadRequestException", tc.field)
		})
	}
	l, err := v.ListVoiceConnectors(bg, &chimesdkvoice.ListVoiceConnectorsInput{})
	chimevoicetest.Must(t, err, "list")
	if len(l.VoiceConnectors) != 0 {
		t.Fatalf("failed creates left %d voice connectors", len(l.VoiceConnectors))
	}
	_, err = v.ListVoiceConnectors(bg, &chimesdkvoice.ListVoiceConnectorsInput{NextToken: aws.String("garbage")})
	wantAPIError(t, err, 400, "BadRequestException", "NextToken")
	_, err = v.ListVoiceConnectors(bg, &chimesdkvoice.ListVoiceConnectorsInput{MaxResults: aws.Int32(101)})
	wantAPIError(t, err, 400, "BadRequestException", "MaxResults")
}

func TestVoiceConnectorPagination(t *testing.T) {
	srv := chimevoicetest.New(t, chimevoicetest.Options{})
	want := map[string]bool{}
	for i := 0; i < 5; i++ {
		want[aws.ToString(createVC(t, srv.Voice, fmt.Sprintf("vc-%d", i)).VoiceConnectorId)] = true
		g := createGroup(t, srv.Voice, fmt.Sprintf("g-%d", i))
		want[aws.ToString(g.VoiceConnectorGroupId)] = true
	}
	var seen []string
	var token *string
	for pages := 0; ; pages++ {
		out, err := srv.Voice.ListVoiceConnectors(bg, &chimesdkvoice.ListVoiceConnectorsInput{MaxResults: aws.Int32(2), NextToken: token})
		chimevoicetest.Must(t, err, "list page %d", pages)
		for _, vc := range out.VoiceConnectors {
			seen = append(seen, aws.ToString(vc.VoiceConnectorId))
		}
		if token = out.NextToken; token == nil {
			break
		}
	}
	var groups []string
	token = nil
	for {
		out, err := srv.Voice.ListVoiceConnectorGroups(bg, &chimesdkvoice.ListVoiceConnectorGroupsInput{MaxResults: aws.Int32(3), NextToken: token})
		chimevoicetest.Must(t, err, "list groups")
		for _, g := range out.VoiceConnectorGroups {
			groups = append(groups, aws.ToString(g.VoiceConnectorGroupId))
		}
		if token = out.NextToken; token == nil {
			break
		}
	}
	all := append(seen, groups...)
	if len(seen) != 5 || len(groups) != 5 {
		t.Fatalf("listed %d voice connectors and %d groups, want 5 and 5", len(seen), len(groups))
	}
	for _, id := range all {
		if !want[id] {
			t.Fatalf("listed unknown or repeated %s", id)
		}
		delete(want, id)
	}
}

func TestVoiceConnectorGroups(t *testing.T) {
	chimevoicetest.Each(t, func(t *testing.T, b chimevoicetest.Backend) {
		srv := chimevoicetest.New(t, chimevoicetest.Options{Backend: b})
		v := srv.Voice
		var vcs []string
		for i := 0; i < 4; i++ {
			vcs = append(vcs, aws.ToString(createVC(t, v, fmt.Sprintf("vc-%d", i)).VoiceConnectorId))
		}
		g := createGroup(t, v, "group-1", vcs[0], vcs[1])
		id := aws.ToString(g.VoiceConnectorGroupId)
		if !guidPattern.MatchString(id) || aws.ToString(g.VoiceConnectorGroupArn) != "arn:aws:chime:us-east-1:000000000000:vcg/"+id {
			t.Fatalf("group id %q arn %q", id, aws.ToString(g.VoiceConnectorGroupArn))
		}
		if len(g.VoiceConnectorItems) != 2 || aws.ToString(g.VoiceConnectorItems[1].VoiceConnectorId) != vcs[1] || aws.ToInt32(g.VoiceConnectorItems[1].Priority) != 2 {
			t.Fatalf("items %+v", g.VoiceConnectorItems)
		}
		item := func(id string, prio int32) vtypes.VoiceConnectorItem {
			return vtypes.VoiceConnectorItem{VoiceConnectorId: aws.String(id), Priority: aws.Int32(prio)}
		}
		bad := []struct {
			name    string
			items   []vtypes.VoiceConnectorItem
			status  int
			mention string
		}{
			{"four items", []vtypes.VoiceConnectorItem{item(vcs[0], 1), item(vcs[1], 2), item(vcs[2], 3), item(vcs[3], 4)}, 400, "VoiceConnectorItems"},
			{"priority 0", []vtypes.VoiceConnectorItem{item(vcs[0], 0)}, 400, "Priority"},
			{"priority 100", []vtypes.VoiceConnectorItem{item(vcs[0], 100)}, 400, "Priority"},
			{"unknown voice connector", []vtypes.VoiceConnectorItem{item("nosuchvoiceconnector00", 1)}, 400, "VoiceConnectorItems[0].VoiceConnectorId"},
			{"same voice connector twice", []vtypes.VoiceConnectorItem{item(vcs[0], 1), item(vcs[0], 2)}, 400, "VoiceConnectorItems"},
		}
		for _, tc := range bad {
			_, err := v.CreateVoiceConnectorGroup(bg, &chimesdkvoice.CreateVoiceConnectorGroupInput{Name: aws.String("bad"), VoiceConnectorItems: tc.items})
			wantAPIError(t, err, tc.status, "BadRequestException", tc.mention)
			_, err = v.UpdateVoiceConnectorGroup(bg, &chimesdkvoice.UpdateVoiceConnectorGroupInput{VoiceConnectorGroupId: aws.String(id), Name: aws.String("bad"), VoiceConnectorItems: tc.items})
			wantAPIError(t, err, tc.status, "BadRequestException", tc.mention)
		}
		got, err := v.GetVoiceConnectorGroup(bg, &chimesdkvoice.GetVoiceConnectorGroupInput{VoiceConnectorGroupId: aws.String(id)})
		chimevoicetest.Must(t, err, "get")
		if aws.ToString(got.VoiceConnectorGroup.Name) != "group-1" || len(got.VoiceConnectorGroup.VoiceConnectorItems) != 2 {
			t.Fatalf("failed updates changed the group: %+v", got.VoiceConnectorGroup)
		}
		l, err := v.ListVoiceConnectorGroups(bg, &chimesdkvoice.ListVoiceConnectorGroupsInput{})
		chimevoicetest.Must(t, err, "list")
		if len(l.VoiceConnectorGroups) != 1 {
			t.Fatalf("failed creates left groups: %d", len(l.VoiceConnectorGroups))
		}

		up, err := v.UpdateVoiceConnectorGroup(bg, &chimesdkvoice.UpdateVoiceConnectorGroupInput{VoiceConnectorGroupId: aws.String(id), Name: aws.String("group-2"),
			VoiceConnectorItems: []vtypes.VoiceConnectorItem{item(vcs[3], 99), item(vcs[2], 1), item(vcs[1], 5)}})
		chimevoicetest.Must(t, err, "update")
		if aws.ToString(up.VoiceConnectorGroup.Name) != "group-2" || len(up.VoiceConnectorGroup.VoiceConnectorItems) != 3 || aws.ToString(up.VoiceConnectorGroup.VoiceConnectorItems[0].VoiceConnectorId) != vcs[3] {
			t.Fatalf("update: %+v", up.VoiceConnectorGroup)
		}

		// A Voice Connector in a group cannot be deleted; one that left it can.
		_, err = v.DeleteVoiceConnector(bg, &chimesdkvoice.DeleteVoiceConnectorInput{VoiceConnectorId: aws.String(vcs[3])})
		wantAPIError(t, err, 409, "ConflictException", id)
		_, err = v.DeleteVoiceConnector(bg, &chimesdkvoice.DeleteVoiceConnectorInput{VoiceConnectorId: aws.String(vcs[0])})
		chimevoicetest.Must(t, err, "delete voice connector no longer in the group")

		// A group that still holds Voice Connector items cannot be deleted.
		_, err = v.DeleteVoiceConnectorGroup(bg, &chimesdkvoice.DeleteVoiceConnectorGroupInput{VoiceConnectorGroupId: aws.String(id)})
		wantAPIError(t, err, 409, "ConflictException", "Voice Connector item")
		_, err = v.UpdateVoiceConnectorGroup(bg, &chimesdkvoice.UpdateVoiceConnectorGroupInput{VoiceConnectorGroupId: aws.String(id), Name: aws.String("empty"), VoiceConnectorItems: []vtypes.VoiceConnectorItem{}})
		chimevoicetest.Must(t, err, "empty the group")
		_, err = v.DeleteVoiceConnectorGroup(bg, &chimesdkvoice.DeleteVoiceConnectorGroupInput{VoiceConnectorGroupId: aws.String(id)})
		chimevoicetest.Must(t, err, "delete group")
		_, err = v.GetVoiceConnectorGroup(bg, &chimesdkvoice.GetVoiceConnectorGroupInput{VoiceConnectorGroupId: aws.String(id)})
		wantAPIError(t, err, 404, "NotFoundException", id)
		_, err = v.DeleteVoiceConnectorGroup(bg, &chimesdkvoice.DeleteVoiceConnectorGroupInput{VoiceConnectorGroupId: aws.String(id)})
		wantAPIError(t, err, 404, "NotFoundException")
		_, err = v.DeleteVoiceConnector(bg, &chimesdkvoice.DeleteVoiceConnectorInput{VoiceConnectorId: aws.String(vcs[3])})
		chimevoicetest.Must(t, err, "delete voice connector after its group")
	})
}

// TestAssociateErrors covers every PhoneNumberErrors code of the
// associate calls, and ForceAssociate moving numbers.
func TestAssociateErrors(t *testing.T) {
	chimevoicetest.Each(t, func(t *testing.T, b chimevoicetest.Backend) {
		srv := chimevoicetest.New(t, chimevoicetest.Options{Backend: b, Credentials: twoAccounts})
		v := srv.Voice
		otherVoice, _ := srv.Clients(otherAccount.AccessKeyID, otherAccount.SecretAccessKey)
		nums := srv.Provision(t, v, "206", 5, vcProduct)
		free, onVC, onGroup, queued, free2 := nums[0], nums[1], nums[2], nums[3], nums[4]
		sma := srv.Provision(t, v, "425", 1, smaProduct)[0]
		theirs := srv.Provision(t, otherVoice, "503", 1, vcProduct)[0]
		vc1 := aws.ToString(createVC(t, v, "vc-1").VoiceConnectorId)
		vc2 := aws.ToString(createVC(t, v, "vc-2").VoiceConnectorId)
		group := aws.ToString(createGroup(t, v, "group", vc2).VoiceConnectorGroupId)
		wantNoErrors(t, associateVC(t, srv, vc2, false, onVC), "associate")
		wantNoErrors(t, associateGroup(t, srv, group, false, onGroup), "associate group")
		wantNoErrors(t, batchDelete(t, srv, queued), "delete")
		// An order that has not completed leaves its number acquiring.
		found, err := v.SearchAvailablePhoneNumbers(bg, &chimesdkvoice.SearchAvailablePhoneNumbersInput{AreaCode: aws.String("360"), MaxResults: aws.Int32(1)})
		chimevoicetest.Must(t, err, "search")
		acquiring := found.E164PhoneNumbers[0]
		_, err = v.CreatePhoneNumberOrder(bg, &chimesdkvoice.CreatePhoneNumberOrderInput{ProductType: vcProduct, E164PhoneNumbers: []string{acquiring}})
		chimevoicetest.Must(t, err, "order")
		unknown := "+12065550123"
		if n, err := v.GetPhoneNumber(bg, &chimesdkvoice.GetPhoneNumberInput{PhoneNumberId: aws.String(unknown)}); err == nil {
			t.Fatalf("%s unexpectedly owned: %+v", unknown, n.PhoneNumber)
		}

		got := associateVC(t, srv, vc1, false, free, onVC, onGroup, queued, sma, theirs, unknown, acquiring)
		want := map[string]string{
			onVC:      "PhoneNumberAssociationsExist",
			onGroup:   "VoiceConnectorGroupAssociationsExist",
			queued:    "Conflict",
			sma:       "BadRequest",
			theirs:    "NotFound",
			unknown:   "NotFound",
			acquiring: "PreconditionFailed",
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("PhoneNumberErrors %v, want %v", got, want)
		}
		numberIs(t, srv, free, vtypes.PhoneNumberStatusAssigned, "VoiceConnectorId="+vc1)
		numberIs(t, srv, onVC, vtypes.PhoneNumberStatusAssigned, "VoiceConnectorId="+vc2)
		numberIs(t, srv, onGroup, vtypes.PhoneNumberStatusAssigned, "VoiceConnectorGroupId="+group)
		numberIs(t, srv, queued, vtypes.PhoneNumberStatusDeleteInProgress)

		// The same refusals through a group.
		got = associateGroup(t, srv, group, false, free, sma, queued)
		want = map[string]string{free: "PhoneNumberAssociationsExist", sma: "BadRequest", queued: "Conflict"}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("group PhoneNumberErrors %v, want %v", got, want)
		}

		// Associating again with the same target changes nothing.
		before, _ := v.GetPhoneNumber(bg, &chimesdkvoice.GetPhoneNumberInput{PhoneNumberId: aws.String(free)})
		srv.Advance(t, 5*time.Second)
		wantNoErrors(t, associateVC(t, srv, vc1, false, free), "re-associate")
		after, _ := v.GetPhoneNumber(bg, &chimesdkvoice.GetPhoneNumberInput{PhoneNumberId: aws.String(free)})
		if !after.PhoneNumber.Associations[0].AssociatedTimestamp.Equal(*before.PhoneNumber.Associations[0].AssociatedTimestamp) {
			t.Fatalf("re-associate moved the AssociatedTimestamp")
		}

		// ForceAssociate moves numbers from another Voice Connector or group.
		wantNoErrors(t, associateVC(t, srv, vc1, true, onVC, onGroup, free2), "force associate")
		numberIs(t, srv, onVC, vtypes.PhoneNumberStatusAssigned, "VoiceConnectorId="+vc1)
		numberIs(t, srv, onGroup, vtypes.PhoneNumberStatusAssigned, "VoiceConnectorId="+vc1)
		wantNoErrors(t, associateGroup(t, srv, group, true, free), "force associate group")
		numberIs(t, srv, free, vtypes.PhoneNumberStatusAssigned, "VoiceConnectorGroupId="+group)
		if l := listedBy(t, srv, vtypes.PhoneNumberAssociationNameVoiceConnectorId, vc1); len(l) != 3 {
			t.Fatalf("listed by vc1: %v", l)
		}

		// Whole-request failures.
		_, err = v.AssociatePhoneNumbersWithVoiceConnector(bg, &chimesdkvoice.AssociatePhoneNumbersWithVoiceConnectorInput{VoiceConnectorId: aws.String("nosuchvoiceconnector00"), E164PhoneNumbers: []string{free2}})
		wantAPIError(t, err, 404, "NotFoundException", "nosuchvoiceconnector00")
		_, err = v.AssociatePhoneNumbersWithVoiceConnectorGroup(bg, &chimesdkvoice.AssociatePhoneNumbersWithVoiceConnectorGroupInput{VoiceConnectorGroupId: aws.String("nosuchgroup"), E164PhoneNumbers: []string{free2}})
		wantAPIError(t, err, 404, "NotFoundException", "nosuchgroup")
		_, err = otherVoice.AssociatePhoneNumbersWithVoiceConnector(bg, &chimesdkvoice.AssociatePhoneNumbersWithVoiceConnectorInput{VoiceConnectorId: aws.String(vc1), E164PhoneNumbers: []string{theirs}})
		wantAPIError(t, err, 404, "NotFoundException")
		_, err = v.AssociatePhoneNumbersWithVoiceConnector(bg, &chimesdkvoice.AssociatePhoneNumbersWithVoiceConnectorInput{VoiceConnectorId: aws.String(vc2), E164PhoneNumbers: []string{free2, free2}})
		wantAPIError(t, err, 400, "BadRequestException", "E164PhoneNumbers")
		_, err = v.AssociatePhoneNumbersWithVoiceConnector(bg, &chimesdkvoice.AssociatePhoneNumbersWithVoiceConnectorInput{VoiceConnectorId: aws.String(vc2), E164PhoneNumbers: []string{"not-a-number"}})
		wantAPIError(t, err, 400, "BadRequestException", "E164PhoneNumbers[0]")
		_, err = v.AssociatePhoneNumbersWithVoiceConnector(bg, &chimesdkvoice.AssociatePhoneNumbersWithVoiceConnectorInput{VoiceConnectorId: aws.String(vc2), E164PhoneNumbers: []string{}})
		wantAPIError(t, err, 400, "BadRequestException", "E164PhoneNumbers")
		numberIs(t, srv, free2, vtypes.PhoneNumberStatusAssigned, "VoiceConnectorId="+vc1)

		// Disassociating: from the wrong target is refused per number,
		// a number without such an association is a (retry) success.
		dis, err := v.DisassociatePhoneNumbersFromVoiceConnector(bg, &chimesdkvoice.DisassociatePhoneNumbersFromVoiceConnectorInput{VoiceConnectorId: aws.String(vc2), E164PhoneNumbers: []string{free2, queued, unknown}})
		chimevoicetest.Must(t, err, "disassociate")
		if got := errorCodes(dis.PhoneNumberErrors); fmt.Sprint(got) != fmt.Sprint(map[string]string{free2: "BadRequest", unknown: "NotFound"}) {
			t.Fatalf("disassociate errors %v", got)
		}
		numberIs(t, srv, free2, vtypes.PhoneNumberStatusAssigned, "VoiceConnectorId="+vc1)
	})
}

// TestVoiceConnectorAssociationCycle: delete refused → disassociate →
// delete → restore → re-associate, for a Voice Connector and a group.
func TestVoiceConnectorAssociationCycle(t *testing.T) {
	chimevoicetest.Each(t, func(t *testing.T, b chimevoicetest.Backend) {
		srv := chimevoicetest.New(t, chimevoicetest.Options{Backend: b})
		v := srv.Voice
		vc := aws.ToString(createVC(t, v, "vc").VoiceConnectorId)
		group := aws.ToString(createGroup(t, v, "group", vc).VoiceConnectorGroupId)
		kinds := []struct {
			name      vtypes.PhoneNumberAssociationName
			id        string
			code      string
			associate func(nums ...string) map[string]string
			dissoc    func(nums ...string) error
			delete    func() error
		}{
			{vtypes.PhoneNumberAssociationNameVoiceConnectorId, vc, "PhoneNumberAssociationsExist",
				func(nums ...string) map[string]string { return associateVC(t, srv, vc, false, nums...) },
				func(nums ...string) error {
					out, err := v.DisassociatePhoneNumbersFromVoiceConnector(bg, &chimesdkvoice.DisassociatePhoneNumbersFromVoiceConnectorInput{VoiceConnectorId: aws.String(vc), E164PhoneNumbers: nums})
					if err == nil && len(out.PhoneNumberErrors) > 0 {
						err = fmt.Errorf("errors %v", errorCodes(out.PhoneNumberErrors))
					}
					return err
				},
				func() error {
					_, err := v.DeleteVoiceConnector(bg, &chimesdkvoice.DeleteVoiceConnectorInput{VoiceConnectorId: aws.String(vc)})
					return err
				}},
			{vtypes.PhoneNumberAssociationNameVoiceConnectorGroupId, group, "VoiceConnectorGroupAssociationsExist",
				func(nums ...string) map[string]string { return associateGroup(t, srv, group, false, nums...) },
				func(nums ...string) error {
					out, err := v.DisassociatePhoneNumbersFromVoiceConnectorGroup(bg, &chimesdkvoice.DisassociatePhoneNumbersFromVoiceConnectorGroupInput{VoiceConnectorGroupId: aws.String(group), E164PhoneNumbers: nums})
					if err == nil && len(out.PhoneNumberErrors) > 0 {
						err = fmt.Errorf("errors %v", errorCodes(out.PhoneNumberErrors))
					}
					return err
				},
				func() error {
					_, err := v.DeleteVoiceConnectorGroup(bg, &chimesdkvoice.DeleteVoiceConnectorGroupInput{VoiceConnectorGroupId: aws.String(group)})
					return err
				}},
		}
		for i, k := range kinds {
			nums := srv.Provision(t, v, fmt.Sprint(206+i), 2, vcProduct)
			assoc := string(k.name) + "=" + k.id
			wantNoErrors(t, k.associate(nums...), string(k.name)+": associate")
			for _, n := range nums {
				numberIs(t, srv, n, vtypes.PhoneNumberStatusAssigned, assoc)
			}
			if l := listedBy(t, srv, k.name, k.id); len(l) != 2 {
				t.Fatalf("%s: listed %v", k.name, l)
			}
			if got := batchDelete(t, srv, nums...); got[nums[0]] != k.code || got[nums[1]] != k.code {
				t.Fatalf("%s: batch delete errors %v, want %s", k.name, got, k.code)
			}
			_, err := v.DeletePhoneNumber(bg, &chimesdkvoice.DeletePhoneNumberInput{PhoneNumberId: aws.String(nums[0])})
			wantAPIError(t, err, 400, "BadRequestException", k.id)
			wantAPIError(t, k.delete(), 409, "ConflictException", "2 phone number")
			numberIs(t, srv, nums[0], vtypes.PhoneNumberStatusAssigned, assoc)

			chimevoicetest.Must(t, k.dissoc(nums...), "%s: disassociate", k.name)
			numberIs(t, srv, nums[0], vtypes.PhoneNumberStatusUnassigned)
			chimevoicetest.Must(t, k.dissoc(nums...), "%s: disassociate again", k.name)
			if got := batchDelete(t, srv, nums...); len(got) != 0 {
				t.Fatalf("%s: delete after disassociate: %v", k.name, got)
			}
			numberIs(t, srv, nums[0], vtypes.PhoneNumberStatusDeleteInProgress)
			restore(t, srv, nums[0])
			numberIs(t, srv, nums[0], vtypes.PhoneNumberStatusUnassigned)
			if errs := k.associate(nums...); errs[nums[1]] != "Conflict" || len(errs) != 1 {
				t.Fatalf("%s: re-associate errors %v, want Conflict for the queued number only", k.name, errs)
			}
			numberIs(t, srv, nums[0], vtypes.PhoneNumberStatusAssigned, assoc)
			chimevoicetest.Must(t, k.dissoc(nums[0]), "%s: disassociate restored", k.name)
		}
		// Numbers gone and the group emptied, the group and then the Voice Connector can go.
		_, err := v.UpdateVoiceConnectorGroup(bg, &chimesdkvoice.UpdateVoiceConnectorGroupInput{VoiceConnectorGroupId: aws.String(group), Name: aws.String("x"), VoiceConnectorItems: []vtypes.VoiceConnectorItem{}})
		chimevoicetest.Must(t, err, "empty the group")
		chimevoicetest.Must(t, kinds[1].delete(), "delete group")
		_, err = v.UpdateVoiceConnectorGroup(bg, &chimesdkvoice.UpdateVoiceConnectorGroupInput{VoiceConnectorGroupId: aws.String(group), Name: aws.String("x"), VoiceConnectorItems: []vtypes.VoiceConnectorItem{}})
		wantAPIError(t, err, 404, "NotFoundException")
		chimevoicetest.Must(t, kinds[0].delete(), "delete voice connector")
	})
}

func TestTags(t *testing.T) {
	chimevoicetest.Each(t, func(t *testing.T, b chimevoicetest.Backend) {
		srv := chimevoicetest.New(t, chimevoicetest.Options{Backend: b, Credentials: twoAccounts})
		v := srv.Voice
		vc := createVC(t, v, "vc")
		sma := createSMA(t, v, "sma")
		if !guidPattern.MatchString(aws.ToString(sma.SipMediaApplicationId)) || aws.ToString(sma.SipMediaApplicationArn) != "arn:aws:chime:us-east-1:000000000000:sma/"+aws.ToString(sma.SipMediaApplicationId) {
			t.Fatalf("sma id %q arn %q", aws.ToString(sma.SipMediaApplicationId), aws.ToString(sma.SipMediaApplicationArn))
		}
		tagsOf := func(arn string) string {
			out, err := v.ListTagsForResource(bg, &chimesdkvoice.ListTagsForResourceInput{ResourceARN: aws.String(arn)})
			chimevoicetest.Must(t, err, "list tags")
			s := ""
			for _, tg := range out.Tags {
				s += aws.ToString(tg.Key) + "=" + aws.ToString(tg.Value) + ";"
			}
			return s
		}
		tag := func(k, val string) vtypes.Tag { return vtypes.Tag{Key: aws.String(k), Value: aws.String(val)} }
		for _, arn := range []string{aws.ToString(vc.VoiceConnectorArn), aws.ToString(sma.SipMediaApplicationArn)} {
			if got := tagsOf(arn); got != "" {
				t.Fatalf("new resource has tags %q", got)
			}
			_, err := v.TagResource(bg, &chimesdkvoice.TagResourceInput{ResourceARN: aws.String(arn), Tags: []vtypes.Tag{tag("b", "2"), tag("a", "1")}})
			chimevoicetest.Must(t, err, "tag")
			_, err = v.TagResource(bg, &chimesdkvoice.TagResourceInput{ResourceARN: aws.String(arn), Tags: []vtypes.Tag{tag("a", "one")}})
			chimevoicetest.Must(t, err, "retag")
			if got := tagsOf(arn); got != "a=one;b=2;" {
				t.Fatalf("tags %q", got)
			}
			_, err = v.UntagResource(bg, &chimesdkvoice.UntagResourceInput{ResourceARN: aws.String(arn), TagKeys: []string{"b", "absent"}})
			chimevoicetest.Must(t, err, "untag")
			if got := tagsOf(arn); got != "a=one;" {
				t.Fatalf("tags after untag %q", got)
			}
			var many []vtypes.Tag
			for i := 0; i < 50; i++ {
				many = append(many, tag(fmt.Sprintf("k%02d", i), "v"))
			}
			_, err = v.TagResource(bg, &chimesdkvoice.TagResourceInput{ResourceARN: aws.String(arn), Tags: many})
			wantAPIError(t, err, 400, "ResourceLimitExceededException", "50")
			if got := tagsOf(arn); got != "a=one;" {
				t.Fatalf("refused tagging changed the tags: %q", got)
			}
			otherVoice, _ := srv.Clients(otherAccount.AccessKeyID, otherAccount.SecretAccessKey)
			_, err = otherVoice.ListTagsForResource(bg, &chimesdkvoice.ListTagsForResourceInput{ResourceARN: aws.String(arn)})
			wantAPIError(t, err, 404, "NotFoundException")
		}
		_, err := v.TagResource(bg, &chimesdkvoice.TagResourceInput{ResourceARN: aws.String("arn:aws:chime:us-east-1:000000000000:vc/nosuch"), Tags: []vtypes.Tag{tag("a", "1")}})
		wantAPIError(t, err, 404, "NotFoundException")
		_, err = v.TagResource(bg, &chimesdkvoice.TagResourceInput{ResourceARN: aws.String("arn:aws:s3:::bucket"), Tags: []vtypes.Tag{tag("a", "1")}})
		wantAPIError(t, err, 400, "BadRequestException", "ResourceARN")
		_, err = v.ListTagsForResource(bg, &chimesdkvoice.ListTagsForResourceInput{ResourceARN: aws.String("not an arn")})
		wantAPIError(t, err, 400, "BadRequestException", "ResourceARN")

		// Creating with tags, and deleting the resource drops them.
		out, err := v.CreateVoiceConnector(bg, &chimesdkvoice.CreateVoiceConnectorInput{Name: aws.String("tagged"), RequireEncryption: aws.Bool(false), Tags: []vtypes.Tag{tag("env", "test")}})
		chimevoicetest.Must(t, err, "create tagged")
		arn := aws.ToString(out.VoiceConnector.VoiceConnectorArn)
		if got := tagsOf(arn); got != "env=test;" {
			t.Fatalf("created tags %q", got)
		}
		_, err = v.DeleteVoiceConnector(bg, &chimesdkvoice.DeleteVoiceConnectorInput{VoiceConnectorId: out.VoiceConnector.VoiceConnectorId})
		chimevoicetest.Must(t, err, "delete tagged")
		_, err = v.ListTagsForResource(bg, &chimesdkvoice.ListTagsForResourceInput{ResourceARN: aws.String(arn)})
		wantAPIError(t, err, 404, "NotFoundException")
	})
}
