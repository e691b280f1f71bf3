package httpapi

import (
	"context"

	"github.com/chimevoice/chimevoice"
)

// registerVoiceProfileDomains registers the voice profile domain
// operations when their service is set.
func (s *Server) registerVoiceProfileDomains() {
	vp := s.svc.VoiceProfileDomains
	if vp == nil {
		return
	}
	s.handle("CreateVoiceProfileDomain", op(s.createVoiceProfileDomain))
	s.handle("GetVoiceProfileDomain", getter("VoiceProfileDomainId", vp.GetVoiceProfileDomain, voiceProfileDomainOutput))
	s.handle("ListVoiceProfileDomains", lister("VoiceProfileDomains", vp.ListVoiceProfileDomains, voiceProfileDomainSummary))
	s.handle("UpdateVoiceProfileDomain", op(s.updateVoiceProfileDomain))
	s.handle("DeleteVoiceProfileDomain", deleter("VoiceProfileDomainId", vp.DeleteVoiceProfileDomain))
}

type sseIO struct{ KmsKeyArn string }

type voiceProfileDomainSummaryOut struct {
	VoiceProfileDomainId  string
	VoiceProfileDomainArn string
	Name                  string
	Description           string `json:",omitempty"`
	CreatedTimestamp      *Time
	UpdatedTimestamp      *Time
}

type voiceProfileDomainOut struct {
	voiceProfileDomainSummaryOut
	ServerSideEncryptionConfiguration sseIO
}

func voiceProfileDomainSummary(d *chimevoice.VoiceProfileDomain) voiceProfileDomainSummaryOut {
	return voiceProfileDomainSummaryOut{VoiceProfileDomainId: d.ID, VoiceProfileDomainArn: d.ARN, Name: d.Name, Description: d.Description,
		CreatedTimestamp: timePtr(d.CreatedAt), UpdatedTimestamp: timePtr(d.UpdatedAt)}
}

func voiceProfileDomainOutput(d *chimevoice.VoiceProfileDomain) any {
	return struct{ VoiceProfileDomain voiceProfileDomainOut }{voiceProfileDomainOut{voiceProfileDomainSummary(d), sseIO{d.KMSKeyARN}}}
}

type createVoiceProfileDomainIn struct {
	Name                              string
	Description                       string
	ServerSideEncryptionConfiguration sseIO
	ClientRequestToken                string
	Tags                              []tagIn
}

func (s *Server) createVoiceProfileDomain(ctx context.Context, c chimevoice.Caller, in createVoiceProfileDomainIn) (any, error) {
	return out(voiceProfileDomainOutput)(s.svc.VoiceProfileDomains.CreateVoiceProfileDomain(ctx, c, chimevoice.CreateVoiceProfileDomainRequest{
		Name: in.Name, Description: in.Description, KMSKeyARN: in.ServerSideEncryptionConfiguration.KmsKeyArn,
		ClientRequestToken: in.ClientRequestToken, Tags: tags(in.Tags),
	}))
}

type updateVoiceProfileDomainIn struct {
	VoiceProfileDomainId string
	Name                 *string
	Description          *string
}

func (s *Server) updateVoiceProfileDomain(ctx context.Context, c chimevoice.Caller, in updateVoiceProfileDomainIn) (any, error) {
	return out(voiceProfileDomainOutput)(s.svc.VoiceProfileDomains.UpdateVoiceProfileDomain(ctx, c, in.VoiceProfileDomainId, in.Name, in.Description))
}
