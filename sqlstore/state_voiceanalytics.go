package sqlstore

import (
	"bytes"
	"database/sql"
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

// checkVoiceAnalytics: a task's status agrees with its times and its kind
// with its members; a voice profile is of its domain's account.
func checkVoiceAnalytics(sn *snapshot) error {
	t, rows := sn.rowsOf("VoiceAnalyticsTasks")
	for i, r := range rows {
		status := chimevoice.AnalyticsStatus(sn.str(t, r, "Status"))
		started, ended := r[t.col("StartedAt")].(sql.NullInt64).Valid, r[t.col("EndedAt")].(sql.NullInt64).Valid
		switch {
		case ended != status.Final():
			return badState("VoiceAnalyticsTasks[%d].EndedAt: set exactly when the task is final (Status is %s).", i, status)
		case status == chimevoice.TaskInProgress && !started:
			return badState("VoiceAnalyticsTasks[%d].StartedAt: an IN_PROGRESS task has started.", i)
		case status == chimevoice.TaskInQueue && started:
			return badState("VoiceAnalyticsTasks[%d].StartedAt: an IN_QUEUE task has not started.", i)
		}
		kind := chimevoice.AnalyticsKind(sn.str(t, r, "Kind"))
		if kind == chimevoice.SpeakerSearch && sn.str(t, r, "VoiceProfileDomainId") == "" {
			return badState("VoiceAnalyticsTasks[%d].VoiceProfileDomainId: a speaker search has a voice profile domain.", i)
		}
		if kind == chimevoice.VoiceToneAnalysis && sn.str(t, r, "LanguageCode") != "en-US" {
			return badState("VoiceAnalyticsTasks[%d].LanguageCode: a voice tone analysis has the LanguageCode en-US.", i)
		}
	}
	domains := sn.owners("VoiceProfileDomains")
	t, rows = sn.rowsOf("VoiceProfiles")
	for i, r := range rows {
		if d, acct := sn.str(t, r, "VoiceProfileDomainId"), sn.str(t, r, "AccountId"); domains[d] != acct {
			return badState("VoiceProfiles[%d].VoiceProfileDomainId: %s is not a voice profile domain of account %s.", i, d, acct)
		}
	}
	return nil
}
