package sqlstore

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/chimevoice/chimevoice"
)

// StateVersion is the version of the snapshot format ExportState writes
// and ImportState reads. Adding a section or an optional column keeps it;
// a change that old snapshots cannot be read with bumps it.
const StateVersion = 1

// A snapshot is a JSON object: Version, Now (the service clock), and one
// section per table of the state, each an array of row objects whose
// members are the table's columns. The sections and their columns are the
// table stateSections below: to carry a new table in snapshots, add a
// section (in an order where every table comes after the tables it
// references) and, for invariants that span rows or tables, a check in
// stateChecks. Export, import, validation of types and formats, unique
// keys and the reset all follow from the table.

// colKind is how a column goes between JSON and SQL.
type colKind int

const (
	kString   colKind = iota // JSON string, TEXT
	kTime                    // JSON ISO 8601 string, BIGINT milliseconds
	kNullTime                // the same, or JSON null / absent for SQL NULL
	kInt                     // JSON integer, INTEGER
	kBool                    // JSON boolean, BOOLEAN
)

// stateColumn is one column of a section.
type stateColumn struct {
	json, sql string
	kind      colKind
	// optional columns may be left out of an imported row: they take def
	// (a kString or kInt default), or the value of the column defFrom.
	optional bool
	def      any
	defFrom  string
	// check validates a kString value; it returns what is wrong, or "".
	check func(v string) string
	// future times may be after the snapshot's Now (others may not).
	future bool
}

// stateSection is one table of the snapshot.
type stateSection struct {
	json, sql string
	cols      []stateColumn
	key       []string // JSON names of the columns that identify a row
	// unique are other column sets no two rows share (rows with an empty
	// value in the set are exempt, as partial unique indexes exempt them).
	unique [][]string
	// refs are columns whose value must be the key of a row of another
	// section (a single-column key).
	refs []stateRef
	// optional sections (the carrier pool) are exported on request only,
	// and an import that leaves them out leaves the table as it is.
	optional bool
}

// stateRef is a reference from a column to another section's key.
type stateRef struct{ col, section string }

// Formats of string columns.
func oneOf(values ...string) func(string) string {
	return func(v string) string {
		for _, ok := range values {
			if v == ok {
				return ""
			}
		}
		return fmt.Sprintf("%q is not one of %s", v, strings.Join(values, ", "))
	}
}

func maxLen(n int) func(string) string {
	return func(v string) string {
		if len(v) > n {
			return fmt.Sprintf("longer than %d bytes", n)
		}
		return ""
	}
}

func nonEmpty(v string) string {
	if v == "" {
		return "must not be empty"
	}
	return maxLen(256)(v)
}

func e164Format(v string) string {
	if e, ok := chimevoice.ParseID(v); !ok || e != v {
		return fmt.Sprintf("%q is not a phone number in E.164 form (+ and 2 to 15 digits)", v)
	}
	return ""
}

func accountFormat(v string) string {
	if len(v) != 12 || strings.Trim(v, "0123456789") != "" {
		return fmt.Sprintf("%q is not an AWS account ID (12 digits)", v)
	}
	return ""
}

func orderIDFormat(v string) string {
	// Order IDs are lower-case UUIDs: GetPhoneNumberOrder looks them up lower-cased.
	if len(v) != 36 || strings.ToLower(v) != v || strings.Trim(v, "0123456789abcdef-") != "" || v[8] != '-' || v[13] != '-' || v[18] != '-' || v[23] != '-' {
		return fmt.Sprintf("%q is not a lower-case UUID", v)
	}
	return ""
}

func jsonDocument(v string) string {
	if !json.Valid([]byte(v)) {
		return "must be a JSON document"
	}
	return ""
}

func countryFormat(v string) string {
	if len(v) != 2 || strings.Trim(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
		return fmt.Sprintf("%q is not an ISO 3166 alpha-2 country code", v)
	}
	return ""
}

var (
	numberTypes  = oneOf(string(chimevoice.NumberLocal), string(chimevoice.NumberTollFree))
	productTypes = oneOf(chimevoice.Strings(chimevoice.ProductTypes)...)
)

// stateSections are the tables of a snapshot, parents before children.
var stateSections = append([]stateSection{
	{json: "PhoneNumbers", sql: "phone_numbers", key: []string{"E164"}, cols: []stateColumn{
		{json: "E164", sql: "e164", check: e164Format},
		{json: "AccountId", sql: "account_id", check: accountFormat},
		{json: "Country", sql: "country", check: countryFormat},
		{json: "NumberType", sql: "number_type", check: numberTypes},
		{json: "ProductType", sql: "product_type", check: productTypes},
		{json: "Status", sql: "status", check: oneOf(chimevoice.Strings(chimevoice.ProducedStatuses)...)},
		{json: "CallingName", sql: "calling_name", optional: true, def: "", check: maxLen(256)},
		{json: "CallingNameStatus", sql: "calling_name_status", optional: true, def: string(chimevoice.CallingNameUnassigned), check: oneOf(string(chimevoice.CallingNameUnassigned), string(chimevoice.CallingNameUpdateInProgress), string(chimevoice.CallingNameUpdateSucceeded))},
		{json: "Name", sql: "name", optional: true, def: "", check: maxLen(256)},
		{json: "OrderId", sql: "order_id", optional: true, def: "", check: func(v string) string {
			if v == "" {
				return ""
			}
			return orderIDFormat(v)
		}},
		{json: "CreatedAt", sql: "created_at", kind: kTime},
		{json: "UpdatedAt", sql: "updated_at", kind: kTime},
		{json: "DeletedAt", sql: "deleted_at", kind: kNullTime, optional: true},
		// When the pending calling-name update was requested (migration 0005).
		{json: "CallingNameRequestedAt", sql: "calling_name_requested_at", kind: kNullTime, optional: true},
	}},
	{json: "PhoneNumberAssociations", sql: "phone_number_associations", key: []string{"E164", "Name"}, cols: []stateColumn{
		{json: "E164", sql: "e164", check: e164Format},
		{json: "AccountId", sql: "account_id", check: accountFormat},
		{json: "Name", sql: "name", check: oneOf(chimevoice.Strings(chimevoice.FilterNames)...)},
		{json: "Value", sql: "value", check: nonEmpty},
		{json: "AssociatedAt", sql: "associated_at", kind: kTime},
	}},
	{json: "PhoneNumberOrders", sql: "phone_number_orders", key: []string{"Id"}, cols: []stateColumn{
		{json: "Id", sql: "id", check: orderIDFormat},
		{json: "AccountId", sql: "account_id", check: accountFormat},
		{json: "ProductType", sql: "product_type", check: productTypes},
		{json: "Status", sql: "status", check: oneOf(string(chimevoice.OrderProcessing), string(chimevoice.OrderSuccessful), string(chimevoice.OrderPartial), string(chimevoice.OrderFailed))},
		{json: "OrderType", sql: "order_type", optional: true, def: "New", check: oneOf("New")},
		{json: "Name", sql: "name", optional: true, def: "", check: maxLen(256)},
		{json: "CreatedAt", sql: "created_at", kind: kTime},
		{json: "UpdatedAt", sql: "updated_at", kind: kTime},
		// When a Processing order completes; not part of the API.
		{json: "DueAt", sql: "due_at", kind: kTime, optional: true, defFrom: "CreatedAt", future: true},
	}},
	{json: "PhoneNumberOrderItems", sql: "phone_number_order_items", key: []string{"OrderId", "Position"}, cols: []stateColumn{
		{json: "OrderId", sql: "order_id", check: orderIDFormat},
		{json: "Position", sql: "position", kind: kInt},
		{json: "E164", sql: "e164", check: e164Format},
		{json: "Status", sql: "status", check: oneOf(string(chimevoice.OrderedProcessing), string(chimevoice.OrderedAcquired), string(chimevoice.OrderedFailed))},
	}},
	{json: "PhoneNumberSettings", sql: "phone_number_settings", key: []string{"AccountId"}, cols: []stateColumn{
		{json: "AccountId", sql: "account_id", check: accountFormat},
		{json: "CallingName", sql: "calling_name", check: maxLen(256)},
		{json: "UpdatedAt", sql: "updated_at", kind: kTime},
	}},
	// What numbers are associated with (migration 0002).
	{json: "VoiceConnectors", sql: "voice_connectors", key: []string{"Id"}, unique: [][]string{{"OutboundHostName"}, {"Arn"}}, cols: []stateColumn{
		{json: "Id", sql: "id", check: nonEmpty},
		{json: "AccountId", sql: "account_id", check: accountFormat},
		{json: "AwsRegion", sql: "aws_region", check: nonEmpty},
		{json: "Name", sql: "name", check: nonEmpty},
		{json: "OutboundHostName", sql: "outbound_host_name", check: nonEmpty},
		{json: "RequireEncryption", sql: "require_encryption", kind: kBool},
		{json: "IntegrationType", sql: "integration_type", optional: true, def: "", check: maxLen(256)},
		{json: "NetworkType", sql: "network_type", optional: true, def: "", check: maxLen(256)},
		{json: "Arn", sql: "arn", check: nonEmpty},
		{json: "CreatedAt", sql: "created_at", kind: kTime},
		{json: "UpdatedAt", sql: "updated_at", kind: kTime},
	}},
	{json: "VoiceConnectorGroups", sql: "voice_connector_groups", key: []string{"Id"}, unique: [][]string{{"Arn"}}, cols: []stateColumn{
		{json: "Id", sql: "id", check: nonEmpty},
		{json: "AccountId", sql: "account_id", check: accountFormat},
		{json: "Name", sql: "name", check: nonEmpty},
		{json: "Arn", sql: "arn", check: nonEmpty},
		{json: "CreatedAt", sql: "created_at", kind: kTime},
		{json: "UpdatedAt", sql: "updated_at", kind: kTime},
		{json: "CallDistributionType", sql: "call_distribution_type", optional: true, def: "", check: oneOf("", string(chimevoice.DistributionPriorityWeighted), string(chimevoice.DistributionLoadBalanced))},
	}},
	{json: "VoiceConnectorGroupItems", sql: "voice_connector_group_items", key: []string{"GroupId", "VoiceConnectorId"},
		refs: []stateRef{{"GroupId", "VoiceConnectorGroups"}, {"VoiceConnectorId", "VoiceConnectors"}}, cols: []stateColumn{
			{json: "GroupId", sql: "group_id", check: nonEmpty},
			{json: "VoiceConnectorId", sql: "voice_connector_id", check: nonEmpty},
			{json: "Position", sql: "position", kind: kInt},
			{json: "Priority", sql: "priority", kind: kInt},
		}},
	{json: "SipMediaApplications", sql: "sip_media_applications", key: []string{"Id"}, unique: [][]string{{"Arn"}}, cols: []stateColumn{
		{json: "Id", sql: "id", check: nonEmpty},
		{json: "AccountId", sql: "account_id", check: accountFormat},
		{json: "AwsRegion", sql: "aws_region", check: nonEmpty},
		{json: "Name", sql: "name", check: nonEmpty},
		{json: "LambdaArn", sql: "lambda_arn", optional: true, def: "", check: maxLen(1024)},
		{json: "Arn", sql: "arn", check: nonEmpty},
		{json: "CreatedAt", sql: "created_at", kind: kTime},
		{json: "UpdatedAt", sql: "updated_at", kind: kTime},
	}},
	{json: "SipRules", sql: "sip_rules", key: []string{"Id"}, unique: [][]string{{"AccountId", "TriggerType", "TriggerValue"}}, cols: []stateColumn{
		{json: "Id", sql: "id", check: nonEmpty},
		{json: "AccountId", sql: "account_id", check: accountFormat},
		{json: "Name", sql: "name", check: nonEmpty},
		{json: "Disabled", sql: "disabled", kind: kBool},
		{json: "TriggerType", sql: "trigger_type", check: oneOf(string(chimevoice.TriggerToPhoneNumber), string(chimevoice.TriggerRequestURIHostname))},
		{json: "TriggerValue", sql: "trigger_value", check: nonEmpty},
		{json: "CreatedAt", sql: "created_at", kind: kTime},
		{json: "UpdatedAt", sql: "updated_at", kind: kTime},
	}},
	{json: "SipRuleTargets", sql: "sip_rule_targets", key: []string{"RuleId", "Position"},
		refs: []stateRef{{"RuleId", "SipRules"}, {"SipMediaApplicationId", "SipMediaApplications"}}, cols: []stateColumn{
			{json: "RuleId", sql: "rule_id", check: nonEmpty},
			{json: "Position", sql: "position", kind: kInt},
			{json: "SipMediaApplicationId", sql: "sma_id", check: nonEmpty},
			{json: "Priority", sql: "priority", kind: kInt},
			{json: "AwsRegion", sql: "aws_region", check: nonEmpty},
		}},
	{json: "ResourceTags", sql: "resource_tags", key: []string{"Arn", "Key"}, cols: []stateColumn{
		{json: "Arn", sql: "arn", check: nonEmpty},
		{json: "AccountId", sql: "account_id", check: accountFormat},
		{json: "Key", sql: "tag_key", check: nonEmpty},
		{json: "Value", sql: "tag_value", check: maxLen(256)},
	}},
	{json: "ResourceSettings", sql: "resource_settings", key: []string{"ResourceId", "Name"}, cols: []stateColumn{
		{json: "ResourceId", sql: "resource_id", check: nonEmpty},
		{json: "AccountId", sql: "account_id", check: accountFormat},
		{json: "Name", sql: "name", check: nonEmpty},
		{json: "Body", sql: "body", check: jsonDocument},
		{json: "UpdatedAt", sql: "updated_at", kind: kTime},
	}},
	{json: "ChimeAccounts", sql: "chime_accounts", key: []string{"Id"}, cols: []stateColumn{
		{json: "Id", sql: "id", check: nonEmpty},
		{json: "AccountId", sql: "account_id", check: accountFormat},
		{json: "Name", sql: "name", check: nonEmpty},
		{json: "DefaultLicense", sql: "default_license", check: nonEmpty},
		{json: "CreatedAt", sql: "created_at", kind: kTime},
	}},
	{json: "ChimeUsers", sql: "chime_users", key: []string{"Id"}, unique: [][]string{{"ChimeAccountId", "Email"}},
		refs: []stateRef{{"ChimeAccountId", "ChimeAccounts"}}, cols: []stateColumn{
			{json: "Id", sql: "id", check: nonEmpty},
			{json: "ChimeAccountId", sql: "chime_account_id", check: nonEmpty},
			{json: "Email", sql: "email", optional: true, def: "", check: maxLen(256)},
			{json: "DisplayName", sql: "display_name", optional: true, def: "", check: maxLen(256)},
			{json: "LicenseType", sql: "license_type", check: nonEmpty},
			{json: "UserType", sql: "user_type", check: nonEmpty},
			{json: "InvitationStatus", sql: "invitation_status", optional: true, def: "", check: maxLen(64)},
			{json: "InvitedAt", sql: "invited_at", kind: kNullTime, optional: true},
			{json: "AlexaEnabled", sql: "alexa_enabled", kind: kBool},
			{json: "AlexaRoomArn", sql: "alexa_room_arn", optional: true, def: "", check: maxLen(1024)},
			{json: "CreatedAt", sql: "created_at", kind: kTime},
		}},
	// Calls of the PSTN audio service (pstn): the call, its legs, script
	// and engine state as JSON documents, and its transcript.
	{json: "Calls", sql: "calls", key: []string{"TransactionId"}, cols: []stateColumn{
		{json: "TransactionId", sql: "transaction_id", check: nonEmpty},
		{json: "AccountId", sql: "account_id", check: maxLen(12)},
		{json: "AwsRegion", sql: "aws_region", check: maxLen(64)},
		{json: "SipMediaApplicationId", sql: "sma_id", check: maxLen(256)},
		{json: "SipRuleId", sql: "sip_rule_id", optional: true, def: "", check: maxLen(256)},
		{json: "Status", sql: "status", check: oneOf(string(chimevoice.CallInProgress), string(chimevoice.CallCompleted), string(chimevoice.CallFailed))},
		{json: "EndReason", sql: "end_reason", optional: true, def: "", check: maxLen(4096)},
		{json: "Participants", sql: "participants", check: jsonDocument},
		{json: "Script", sql: "script", check: jsonDocument},
		{json: "State", sql: "state", check: jsonDocument},
		{json: "Version", sql: "version", kind: kInt},
		{json: "CreatedAt", sql: "created_at", kind: kTime},
		{json: "UpdatedAt", sql: "updated_at", kind: kTime},
		{json: "EndedAt", sql: "ended_at", kind: kNullTime, optional: true},
		{json: "DueAt", sql: "due_at", kind: kNullTime, optional: true, future: true},
	}},
	{json: "CallTranscripts", sql: "call_transcripts", key: []string{"TransactionId", "Seq"},
		refs: []stateRef{{"TransactionId", "Calls"}}, cols: []stateColumn{
			{json: "TransactionId", sql: "transaction_id", check: nonEmpty},
			{json: "Seq", sql: "seq", kind: kInt},
			{json: "At", sql: "at", kind: kTime},
			{json: "Kind", sql: "kind", check: oneOf(string(chimevoice.TranscriptEventSent), string(chimevoice.TranscriptResponseReceived), string(chimevoice.TranscriptNote))},
			{json: "Body", sql: "body", check: jsonDocument},
		}},
	{json: "PoolNumbers", sql: "pool_numbers", key: []string{"E164"}, optional: true, cols: []stateColumn{
		{json: "E164", sql: "e164", check: e164Format},
		{json: "Country", sql: "country", check: countryFormat},
		{json: "NumberType", sql: "number_type", check: numberTypes},
		{json: "City", sql: "city", optional: true, def: "", check: maxLen(100)},
		{json: "State", sql: "state", optional: true, def: "", check: maxLen(100)},
	}},
}, append(controlPlaneSections, voiceAnalyticsSections...)...) // state_controlplane.go, state_voiceanalytics.go

// section returns the section called name.
func section(name string) *stateSection {
	for i := range stateSections {
		if stateSections[i].json == name {
			return &stateSections[i]
		}
	}
	return nil
}

func (t *stateSection) col(name string) int {
	for i, c := range t.cols {
		if c.json == name {
			return i
		}
	}
	panic("sqlstore: section " + t.json + " has no column " + name)
}

func (t *stateSection) sqlCols() []string {
	out := make([]string, len(t.cols))
	for i, c := range t.cols {
		out[i] = c.sql
	}
	return out
}

// ExportState implements chimevoice.StateService. Rows are written one
// per line, in key order, so that snapshots diff well.
func (s *Store) ExportState(ctx context.Context, w io.Writer, o chimevoice.ExportOptions) error {
	// One read transaction: every section and the clock from one moment
	// (SQLite reads a WAL snapshot; PostgreSQL needs REPEATABLE READ).
	tx, err := s.rdb.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		return s.wrap(err, "export: begin")
	}
	defer tx.Rollback()
	var offset string
	err = tx.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'clock_offset_ms'`).Scan(&offset)
	if errors.Is(err, sql.ErrNoRows) {
		offset, err = "0", nil
	}
	if err != nil {
		return s.wrap(err, "export: read clock offset")
	}
	off, err := strconv.ParseInt(offset, 10, 64)
	if err != nil {
		return fmt.Errorf("export: bad clock offset %q: %w", offset, err)
	}
	now := s.cfg.Clock.Now().Add(time.Duration(off) * time.Millisecond).Truncate(time.Millisecond).UTC()
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "{\n\"Version\": %d,\n\"Now\": %q", StateVersion, now.Format(timeLayout))
	for i := range stateSections {
		t := &stateSections[i]
		if t.optional && !(t.json == "PoolNumbers" && o.Pool) {
			continue
		}
		if err := s.exportSection(ctx, tx, bw, t); err != nil {
			return err
		}
	}
	bw.WriteString("\n}\n")
	return bw.Flush()
}

// timeLayout is how snapshots write times: ISO 8601, milliseconds, UTC.
const timeLayout = "2006-01-02T15:04:05.000Z"

func (s *Store) exportSection(ctx context.Context, tx *sql.Tx, w *bufio.Writer, t *stateSection) error {
	order := make([]string, len(t.key))
	for i, k := range t.key {
		order[i] = t.cols[t.col(k)].sql
	}
	rows, err := tx.QueryContext(ctx, `SELECT `+strings.Join(t.sqlCols(), ", ")+` FROM `+t.sql+` ORDER BY `+strings.Join(order, ", "))
	if err != nil {
		return s.wrap(err, "export "+t.json)
	}
	defer rows.Close()
	dest := make([]any, len(t.cols))
	for i, c := range t.cols {
		switch c.kind {
		case kString:
			dest[i] = new(string)
		case kTime, kInt:
			dest[i] = new(int64)
		case kNullTime:
			dest[i] = new(sql.NullInt64)
		case kBool:
			dest[i] = new(bool)
		}
	}
	fmt.Fprintf(w, ",\n%q: [", t.json)
	n := 0
	var line []byte
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return s.wrap(err, "export: scan "+t.json)
		}
		line = append(line[:0], '{')
		for i, c := range t.cols {
			if i > 0 {
				line = append(line, ", "...)
			}
			line = strconv.AppendQuote(line, c.json)
			line = append(line, ": "...)
			switch v := dest[i].(type) {
			case *string:
				b, _ := json.Marshal(*v) // a string always marshals
				line = append(line, b...)
			case *int64:
				if c.kind == kTime {
					line = strconv.AppendQuote(line, fromMS(*v).Format(timeLayout))
				} else {
					line = strconv.AppendInt(line, *v, 10)
				}
			case *bool:
				line = strconv.AppendBool(line, *v)
			case *sql.NullInt64:
				if v.Valid {
					line = strconv.AppendQuote(line, fromMS(v.Int64).Format(timeLayout))
				} else {
					line = append(line, "null"...)
				}
			}
		}
		line = append(line, '}')
		if n > 0 {
			w.WriteByte(',')
		}
		w.WriteString("\n  ")
		w.Write(line)
		n++
	}
	if err := rows.Err(); err != nil {
		return s.wrap(err, "export "+t.json)
	}
	if n > 0 {
		w.WriteByte('\n')
	}
	w.WriteByte(']')
	return nil
}

// snapshot is a decoded, checked snapshot.
type snapshot struct {
	now  time.Time
	rows map[string][][]any // section -> rows of column values (string, int64, sql.NullInt64)
}

// str returns the string value of column name in row r of section t.
func (sn *snapshot) str(t *stateSection, r []any, name string) string { return r[t.col(name)].(string) }

func badState(format string, args ...any) error {
	return chimevoice.Errorf(chimevoice.CodeBadRequest, format, args...)
}

// decodeSnapshot decodes and checks a snapshot: members, types, formats,
// unique keys, then the invariants of stateChecks. The first problem is a
// BadRequest naming its place ("PhoneNumbers[3].Status: ...").
func decodeSnapshot(data []byte) (*snapshot, error) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil || top == nil {
		return nil, badState("The snapshot must be a JSON object: %v.", err)
	}
	sn := &snapshot{rows: map[string][][]any{}}
	var version int
	if raw, ok := top["Version"]; !ok {
		return nil, badState("Version: required (%d).", StateVersion)
	} else if err := json.Unmarshal(raw, &version); err != nil || version != StateVersion {
		return nil, badState("Version: %s is not a version this build reads (%d).", raw, StateVersion)
	}
	raw, ok := top["Now"]
	if !ok {
		return nil, badState("Now: required: the service clock of the snapshot.")
	}
	now, err := decodeTime(raw)
	if err != nil {
		return nil, badState("Now: %v.", err)
	}
	sn.now = now
	for _, name := range slices.Sorted(maps.Keys(top)) {
		if name == "Version" || name == "Now" {
			continue
		}
		t := section(name)
		if t == nil {
			known := []string{"Version", "Now"}
			for _, t := range stateSections {
				known = append(known, t.json)
			}
			return nil, badState("%s: unknown member; a snapshot has %s.", name, strings.Join(known, ", "))
		}
		rows, err := decodeSection(t, top[name], now)
		if err != nil {
			return nil, err
		}
		sn.rows[name] = rows
	}
	for i := range stateSections {
		if t := &stateSections[i]; !t.optional && sn.rows[t.json] == nil {
			sn.rows[t.json] = [][]any{} // a section left out is empty
		}
	}
	for _, check := range stateChecks {
		if err := check(sn); err != nil {
			return nil, err
		}
	}
	return sn, nil
}

func decodeSection(t *stateSection, raw json.RawMessage, now time.Time) ([][]any, error) {
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		return nil, badState("%s: must be an array of objects.", t.json)
	}
	rows := make([][]any, 0, len(items))
	keys := make(map[string]int, len(items))
	uniq := map[string]int{}
	for i, item := range items {
		at := fmt.Sprintf("%s[%d]", t.json, i)
		var members map[string]json.RawMessage
		if err := json.Unmarshal(item, &members); err != nil || members == nil {
			return nil, badState("%s: must be an object.", at)
		}
		for _, name := range slices.Sorted(maps.Keys(members)) {
			if !slicesContainsCol(t, name) {
				return nil, badState("%s.%s: unknown member of %s.", at, name, t.json)
			}
		}
		row := make([]any, len(t.cols))
		for j, c := range t.cols {
			v, err := decodeValue(c, members[c.json], now)
			if err != nil {
				return nil, badState("%s.%s: %v.", at, c.json, err)
			}
			row[j] = v
		}
		for j, c := range t.cols {
			if c.defFrom != "" && members[c.json] == nil {
				row[j] = row[t.col(c.defFrom)]
			}
		}
		key := make([]string, len(t.key))
		for j, k := range t.key {
			key[j] = fmt.Sprint(row[t.col(k)])
		}
		k := strings.Join(key, "\x00")
		if first, dup := keys[k]; dup {
			return nil, badState("%s: %s %s is also %s[%d].", at, strings.Join(t.key, " and "), strings.Join(key, " "), t.json, first)
		}
		keys[k] = i
		for _, set := range t.unique {
			vals := make([]string, len(set))
			exempt := false
			for j, c := range set {
				vals[j] = fmt.Sprint(row[t.col(c)])
				exempt = exempt || vals[j] == ""
			}
			uk := strings.Join(set, ",") + "\x00" + strings.Join(vals, "\x00")
			if first, dup := uniq[uk]; dup && !exempt {
				return nil, badState("%s: %s %s is also %s[%d]'s.", at, strings.Join(set, " and "), strings.Join(vals, " "), t.json, first)
			}
			uniq[uk] = i
		}
		rows = append(rows, row)
	}
	return rows, nil
}

func slicesContainsCol(t *stateSection, name string) bool {
	for _, c := range t.cols {
		if c.json == name {
			return true
		}
	}
	return false
}

// decodeValue decodes one member (raw nil when absent).
func decodeValue(c stateColumn, raw json.RawMessage, now time.Time) (any, error) {
	absent := raw == nil || (c.kind == kNullTime && string(raw) == "null")
	if absent {
		switch {
		case c.kind == kNullTime:
			return sql.NullInt64{}, nil
		case !c.optional:
			return nil, errors.New("required")
		case c.defFrom != "":
			return nil, nil // filled from its column
		}
		return c.def, nil
	}
	switch c.kind {
	case kString:
		var v string
		if err := json.Unmarshal(raw, &v); err != nil {
			return nil, fmt.Errorf("must be a string, got %s", abbrev(raw))
		}
		if c.check != nil {
			if msg := c.check(v); msg != "" {
				return nil, errors.New(msg)
			}
		}
		return v, nil
	case kBool:
		var v bool
		if err := json.Unmarshal(raw, &v); err != nil {
			return nil, fmt.Errorf("must be true or false, got %s", abbrev(raw))
		}
		return v, nil
	case kInt:
		var v int64
		if err := json.Unmarshal(raw, &v); err != nil || v < 0 {
			return nil, fmt.Errorf("must be a non-negative integer, got %s", abbrev(raw))
		}
		return v, nil
	}
	t, err := decodeTime(raw)
	if err != nil {
		return nil, err
	}
	if t.After(now) && !c.future {
		return nil, fmt.Errorf("%s is after the snapshot's Now (%s)", t.Format(timeLayout), now.Format(timeLayout))
	}
	if c.kind == kNullTime {
		return sql.NullInt64{Int64: ms(t), Valid: true}, nil
	}
	return ms(t), nil
}

func decodeTime(raw json.RawMessage) (time.Time, error) {
	var v string
	if err := json.Unmarshal(raw, &v); err != nil {
		return time.Time{}, fmt.Errorf("must be an ISO 8601 time string, got %s", abbrev(raw))
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not an ISO 8601 time (e.g. \"2026-11-22T10:00:00.000Z\")", v)
	}
	if t.Truncate(time.Millisecond) != t {
		return time.Time{}, fmt.Errorf("%q is more precise than milliseconds", v)
	}
	if t.Year() < 1970 || t.Year() > 9999 {
		return time.Time{}, fmt.Errorf("%q is out of range", v)
	}
	return t.UTC(), nil
}

func abbrev(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) > 40 {
		return string(raw[:40]) + "..."
	}
	return string(raw)
}

// ImportState implements chimevoice.StateService.
func (s *Store) ImportState(ctx context.Context, data []byte) (map[string]int, error) {
	sn, err := decodeSnapshot(data)
	if err != nil {
		return nil, err
	}
	if err := s.replaceState(ctx, sn); err != nil {
		return nil, err
	}
	counts := make(map[string]int, len(sn.rows))
	for name, rows := range sn.rows {
		counts[name] = len(rows)
	}
	return counts, nil
}

// ResetState implements chimevoice.StateService.
func (s *Store) ResetState(ctx context.Context) error {
	sn := &snapshot{rows: map[string][][]any{}}
	for _, t := range stateSections {
		if !t.optional {
			sn.rows[t.json] = [][]any{}
		}
	}
	return s.replaceState(ctx, sn) // a zero now: offset 0
}

// replaceState replaces the tables of sn's sections with its rows and sets
// the service clock to sn.now (the base clock when zero), in one transaction.
func (s *Store) replaceState(ctx context.Context, sn *snapshot) error {
	var off int64
	err := s.write(ctx, func(ctx context.Context, tx *Tx) error {
		off = 0
		if !sn.now.IsZero() {
			off = sn.now.Sub(s.cfg.Clock.Now().Truncate(time.Millisecond)).Milliseconds()
		}
		for i := len(stateSections) - 1; i >= 0; i-- { // children first
			t := &stateSections[i]
			if _, ok := sn.rows[t.json]; ok {
				if _, err := tx.exec(ctx, `DELETE FROM `+t.sql); err != nil {
					return err
				}
			}
		}
		for i := range stateSections {
			t := &stateSections[i]
			rows := sn.rows[t.json]
			if len(rows) == 0 {
				continue
			}
			head := `INSERT INTO ` + t.sql + ` (` + strings.Join(t.sqlCols(), ", ") + `) VALUES `
			tuple := `(` + strings.Repeat("?, ", len(t.cols)-1) + `?)`
			if err := s.insertRows(ctx, tx, head, tuple, "", rows); err != nil {
				return fmt.Errorf("import %s: %w", t.json, err)
			}
		}
		_, err := tx.exec(ctx, `INSERT INTO meta (key, value) VALUES ('clock_offset_ms', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, strconv.FormatInt(off, 10))
		return err
	})
	if err != nil {
		return err
	}
	// The clock may go back here, as the state it belongs to does.
	s.offset.Store(off)
	s.Wake()
	return nil
}
