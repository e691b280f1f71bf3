package httpapi_test

import (
	"bytes"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/chime"
	ctypes "github.com/aws/aws-sdk-go-v2/service/chime/types"
	"github.com/aws/aws-sdk-go-v2/service/chimesdkvoice"
	vtypes "github.com/aws/aws-sdk-go-v2/service/chimesdkvoice/types"

	"github.com/chimevoice/chimevoice/chimevoicetest"
	"github.com/chimevoice/chimevoice/sigv4"
)

func TestGlobalSettings(t *testing.T) {
	chimevoicetest.Each(t, func(t *testing.T, b chimevoicetest.Backend) {
		srv := chimevoicetest.New(t, chimevoicetest.Options{Backend: b, Credentials: []sigv4.Credential{keyA, keyB}})
		a, other := srv.Voice, func() *chimesdkvoice.Client { v, _ := srv.Clients(keyB.AccessKeyID, keyB.SecretAccessKey); return v }()
		g, err := a.GetGlobalSettings(bg, &chimesdkvoice.GetGlobalSettingsInput{})
		chimevoicetest.Must(t, err, "get unset")
		if g.VoiceConnector == nil || g.VoiceConnector.CdrBucket != nil {
			t.Fatalf("unset settings %+v", g.VoiceConnector)
		}
		_, err = a.UpdateGlobalSettings(bg, &chimesdkvoice.UpdateGlobalSettingsInput{VoiceConnector: &vtypes.VoiceConnectorSettings{CdrBucket: aws.String("cdr-bucket-1")}})
		chimevoicetest.Must(t, err, "update")
		for _, bad := range []struct{ bucket, why string }{{"Upper", "VoiceConnector.CdrBucket"}, {"ab", "3 to 63"}, {"-lead", "inner hyphens"}, {"xn--punycode", "xn--"}, {"data-s3alias", "s3alias"}} {
			_, err = a.UpdateGlobalSettings(bg, &chimesdkvoice.UpdateGlobalSettingsInput{VoiceConnector: &vtypes.VoiceConnectorSettings{CdrBucket: aws.String(bad.bucket)}})
			wantAPIError(t, err, 400, "BadRequestException", bad.why)
		}
		// VoiceConnector is required (the SDK's model predates that; the server checks).
		_, err = a.UpdateGlobalSettings(bg, &chimesdkvoice.UpdateGlobalSettingsInput{})
		wantAPIError(t, err, 400, "BadRequestException", "VoiceConnector")
		g, err = a.GetGlobalSettings(bg, &chimesdkvoice.GetGlobalSettingsInput{})
		chimevoicetest.Must(t, err, "get")
		if aws.ToString(g.VoiceConnector.CdrBucket) != "cdr-bucket-1" {
			t.Fatalf("settings after refused updates %+v", g.VoiceConnector)
		}
		og, err := other.GetGlobalSettings(bg, &chimesdkvoice.GetGlobalSettingsInput{})
		chimevoicetest.Must(t, err, "other account")
		if og.VoiceConnector.CdrBucket != nil {
			t.Fatalf("another account sees %q", aws.ToString(og.VoiceConnector.CdrBucket))
		}
	})
}

func TestTerminationHealth(t *testing.T) {
	srv := chimevoicetest.New(t, chimevoicetest.Options{})
	v := srv.Voice
	vc := createVC(t, v, "t")
	_, err := v.GetVoiceConnectorTerminationHealth(bg, &chimesdkvoice.GetVoiceConnectorTerminationHealthInput{VoiceConnectorId: vc.VoiceConnectorId})
	wantAPIError(t, err, 404, "NotFoundException", "no termination")
	_, err = v.GetVoiceConnectorTerminationHealth(bg, &chimesdkvoice.GetVoiceConnectorTerminationHealthInput{VoiceConnectorId: aws.String("abcdefghijklmnopqrstu1")})
	wantAPIError(t, err, 404, "NotFoundException", "abcdefghijklmnopqrstu1")
	_, err = v.GetVoiceConnectorTerminationHealth(bg, &chimesdkvoice.GetVoiceConnectorTerminationHealthInput{VoiceConnectorId: aws.String("nosuch")})
	wantAPIError(t, err, 400, "BadRequestException", "VoiceConnectorId")

	_, err = v.PutVoiceConnectorTermination(bg, &chimesdkvoice.PutVoiceConnectorTerminationInput{VoiceConnectorId: vc.VoiceConnectorId, Termination: &vtypes.Termination{
		CidrAllowedList: []string{"198.51.100.0/24", "203.0.113.7/32"}, CallingRegions: []string{"US"}, CpsLimit: aws.Int32(1), Disabled: aws.Bool(false)}})
	chimevoicetest.Must(t, err, "put termination")
	srv.Advance(t, 45*time.Second)
	h, err := v.GetVoiceConnectorTerminationHealth(bg, &chimesdkvoice.GetVoiceConnectorTerminationHealthInput{VoiceConnectorId: vc.VoiceConnectorId})
	chimevoicetest.Must(t, err, "health")
	if want := chimevoicetest.Epoch.Add(30 * time.Second); aws.ToString(h.TerminationHealth.Source) != "198.51.100.1" || !aws.ToTime(h.TerminationHealth.Timestamp).Equal(want) {
		t.Fatalf("health %s at %v, want 198.51.100.1 at %v", aws.ToString(h.TerminationHealth.Source), h.TerminationHealth.Timestamp, want)
	}
	_, err = v.PutVoiceConnectorTermination(bg, &chimesdkvoice.PutVoiceConnectorTerminationInput{VoiceConnectorId: vc.VoiceConnectorId, Termination: &vtypes.Termination{
		CidrAllowedList: []string{"198.51.100.0/24"}, CallingRegions: []string{"US"}, Disabled: aws.Bool(true)}})
	chimevoicetest.Must(t, err, "disable termination")
	_, err = v.GetVoiceConnectorTerminationHealth(bg, &chimesdkvoice.GetVoiceConnectorTerminationHealthInput{VoiceConnectorId: vc.VoiceConnectorId})
	wantAPIError(t, err, 404, "NotFoundException", "disabled")
}

const kmsKey = "arn:aws:kms:us-east-1:000000000000:key/1234abcd-12ab-34cd-56ef-1234567890ab"

func TestVoiceProfileDomains(t *testing.T) {
	chimevoicetest.Each(t, func(t *testing.T, b chimevoicetest.Backend) {
		srv := chimevoicetest.New(t, chimevoicetest.Options{Backend: b, Credentials: []sigv4.Credential{keyA, keyB}})
		v := srv.Voice
		other, _ := srv.Clients(keyB.AccessKeyID, keyB.SecretAccessKey)
		sse := &vtypes.ServerSideEncryptionConfiguration{KmsKeyArn: aws.String(kmsKey)}
		var ids []string
		for i, name := range []string{"one", "two", "three"} {
			out, err := v.CreateVoiceProfileDomain(bg, &chimesdkvoice.CreateVoiceProfileDomainInput{Name: aws.String(name), ServerSideEncryptionConfiguration: sse,
				Description: aws.String("domain " + name), Tags: []vtypes.Tag{{Key: aws.String("n"), Value: aws.String(name)}}})
			chimevoicetest.Must(t, err, "create %s", name)
			d := out.VoiceProfileDomain
			if aws.ToString(d.Name) != name || aws.ToString(d.ServerSideEncryptionConfiguration.KmsKeyArn) != kmsKey ||
				aws.ToString(d.VoiceProfileDomainArn) != "arn:aws:chime:us-east-1:"+keyA.AccountID+":voice-profile-domain/"+aws.ToString(d.VoiceProfileDomainId) {
				t.Fatalf("created %d: %+v", i, d)
			}
			ids = append(ids, aws.ToString(d.VoiceProfileDomainId))
			srv.Advance(t, time.Second)
		}
		// Bad input changes nothing.
		for _, bad := range []struct {
			in   *chimesdkvoice.CreateVoiceProfileDomainInput
			want string
		}{
			{&chimesdkvoice.CreateVoiceProfileDomainInput{Name: aws.String("x"), ServerSideEncryptionConfiguration: &vtypes.ServerSideEncryptionConfiguration{KmsKeyArn: aws.String("arn:aws:kms:us-east-1:000000000000:alias/mine")}}, "KmsKeyArn"},
			{&chimesdkvoice.CreateVoiceProfileDomainInput{Name: aws.String("x"), ServerSideEncryptionConfiguration: &vtypes.ServerSideEncryptionConfiguration{KmsKeyArn: aws.String("arn:aws:s3:::bucket")}}, "KmsKeyArn"},
			{&chimesdkvoice.CreateVoiceProfileDomainInput{Name: aws.String("!!!"), ServerSideEncryptionConfiguration: sse}, "Name"},
			{&chimesdkvoice.CreateVoiceProfileDomainInput{Name: aws.String("x"), ServerSideEncryptionConfiguration: sse, Tags: []vtypes.Tag{{Key: aws.String("k"), Value: aws.String("1")}, {Key: aws.String("k"), Value: aws.String("2")}}}, "Tags[1].Key"},
		} {
			_, err := v.CreateVoiceProfileDomain(bg, bad.in)
			wantAPIError(t, err, 400, "BadRequestException", bad.want)
		}
		// Paging.
		var listed []string
		p := chimesdkvoice.NewListVoiceProfileDomainsPaginator(v, &chimesdkvoice.ListVoiceProfileDomainsInput{MaxResults: aws.Int32(2)})
		pages := 0
		for p.HasMorePages() {
			page, err := p.NextPage(bg)
			chimevoicetest.Must(t, err, "list")
			pages++
			for _, d := range page.VoiceProfileDomains {
				listed = append(listed, aws.ToString(d.VoiceProfileDomainId))
			}
		}
		if pages != 2 || len(listed) != 3 || listed[0] != ids[0] || listed[2] != ids[2] {
			t.Fatalf("listed %v in %d pages, want %v in 2", listed, pages, ids)
		}
		// A retried create with the same token returns the same domain.
		tok := &chimesdkvoice.CreateVoiceProfileDomainInput{Name: aws.String("tok"), ServerSideEncryptionConfiguration: sse, ClientRequestToken: aws.String("token-1")}
		first, err := v.CreateVoiceProfileDomain(bg, tok)
		chimevoicetest.Must(t, err, "create with token")
		again, err := v.CreateVoiceProfileDomain(bg, tok)
		chimevoicetest.Must(t, err, "retry with token")
		if aws.ToString(again.VoiceProfileDomain.VoiceProfileDomainId) != aws.ToString(first.VoiceProfileDomain.VoiceProfileDomainId) {
			t.Fatalf("retry created another domain")
		}
		_, err = v.CreateVoiceProfileDomain(bg, &chimesdkvoice.CreateVoiceProfileDomainInput{Name: aws.String("other"), ServerSideEncryptionConfiguration: sse, ClientRequestToken: aws.String("token-1")})
		wantAPIError(t, err, 409, "ConflictException", "ClientRequestToken")

		up, err := v.UpdateVoiceProfileDomain(bg, &chimesdkvoice.UpdateVoiceProfileDomainInput{VoiceProfileDomainId: aws.String(ids[1]), Name: aws.String("renamed")})
		chimevoicetest.Must(t, err, "update")
		if aws.ToString(up.VoiceProfileDomain.Name) != "renamed" || aws.ToString(up.VoiceProfileDomain.Description) != "domain two" {
			t.Fatalf("updated %+v", up.VoiceProfileDomain)
		}
		tags, err := v.ListTagsForResource(bg, &chimesdkvoice.ListTagsForResourceInput{ResourceARN: up.VoiceProfileDomain.VoiceProfileDomainArn})
		chimevoicetest.Must(t, err, "tags")
		if len(tags.Tags) != 1 || aws.ToString(tags.Tags[0].Value) != "two" {
			t.Fatalf("tags %+v", tags.Tags)
		}
		// Another account sees none of it.
		_, err = other.GetVoiceProfileDomain(bg, &chimesdkvoice.GetVoiceProfileDomainInput{VoiceProfileDomainId: aws.String(ids[0])})
		wantAPIError(t, err, 404, "NotFoundException", ids[0])
		_, err = other.DeleteVoiceProfileDomain(bg, &chimesdkvoice.DeleteVoiceProfileDomainInput{VoiceProfileDomainId: aws.String(ids[0])})
		wantAPIError(t, err, 404, "NotFoundException", ids[0])

		_, err = v.DeleteVoiceProfileDomain(bg, &chimesdkvoice.DeleteVoiceProfileDomainInput{VoiceProfileDomainId: aws.String(ids[1])})
		chimevoicetest.Must(t, err, "delete")
		_, err = v.GetVoiceProfileDomain(bg, &chimesdkvoice.GetVoiceProfileDomainInput{VoiceProfileDomainId: aws.String(ids[1])})
		wantAPIError(t, err, 404, "NotFoundException")
		_, err = v.ListTagsForResource(bg, &chimesdkvoice.ListTagsForResourceInput{ResourceARN: up.VoiceProfileDomain.VoiceProfileDomainArn})
		wantAPIError(t, err, 404, "NotFoundException")
	})
}

func TestProxySessions(t *testing.T) {
	chimevoicetest.Each(t, func(t *testing.T, b chimevoicetest.Backend) {
		srv := chimevoicetest.New(t, chimevoicetest.Options{Backend: b, Credentials: []sigv4.Credential{keyA, keyB}})
		v := srv.Voice
		other, _ := srv.Clients(keyB.AccessKeyID, keyB.SecretAccessKey)
		vc := createVC(t, v, "proxy")
		vcID := vc.VoiceConnectorId
		pool := srv.Provision(t, v, "206", 2, vtypes.PhoneNumberProductTypeVoiceConnector)
		slices.Sort(pool) // proxy numbers are chosen in E.164 order
		wantNoErrors(t, associateVC(t, srv, *vcID, false, pool...), "associate the pool")
		const alice, bob, carol = "+14155550101", "+14155550102", "+14155550103"
		create := func(parts ...string) (*chimesdkvoice.CreateProxySessionOutput, error) {
			return v.CreateProxySession(bg, &chimesdkvoice.CreateProxySessionInput{VoiceConnectorId: vcID, ParticipantPhoneNumbers: parts,
				Capabilities: []vtypes.Capability{vtypes.CapabilityVoice}, Name: aws.String("s")})
		}

		_, err := create(alice, bob)
		wantAPIError(t, err, 400, "BadRequestException", "no proxy configuration")
		_, err = v.PutVoiceConnectorProxy(bg, &chimesdkvoice.PutVoiceConnectorProxyInput{VoiceConnectorId: vcID, DefaultSessionExpiryMinutes: aws.Int32(0), PhoneNumberPoolCountries: []string{"US"}})
		wantAPIError(t, err, 400, "BadRequestException", "DefaultSessionExpiryMinutes")
		_, err = v.PutVoiceConnectorProxy(bg, &chimesdkvoice.PutVoiceConnectorProxyInput{VoiceConnectorId: vcID, DefaultSessionExpiryMinutes: aws.Int32(60), PhoneNumberPoolCountries: []string{"US"}, Disabled: aws.Bool(true)})
		chimevoicetest.Must(t, err, "put disabled proxy")
		_, err = create(alice, bob)
		wantAPIError(t, err, 400, "BadRequestException", "disabled")
		px, err := v.PutVoiceConnectorProxy(bg, &chimesdkvoice.PutVoiceConnectorProxyInput{VoiceConnectorId: vcID, DefaultSessionExpiryMinutes: aws.Int32(60), PhoneNumberPoolCountries: []string{"US"}, FallBackPhoneNumber: aws.String(pool[0])})
		chimevoicetest.Must(t, err, "put proxy")
		if aws.ToInt32(px.Proxy.DefaultSessionExpiryMinutes) != 60 || len(px.Proxy.PhoneNumberCountries) != 1 {
			t.Fatalf("proxy %+v", px.Proxy)
		}

		// Open with the default expiry; each participant gets a proxy number of the pool.
		s1, err := create(alice, bob)
		chimevoicetest.Must(t, err, "create session")
		ps := s1.ProxySession
		if ps.Status != vtypes.ProxySessionStatusOpen || aws.ToInt32(ps.ExpiryMinutes) != 60 || len(ps.Participants) != 2 ||
			aws.ToString(ps.Participants[0].ProxyPhoneNumber) != pool[0] || aws.ToString(ps.Participants[0].PhoneNumber) != alice {
			t.Fatalf("session %+v", ps)
		}
		// Alice already talks through pool[0]: her next session gets the other number; then none is left.
		s2, err := create(alice, carol)
		chimevoicetest.Must(t, err, "second session")
		if got := aws.ToString(s2.ProxySession.Participants[0].ProxyPhoneNumber); got != pool[1] {
			t.Fatalf("alice's second proxy number %s, want %s", got, pool[1])
		}
		_, err = create(carol, alice)
		wantAPIError(t, err, 400, "BadRequestException", "ParticipantPhoneNumbers[1]", "no proxy phone number")
		for _, bad := range []struct {
			in   *chimesdkvoice.CreateProxySessionInput
			want string
		}{
			{&chimesdkvoice.CreateProxySessionInput{VoiceConnectorId: vcID, ParticipantPhoneNumbers: []string{alice, alice}, Capabilities: []vtypes.Capability{"Voice"}}, "same number"},
			{&chimesdkvoice.CreateProxySessionInput{VoiceConnectorId: vcID, ParticipantPhoneNumbers: []string{alice}, Capabilities: []vtypes.Capability{"Voice"}}, "ParticipantPhoneNumbers"},
			{&chimesdkvoice.CreateProxySessionInput{VoiceConnectorId: vcID, ParticipantPhoneNumbers: []string{alice, bob}, Capabilities: []vtypes.Capability{}}, "Capabilities"},
			{&chimesdkvoice.CreateProxySessionInput{VoiceConnectorId: vcID, ParticipantPhoneNumbers: []string{alice, bob}, Capabilities: []vtypes.Capability{"Fax"}}, "Capabilities"},
			{&chimesdkvoice.CreateProxySessionInput{VoiceConnectorId: vcID, ParticipantPhoneNumbers: []string{carol, "+14155550104"}, Capabilities: []vtypes.Capability{"Voice"},
				GeoMatchLevel: vtypes.GeoMatchLevelAreaCode, GeoMatchParams: &vtypes.GeoMatchParams{Country: aws.String("US"), AreaCode: aws.String("312")}}, "area code 312"},
			{&chimesdkvoice.CreateProxySessionInput{VoiceConnectorId: vcID, ParticipantPhoneNumbers: []string{pool[1], bob}, Capabilities: []vtypes.Capability{"Voice"}}, "proxy phone number of the Voice Connector"},
			{&chimesdkvoice.CreateProxySessionInput{VoiceConnectorId: vcID, ParticipantPhoneNumbers: []string{carol, bob}, Capabilities: []vtypes.Capability{"Voice"}, NumberSelectionBehavior: "Sometimes"}, "NumberSelectionBehavior"},
		} {
			_, err := v.CreateProxySession(bg, bad.in)
			wantAPIError(t, err, 400, "BadRequestException", bad.want)
		}
		_, err = other.CreateProxySession(bg, &chimesdkvoice.CreateProxySessionInput{VoiceConnectorId: vcID, ParticipantPhoneNumbers: []string{carol, bob}, Capabilities: []vtypes.Capability{"Voice"}})
		wantAPIError(t, err, 404, "NotFoundException", *vcID)

		// Update the second session to close sooner; the first one keeps its hour.
		up, err := v.UpdateProxySession(bg, &chimesdkvoice.UpdateProxySessionInput{VoiceConnectorId: vcID, ProxySessionId: s2.ProxySession.ProxySessionId,
			Capabilities: []vtypes.Capability{"Voice", "SMS"}, ExpiryMinutes: aws.Int32(10)})
		chimevoicetest.Must(t, err, "update")
		if aws.ToInt32(up.ProxySession.ExpiryMinutes) != 10 || len(up.ProxySession.Capabilities) != 2 {
			t.Fatalf("updated %+v", up.ProxySession)
		}
		created := aws.ToTime(s2.ProxySession.CreatedTimestamp)
		srv.Advance(t, 10*time.Minute-time.Millisecond)
		got, err := v.GetProxySession(bg, &chimesdkvoice.GetProxySessionInput{VoiceConnectorId: vcID, ProxySessionId: s2.ProxySession.ProxySessionId})
		chimevoicetest.Must(t, err, "get")
		if got.ProxySession.Status != vtypes.ProxySessionStatusOpen {
			t.Fatalf("1 ms before expiry: %s", got.ProxySession.Status)
		}
		srv.Advance(t, time.Millisecond)
		got, err = v.GetProxySession(bg, &chimesdkvoice.GetProxySessionInput{VoiceConnectorId: vcID, ProxySessionId: s2.ProxySession.ProxySessionId})
		chimevoicetest.Must(t, err, "get")
		if got.ProxySession.Status != vtypes.ProxySessionStatusClosed || !aws.ToTime(got.ProxySession.EndedTimestamp).Equal(created.Add(10*time.Minute)) {
			t.Fatalf("at expiry: %s ended %v", got.ProxySession.Status, got.ProxySession.EndedTimestamp)
		}
		_, err = v.UpdateProxySession(bg, &chimesdkvoice.UpdateProxySessionInput{VoiceConnectorId: vcID, ProxySessionId: s2.ProxySession.ProxySessionId, Capabilities: []vtypes.Capability{"Voice"}})
		wantAPIError(t, err, 400, "BadRequestException", "Closed")
		// pool[1] is free for Alice again.
		s3, err := create(alice, carol)
		chimevoicetest.Must(t, err, "session after expiry")

		// List by status, with paging.
		count := func(status vtypes.ProxySessionStatus) int {
			n := 0
			p := chimesdkvoice.NewListProxySessionsPaginator(v, &chimesdkvoice.ListProxySessionsInput{VoiceConnectorId: vcID, Status: status, MaxResults: aws.Int32(1)})
			for p.HasMorePages() {
				page, err := p.NextPage(bg)
				chimevoicetest.Must(t, err, "list %s", status)
				n += len(page.ProxySessions)
			}
			return n
		}
		if open, closed, all := count(vtypes.ProxySessionStatusOpen), count(vtypes.ProxySessionStatusClosed), count(""); open != 2 || closed != 1 || all != 3 {
			t.Fatalf("listed open %d closed %d all %d, want 2 1 3", open, closed, all)
		}
		srv.Advance(t, time.Hour)
		if open := count(vtypes.ProxySessionStatusOpen); open != 0 {
			t.Fatalf("after an hour, %d open sessions", open)
		}

		_, err = v.DeleteProxySession(bg, &chimesdkvoice.DeleteProxySessionInput{VoiceConnectorId: vcID, ProxySessionId: s3.ProxySession.ProxySessionId})
		chimevoicetest.Must(t, err, "delete")
		_, err = v.GetProxySession(bg, &chimesdkvoice.GetProxySessionInput{VoiceConnectorId: vcID, ProxySessionId: s3.ProxySession.ProxySessionId})
		wantAPIError(t, err, 404, "NotFoundException")
		_, err = v.DeleteVoiceConnectorProxy(bg, &chimesdkvoice.DeleteVoiceConnectorProxyInput{VoiceConnectorId: vcID})
		chimevoicetest.Must(t, err, "delete proxy")
		gp, err := v.GetVoiceConnectorProxy(bg, &chimesdkvoice.GetVoiceConnectorProxyInput{VoiceConnectorId: vcID})
		chimevoicetest.Must(t, err, "get proxy")
		if gp.Proxy != nil {
			t.Fatalf("proxy after delete %+v", gp.Proxy)
		}
	})
}

func TestValidateE911Address(t *testing.T) {
	srv := chimevoicetest.New(t, chimevoicetest.Options{})
	v := srv.Voice
	in := func(number, street, city, state, zip string) *chimesdkvoice.ValidateE911AddressInput {
		return &chimesdkvoice.ValidateE911AddressInput{AwsAccountId: aws.String("000000000000"), StreetNumber: aws.String(number), StreetInfo: aws.String(street),
			City: aws.String(city), State: aws.String(state), Country: aws.String("US"), PostalCode: aws.String(zip)}
	}
	valid, err := v.ValidateE911Address(bg, in("410", "TERRY AVE N", "SEATTLE", "WA", "98109"))
	chimevoicetest.Must(t, err, "valid")
	if valid.ValidationResult != 0 || valid.AddressExternalId == nil || aws.ToString(valid.Address.StreetSuffix) != "AVE" || aws.ToString(valid.Address.PostDirectional) != "N" {
		t.Fatalf("valid: %d %+v", valid.ValidationResult, valid.Address)
	}
	corrected, err := v.ValidateE911Address(bg, in("410", "Terry Avenue North", "Seattle", "Washington", "98109"))
	chimevoicetest.Must(t, err, "corrected")
	if corrected.ValidationResult != 1 || aws.ToString(corrected.AddressExternalId) != aws.ToString(valid.AddressExternalId) || aws.ToString(corrected.Address.State) != "WA" {
		t.Fatalf("corrected: %d %s %+v", corrected.ValidationResult, aws.ToString(corrected.AddressExternalId), corrected.Address)
	}
	wrongCity, err := v.ValidateE911Address(bg, in("410", "Terry Ave N", "Tacoma", "WA", "98109"))
	chimevoicetest.Must(t, err, "wrong city")
	if wrongCity.ValidationResult != 2 || len(wrongCity.CandidateAddressList) != 1 || aws.ToString(wrongCity.CandidateAddressList[0].City) != "SEATTLE" || wrongCity.Address != nil {
		t.Fatalf("wrong city: %d %+v", wrongCity.ValidationResult, wrongCity.CandidateAddressList)
	}
	wrongState, err := v.ValidateE911Address(bg, in("1", "Main St", "Springfield", "OR", "62701"))
	chimevoicetest.Must(t, err, "wrong state")
	if wrongState.ValidationResult != 2 || len(wrongState.CandidateAddressList) != 1 || aws.ToString(wrongState.CandidateAddressList[0].State) != "IL" {
		t.Fatalf("wrong state: %d %+v", wrongState.ValidationResult, wrongState.CandidateAddressList)
	}
	for _, bad := range []*chimesdkvoice.ValidateE911AddressInput{
		in("410", "Terry Ave N", "Seattle", "WA", "9810"),
		in("four ten", "Terry Ave N", "Seattle", "WA", "98109"),
		in("410", "Terry Ave N", "Seattle", "ZZ", "00000"),
	} {
		out, err := v.ValidateE911Address(bg, bad)
		chimevoicetest.Must(t, err, "invalid")
		if out.ValidationResult != 2 || len(out.CandidateAddressList) != 0 {
			t.Fatalf("%+v: %d %+v", bad, out.ValidationResult, out.CandidateAddressList)
		}
	}
	other := in("410", "Terry Ave N", "Seattle", "WA", "98109")
	other.AwsAccountId = aws.String("111111111111")
	_, err = v.ValidateE911Address(bg, other)
	wantAPIError(t, err, 403, "ForbiddenException", "AwsAccountId")
	_, err = v.ValidateE911Address(bg, &chimesdkvoice.ValidateE911AddressInput{AwsAccountId: aws.String("000000000000"), StreetNumber: aws.String("1")})
	if err == nil {
		t.Fatalf("missing members accepted")
	}
}

// Snapshots carry the control-plane resources, and what is due after an
// import (a session's expiry, a pending calling name) still happens.
func TestStateRoundTripWithControlPlane(t *testing.T) {
	chimevoicetest.Each(t, func(t *testing.T, be chimevoicetest.Backend) {
		srv := chimevoicetest.New(t, chimevoicetest.Options{Backend: be, OrderLatency: time.Minute})
		v := srv.Voice
		pool := srv.Provision(t, v, "206", 2, vtypes.PhoneNumberProductTypeVoiceConnector)
		vc := createVC(t, v, "proxy")
		wantNoErrors(t, associateVC(t, srv, *vc.VoiceConnectorId, false, pool[0]), "associate")
		_, err := v.PutVoiceConnectorProxy(bg, &chimesdkvoice.PutVoiceConnectorProxyInput{VoiceConnectorId: vc.VoiceConnectorId, DefaultSessionExpiryMinutes: aws.Int32(5), PhoneNumberPoolCountries: []string{"US"}})
		chimevoicetest.Must(t, err, "proxy")
		s, err := v.CreateProxySession(bg, &chimesdkvoice.CreateProxySessionInput{VoiceConnectorId: vc.VoiceConnectorId, ParticipantPhoneNumbers: []string{"+14155550101", "+14155550102"},
			Capabilities: []vtypes.Capability{"Voice"}, NumberSelectionBehavior: vtypes.NumberSelectionBehaviorPreferSticky})
		chimevoicetest.Must(t, err, "session")
		_, err = v.CreateVoiceProfileDomain(bg, &chimesdkvoice.CreateVoiceProfileDomainInput{Name: aws.String("d"), ServerSideEncryptionConfiguration: &vtypes.ServerSideEncryptionConfiguration{KmsKeyArn: aws.String(kmsKey)},
			ClientRequestToken: aws.String("t1"), Tags: []vtypes.Tag{{Key: aws.String("k"), Value: aws.String("v")}}})
		chimevoicetest.Must(t, err, "domain")
		_, err = v.UpdateGlobalSettings(bg, &chimesdkvoice.UpdateGlobalSettingsInput{VoiceConnector: &vtypes.VoiceConnectorSettings{CdrBucket: aws.String("cdrs")}})
		chimevoicetest.Must(t, err, "global settings")
		_, err = v.UpdatePhoneNumber(bg, &chimesdkvoice.UpdatePhoneNumberInput{PhoneNumberId: aws.String(pool[1]), CallingName: aws.String("Acme")})
		chimevoicetest.Must(t, err, "calling name")
		acct := createAccount(t, srv.Legacy, "Team")
		user := createUser(t, srv.Legacy, acct, "ann@example.com")
		_, err = srv.Legacy.UpdateUserSettings(bg, &chime.UpdateUserSettingsInput{AccountId: aws.String(acct), UserId: user.UserId, UserSettings: &ctypes.UserSettings{
			Telephony: &ctypes.TelephonySettings{InboundCalling: aws.Bool(true), OutboundCalling: aws.Bool(false), SMS: aws.Bool(true)}}})
		chimevoicetest.Must(t, err, "user settings")

		snap := srv.ExportState(t, false)
		for _, section := range []string{"GlobalSettings", "VoiceProfileDomains", "ProxySessions", "ProxySessionParticipants", "ChimeUserSettings"} {
			if !bytes.Contains(snap, []byte(`"`+section+`": [`+"\n  {")) {
				t.Fatalf("%s missing from the snapshot:\n%s", section, snap)
			}
		}
		srv.Reset(t)
		if r := srv.ImportState(t, snap); r.Status != http.StatusOK {
			t.Fatalf("import: %d %s", r.Status, r.Body)
		}
		if again := srv.ExportState(t, false); !bytes.Equal(again, snap) {
			t.Fatalf("export after import differs:\n%s\n%s", snap, again)
		}
		srv.Advance(t, 5*time.Minute)
		got, err := v.GetProxySession(bg, &chimesdkvoice.GetProxySessionInput{VoiceConnectorId: vc.VoiceConnectorId, ProxySessionId: s.ProxySession.ProxySessionId})
		chimevoicetest.Must(t, err, "session after import")
		if got.ProxySession.Status != vtypes.ProxySessionStatusClosed {
			t.Fatalf("imported session after its expiry: %s", got.ProxySession.Status)
		}
		if st := getNumber(t, srv, pool[1]).CallingNameStatus; st != vtypes.CallingNameStatusUpdateSucceeded {
			t.Fatalf("imported pending calling name: %s", st)
		}
	})
}

func TestUserSettings(t *testing.T) {
	chimevoicetest.Each(t, func(t *testing.T, b chimevoicetest.Backend) {
		srv := chimevoicetest.New(t, chimevoicetest.Options{Backend: b, Credentials: []sigv4.Credential{keyA, keyB}})
		l := srv.Legacy
		_, other := srv.Clients(keyB.AccessKeyID, keyB.SecretAccessKey)
		acct := createAccount(t, l, "Team")
		user := aws.ToString(createUser(t, l, acct, "ann@example.com").UserId)
		got, err := l.GetUserSettings(bg, &chime.GetUserSettingsInput{AccountId: aws.String(acct), UserId: aws.String(user)})
		chimevoicetest.Must(t, err, "get default")
		if tel := got.UserSettings.Telephony; !aws.ToBool(tel.InboundCalling) || !aws.ToBool(tel.OutboundCalling) || !aws.ToBool(tel.SMS) {
			t.Fatalf("default settings %+v", tel)
		}
		_, err = l.UpdateUserSettings(bg, &chime.UpdateUserSettingsInput{AccountId: aws.String(acct), UserId: aws.String(user), UserSettings: &ctypes.UserSettings{
			Telephony: &ctypes.TelephonySettings{InboundCalling: aws.Bool(true), OutboundCalling: aws.Bool(false), SMS: aws.Bool(false)}}})
		chimevoicetest.Must(t, err, "update")
		got, err = l.GetUserSettings(bg, &chime.GetUserSettingsInput{AccountId: aws.String(acct), UserId: aws.String(user)})
		chimevoicetest.Must(t, err, "get")
		if tel := got.UserSettings.Telephony; !aws.ToBool(tel.InboundCalling) || aws.ToBool(tel.OutboundCalling) || aws.ToBool(tel.SMS) {
			t.Fatalf("settings %+v", tel)
		}
		r := srv.Signed(t, keyA.AccessKeyID, keyA.SecretAccessKey, "PUT", "/accounts/"+acct+"/users/"+user+"/settings", []byte(`{"UserSettings":{"Telephony":{"InboundCalling":true,"OutboundCalling":true}}}`))
		if _, msg := errorShape(t, r, 400, "BadRequestException"); !strings.Contains(msg, "SMS") {
			t.Fatalf("message %q does not name SMS", msg)
		}
		_, err = l.GetUserSettings(bg, &chime.GetUserSettingsInput{AccountId: aws.String(acct), UserId: aws.String("nobody")})
		wantAPIError(t, err, 404, "NotFoundException", "nobody")
		_, err = other.UpdateUserSettings(bg, &chime.UpdateUserSettingsInput{AccountId: aws.String(acct), UserId: aws.String(user), UserSettings: &ctypes.UserSettings{
			Telephony: &ctypes.TelephonySettings{InboundCalling: aws.Bool(true), OutboundCalling: aws.Bool(true), SMS: aws.Bool(true)}}})
		wantAPIError(t, err, 404, "NotFoundException", acct)
		_, err = l.DeleteAccount(bg, &chime.DeleteAccountInput{AccountId: aws.String(acct)})
		chimevoicetest.Must(t, err, "delete the account and its users' settings")
	})
}
