package chimevoice

import (
	"context"
	"time"
)

// Voice analytics on Voice Connector calls (Amazon Chime SDK Developer
// Guide, "Using Amazon Chime SDK voice analytics"): speaker search and
// voice tone analysis tasks on a call's TransactionId, and the voice
// profiles that speaker search enrolls. docs/calls.md ("Voice analytics")
// says which calls qualify and how results are derived.

// KindVoiceProfile is the ARN resource type of voice profiles (Service
// Authorization Reference, Amazon Chime:
// arn:${Partition}:chime:${Region}:${AccountId}:voice-profile/${VoiceProfileId}).
const KindVoiceProfile ResourceKind = "voice-profile"

// AnalyticsStatus is the status of a speaker search or voice tone analysis
// task, as the API reference lists them (SpeakerSearchTask:
// IN_QUEUE, IN_PROGRESS, PARTIAL_SUCCESS, SUCCEEDED, FAILED, STOPPED).
// chimevoice never reports PARTIAL_SUCCESS.
type AnalyticsStatus string

// Task statuses.
const (
	TaskInQueue    AnalyticsStatus = "IN_QUEUE"
	TaskInProgress AnalyticsStatus = "IN_PROGRESS"
	TaskSucceeded  AnalyticsStatus = "SUCCEEDED"
	TaskFailed     AnalyticsStatus = "FAILED"
	TaskStopped    AnalyticsStatus = "STOPPED"
)

// Final reports whether the status no longer changes.
func (s AnalyticsStatus) Final() bool {
	return s == TaskSucceeded || s == TaskFailed || s == TaskStopped
}

// AnalyticsKind says which analysis a task runs.
type AnalyticsKind string

// Task kinds.
const (
	SpeakerSearch     AnalyticsKind = "SpeakerSearch"
	VoiceToneAnalysis AnalyticsKind = "VoiceToneAnalysis"
)

// Voice analytics timings on the service clock. AnalyticsQueueTime and
// SpeakerSearchAudio are chimevoice's choices; the retention periods are
// documented ("Understanding data retention for Amazon Chime SDK voice
// analytics").
const (
	// AnalyticsQueueTime is how long a task is IN_QUEUE before it starts.
	AnalyticsQueueTime = time.Second
	// SpeakerSearchAudio is how much of the call a speaker search listens
	// to once started: it SUCCEEDS then, or FAILS if the call ends first.
	SpeakerSearchAudio = 10 * time.Second
	// ToneAnalysisAudio is the least audio a voice tone analysis needs: it
	// runs until the call ends and SUCCEEDS if it heard this much.
	ToneAnalysisAudio = 10 * time.Second
	// TaskRetention is how long a task's results can be read (7 days).
	TaskRetention = 7 * 24 * time.Hour
	// VoiceprintRetention is how long after a speaker search succeeds its
	// voiceprint can be enrolled with Create/UpdateVoiceProfile (24 hours).
	VoiceprintRetention = 24 * time.Hour
	// VoiceProfileLifetime is how long a voice profile lives after it is
	// created or re-enrolled (3 years; UpdateVoiceProfile extends it).
	VoiceProfileLifetime = 3 * 365 * 24 * time.Hour
	// SpeakerMatchConfidence is the ConfidenceScore of a match.
	SpeakerMatchConfidence = 0.95
)

// Sentiments of voice tone analysis.
const (
	SentimentPositive = "positive"
	SentimentNeutral  = "neutral"
	SentimentNegative = "negative"
)

// AnalyticsTask is a speaker search or a voice tone analysis task.
type AnalyticsTask struct {
	ID               string
	AccountID        string
	Kind             AnalyticsKind
	VoiceConnectorID string
	TransactionID    string
	IsCaller         bool
	// Speaker is the phone number of the analysed leg (the caller's From,
	// or the callee's To): what stands for a voice.
	Speaker string
	// VoiceProfileDomainID is the domain a speaker search searches ("" for
	// tone analysis).
	VoiceProfileDomainID string
	LanguageCode         string
	ClientRequestToken   string
	Status               AnalyticsStatus
	StatusMessage        string
	// Matches are the voice profiles a succeeded speaker search found.
	Matches []SpeakerMatch
	// Sentiment is what a succeeded tone analysis predicted.
	Sentiment string
	CreatedAt time.Time
	UpdatedAt time.Time
	StartedAt time.Time // zero while IN_QUEUE
	EndedAt   time.Time // zero until final
}

// SpeakerMatch is one result of a speaker search.
type SpeakerMatch struct {
	VoiceProfileID  string  `json:"VoiceProfileId"`
	ConfidenceScore float64 `json:"ConfidenceScore"`
}

// VoiceprintStatus is the SpeakerSearchDetails.VoiceprintGenerationStatus
// of a task ("" until it is final).
func (t *AnalyticsTask) VoiceprintStatus() string {
	switch t.Status {
	case TaskSucceeded:
		return "VoiceprintGenerationSuccess"
	case TaskFailed, TaskStopped:
		return "VoiceprintGenerationFailure"
	}
	return ""
}

// Advance moves the task along the service clock to now, given when its
// call ended (zero while it is in progress). It reports whether the task
// changed; matches, when the search succeeds, are looked up by the caller.
func (t *AnalyticsTask) Advance(now, callEnded time.Time) bool {
	if t.Status.Final() {
		return false
	}
	changed := false
	start := t.CreatedAt.Add(AnalyticsQueueTime)
	if t.Status == TaskInQueue {
		if !callEnded.IsZero() && !callEnded.After(start) {
			t.finish(callEnded, TaskFailed, "The call ended before the task started.")
			return true
		}
		if now.Before(start) {
			return false
		}
		t.Status, t.StartedAt, t.UpdatedAt, changed = TaskInProgress, start, start, true
	}
	switch t.Kind {
	case SpeakerSearch:
		done := t.StartedAt.Add(SpeakerSearchAudio)
		if !callEnded.IsZero() && callEnded.Before(done) {
			t.finish(callEnded, TaskFailed, "The call ended before "+SpeakerSearchAudio.String()+" of the speaker's audio were analysed.")
			return true
		}
		if !now.Before(done) {
			t.finish(done, TaskSucceeded, "")
			return true
		}
	case VoiceToneAnalysis:
		if callEnded.IsZero() || now.Before(callEnded) {
			return changed
		}
		if callEnded.Sub(t.StartedAt) < ToneAnalysisAudio {
			t.finish(callEnded, TaskFailed, "The call ended before "+ToneAnalysisAudio.String()+" of the speaker's audio were analysed.")
			return true
		}
		t.Sentiment = SentimentOf(t.Speaker)
		t.finish(callEnded, TaskSucceeded, "Predicted sentiment: "+t.Sentiment+".")
		return true
	}
	return changed
}

func (t *AnalyticsTask) finish(at time.Time, s AnalyticsStatus, msg string) {
	if at.Before(t.CreatedAt) {
		at = t.CreatedAt
	}
	t.Status, t.StatusMessage, t.UpdatedAt, t.EndedAt = s, msg, at, at
}

// SentimentOf is the sentiment voice tone analysis predicts for a speaker:
// by the last digit of their number, 0-3 positive, 4-6 neutral, 7-9
// negative (so that a test chooses the sentiment by choosing the caller).
func SentimentOf(number string) string {
	if number == "" {
		return SentimentNeutral
	}
	switch d := number[len(number)-1]; {
	case d <= '3':
		return SentimentPositive
	case d <= '6':
		return SentimentNeutral
	default:
		return SentimentNegative
	}
}

// StartSpeakerSearchRequest is a StartSpeakerSearchTask request.
type StartSpeakerSearchRequest struct {
	VoiceConnectorID     string
	TransactionID        string
	VoiceProfileDomainID string
	ClientRequestToken   string
	CallLeg              string // "Caller" (the default) or "Callee"
}

// StartToneAnalysisRequest is a StartVoiceToneAnalysisTask request.
type StartToneAnalysisRequest struct {
	VoiceConnectorID   string
	TransactionID      string
	LanguageCode       string
	ClientRequestToken string
}

// VoiceProfile is an enrolled speaker of a voice profile domain.
type VoiceProfile struct {
	ID                   string
	AccountID            string
	VoiceProfileDomainID string
	ARN                  string
	// Speaker is the voice (a phone number) of the speaker search the
	// profile was enrolled from.
	Speaker string
	// SpeakerSearchTaskID is the task of the last enrolment.
	SpeakerSearchTaskID string
	CreatedAt           time.Time
	UpdatedAt           time.Time
	ExpiresAt           time.Time
}

// VoiceAnalyticsService runs voice analytics tasks and keeps voice
// profiles. Another account's tasks, calls, domains and profiles are
// NotFound.
type VoiceAnalyticsService interface {
	StartSpeakerSearchTask(ctx context.Context, c Caller, r StartSpeakerSearchRequest) (*AnalyticsTask, error)
	StartVoiceToneAnalysisTask(ctx context.Context, c Caller, r StartToneAnalysisRequest) (*AnalyticsTask, error)
	// GetAnalyticsTask reads a task of the kind on the Voice Connector.
	GetAnalyticsTask(ctx context.Context, c Caller, kind AnalyticsKind, vcID, taskID string) (*AnalyticsTask, error)
	// StopAnalyticsTask stops a task that is not final.
	StopAnalyticsTask(ctx context.Context, c Caller, kind AnalyticsKind, vcID, taskID string) error

	CreateVoiceProfile(ctx context.Context, c Caller, speakerSearchTaskID string) (*VoiceProfile, error)
	GetVoiceProfile(ctx context.Context, c Caller, id string) (*VoiceProfile, error)
	ListVoiceProfiles(ctx context.Context, c Caller, domainID string, p Page) ([]*VoiceProfile, string, error)
	UpdateVoiceProfile(ctx context.Context, c Caller, id, speakerSearchTaskID string) (*VoiceProfile, error)
	DeleteVoiceProfile(ctx context.Context, c Caller, id string) error
}
