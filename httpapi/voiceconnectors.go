package httpapi

import (
	"context"

	"github.com/chimevoice/chimevoice"
)

// registerVoiceConnectors registers the operations of Voice Connectors and groups.
func (s *Server) registerVoiceConnectors() {
	vc := s.svc.VoiceConnectors
	s.handle("CreateVoiceConnector", op(s.createVoiceConnector))
	s.handle("GetVoiceConnector", getter("VoiceConnectorId", vc.GetVoiceConnector, voiceConnectorOutput))
	s.handle("ListVoiceConnectors", lister("VoiceConnectors", vc.ListVoiceConnectors, voiceConnector))
	s.handle("UpdateVoiceConnector", op(s.updateVoiceConnector))
	s.handle("DeleteVoiceConnector", deleter("VoiceConnectorId", vc.DeleteVoiceConnector))
	s.handle("ListAvailableVoiceConnectorRegions", op(s.listAvailableVoiceConnectorRegions))
	s.handle("CreateVoiceConnectorGroup", op(s.createVoiceConnectorGroup))
	s.handle("GetVoiceConnectorGroup", getter("VoiceConnectorGroupId", vc.GetVoiceConnectorGroup, voiceConnectorGroupOutput))
	s.handle("ListVoiceConnectorGroups", lister("VoiceConnectorGroups", vc.ListVoiceConnectorGroups, voiceConnectorGroup))
	s.handle("UpdateVoiceConnectorGroup", op(s.updateVoiceConnectorGroup))
	s.handle("DeleteVoiceConnectorGroup", deleter("VoiceConnectorGroupId", vc.DeleteVoiceConnectorGroup))
	s.handle("AssociatePhoneNumbersWithVoiceConnector", associate(chimevoice.AssocVoiceConnector, vc.AssociatePhoneNumbers))
	s.handle("AssociatePhoneNumbersWithVoiceConnectorGroup", associate(chimevoice.AssocVoiceConnectorGroup, vc.AssociatePhoneNumbers))
	s.handle("DisassociatePhoneNumbersFromVoiceConnector", associate(chimevoice.AssocVoiceConnector, vc.DisassociatePhoneNumbers))
	s.handle("DisassociatePhoneNumbersFromVoiceConnectorGroup", associate(chimevoice.AssocVoiceConnectorGroup, vc.DisassociatePhoneNumbers))
}

type tagIn struct {
	Key   string
	Value string
}

func tags(in []tagIn) []chimevoice.Tag {
	return convert(in, func(t tagIn) chimevoice.Tag { return chimevoice.Tag(t) })
}

type voiceConnectorOut struct {
	VoiceConnectorId  string
	AwsRegion         string
	Name              string
	OutboundHostName  string
	RequireEncryption bool
	CreatedTimestamp  *Time
	UpdatedTimestamp  *Time
	VoiceConnectorArn string
	IntegrationType   string `json:",omitempty"`
	NetworkType       string `json:",omitempty"`
}

func voiceConnector(v *chimevoice.VoiceConnector) voiceConnectorOut {
	return voiceConnectorOut{
		VoiceConnectorId: v.ID, AwsRegion: v.AwsRegion, Name: v.Name, OutboundHostName: v.OutboundHostName,
		RequireEncryption: v.RequireEncryption, CreatedTimestamp: timePtr(v.CreatedAt), UpdatedTimestamp: timePtr(v.UpdatedAt),
		VoiceConnectorArn: v.ARN, IntegrationType: v.IntegrationType, NetworkType: v.NetworkType,
	}
}

func voiceConnectorOutput(v *chimevoice.VoiceConnector) any {
	return struct{ VoiceConnector voiceConnectorOut }{voiceConnector(v)}
}

func (s *Server) createVoiceConnector(ctx context.Context, c chimevoice.Caller, in struct {
	Name              string
	AwsRegion         string
	RequireEncryption bool
	Tags              []tagIn
	IntegrationType   string
	NetworkType       string
}) (any, error) {
	return out(voiceConnectorOutput)(s.svc.VoiceConnectors.CreateVoiceConnector(ctx, c, chimevoice.VoiceConnectorInput{
		Name: in.Name, AwsRegion: in.AwsRegion, RequireEncryption: in.RequireEncryption,
		IntegrationType: in.IntegrationType, NetworkType: in.NetworkType, Tags: tags(in.Tags),
	}))
}

func (s *Server) updateVoiceConnector(ctx context.Context, c chimevoice.Caller, in struct {
	VoiceConnectorId  string
	Name              string
	RequireEncryption bool
}) (any, error) {
	return out(voiceConnectorOutput)(s.svc.VoiceConnectors.UpdateVoiceConnector(ctx, c, in.VoiceConnectorId, chimevoice.VoiceConnectorInput{Name: in.Name, RequireEncryption: in.RequireEncryption}))
}

func (s *Server) listAvailableVoiceConnectorRegions(context.Context, chimevoice.Caller, struct{}) (any, error) {
	return struct{ VoiceConnectorRegions []string }{chimevoice.VoiceConnectorRegions}, nil
}

type voiceConnectorItemIO struct {
	VoiceConnectorId string
	Priority         int `json:",omitempty"`
}

type voiceConnectorGroupOut struct {
	VoiceConnectorGroupId  string
	Name                   string
	VoiceConnectorItems    []voiceConnectorItemIO
	CreatedTimestamp       *Time
	UpdatedTimestamp       *Time
	VoiceConnectorGroupArn string
	CallDistributionType   string `json:",omitempty"`
}

func voiceConnectorGroup(g *chimevoice.VoiceConnectorGroup) voiceConnectorGroupOut {
	return voiceConnectorGroupOut{
		VoiceConnectorGroupId: g.ID, Name: g.Name, VoiceConnectorGroupArn: g.ARN,
		VoiceConnectorItems: convert(g.Items, func(it chimevoice.VoiceConnectorItem) voiceConnectorItemIO {
			return voiceConnectorItemIO{it.VoiceConnectorID, it.Priority}
		}),
		CreatedTimestamp: timePtr(g.CreatedAt), UpdatedTimestamp: timePtr(g.UpdatedAt),
		CallDistributionType: string(g.Distribution),
	}
}

func voiceConnectorGroupOutput(g *chimevoice.VoiceConnectorGroup) any {
	return struct{ VoiceConnectorGroup voiceConnectorGroupOut }{voiceConnectorGroup(g)}
}

type groupIn struct {
	VoiceConnectorGroupId string
	Name                  string
	VoiceConnectorItems   []voiceConnectorItemIO
	CallDistributionType  string
}

func (in groupIn) input() chimevoice.VoiceConnectorGroupInput {
	return chimevoice.VoiceConnectorGroupInput{Name: in.Name, Items: convert(in.VoiceConnectorItems, func(it voiceConnectorItemIO) chimevoice.VoiceConnectorItem {
		return chimevoice.VoiceConnectorItem{VoiceConnectorID: it.VoiceConnectorId, Priority: it.Priority}
	}), Distribution: chimevoice.CallDistributionType(in.CallDistributionType)}
}

func (s *Server) createVoiceConnectorGroup(ctx context.Context, c chimevoice.Caller, in groupIn) (any, error) {
	return out(voiceConnectorGroupOutput)(s.svc.VoiceConnectors.CreateVoiceConnectorGroup(ctx, c, in.input()))
}

func (s *Server) updateVoiceConnectorGroup(ctx context.Context, c chimevoice.Caller, in groupIn) (any, error) {
	return out(voiceConnectorGroupOutput)(s.svc.VoiceConnectors.UpdateVoiceConnectorGroup(ctx, c, in.VoiceConnectorGroupId, in.input()))
}

// associate serves the four (dis)associate calls of Voice Connectors and
// groups, which differ only in the target and the service method.
func associate(target chimevoice.AssociationName, apply func(context.Context, chimevoice.Caller, chimevoice.AssociateRequest) ([]chimevoice.PhoneNumberError, error)) handler {
	return op(func(ctx context.Context, c chimevoice.Caller, in struct {
		VoiceConnectorId      string
		VoiceConnectorGroupId string
		E164PhoneNumbers      []string
		ForceAssociate        bool
	}) (any, error) {
		r := chimevoice.AssociateRequest{Target: target, TargetID: in.VoiceConnectorId, IDs: chimevoice.NewBatch(in.E164PhoneNumbers), Force: in.ForceAssociate}
		if target == chimevoice.AssocVoiceConnectorGroup {
			r.TargetID = in.VoiceConnectorGroupId
		}
		return out(phoneNumberErrorsOutput)(apply(ctx, c, r))
	})
}
