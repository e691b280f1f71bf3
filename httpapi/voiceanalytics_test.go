package httpapi_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/chimesdkvoice"
	vtypes "github.com/aws/aws-sdk-go-v2/service/chimesdkvoice/types"

	"github.com/chimevoice/chimevoice"
	"github.com/chimevoice/chimevoice/chimevoicetest"
	"github.com/chimevoice/chimevoice/lambdainvoke"
	"github.com/chimevoice/chimevoice/lambdainvoke/lambdatest"
)

const mediaInsightsARN = "arn:aws:chime:us-east-1:000000000000:media-insights-pipeline-configuration/va"

// analyticsEnv is a Voice Connector whose streaming configuration enables
// call analytics, a number associated with it, a SIP rule that routes the
// calls arriving on its host to the example handler, and a voice profile
// domain.
type analyticsEnv struct {
	srv    *chimevoicetest.Server
	other  *chimesdkvoice.Client
	vc     string
	host   string
	number string // associated with vc
	domain string
}

func newAnalyticsEnv(t *testing.T, b chimevoicetest.Backend) *analyticsEnv {
	t.Helper()
	lambda := lambdatest.Start(t, lambdatest.RepoFile("examples/calls/handler.py"), "BRIDGE_TO="+bridgeTo)
	srv := chimevoicetest.New(t, chimevoicetest.Options{Backend: b, Credentials: twoAccounts, Lambda: lambdainvoke.Config{Endpoint: lambda.URL}})
	other, _ := srv.Clients(otherAccount.AccessKeyID, otherAccount.SecretAccessKey)
	vc := createVC(t, srv.Voice, "analytics")
	e := &analyticsEnv{srv: srv, other: other, vc: aws.ToString(vc.VoiceConnectorId), host: aws.ToString(vc.OutboundHostName)}
	e.number = srv.Provision(t, srv.Voice, "206", 1, vcProduct)[0]
	_, err := srv.Voice.AssociatePhoneNumbersWithVoiceConnector(bg, &chimesdkvoice.AssociatePhoneNumbersWithVoiceConnectorInput{
		VoiceConnectorId: vc.VoiceConnectorId, E164PhoneNumbers: []string{e.number}})
	chimevoicetest.Must(t, err, "associate")
	sma := createSMA(t, srv.Voice, "analytics")
	createRule(t, srv, &chimesdkvoice.CreateSipRuleInput{Name: aws.String("vc"), TriggerType: vtypes.SipRuleTriggerTypeRequestUriHostname,
		TriggerValue: aws.String(e.host), TargetApplications: target(sma.SipMediaApplicationId, 1)})
	e.stream(t, false)
	d, err := srv.Voice.CreateVoiceProfileDomain(bg, &chimesdkvoice.CreateVoiceProfileDomainInput{Name: aws.String("callers"),
		ServerSideEncryptionConfiguration: &vtypes.ServerSideEncryptionConfiguration{KmsKeyArn: aws.String(kmsKey)}})
	chimevoicetest.Must(t, err, "create domain")
	e.domain = aws.ToString(d.VoiceProfileDomain.VoiceProfileDomainId)
	return e
}

// stream puts the Voice Connector's streaming configuration, with call
// analytics (a media insights configuration) enabled or disabled.
func (e *analyticsEnv) stream(t *testing.T, insightsDisabled bool) {
	t.Helper()
	_, err := e.srv.Voice.PutVoiceConnectorStreamingConfiguration(bg, &chimesdkvoice.PutVoiceConnectorStreamingConfigurationInput{
		VoiceConnectorId: aws.String(e.vc), StreamingConfiguration: &vtypes.StreamingConfiguration{DataRetentionInHours: aws.Int32(1), Disabled: aws.Bool(false),
			MediaInsightsConfiguration: &vtypes.MediaInsightsConfiguration{ConfigurationArn: aws.String(mediaInsightsARN), Disabled: aws.Bool(insightsDisabled)}}})
	chimevoicetest.Must(t, err, "put streaming configuration")
}

// place dials the Voice Connector's number from caller: the caller presses
// 1, is bridged, and hangs up after hangup.
func (e *analyticsEnv) place(t *testing.T, caller string, hangup time.Duration) string {
	t.Helper()
	var c chimevoice.Call
	body := map[string]string{"From": caller, "To": e.number, "RequestUriHost": e.host, "Digits": "1", "HangupAfter": hangup.String()}
	if code := e.srv.Admin(t, http.MethodPost, "/_chimevoice/calls", body, &c); code != http.StatusCreated || c.Status != chimevoice.CallInProgress {
		t.Fatalf("place call: status %d, %+v", code, c)
	}
	return c.TransactionID
}

func (e *analyticsEnv) search(t *testing.T, txID string) string {
	t.Helper()
	out, err := e.srv.Voice.StartSpeakerSearchTask(bg, &chimesdkvoice.StartSpeakerSearchTaskInput{VoiceConnectorId: aws.String(e.vc),
		TransactionId: aws.String(txID), VoiceProfileDomainId: aws.String(e.domain)})
	chimevoicetest.Must(t, err, "start speaker search")
	return aws.ToString(out.SpeakerSearchTask.SpeakerSearchTaskId)
}

func (e *analyticsEnv) getSearch(t *testing.T, id string) *vtypes.SpeakerSearchTask {
	t.Helper()
	out, err := e.srv.Voice.GetSpeakerSearchTask(bg, &chimesdkvoice.GetSpeakerSearchTaskInput{VoiceConnectorId: aws.String(e.vc), SpeakerSearchTaskId: aws.String(id)})
	chimevoicetest.Must(t, err, "get speaker search %s", id)
	return out.SpeakerSearchTask
}

func (e *analyticsEnv) getTone(t *testing.T, id string) *vtypes.VoiceToneAnalysisTask {
	t.Helper()
	out, err := e.srv.Voice.GetVoiceToneAnalysisTask(bg, &chimesdkvoice.GetVoiceToneAnalysisTaskInput{VoiceConnectorId: aws.String(e.vc),
		VoiceToneAnalysisTaskId: aws.String(id), IsCaller: aws.Bool(true)})
	chimevoicetest.Must(t, err, "get tone analysis %s", id)
	return out.VoiceToneAnalysisTask
}

// TestSpeakerSearchAndVoiceProfiles: a speaker search on a call moves on
// the service clock, enrols its caller, finds them on their next call,
// and the profile expires three years after its last enrolment.
func TestSpeakerSearchAndVoiceProfiles(t *testing.T) {
	chimevoicetest.Each(t, func(t *testing.T, b chimevoicetest.Backend) {
		e := newAnalyticsEnv(t, b)
		v := e.srv.Voice
		tx := e.place(t, pstnCaller, time.Minute)
		start := e.srv.Now(t)
		id := e.search(t, tx)
		got := e.getSearch(t, id)
		if got.SpeakerSearchTaskStatus == nil || *got.SpeakerSearchTaskStatus != "IN_QUEUE" || got.StartedTimestamp != nil ||
			aws.ToString(got.CallDetails.TransactionId) != tx || aws.ToString(got.CallDetails.VoiceConnectorId) != e.vc || !aws.ToBool(got.CallDetails.IsCaller) {
			t.Fatalf("new task: %+v %+v", got, got.CallDetails)
		}
		// A profile needs a succeeded task.
		_, err := v.CreateVoiceProfile(bg, &chimesdkvoice.CreateVoiceProfileInput{SpeakerSearchTaskId: aws.String(id)})
		wantAPIError(t, err, 400, "BadRequestException", "SpeakerSearchTaskId", "IN_QUEUE")

		e.srv.Advance(t, time.Second)
		got = e.getSearch(t, id)
		if aws.ToString(got.SpeakerSearchTaskStatus) != "IN_PROGRESS" || !aws.ToTime(got.StartedTimestamp).Equal(start.Add(time.Second)) {
			t.Fatalf("after 1 s: %s started %v", aws.ToString(got.SpeakerSearchTaskStatus), got.StartedTimestamp)
		}
		e.srv.Advance(t, 10*time.Second)
		got = e.getSearch(t, id)
		if aws.ToString(got.SpeakerSearchTaskStatus) != "SUCCEEDED" || len(got.SpeakerSearchDetails.Results) != 0 ||
			aws.ToString(got.SpeakerSearchDetails.VoiceprintGenerationStatus) != "VoiceprintGenerationSuccess" ||
			!aws.ToTime(got.UpdatedTimestamp).Equal(start.Add(11*time.Second)) {
			t.Fatalf("after 11 s: %s %+v updated %v", aws.ToString(got.SpeakerSearchTaskStatus), got.SpeakerSearchDetails, got.UpdatedTimestamp)
		}
		// Stopping a finished task is a conflict.
		_, err = v.StopSpeakerSearchTask(bg, &chimesdkvoice.StopSpeakerSearchTaskInput{VoiceConnectorId: aws.String(e.vc), SpeakerSearchTaskId: aws.String(id)})
		wantAPIError(t, err, 409, "ConflictException", "SUCCEEDED")

		created, err := v.CreateVoiceProfile(bg, &chimesdkvoice.CreateVoiceProfileInput{SpeakerSearchTaskId: aws.String(id)})
		chimevoicetest.Must(t, err, "create voice profile")
		p := created.VoiceProfile
		pid := aws.ToString(p.VoiceProfileId)
		now := e.srv.Now(t)
		if aws.ToString(p.VoiceProfileDomainId) != e.domain || aws.ToString(p.VoiceProfileArn) != "arn:aws:chime:us-east-1:000000000000:voice-profile/"+pid ||
			!aws.ToTime(p.ExpirationTimestamp).Equal(now.Add(chimevoice.VoiceProfileLifetime)) {
			t.Fatalf("created %+v", p)
		}

		// The same caller calls again: the search finds the profile.
		e.srv.Advance(t, time.Minute) // the first call ended
		id2 := e.search(t, e.place(t, pstnCaller, time.Minute))
		other := e.search(t, e.place(t, "+15105550177", time.Minute))
		e.srv.Advance(t, 11*time.Second)
		got = e.getSearch(t, id2)
		if len(got.SpeakerSearchDetails.Results) != 1 || aws.ToString(got.SpeakerSearchDetails.Results[0].VoiceProfileId) != pid ||
			got.SpeakerSearchDetails.Results[0].ConfidenceScore != float32(chimevoice.SpeakerMatchConfidence) {
			t.Fatalf("second call's search: %+v", got.SpeakerSearchDetails.Results)
		}
		if got := e.getSearch(t, other); aws.ToString(got.SpeakerSearchTaskStatus) != "SUCCEEDED" || len(got.SpeakerSearchDetails.Results) != 0 {
			t.Fatalf("another caller's search: %s %+v", aws.ToString(got.SpeakerSearchTaskStatus), got.SpeakerSearchDetails.Results)
		}
		// A second profile, then paging.
		_, err = v.CreateVoiceProfile(bg, &chimesdkvoice.CreateVoiceProfileInput{SpeakerSearchTaskId: aws.String(other)})
		chimevoicetest.Must(t, err, "create second profile")
		var listed []string
		pages := chimesdkvoice.NewListVoiceProfilesPaginator(v, &chimesdkvoice.ListVoiceProfilesInput{VoiceProfileDomainId: aws.String(e.domain), MaxResults: aws.Int32(1)})
		for pages.HasMorePages() {
			page, err := pages.NextPage(bg)
			chimevoicetest.Must(t, err, "list voice profiles")
			for _, s := range page.VoiceProfiles {
				listed = append(listed, aws.ToString(s.VoiceProfileId))
			}
		}
		if len(listed) != 2 || listed[0] != pid {
			t.Fatalf("listed %v", listed)
		}
		// Another account sees none of it.
		_, err = e.other.GetVoiceProfile(bg, &chimesdkvoice.GetVoiceProfileInput{VoiceProfileId: aws.String(pid)})
		wantAPIError(t, err, 404, "NotFoundException", pid)
		_, err = e.other.CreateVoiceProfile(bg, &chimesdkvoice.CreateVoiceProfileInput{SpeakerSearchTaskId: aws.String(id2)})
		wantAPIError(t, err, 404, "NotFoundException", id2)
		_, err = e.other.GetSpeakerSearchTask(bg, &chimesdkvoice.GetSpeakerSearchTaskInput{VoiceConnectorId: aws.String(e.vc), SpeakerSearchTaskId: aws.String(id2)})
		wantAPIError(t, err, 404, "NotFoundException", id2)
		_, err = e.other.StopSpeakerSearchTask(bg, &chimesdkvoice.StopSpeakerSearchTaskInput{VoiceConnectorId: aws.String(e.vc), SpeakerSearchTaskId: aws.String(id2)})
		wantAPIError(t, err, 404, "NotFoundException", id2)
		_, err = e.other.DeleteVoiceProfile(bg, &chimesdkvoice.DeleteVoiceProfileInput{VoiceProfileId: aws.String(pid)})
		wantAPIError(t, err, 404, "NotFoundException", pid)
		_, err = e.other.ListVoiceProfiles(bg, &chimesdkvoice.ListVoiceProfilesInput{VoiceProfileDomainId: aws.String(e.domain)})
		wantAPIError(t, err, 404, "NotFoundException", e.domain)

		// The voiceprint of a search can be enrolled for 24 hours.
		e.srv.Advance(t, 2*time.Hour)
		up, err := v.UpdateVoiceProfile(bg, &chimesdkvoice.UpdateVoiceProfileInput{VoiceProfileId: aws.String(pid), SpeakerSearchTaskId: aws.String(id2)})
		chimevoicetest.Must(t, err, "update voice profile")
		renewed := aws.ToTime(up.VoiceProfile.ExpirationTimestamp)
		if !renewed.Equal(e.srv.Now(t).Add(chimevoice.VoiceProfileLifetime)) || !aws.ToTime(up.VoiceProfile.CreatedTimestamp).Equal(now) {
			t.Fatalf("updated %+v", up.VoiceProfile)
		}
		// A snapshot carries tasks and profiles: export, reset, import, the same export.
		snap := e.srv.ExportState(t, false)
		for _, section := range []string{"VoiceAnalyticsTasks", "VoiceProfiles"} {
			if !bytes.Contains(snap, []byte(`"`+section+`": [`+"\n  {")) {
				t.Fatalf("%s missing from the snapshot:\n%s", section, snap)
			}
		}
		e.srv.Reset(t)
		if r := e.srv.ImportState(t, snap); r.Status != http.StatusOK {
			t.Fatalf("import: %d %s", r.Status, r.Body)
		}
		if again := e.srv.ExportState(t, false); !bytes.Equal(again, snap) {
			t.Fatalf("export after import differs:\n%s\n%s", snap, again)
		}
		bad := bytes.Replace(snap, []byte(`"Matches": "[]"`), []byte(`"Matches": "{}"`), 1)
		if bytes.Equal(bad, snap) {
			t.Fatalf("no task without matches in the snapshot:\n%s", snap)
		}
		if r := e.srv.ImportState(t, bad); r.Status != http.StatusBadRequest || !strings.Contains(string(r.Body), "Matches") {
			t.Fatalf("import of a task whose Matches is an object: %d %s", r.Status, r.Body)
		}
		bad = bytes.Replace(snap, []byte(`"Status": "SUCCEEDED"`), []byte(`"Status": "IN_QUEUE"`), 1)
		if r := e.srv.ImportState(t, bad); r.Status != http.StatusBadRequest || !strings.Contains(string(r.Body), "VoiceAnalyticsTasks[0].EndedAt") {
			t.Fatalf("import of a queued task that ended: %d %s", r.Status, r.Body)
		}
		if again := e.srv.ExportState(t, false); !bytes.Equal(again, snap) {
			t.Fatalf("refused imports changed the state")
		}

		e.srv.Advance(t, 23*time.Hour)
		_, err = v.CreateVoiceProfile(bg, &chimesdkvoice.CreateVoiceProfileInput{SpeakerSearchTaskId: aws.String(id2)})
		wantAPIError(t, err, 410, "GoneException", id2)

		// Tasks are kept 7 days.
		e.srv.Advance(t, 7*24*time.Hour)
		_, err = v.GetSpeakerSearchTask(bg, &chimesdkvoice.GetSpeakerSearchTaskInput{VoiceConnectorId: aws.String(e.vc), SpeakerSearchTaskId: aws.String(id)})
		wantAPIError(t, err, 404, "NotFoundException", id)

		// Profiles expire 3 years after their last enrolment: the second
		// one first.
		e.srv.Advance(t, chimevoice.VoiceProfileLifetime-8*24*time.Hour)
		_, err = v.GetVoiceProfile(bg, &chimesdkvoice.GetVoiceProfileInput{VoiceProfileId: aws.String(pid)})
		chimevoicetest.Must(t, err, "get renewed profile")
		list, err := v.ListVoiceProfiles(bg, &chimesdkvoice.ListVoiceProfilesInput{VoiceProfileDomainId: aws.String(e.domain)})
		chimevoicetest.Must(t, err, "list after expiry")
		if len(list.VoiceProfiles) != 1 || aws.ToString(list.VoiceProfiles[0].VoiceProfileId) != pid {
			t.Fatalf("after the second expired: %+v", list.VoiceProfiles)
		}
		e.srv.Advance(t, 2*time.Hour)
		_, err = v.GetVoiceProfile(bg, &chimesdkvoice.GetVoiceProfileInput{VoiceProfileId: aws.String(pid)})
		wantAPIError(t, err, 404, "NotFoundException", pid)

		_, err = v.DeleteVoiceProfile(bg, &chimesdkvoice.DeleteVoiceProfileInput{VoiceProfileId: aws.String(pid)})
		wantAPIError(t, err, 404, "NotFoundException", pid)
		if n := countRows(t, e.srv, "VoiceProfiles"); n != 0 {
			t.Fatalf("%d expired profiles still stored", n)
		}
	})
}

// TestVoiceToneAnalysis: a tone analysis runs until the call ends and
// predicts a sentiment from the caller's number; a stopped task stays
// stopped; a call that ends too soon fails the task.
func TestVoiceToneAnalysis(t *testing.T) {
	chimevoicetest.Each(t, func(t *testing.T, b chimevoicetest.Backend) {
		e := newAnalyticsEnv(t, b)
		v := e.srv.Voice
		start := func(tx, token string) string {
			in := &chimesdkvoice.StartVoiceToneAnalysisTaskInput{VoiceConnectorId: aws.String(e.vc), TransactionId: aws.String(tx), LanguageCode: vtypes.LanguageCodeEnUs}
			if token != "" {
				in.ClientRequestToken = aws.String(token)
			}
			out, err := v.StartVoiceToneAnalysisTask(bg, in)
			chimevoicetest.Must(t, err, "start tone analysis")
			return aws.ToString(out.VoiceToneAnalysisTask.VoiceToneAnalysisTaskId)
		}
		longCall := e.place(t, "+15105550107", 30*time.Second) // 7: negative
		long := start(longCall, "tok-1")
		if again := start(longCall, "tok-1"); again != long {
			t.Fatalf("a retry with the token started %s, want %s", again, long)
		}
		_, err := v.StartVoiceToneAnalysisTask(bg, &chimesdkvoice.StartVoiceToneAnalysisTaskInput{VoiceConnectorId: aws.String(e.vc),
			TransactionId: aws.String(e.place(t, "+15105550105", 30*time.Second)), LanguageCode: vtypes.LanguageCodeEnUs, ClientRequestToken: aws.String("tok-1")})
		wantAPIError(t, err, 409, "ConflictException", "ClientRequestToken")
		stopped := start(e.place(t, "+15105550101", 30*time.Second), "")
		short := start(e.place(t, "+15105550102", 5*time.Second), "")
		e.srv.Advance(t, 2*time.Second)
		if got := e.getTone(t, long); aws.ToString(got.VoiceToneAnalysisTaskStatus) != "IN_PROGRESS" {
			t.Fatalf("after 2 s: %s", aws.ToString(got.VoiceToneAnalysisTaskStatus))
		}
		_, err = v.StopVoiceToneAnalysisTask(bg, &chimesdkvoice.StopVoiceToneAnalysisTaskInput{VoiceConnectorId: aws.String(e.vc), VoiceToneAnalysisTaskId: aws.String(stopped)})
		chimevoicetest.Must(t, err, "stop")
		e.srv.Advance(t, time.Minute)
		got := e.getTone(t, long)
		if aws.ToString(got.VoiceToneAnalysisTaskStatus) != "SUCCEEDED" || aws.ToString(got.StatusMessage) != "Predicted sentiment: negative." {
			t.Fatalf("long call: %s %q", aws.ToString(got.VoiceToneAnalysisTaskStatus), aws.ToString(got.StatusMessage))
		}
		if got := e.getTone(t, stopped); aws.ToString(got.VoiceToneAnalysisTaskStatus) != "STOPPED" {
			t.Fatalf("stopped task: %s", aws.ToString(got.VoiceToneAnalysisTaskStatus))
		}
		if got := e.getTone(t, short); aws.ToString(got.VoiceToneAnalysisTaskStatus) != "FAILED" {
			t.Fatalf("short call: %s %q", aws.ToString(got.VoiceToneAnalysisTaskStatus), aws.ToString(got.StatusMessage))
		}
		// A speaker search kind is not a tone analysis task.
		_, err = v.GetSpeakerSearchTask(bg, &chimesdkvoice.GetSpeakerSearchTaskInput{VoiceConnectorId: aws.String(e.vc), SpeakerSearchTaskId: aws.String(long)})
		wantAPIError(t, err, 404, "NotFoundException", long)
	})
}

// TestVoiceAnalyticsRefusals: the calls AWS does not analyse, and the
// Voice Connectors that do not enable it.
func TestVoiceAnalyticsRefusals(t *testing.T) {
	chimevoicetest.Each(t, func(t *testing.T, b chimevoicetest.Backend) {
		e := newAnalyticsEnv(t, b)
		v := e.srv.Voice
		tx := e.place(t, pstnCaller, 20*time.Second)
		startSearch := func(c *chimesdkvoice.Client, vc, tx, domain string) error {
			_, err := c.StartSpeakerSearchTask(bg, &chimesdkvoice.StartSpeakerSearchTaskInput{VoiceConnectorId: aws.String(vc),
				TransactionId: aws.String(tx), VoiceProfileDomainId: aws.String(domain)})
			return err
		}
		wantAPIError(t, startSearch(v, e.vc, "no-such-call", e.domain), 404, "NotFoundException", "no-such-call")
		wantAPIError(t, startSearch(v, e.vc, tx, "no-such-domain"), 404, "NotFoundException", "no-such-domain")
		other := createVC(t, v, "other")
		wantAPIError(t, startSearch(v, aws.ToString(other.VoiceConnectorId), tx, e.domain), 422, "UnprocessableEntityException", "not enabled")
		// Another account sees neither the Voice Connector nor the call.
		wantAPIError(t, startSearch(e.other, e.vc, tx, e.domain), 404, "NotFoundException", e.vc)
		// Call analytics disabled on the Voice Connector.
		e.stream(t, true)
		wantAPIError(t, startSearch(v, e.vc, tx, e.domain), 422, "UnprocessableEntityException", "not enabled")
		e.stream(t, false)
		// A call that did not arrive on the Voice Connector.
		smaNum := e.srv.Provision(t, v, "312", 1, smaProduct)[0]
		sma := createSMA(t, v, "direct")
		createRule(t, e.srv, &chimesdkvoice.CreateSipRuleInput{Name: aws.String("direct"), TriggerType: vtypes.SipRuleTriggerTypeToPhoneNumber,
			TriggerValue: aws.String(smaNum), TargetApplications: target(sma.SipMediaApplicationId, 1)})
		var direct chimevoice.Call
		if code := e.srv.Admin(t, http.MethodPost, "/_chimevoice/calls", map[string]string{"From": pstnCaller, "To": smaNum, "Digits": "1", "HangupAfter": "20s"}, &direct); code != http.StatusCreated {
			t.Fatalf("place direct call: %d", code)
		}
		wantAPIError(t, startSearch(v, e.vc, direct.TransactionID, e.domain), 422, "UnprocessableEntityException", "not associated")
		// An ended call.
		e.srv.Advance(t, time.Minute)
		wantAPIError(t, startSearch(v, e.vc, tx, e.domain), 410, "GoneException", tx)
		_, err := v.StopSpeakerSearchTask(bg, &chimesdkvoice.StopSpeakerSearchTaskInput{VoiceConnectorId: aws.String(e.vc), SpeakerSearchTaskId: aws.String("no-such-task")})
		wantAPIError(t, err, 404, "NotFoundException", "no-such-task")
		_, err = v.UpdateVoiceProfile(bg, &chimesdkvoice.UpdateVoiceProfileInput{VoiceProfileId: aws.String("no-such-profile"), SpeakerSearchTaskId: aws.String("x")})
		wantAPIError(t, err, 404, "NotFoundException", "no-such-profile")
		// Nothing was created by any of it.
		list, err := v.ListVoiceProfiles(bg, &chimesdkvoice.ListVoiceProfilesInput{VoiceProfileDomainId: aws.String(e.domain)})
		chimevoicetest.Must(t, err, "list")
		if len(list.VoiceProfiles) != 0 {
			t.Fatalf("profiles %+v", list.VoiceProfiles)
		}
		if n := countRows(t, e.srv, "VoiceAnalyticsTasks"); n != 0 {
			t.Fatalf("%d tasks after refusals", n)
		}
	})
}

// countRows counts the rows of a section of the server's snapshot.
func countRows(t *testing.T, srv *chimevoicetest.Server, section string) int {
	t.Helper()
	var snap map[string]any
	chimevoicetest.Must(t, json.Unmarshal(srv.ExportState(t, false), &snap), "decode snapshot")
	rows, _ := snap[section].([]any)
	return len(rows)
}
