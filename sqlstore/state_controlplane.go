package sqlstore

import "github.com/chimevoice/chimevoice"

// controlPlaneSections are the snapshot sections of the control-plane
// tables of migration 0005, at the end of stateSections: after every
// section they reference (proxy sessions reference Voice Connectors, user
// settings users).
var controlPlaneSections = []stateSection{
	{json: "GlobalSettings", sql: "global_settings", key: []string{"AccountId"}, cols: []stateColumn{
		{json: "AccountId", sql: "account_id", check: accountFormat},
		{json: "CdrBucket", sql: "cdr_bucket", optional: true, def: "", check: maxLen(64)},
		{json: "BusinessCallingCdrBucket", sql: "business_calling_cdr_bucket", optional: true, def: "", check: maxLen(64)},
		{json: "UpdatedAt", sql: "updated_at", kind: kTime},
	}},
	{json: "VoiceProfileDomains", sql: "voice_profile_domains", key: []string{"Id"}, unique: [][]string{{"Arn"}, {"AccountId", "ClientToken"}}, cols: []stateColumn{
		{json: "Id", sql: "id", check: nonEmpty},
		{json: "AccountId", sql: "account_id", check: accountFormat},
		{json: "Name", sql: "name", check: nonEmpty},
		{json: "Description", sql: "description", optional: true, def: "", check: maxLen(1024)},
		{json: "KmsKeyArn", sql: "kms_key_arn", check: func(v string) string {
			if chimevoice.CheckKMSKeyARN("KmsKeyArn", v) != nil {
				return "not the ARN of a KMS key"
			}
			return ""
		}},
		{json: "Arn", sql: "arn", check: nonEmpty},
		{json: "ClientToken", sql: "client_token", optional: true, def: "", check: maxLen(64)},
		{json: "CreatedAt", sql: "created_at", kind: kTime},
		{json: "UpdatedAt", sql: "updated_at", kind: kTime},
	}},
	{json: "ProxySessions", sql: "proxy_sessions", key: []string{"Id"}, refs: []stateRef{{"VoiceConnectorId", "VoiceConnectors"}}, cols: []stateColumn{
		{json: "Id", sql: "id", check: nonEmpty},
		{json: "AccountId", sql: "account_id", check: accountFormat},
		{json: "VoiceConnectorId", sql: "voice_connector_id", check: nonEmpty},
		{json: "Name", sql: "name", optional: true, def: "", check: maxLen(30)},
		{json: "Status", sql: "status", check: oneOf(string(chimevoice.ProxyOpen), string(chimevoice.ProxyInProgress), string(chimevoice.ProxyClosed))},
		{json: "ExpiryMinutes", sql: "expiry_minutes", kind: kInt, optional: true, def: int64(0)},
		{json: "Capabilities", sql: "capabilities", check: oneOf("Voice", "SMS", "Voice,SMS", "SMS,Voice")},
		{json: "NumberSelectionBehavior", sql: "number_selection_behavior", optional: true, def: "", check: oneOf("", "PreferSticky", "AvoidSticky")},
		{json: "GeoMatchLevel", sql: "geo_match_level", optional: true, def: "", check: oneOf("", "Country", "AreaCode")},
		{json: "GeoMatchCountry", sql: "geo_match_country", optional: true, def: "", check: maxLen(2)},
		{json: "GeoMatchAreaCode", sql: "geo_match_area_code", optional: true, def: "", check: maxLen(3)},
		{json: "CreatedAt", sql: "created_at", kind: kTime},
		{json: "UpdatedAt", sql: "updated_at", kind: kTime, future: true},
		{json: "EndedAt", sql: "ended_at", kind: kNullTime, optional: true},
		// When an Open session closes; not part of the API.
		{json: "ExpiresAt", sql: "expires_at", kind: kNullTime, optional: true, future: true},
	}},
	{json: "ChimeUserSettings", sql: "chime_user_settings", key: []string{"UserId"}, refs: []stateRef{{"UserId", "ChimeUsers"}}, cols: []stateColumn{
		{json: "UserId", sql: "user_id", check: nonEmpty},
		{json: "InboundCalling", sql: "inbound_calling", kind: kBool},
		{json: "OutboundCalling", sql: "outbound_calling", kind: kBool},
		{json: "SMS", sql: "sms", kind: kBool},
		{json: "UpdatedAt", sql: "updated_at", kind: kTime},
	}},
	{json: "ProxySessionParticipants", sql: "proxy_session_participants", key: []string{"SessionId", "Position"}, refs: []stateRef{{"SessionId", "ProxySessions"}}, cols: []stateColumn{
		{json: "SessionId", sql: "session_id", check: nonEmpty},
		{json: "Position", sql: "position", kind: kInt},
		{json: "PhoneNumber", sql: "phone_number", check: e164Format},
		{json: "ProxyPhoneNumber", sql: "proxy_phone_number", check: e164Format},
	}},
}
