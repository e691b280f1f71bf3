package sqlstore

import (
	"bytes"
	"encoding/json"

	"github.com/chimevoice/chimevoice"
)

// voiceAnalyticsSections are the snapshot sections of migration 0007,
// after the control-plane sections (voice profiles reference voice profile
// domains).
var voiceAnalyticsSections = []stateSection{
	{json: "VoiceAnalyticsTasks", sql: "voice_analytics_tasks", key: []string{"Id"}, unique: [][]string{{"AccountId", "Kind", "ClientToken"}}, cols: []stateColumn{
		{json: "Id", sql: "id", check: nonEmpty},
		{json: "AccountId", sql: "account_id", check: accountFormat},
		{json: "Kind", sql: "kind", check: oneOf(string(chimevoice.SpeakerSearch), string(chimevoice.VoiceToneAnalysis))},
		{json: "VoiceConnectorId", sql: "voice_connector_id", check: nonEmpty},
		{json: "TransactionId", sql: "transaction_id", check: nonEmpty},
		{json: "IsCaller", sql: "is_caller", kind: kBool},
		{json: "Speaker", sql: "speaker", check: maxLen(256)},
		{json: "VoiceProfileDomainId", sql: "voice_profile_domain_id", optional: true, def: "", check: maxLen(256)},
		{json: "LanguageCode", sql: "language_code", optional: true, def: "", check: maxLen(16)},
		{json: "ClientToken", sql: "client_token", optional: true, def: "", check: maxLen(64)},
		{json: "Status", sql: "status", check: oneOf(string(chimevoice.TaskInQueue), string(chimevoice.TaskInProgress), string(chimevoice.TaskSucceeded), string(chimevoice.TaskFailed), string(chimevoice.TaskStopped))},
		{json: "StatusMessage", sql: "status_message", optional: true, def: "", check: maxLen(4096)},
		{json: "Matches", sql: "matches", optional: true, def: "[]", check: matchesFormat},
		{json: "Sentiment", sql: "sentiment", optional: true, def: "", check: oneOf("", chimevoice.SentimentPositive, chimevoice.SentimentNeutral, chimevoice.SentimentNegative)},
		{json: "CreatedAt", sql: "created_at", kind: kTime},
		{json: "UpdatedAt", sql: "updated_at", kind: kTime, future: true},
		{json: "StartedAt", sql: "started_at", kind: kNullTime, optional: true, future: true},
		{json: "EndedAt", sql: "ended_at", kind: kNullTime, optional: true},
	}},
	{json: "VoiceProfiles", sql: "voice_profiles", key: []string{"Id"}, unique: [][]string{{"Arn"}}, refs: []stateRef{{"VoiceProfileDomainId", "VoiceProfileDomains"}}, cols: []stateColumn{
		{json: "Id", sql: "id", check: nonEmpty},
		{json: "AccountId", sql: "account_id", check: accountFormat},
		{json: "VoiceProfileDomainId", sql: "voice_profile_domain_id", check: nonEmpty},
		{json: "Arn", sql: "arn", check: nonEmpty},
		{json: "Speaker", sql: "speaker", check: maxLen(256)},
		{json: "SpeakerSearchTaskId", sql: "speaker_search_task_id", check: nonEmpty},
		{json: "CreatedAt", sql: "created_at", kind: kTime},
		{json: "UpdatedAt", sql: "updated_at", kind: kTime},
		{json: "ExpiresAt", sql: "expires_at", kind: kTime, future: true},
	}},
}

// matchesFormat accepts a JSON array of speaker search matches.
func matchesFormat(v string) string {
	d := json.NewDecoder(bytes.NewReader([]byte(v)))
	d.DisallowUnknownFields()
	var m []chimevoice.SpeakerMatch
	if err := d.Decode(&m); err != nil || m == nil || d.More() {
		return "must be a JSON array of {\"VoiceProfileId\", \"ConfidenceScore\"} objects"
	}
	return ""
}
