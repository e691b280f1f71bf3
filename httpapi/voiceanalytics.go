package httpapi

import (
	"context"

	"github.com/chimevoice/chimevoice"
)

// registerVoiceAnalytics registers the voice analytics operations:
// speaker search and voice tone analysis tasks on Voice Connector calls,
// and voice profiles (docs/calls.md, "Voice analytics").
func (s *Server) registerVoiceAnalytics() {
	va := s.svc.VoiceAnalytics
	if va == nil {
		return
	}
	s.handle("StartSpeakerSearchTask", op(s.startSpeakerSearchTask))
	s.handle("GetSpeakerSearchTask", op(s.getSpeakerSearchTask))
	s.handle("StopSpeakerSearchTask", op(s.stopSpeakerSearchTask))
	s.handle("StartVoiceToneAnalysisTask", op(s.startVoiceToneAnalysisTask))
	s.handle("GetVoiceToneAnalysisTask", op(s.getVoiceToneAnalysisTask))
	s.handle("StopVoiceToneAnalysisTask", op(s.stopVoiceToneAnalysisTask))
	s.handle("CreateVoiceProfile", op(s.createVoiceProfile))
	s.handle("GetVoiceProfile", getter("VoiceProfileId", va.GetVoiceProfile, voiceProfileOutput))
	s.handle("ListVoiceProfiles", op(s.listVoiceProfiles))
	s.handle("UpdateVoiceProfile", op(s.updateVoiceProfile))
	s.handle("DeleteVoiceProfile", deleter("VoiceProfileId", va.DeleteVoiceProfile))
}

type analyticsCallDetailsOut struct {
	VoiceConnectorId string
	TransactionId    string
	IsCaller         bool
}

type speakerSearchResultOut struct {
	ConfidenceScore float64
	VoiceProfileId  string
}

type speakerSearchDetailsOut struct {
	Results                    []speakerSearchResultOut
	VoiceprintGenerationStatus string `json:",omitempty"`
}

type analyticsTaskOut struct {
	CallDetails      analyticsCallDetailsOut
	CreatedTimestamp *Time
	UpdatedTimestamp *Time
	StartedTimestamp *Time  `json:",omitempty"`
	StatusMessage    string `json:",omitempty"`
}

func taskOut(t *chimevoice.AnalyticsTask) analyticsTaskOut {
	o := analyticsTaskOut{CallDetails: analyticsCallDetailsOut{t.VoiceConnectorID, t.TransactionID, t.IsCaller},
		CreatedTimestamp: timePtr(t.CreatedAt), UpdatedTimestamp: timePtr(t.UpdatedAt), StatusMessage: t.StatusMessage}
	if !t.StartedAt.IsZero() {
		o.StartedTimestamp = timePtr(t.StartedAt)
	}
	return o
}

func speakerSearchOutput(t *chimevoice.AnalyticsTask) any {
	results := make([]speakerSearchResultOut, len(t.Matches))
	for i, m := range t.Matches {
		results[i] = speakerSearchResultOut{m.ConfidenceScore, m.VoiceProfileID}
	}
	return map[string]any{"SpeakerSearchTask": struct {
		SpeakerSearchTaskId     string
		SpeakerSearchTaskStatus string
		analyticsTaskOut
		SpeakerSearchDetails speakerSearchDetailsOut
	}{t.ID, string(t.Status), taskOut(t), speakerSearchDetailsOut{results, t.VoiceprintStatus()}}}
}

func toneAnalysisOutput(t *chimevoice.AnalyticsTask) any {
	return map[string]any{"VoiceToneAnalysisTask": struct {
		VoiceToneAnalysisTaskId     string
		VoiceToneAnalysisTaskStatus string
		analyticsTaskOut
	}{t.ID, string(t.Status), taskOut(t)}}
}

func (s *Server) startSpeakerSearchTask(ctx context.Context, c chimevoice.Caller, in struct {
	VoiceConnectorId     string
	TransactionId        string
	VoiceProfileDomainId string
	ClientRequestToken   string
	CallLeg              string
}) (any, error) {
	return out(speakerSearchOutput)(s.svc.VoiceAnalytics.StartSpeakerSearchTask(ctx, c, chimevoice.StartSpeakerSearchRequest{
		VoiceConnectorID: in.VoiceConnectorId, TransactionID: in.TransactionId, VoiceProfileDomainID: in.VoiceProfileDomainId,
		ClientRequestToken: in.ClientRequestToken, CallLeg: in.CallLeg,
	}))
}

func (s *Server) getSpeakerSearchTask(ctx context.Context, c chimevoice.Caller, in struct{ VoiceConnectorId, SpeakerSearchTaskId string }) (any, error) {
	return out(speakerSearchOutput)(s.svc.VoiceAnalytics.GetAnalyticsTask(ctx, c, chimevoice.SpeakerSearch, in.VoiceConnectorId, in.SpeakerSearchTaskId))
}

func (s *Server) stopSpeakerSearchTask(ctx context.Context, c chimevoice.Caller, in struct{ VoiceConnectorId, SpeakerSearchTaskId string }) (any, error) {
	return nil, s.svc.VoiceAnalytics.StopAnalyticsTask(ctx, c, chimevoice.SpeakerSearch, in.VoiceConnectorId, in.SpeakerSearchTaskId)
}

func (s *Server) startVoiceToneAnalysisTask(ctx context.Context, c chimevoice.Caller, in struct {
	VoiceConnectorId   string
	TransactionId      string
	LanguageCode       string
	ClientRequestToken string
}) (any, error) {
	return out(toneAnalysisOutput)(s.svc.VoiceAnalytics.StartVoiceToneAnalysisTask(ctx, c, chimevoice.StartToneAnalysisRequest{
		VoiceConnectorID: in.VoiceConnectorId, TransactionID: in.TransactionId, LanguageCode: in.LanguageCode, ClientRequestToken: in.ClientRequestToken,
	}))
}

// getVoiceToneAnalysisTask: the model requires IsCaller; the task is the
// same for either value (it analyses the leg it was started on).
func (s *Server) getVoiceToneAnalysisTask(ctx context.Context, c chimevoice.Caller, in struct{ VoiceConnectorId, VoiceToneAnalysisTaskId string }) (any, error) {
	return out(toneAnalysisOutput)(s.svc.VoiceAnalytics.GetAnalyticsTask(ctx, c, chimevoice.VoiceToneAnalysis, in.VoiceConnectorId, in.VoiceToneAnalysisTaskId))
}

func (s *Server) stopVoiceToneAnalysisTask(ctx context.Context, c chimevoice.Caller, in struct{ VoiceConnectorId, VoiceToneAnalysisTaskId string }) (any, error) {
	return nil, s.svc.VoiceAnalytics.StopAnalyticsTask(ctx, c, chimevoice.VoiceToneAnalysis, in.VoiceConnectorId, in.VoiceToneAnalysisTaskId)
}

type voiceProfileOut struct {
	VoiceProfileId       string
	VoiceProfileArn      string
	VoiceProfileDomainId string
	CreatedTimestamp     *Time
	UpdatedTimestamp     *Time
	ExpirationTimestamp  *Time
}

func voiceProfileSummary(p *chimevoice.VoiceProfile) voiceProfileOut {
	return voiceProfileOut{p.ID, p.ARN, p.VoiceProfileDomainID, timePtr(p.CreatedAt), timePtr(p.UpdatedAt), timePtr(p.ExpiresAt)}
}

func voiceProfileOutput(p *chimevoice.VoiceProfile) any {
	return map[string]any{"VoiceProfile": voiceProfileSummary(p)}
}

func (s *Server) createVoiceProfile(ctx context.Context, c chimevoice.Caller, in struct{ SpeakerSearchTaskId string }) (any, error) {
	return out(voiceProfileOutput)(s.svc.VoiceAnalytics.CreateVoiceProfile(ctx, c, in.SpeakerSearchTaskId))
}

func (s *Server) listVoiceProfiles(ctx context.Context, c chimevoice.Caller, in struct {
	VoiceProfileDomainId string
	MaxResults           int
	NextToken            string
}) (any, error) {
	return page("VoiceProfiles", voiceProfileSummary)(s.svc.VoiceAnalytics.ListVoiceProfiles(ctx, c, in.VoiceProfileDomainId, pageIn{in.MaxResults, in.NextToken}.page()))
}

func (s *Server) updateVoiceProfile(ctx context.Context, c chimevoice.Caller, in struct{ VoiceProfileId, SpeakerSearchTaskId string }) (any, error) {
	return out(voiceProfileOutput)(s.svc.VoiceAnalytics.UpdateVoiceProfile(ctx, c, in.VoiceProfileId, in.SpeakerSearchTaskId))
}
