package sqlstore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/chimevoice/chimevoice"
)

// This file implements chimevoice.VoiceAnalyticsService: speaker search
// and voice tone analysis tasks on the calls of Voice Connectors whose
// streaming configuration enables call analytics, and voice profiles.

var _ chimevoice.VoiceAnalyticsService = (*Store)(nil)

// matchList keeps a task's matches as a JSON array.
type matchList []chimevoice.SpeakerMatch

// Scan implements sql.Scanner.
func (m *matchList) Scan(src any) error {
	var s sql.NullString
	if err := s.Scan(src); err != nil {
		return err
	}
	*m = nil
	if !s.Valid || s.String == "" {
		return nil
	}
	return json.Unmarshal([]byte(s.String), m)
}

// Value implements driver.Valuer.
func (m *matchList) Value() (driver.Value, error) {
	if len(*m) == 0 {
		return "[]", nil
	}
	b, err := json.Marshal([]chimevoice.SpeakerMatch(*m))
	return string(b), err
}

type task = chimevoice.AnalyticsTask

var tasksTable = newTable("VoiceAnalyticsTasks", "task", fieldMap[task]{
	"Id": func(t *task) any { return &t.ID }, "AccountId": func(t *task) any { return &t.AccountID },
	"Kind": func(t *task) any { return (*string)(&t.Kind) }, "VoiceConnectorId": func(t *task) any { return &t.VoiceConnectorID },
	"TransactionId": func(t *task) any { return &t.TransactionID }, "IsCaller": func(t *task) any { return &t.IsCaller },
	"Speaker": func(t *task) any { return &t.Speaker }, "VoiceProfileDomainId": func(t *task) any { return &t.VoiceProfileDomainID },
	"LanguageCode": func(t *task) any { return &t.LanguageCode }, "ClientToken": func(t *task) any { return &t.ClientRequestToken },
	"Status": func(t *task) any { return (*string)(&t.Status) }, "StatusMessage": func(t *task) any { return &t.StatusMessage },
	"Matches": func(t *task) any { return (*matchList)(&t.Matches) }, "Sentiment": func(t *task) any { return &t.Sentiment },
	"CreatedAt": func(t *task) any { return &t.CreatedAt }, "UpdatedAt": func(t *task) any { return &t.UpdatedAt },
	"StartedAt": func(t *task) any { return &t.StartedAt }, "EndedAt": func(t *task) any { return &t.EndedAt },
}, nil)

var voiceProfilesTable = newTable("VoiceProfiles", "voice profile", fieldMap[chimevoice.VoiceProfile]{
	"Id": func(p *chimevoice.VoiceProfile) any { return &p.ID }, "AccountId": func(p *chimevoice.VoiceProfile) any { return &p.AccountID },
	"VoiceProfileDomainId": func(p *chimevoice.VoiceProfile) any { return &p.VoiceProfileDomainID }, "Arn": func(p *chimevoice.VoiceProfile) any { return &p.ARN },
	"Speaker": func(p *chimevoice.VoiceProfile) any { return &p.Speaker }, "SpeakerSearchTaskId": func(p *chimevoice.VoiceProfile) any { return &p.SpeakerSearchTaskID },
	"CreatedAt": func(p *chimevoice.VoiceProfile) any { return &p.CreatedAt }, "UpdatedAt": func(p *chimevoice.VoiceProfile) any { return &p.UpdatedAt },
	"ExpiresAt": func(p *chimevoice.VoiceProfile) any { return &p.ExpiresAt },
}, nil)

// streamingDoc is the part of a stored StreamingConfiguration that voice
// analytics needs.
type streamingDoc struct {
	Disabled                   bool
	MediaInsightsConfiguration *struct {
		Disabled         bool
		ConfigurationArn string
	}
}

// analyticsCall is what a task needs of its call.
type analyticsCall struct {
	status       chimevoice.CallStatus
	participants []chimevoice.Participant
	ended        time.Time
}

func (s *Store) analyticsCall(ctx context.Context, q querier, account, txID string) (*analyticsCall, error) {
	var status, parts string
	var ended sql.NullInt64
	err := q.queryRow(ctx, `SELECT status, participants, ended_at FROM calls WHERE transaction_id = ? AND account_id = ?`, txID, account).Scan(&status, &parts, &ended)
	if isNoRows(err) {
		return nil, chimevoice.Errorf(chimevoice.CodeNotFound, "The call %s was not found.", txID)
	}
	if err != nil {
		return nil, s.wrap(err, "get call for voice analytics")
	}
	c := &analyticsCall{status: chimevoice.CallStatus(status)}
	if ended.Valid {
		c.ended = time.UnixMilli(ended.Int64).UTC()
	}
	if err := json.Unmarshal([]byte(parts), &c.participants); err != nil {
		return nil, fmt.Errorf("decode participants of call %s: %w", txID, err)
	}
	return c, nil
}

// checkAnalyticsConnector checks that the account's Voice Connector vcID
// exists and that its streaming configuration enables call analytics:
// streaming not Disabled, and a MediaInsightsConfiguration with a
// ConfigurationArn that is not Disabled.
func (s *Store) checkAnalyticsConnector(ctx context.Context, q querier, account, vcID string) error {
	var id string
	err := q.queryRow(ctx, `SELECT id FROM voice_connectors WHERE id = ? AND account_id = ?`, vcID, account).Scan(&id)
	if isNoRows(err) {
		return chimevoice.Errorf(chimevoice.CodeNotFound, "The Voice Connector %s was not found.", vcID)
	}
	if err != nil {
		return s.wrap(err, "get voice connector")
	}
	body, err := s.settings(ctx, q, vcID, "VoiceConnectorStreamingConfiguration")
	if err != nil {
		return err
	}
	var doc streamingDoc
	if body != nil {
		if err := json.Unmarshal(body, &doc); err != nil {
			return fmt.Errorf("decode streaming configuration of %s: %w", vcID, err)
		}
	}
	if body == nil || doc.Disabled || doc.MediaInsightsConfiguration == nil || doc.MediaInsightsConfiguration.Disabled || doc.MediaInsightsConfiguration.ConfigurationArn == "" {
		return chimevoice.Errorf(chimevoice.CodeUnprocessable, "Voice analytics is not enabled on Voice Connector %s: its StreamingConfiguration must enable streaming and name a MediaInsightsConfiguration ConfigurationArn that is not Disabled.", vcID)
	}
	return nil
}

// startTask starts a task of the kind on a call of the Voice Connector:
// the call must be in progress and have arrived on the Voice Connector
// (its LEG-A an inbound call to a number associated with it).
func (s *Store) startTask(ctx context.Context, c chimevoice.Caller, t *task, callLeg string) (*task, error) {
	return writeValue(ctx, s, func(ctx context.Context, tx *Tx) (*task, error) {
		if t.ClientRequestToken != "" {
			old, err := tasksTable.scan(tx.queryRow(ctx, tasksTable.selectFrom()+` WHERE account_id = ? AND kind = ? AND client_token = ?`, c.AccountID, string(t.Kind), t.ClientRequestToken))
			if err == nil {
				if old.TransactionID != t.TransactionID || old.VoiceConnectorID != t.VoiceConnectorID || old.VoiceProfileDomainID != t.VoiceProfileDomainID {
					e := chimevoice.FieldErrorf("ClientRequestToken", "the token was used for another request (task %s).", old.ID)
					e.Code = chimevoice.CodeConflict
					return nil, e
				}
				return old, s.settleTask(ctx, tx, old, tx.now)
			}
			if !isNoRows(err) {
				return nil, s.wrap(err, "find task by token")
			}
		}
		if err := s.checkAnalyticsConnector(ctx, tx, c.AccountID, t.VoiceConnectorID); err != nil {
			return nil, err
		}
		if t.Kind == chimevoice.SpeakerSearch {
			if _, err := get(ctx, s, tx, vpdTable, c.AccountID, t.VoiceProfileDomainID); err != nil {
				return nil, err
			}
		}
		call, err := s.analyticsCall(ctx, tx, c.AccountID, t.TransactionID)
		if err != nil {
			return nil, err
		}
		if call.status != chimevoice.CallInProgress {
			return nil, chimevoice.Errorf(chimevoice.CodeGone, "The call %s has ended (%s).", t.TransactionID, call.status)
		}
		var legA *chimevoice.Participant
		for i := range call.participants {
			if call.participants[i].Tag == chimevoice.LegA {
				legA = &call.participants[i]
			}
		}
		if legA == nil || legA.Direction != chimevoice.Inbound {
			return nil, chimevoice.Errorf(chimevoice.CodeUnprocessable, "The call %s did not arrive on a Voice Connector: voice analytics runs on inbound calls to a number associated with the Voice Connector.", t.TransactionID)
		}
		var n int
		err = tx.queryRow(ctx, `SELECT COUNT(*) FROM phone_number_associations WHERE e164 = ? AND account_id = ? AND name = ? AND value = ?`,
			legA.To, c.AccountID, string(chimevoice.AssocVoiceConnector), t.VoiceConnectorID).Scan(&n)
		if err != nil {
			return nil, s.wrap(err, "check call's voice connector")
		}
		if n == 0 {
			return nil, chimevoice.Errorf(chimevoice.CodeUnprocessable, "The call %s did not arrive on Voice Connector %s: the number it called, %s, is not associated with it.", t.TransactionID, t.VoiceConnectorID, legA.To)
		}
		t.IsCaller, t.Speaker = callLeg != "Callee", legA.From
		if !t.IsCaller {
			t.Speaker = legA.To
		}
		t.ID, t.AccountID, t.Status = uuid.NewString(), c.AccountID, chimevoice.TaskInQueue
		t.CreatedAt, t.UpdatedAt = tx.now, tx.now
		return t, tasksTable.insert(ctx, tx, t)
	})
}

// settleTask moves t to now as the due-work pass does (in memory): its
// status on the service clock, and a succeeded speaker search's matches.
func (s *Store) settleTask(ctx context.Context, q querier, t *task, now time.Time) error {
	if t.Status.Final() {
		return nil
	}
	var ended sql.NullInt64
	err := q.queryRow(ctx, `SELECT ended_at FROM calls WHERE transaction_id = ? AND account_id = ?`, t.TransactionID, t.AccountID).Scan(&ended)
	if err != nil && !isNoRows(err) {
		return s.wrap(err, "get call of task")
	}
	var callEnded time.Time
	if ended.Valid {
		callEnded = time.UnixMilli(ended.Int64).UTC()
	} else if isNoRows(err) {
		callEnded = t.CreatedAt // the call is gone (a reset or import without it)
	}
	if !t.Advance(now, callEnded) || t.Kind != chimevoice.SpeakerSearch || t.Status != chimevoice.TaskSucceeded {
		return nil
	}
	ids, err := collect(ctx, s, q, "speaker matches", func(sc scanner) (string, error) {
		var id string
		return id, sc.Scan(&id)
	}, `SELECT id FROM voice_profiles WHERE voice_profile_domain_id = ? AND speaker = ? AND expires_at > ? ORDER BY created_at, id`, t.VoiceProfileDomainID, t.Speaker, ms(t.EndedAt))
	if err != nil {
		return err
	}
	t.Matches = nil
	for _, id := range ids {
		t.Matches = append(t.Matches, chimevoice.SpeakerMatch{VoiceProfileID: id, ConfidenceScore: chimevoice.SpeakerMatchConfidence})
	}
	return nil
}

// StartSpeakerSearchTask implements chimevoice.VoiceAnalyticsService.
func (s *Store) StartSpeakerSearchTask(ctx context.Context, c chimevoice.Caller, r chimevoice.StartSpeakerSearchRequest) (*chimevoice.AnalyticsTask, error) {
	return s.startTask(ctx, c, &task{Kind: chimevoice.SpeakerSearch, VoiceConnectorID: r.VoiceConnectorID, TransactionID: r.TransactionID,
		VoiceProfileDomainID: r.VoiceProfileDomainID, ClientRequestToken: r.ClientRequestToken}, r.CallLeg)
}

// StartVoiceToneAnalysisTask implements chimevoice.VoiceAnalyticsService.
func (s *Store) StartVoiceToneAnalysisTask(ctx context.Context, c chimevoice.Caller, r chimevoice.StartToneAnalysisRequest) (*chimevoice.AnalyticsTask, error) {
	return s.startTask(ctx, c, &task{Kind: chimevoice.VoiceToneAnalysis, VoiceConnectorID: r.VoiceConnectorID, TransactionID: r.TransactionID,
		LanguageCode: r.LanguageCode, ClientRequestToken: r.ClientRequestToken}, "Caller")
}

// getTask reads a task of the kind on vcID as it is at now (results are
// kept TaskRetention); inside a write transaction its row is locked.
func (s *Store) getTask(ctx context.Context, q querier, account string, kind chimevoice.AnalyticsKind, vcID, id string, now time.Time) (*task, error) {
	t, err := get(ctx, s, q, tasksTable, account, id)
	if err == nil && (t.Kind != kind || t.VoiceConnectorID != vcID || !t.CreatedAt.Add(chimevoice.TaskRetention).After(now)) {
		err = chimevoice.Errorf(chimevoice.CodeNotFound, "The %s task %s was not found.", kind, id)
	}
	if err != nil {
		if chimevoice.ErrorCode(err) == chimevoice.CodeNotFound {
			return nil, chimevoice.Errorf(chimevoice.CodeNotFound, "The %s task %s was not found.", kind, id)
		}
		return nil, err
	}
	return t, s.settleTask(ctx, q, t, now)
}

// GetAnalyticsTask implements chimevoice.VoiceAnalyticsService.
func (s *Store) GetAnalyticsTask(ctx context.Context, c chimevoice.Caller, kind chimevoice.AnalyticsKind, vcID, id string) (*chimevoice.AnalyticsTask, error) {
	now, err := s.currentNow(ctx)
	if err != nil {
		return nil, err
	}
	return s.getTask(ctx, reader{s}, c.AccountID, kind, vcID, id, now)
}

// StopAnalyticsTask implements chimevoice.VoiceAnalyticsService.
func (s *Store) StopAnalyticsTask(ctx context.Context, c chimevoice.Caller, kind chimevoice.AnalyticsKind, vcID, id string) error {
	return s.write(ctx, func(ctx context.Context, tx *Tx) error {
		t, err := s.getTask(ctx, tx, c.AccountID, kind, vcID, id, tx.now)
		if err != nil {
			return err
		}
		if t.Status.Final() {
			return chimevoice.Errorf(chimevoice.CodeConflict, "The %s task %s is %s: only a task IN_QUEUE or IN_PROGRESS can be stopped.", kind, id, t.Status)
		}
		t.Status, t.StatusMessage, t.UpdatedAt, t.EndedAt = chimevoice.TaskStopped, "Stopped by StopVoiceToneAnalysisTask.", tx.now, tx.now
		if kind == chimevoice.SpeakerSearch {
			t.StatusMessage = "Stopped by StopSpeakerSearchTask."
		}
		return s.saveTask(ctx, tx, t)
	})
}

func (s *Store) saveTask(ctx context.Context, tx *Tx, t *task) error {
	m := matchList(t.Matches)
	_, err := tx.exec(ctx, `UPDATE voice_analytics_tasks SET status = ?, status_message = ?, matches = ?, sentiment = ?, updated_at = ?, started_at = ?, ended_at = ? WHERE id = ?`,
		string(t.Status), t.StatusMessage, argOf(&m), t.Sentiment, ms(t.UpdatedAt), nullTime(t.StartedAt), nullTime(t.EndedAt), t.ID)
	return err
}

// advanceAnalytics is the due-work pass of voice analytics: it moves the
// tasks that are not final along the service clock, forgets tasks past
// their retention and deletes expired voice profiles.
func (s *Store) advanceAnalytics(ctx context.Context) (int, error) {
	n := 0
	err := s.write(ctx, func(ctx context.Context, tx *Tx) error {
		n = 0
		open, err := collect(ctx, s, tx, "open tasks", tasksTable.scan,
			tasksTable.selectFrom()+` WHERE status IN ('IN_QUEUE', 'IN_PROGRESS') ORDER BY created_at, id LIMIT 1000`+s.lockClause(tx))
		if err != nil {
			return err
		}
		for _, t := range open {
			before := *t
			if err := s.settleTask(ctx, tx, t, tx.now); err != nil {
				return err
			}
			if t.Status != before.Status || !t.StartedAt.Equal(before.StartedAt) {
				if err := s.saveTask(ctx, tx, t); err != nil {
					return err
				}
				n++
			}
		}
		if _, err := tx.exec(ctx, `DELETE FROM voice_analytics_tasks WHERE created_at <= ?`, ms(tx.now.Add(-chimevoice.TaskRetention))); err != nil {
			return err
		}
		_, err = tx.exec(ctx, `DELETE FROM voice_profiles WHERE expires_at <= ?`, ms(tx.now))
		return err
	})
	return n, err
}

// enrollable reads the account's speaker search task id for a voice
// profile: SUCCEEDED, and no more than VoiceprintRetention ago.
func (s *Store) enrollable(ctx context.Context, tx *Tx, account, id string) (*task, error) {
	t, err := get(ctx, s, tx, tasksTable, account, id)
	if err == nil && (t.Kind != chimevoice.SpeakerSearch || !t.CreatedAt.Add(chimevoice.TaskRetention).After(tx.now)) {
		err = tasksTable.notFound(id)
	}
	if err != nil {
		if chimevoice.ErrorCode(err) == chimevoice.CodeNotFound {
			return nil, chimevoice.Errorf(chimevoice.CodeNotFound, "The speaker search task %s was not found.", id)
		}
		return nil, err
	}
	if err := s.settleTask(ctx, tx, t, tx.now); err != nil {
		return nil, err
	}
	if t.Status != chimevoice.TaskSucceeded {
		return nil, chimevoice.FieldErrorf("SpeakerSearchTaskId", "the speaker search task %s is %s: a voice profile is enrolled from a SUCCEEDED task.", id, t.Status)
	}
	if !t.EndedAt.Add(chimevoice.VoiceprintRetention).After(tx.now) {
		return nil, chimevoice.Errorf(chimevoice.CodeGone, "The voiceprint of speaker search task %s is gone: voiceprints can be enrolled for %s after the task succeeds.", id, chimevoice.VoiceprintRetention)
	}
	return t, nil
}

// CreateVoiceProfile implements chimevoice.VoiceAnalyticsService.
func (s *Store) CreateVoiceProfile(ctx context.Context, c chimevoice.Caller, taskID string) (*chimevoice.VoiceProfile, error) {
	return writeValue(ctx, s, func(ctx context.Context, tx *Tx) (*chimevoice.VoiceProfile, error) {
		t, err := s.enrollable(ctx, tx, c.AccountID, taskID)
		if err != nil {
			return nil, err
		}
		if _, err := get(ctx, s, tx, vpdTable, c.AccountID, t.VoiceProfileDomainID); err != nil {
			return nil, err
		}
		id := uuid.NewString()
		p := &chimevoice.VoiceProfile{ID: id, AccountID: c.AccountID, VoiceProfileDomainID: t.VoiceProfileDomainID,
			ARN: chimevoice.ARN(region(c), c.AccountID, chimevoice.KindVoiceProfile, id), Speaker: t.Speaker, SpeakerSearchTaskID: t.ID,
			CreatedAt: tx.now, UpdatedAt: tx.now, ExpiresAt: tx.now.Add(chimevoice.VoiceProfileLifetime)}
		return p, voiceProfilesTable.insert(ctx, tx, p)
	})
}

// getProfile reads a voice profile that has not expired at now.
func (s *Store) getProfile(ctx context.Context, q querier, account, id string, now time.Time) (*chimevoice.VoiceProfile, error) {
	p, err := get(ctx, s, q, voiceProfilesTable, account, id)
	if err == nil && !p.ExpiresAt.After(now) {
		err = voiceProfilesTable.notFound(id)
	}
	return p, err
}

// GetVoiceProfile implements chimevoice.VoiceAnalyticsService.
func (s *Store) GetVoiceProfile(ctx context.Context, c chimevoice.Caller, id string) (*chimevoice.VoiceProfile, error) {
	now, err := s.currentNow(ctx)
	if err != nil {
		return nil, err
	}
	return s.getProfile(ctx, reader{s}, c.AccountID, id, now)
}

// ListVoiceProfiles implements chimevoice.VoiceAnalyticsService.
func (s *Store) ListVoiceProfiles(ctx context.Context, c chimevoice.Caller, domainID string, p chimevoice.Page) ([]*chimevoice.VoiceProfile, string, error) {
	if _, err := get(ctx, s, reader{s}, vpdTable, c.AccountID, domainID); err != nil {
		return nil, "", err
	}
	now, err := s.currentNow(ctx)
	if err != nil {
		return nil, "", err
	}
	return list(ctx, s, voiceProfilesTable, "vp1", p, c.AccountID, ` AND voice_profile_domain_id = ? AND expires_at > ?`, []any{domainID, ms(now)},
		func(v *chimevoice.VoiceProfile) (time.Time, string) { return v.CreatedAt, v.ID })
}

// UpdateVoiceProfile implements chimevoice.VoiceAnalyticsService.
func (s *Store) UpdateVoiceProfile(ctx context.Context, c chimevoice.Caller, id, taskID string) (*chimevoice.VoiceProfile, error) {
	return writeValue(ctx, s, func(ctx context.Context, tx *Tx) (*chimevoice.VoiceProfile, error) {
		p, err := s.getProfile(ctx, tx, c.AccountID, id, tx.now)
		if err != nil {
			return nil, err
		}
		t, err := s.enrollable(ctx, tx, c.AccountID, taskID)
		if err != nil {
			return nil, err
		}
		if t.VoiceProfileDomainID != p.VoiceProfileDomainID {
			return nil, chimevoice.FieldErrorf("SpeakerSearchTaskId", "the speaker search task %s searched voice profile domain %s; the voice profile %s is in %s.", taskID, t.VoiceProfileDomainID, id, p.VoiceProfileDomainID)
		}
		p.Speaker, p.SpeakerSearchTaskID, p.UpdatedAt, p.ExpiresAt = t.Speaker, t.ID, tx.now, tx.now.Add(chimevoice.VoiceProfileLifetime)
		_, err = tx.exec(ctx, `UPDATE voice_profiles SET speaker = ?, speaker_search_task_id = ?, updated_at = ?, expires_at = ? WHERE id = ?`,
			p.Speaker, p.SpeakerSearchTaskID, ms(p.UpdatedAt), ms(p.ExpiresAt), id)
		return p, err
	})
}

// DeleteVoiceProfile implements chimevoice.VoiceAnalyticsService.
func (s *Store) DeleteVoiceProfile(ctx context.Context, c chimevoice.Caller, id string) error {
	return s.write(ctx, func(ctx context.Context, tx *Tx) error {
		if _, err := s.getProfile(ctx, tx, c.AccountID, id, tx.now); err != nil {
			return err
		}
		_, err := tx.exec(ctx, `DELETE FROM voice_profiles WHERE id = ?`, id)
		return err
	})
}
