package httpapi_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/chimevoice/chimevoice/chimevoicetest"
)

// TestBadInputsVoiceAnalytics extends the bad-input table to voice
// analytics: malformed members are a 400 naming the member, unknown IDs a
// 404 naming the ID, and the state (every table) is unchanged.
func TestBadInputsVoiceAnalytics(t *testing.T) {
	chimevoicetest.Each(t, func(t *testing.T, b chimevoicetest.Backend) {
		e := newAnalyticsEnv(t, b)
		tx := e.place(t, pstnCaller, time.Minute)
		const unknownVC = "abcdefghijklmnopqrstu1"
		const unknownID = "11111111-2222-3333-4444-555555555555"
		search := "/voice-connectors/" + e.vc + "/speaker-search-tasks"
		tone := "/voice-connectors/" + e.vc + "/voice-tone-analysis-tasks"
		okSearch := func(extra string) string {
			return `{"TransactionId":"` + tx + `","VoiceProfileDomainId":"` + e.domain + `"` + extra + `}`
		}
		tests := []badInput{
			{"search: no TransactionId", "POST", search, `{"VoiceProfileDomainId":"` + e.domain + `"}`, 400, "", "TransactionId"},
			{"search: no domain", "POST", search, `{"TransactionId":"` + tx + `"}`, 400, "", "VoiceProfileDomainId"},
			{"search: blank TransactionId", "POST", search, `{"TransactionId":" ","VoiceProfileDomainId":"` + e.domain + `"}`, 400, "", "TransactionId"},
			{"search: TransactionId too long", "POST", search, `{"TransactionId":"` + strings.Repeat("t", 257) + `","VoiceProfileDomainId":"` + e.domain + `"}`, 400, "", "TransactionId"},
			{"search: TransactionId a number", "POST", search, `{"TransactionId":7,"VoiceProfileDomainId":"` + e.domain + `"}`, 400, "", "TransactionId"},
			{"search: unknown call leg", "POST", search, okSearch(`,"CallLeg":"Both"`), 400, "", "CallLeg"},
			{"search: token with a space", "POST", search, okSearch(`,"ClientRequestToken":"a b"`), 400, "", "ClientRequestToken"},
			{"search: malformed Voice Connector", "POST", "/voice-connectors/x/speaker-search-tasks", okSearch(""), 400, "", "VoiceConnectorId"},
			{"search: unknown Voice Connector", "POST", "/voice-connectors/" + unknownVC + "/speaker-search-tasks", okSearch(""), 404, "NotFoundException", unknownVC},
			{"search: unknown call", "POST", search, `{"TransactionId":"` + unknownID + `","VoiceProfileDomainId":"` + e.domain + `"}`, 404, "NotFoundException", unknownID},
			{"search: unknown domain", "POST", search, `{"TransactionId":"` + tx + `","VoiceProfileDomainId":"` + unknownID + `"}`, 404, "NotFoundException", unknownID},
			{"search: get unknown", "GET", search + "/" + unknownID, "", 404, "NotFoundException", unknownID},
			{"search: stop unknown", "POST", search + "/" + unknownID + "?operation=stop", "", 404, "NotFoundException", unknownID},
			{"tone: no language", "POST", tone, `{"TransactionId":"` + tx + `"}`, 400, "", "LanguageCode"},
			{"tone: unknown language", "POST", tone, `{"TransactionId":"` + tx + `","LanguageCode":"fr-FR"}`, 400, "", "LanguageCode"},
			{"tone: no TransactionId", "POST", tone, `{"LanguageCode":"en-US"}`, 400, "", "TransactionId"},
			{"tone: unknown call", "POST", tone, `{"TransactionId":"` + unknownID + `","LanguageCode":"en-US"}`, 404, "NotFoundException", unknownID},
			{"tone: get without isCaller", "GET", tone + "/" + unknownID, "", 400, "", "IsCaller"},
			{"tone: isCaller not a boolean", "GET", tone + "/" + unknownID + "?isCaller=maybe", "", 400, "", "IsCaller"},
			{"tone: get unknown", "GET", tone + "/" + unknownID + "?isCaller=true", "", 404, "NotFoundException", unknownID},
			{"tone: stop unknown", "POST", tone + "/" + unknownID + "?operation=stop", "", 404, "NotFoundException", unknownID},
			{"profile: no task", "POST", "/voice-profiles", `{}`, 400, "", "SpeakerSearchTaskId"},
			{"profile: task a list", "POST", "/voice-profiles", `{"SpeakerSearchTaskId":["x"]}`, 400, "", "SpeakerSearchTaskId"},
			{"profile: unknown task", "POST", "/voice-profiles", `{"SpeakerSearchTaskId":"` + unknownID + `"}`, 404, "NotFoundException", unknownID},
			{"profile: get unknown", "GET", "/voice-profiles/" + unknownID, "", 404, "NotFoundException", unknownID},
			{"profile: update without task", "PUT", "/voice-profiles/" + unknownID, `{}`, 400, "", "SpeakerSearchTaskId"},
			{"profile: update unknown", "PUT", "/voice-profiles/" + unknownID, `{"SpeakerSearchTaskId":"x"}`, 404, "NotFoundException", unknownID},
			{"profile: delete unknown", "DELETE", "/voice-profiles/" + unknownID, "", 404, "NotFoundException", unknownID},
			{"profiles: no domain", "GET", "/voice-profiles", "", 400, "", "VoiceProfileDomainId"},
			{"profiles: unknown domain", "GET", "/voice-profiles?voice-profile-domain-id=" + unknownID, "", 404, "NotFoundException", unknownID},
			{"profiles: max-results 101", "GET", "/voice-profiles?voice-profile-domain-id=" + e.domain + "&max-results=101", "", 400, "", "MaxResults"},
			{"profiles: forged token", "GET", "/voice-profiles?voice-profile-domain-id=" + e.domain + "&next-token=zzz", "", 400, "", "NextToken"},
		}
		before := e.srv.ExportState(t, false)
		checkBadInputs(t, e.srv, tests)
		if after := e.srv.ExportState(t, false); !bytes.Equal(after, before) {
			t.Fatalf("bad inputs changed the state:\nbefore %s\nafter  %s", before, after)
		}
	})
}
