package chimevoice

import (
	"testing"
	"time"
)

func TestSentimentOf(t *testing.T) {
	for number, want := range map[string]string{
		"+15105550100": SentimentPositive, "+15105550103": SentimentPositive,
		"+15105550104": SentimentNeutral, "+15105550106": SentimentNeutral,
		"+15105550107": SentimentNegative, "+15105550109": SentimentNegative, "": SentimentNeutral,
	} {
		if got := SentimentOf(number); got != want {
			t.Errorf("SentimentOf(%q) = %s, want %s", number, got, want)
		}
	}
}

// TestAdvance walks tasks along the clock: queue, start, finish or fail.
func TestAdvance(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	at := func(d time.Duration) time.Time { return t0.Add(d) }
	for _, tc := range []struct {
		name      string
		kind      AnalyticsKind
		now       time.Duration
		callEnded time.Duration // <0: still on
		want      AnalyticsStatus
		ended     time.Duration
	}{
		{"search queued", SpeakerSearch, 999 * time.Millisecond, -1, TaskInQueue, 0},
		{"search started", SpeakerSearch, time.Second, -1, TaskInProgress, 0},
		{"search not yet done", SpeakerSearch, 11*time.Second - time.Millisecond, -1, TaskInProgress, 0},
		{"search done", SpeakerSearch, 11 * time.Second, -1, TaskSucceeded, 11 * time.Second},
		{"search done, call ended later", SpeakerSearch, time.Minute, 30 * time.Second, TaskSucceeded, 11 * time.Second},
		{"search, call ended early", SpeakerSearch, time.Minute, 5 * time.Second, TaskFailed, 5 * time.Second},
		{"search, call ended in queue", SpeakerSearch, time.Minute, 500 * time.Millisecond, TaskFailed, 500 * time.Millisecond},
		{"tone runs while the call is on", VoiceToneAnalysis, time.Hour, -1, TaskInProgress, 0},
		{"tone done at the call's end", VoiceToneAnalysis, time.Minute, 11 * time.Second, TaskSucceeded, 11 * time.Second},
		{"tone, call too short", VoiceToneAnalysis, time.Minute, 10*time.Second + 999*time.Millisecond, TaskFailed, 10*time.Second + 999*time.Millisecond},
	} {
		t.Run(tc.name, func(t *testing.T) {
			task := &AnalyticsTask{Kind: tc.kind, Speaker: "+15105550107", Status: TaskInQueue, CreatedAt: t0, UpdatedAt: t0}
			var ended time.Time
			if tc.callEnded >= 0 {
				ended = at(tc.callEnded)
			}
			task.Advance(at(tc.now), ended)
			if task.Status != tc.want || (tc.want.Final() && !task.EndedAt.Equal(at(tc.ended))) {
				t.Fatalf("status %s ended %s, want %s at %s", task.Status, task.EndedAt, tc.want, at(tc.ended))
			}
			if tc.kind == VoiceToneAnalysis && tc.want == TaskSucceeded && task.Sentiment != SentimentNegative {
				t.Fatalf("sentiment %q", task.Sentiment)
			}
			if task.Advance(at(tc.now), ended) {
				t.Fatalf("a second Advance to the same time changed the task")
			}
		})
	}
}
