package httpapi

import (
	"context"

	"github.com/chimevoice/chimevoice"
)

func (s *Server) registerVoiceConnectors() {
	s.handle("CreateVoiceConnector", s.createVoiceConnector)
	s.handle("GetVoiceConnector", s.getVoiceConnector)
	s.handle("ListVoiceConnectors", s.listVoiceConnectors)
	s.handle("UpdateVoiceConnector", s.updateVoiceConnector)
	s.handle("DeleteVoiceConnector", s.deleteVoiceConnector)
	s.handle("ListAvailableVoiceConnectorRegions", s.listAvailableVoiceConnectorRegions)
	s.handle("CreateVoiceConnectorGroup", s.createVoiceConnectorGroup)
	s.handle("GetVoiceConnectorGroup", s.getVoiceConnectorGroup)
	s.handle("ListVoiceConnectorGroups", s.listVoiceConnectorGroups)
	s.handle("UpdateVoiceConnectorGroup", s.updateVoiceConnectorGroup)
	s.handle("DeleteVoiceConnectorGroup", s.deleteVoiceConnectorGroup)
	vc := s.svc.VoiceConnectors
	s.handle("AssociatePhoneNumbersWithVoiceConnector", s.associate(chimevoice.AssocVoiceConnector, vc.AssociatePhoneNumbers))
	s.handle("AssociatePhoneNumbersWithVoiceConnectorGroup", s.associate(chimevoice.AssocVoiceConnectorGroup, vc.AssociatePhoneNumbers))
	s.handle("DisassociatePhoneNumbersFromVoiceConnector", s.associate(chimevoice.AssocVoiceConnector, vc.DisassociatePhoneNumbers))
	s.handle("DisassociatePhoneNumbersFromVoiceConnectorGroup", s.associate(chimevoice.AssocVoiceConnectorGroup, vc.DisassociatePhoneNumbers))
}

// pageIn is the paging part of every list input.
type pageIn struct {
	MaxResults int
	NextToken  string
}

func (p pageIn) page() chimevoice.Page {
	return chimevoice.Page{Limit: p.MaxResults, NextToken: p.NextToken}
}

// listOf decodes a list input that has only paging members, lists and
// converts each item.
func listOf[T, O any](c *call, list func(chimevoice.Page) ([]T, string, error), conv func(T) O) ([]O, string, error) {
	var in pageIn
	if err := c.decode(&in); err != nil {
		return nil, "", err
	}
	items, next, err := list(in.page())
	if err != nil {
		return nil, "", err
	}
	return convert(items, conv), next, nil
}

func convert[T, O any](items []T, conv func(T) O) []O {
	out := make([]O, len(items))
	for i, it := range items {
		out[i] = conv(it)
	}
	return out
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

type voiceConnectorOutput struct{ VoiceConnector voiceConnectorOut }

type voiceConnectorIDIn struct{ VoiceConnectorId string }

func (s *Server) createVoiceConnector(ctx context.Context, c *call) (any, error) {
	var in struct {
		Name              string
		AwsRegion         string
		RequireEncryption bool
		Tags              []tagIn
		IntegrationType   string
		NetworkType       string
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	v, err := s.svc.VoiceConnectors.CreateVoiceConnector(ctx, c.caller, chimevoice.VoiceConnectorInput{
		Name: in.Name, AwsRegion: in.AwsRegion, RequireEncryption: in.RequireEncryption,
		IntegrationType: in.IntegrationType, NetworkType: in.NetworkType, Tags: tags(in.Tags),
	})
	if err != nil {
		return nil, err
	}
	return voiceConnectorOutput{voiceConnector(v)}, nil
}

func (s *Server) getVoiceConnector(ctx context.Context, c *call) (any, error) {
	var in voiceConnectorIDIn
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	v, err := s.svc.VoiceConnectors.GetVoiceConnector(ctx, c.caller, in.VoiceConnectorId)
	if err != nil {
		return nil, err
	}
	return voiceConnectorOutput{voiceConnector(v)}, nil
}

func (s *Server) listVoiceConnectors(ctx context.Context, c *call) (any, error) {
	vs, next, err := listOf(c, func(p chimevoice.Page) ([]*chimevoice.VoiceConnector, string, error) {
		return s.svc.VoiceConnectors.ListVoiceConnectors(ctx, c.caller, p)
	}, voiceConnector)
	if err != nil {
		return nil, err
	}
	return struct {
		VoiceConnectors []voiceConnectorOut
		NextToken       string `json:",omitempty"`
	}{vs, next}, nil
}

func (s *Server) updateVoiceConnector(ctx context.Context, c *call) (any, error) {
	var in struct {
		VoiceConnectorId  string
		Name              string
		RequireEncryption bool
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	v, err := s.svc.VoiceConnectors.UpdateVoiceConnector(ctx, c.caller, in.VoiceConnectorId, chimevoice.VoiceConnectorInput{Name: in.Name, RequireEncryption: in.RequireEncryption})
	if err != nil {
		return nil, err
	}
	return voiceConnectorOutput{voiceConnector(v)}, nil
}

func (s *Server) deleteVoiceConnector(ctx context.Context, c *call) (any, error) {
	var in voiceConnectorIDIn
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return nil, s.svc.VoiceConnectors.DeleteVoiceConnector(ctx, c.caller, in.VoiceConnectorId)
}

func (s *Server) listAvailableVoiceConnectorRegions(ctx context.Context, c *call) (any, error) {
	return struct{ VoiceConnectorRegions []string }{chimevoice.VoiceConnectorRegions}, nil
}

type voiceConnectorItemIO struct {
	VoiceConnectorId string
	Priority         int
}

type voiceConnectorGroupOut struct {
	VoiceConnectorGroupId  string
	Name                   string
	VoiceConnectorItems    []voiceConnectorItemIO
	CreatedTimestamp       *Time
	UpdatedTimestamp       *Time
	VoiceConnectorGroupArn string
}

func voiceConnectorGroup(g *chimevoice.VoiceConnectorGroup) voiceConnectorGroupOut {
	return voiceConnectorGroupOut{
		VoiceConnectorGroupId: g.ID, Name: g.Name, VoiceConnectorGroupArn: g.ARN,
		VoiceConnectorItems: convert(g.Items, func(it chimevoice.VoiceConnectorItem) voiceConnectorItemIO {
			return voiceConnectorItemIO{it.VoiceConnectorID, it.Priority}
		}),
		CreatedTimestamp: timePtr(g.CreatedAt), UpdatedTimestamp: timePtr(g.UpdatedAt),
	}
}

type voiceConnectorGroupOutput struct{ VoiceConnectorGroup voiceConnectorGroupOut }

type groupIn struct {
	VoiceConnectorGroupId string
	Name                  string
	VoiceConnectorItems   []voiceConnectorItemIO
}

func (in groupIn) items() ([]chimevoice.VoiceConnectorItem, error) {
	items := convert(in.VoiceConnectorItems, func(it voiceConnectorItemIO) chimevoice.VoiceConnectorItem {
		return chimevoice.VoiceConnectorItem{VoiceConnectorID: it.VoiceConnectorId, Priority: it.Priority}
	})
	return items, chimevoice.CheckGroupItems(items)
}

func (s *Server) createVoiceConnectorGroup(ctx context.Context, c *call) (any, error) {
	var in groupIn
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	items, err := in.items()
	if err != nil {
		return nil, err
	}
	g, err := s.svc.VoiceConnectors.CreateVoiceConnectorGroup(ctx, c.caller, in.Name, items)
	if err != nil {
		return nil, err
	}
	return voiceConnectorGroupOutput{voiceConnectorGroup(g)}, nil
}

func (s *Server) getVoiceConnectorGroup(ctx context.Context, c *call) (any, error) {
	var in groupIn
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	g, err := s.svc.VoiceConnectors.GetVoiceConnectorGroup(ctx, c.caller, in.VoiceConnectorGroupId)
	if err != nil {
		return nil, err
	}
	return voiceConnectorGroupOutput{voiceConnectorGroup(g)}, nil
}

func (s *Server) listVoiceConnectorGroups(ctx context.Context, c *call) (any, error) {
	gs, next, err := listOf(c, func(p chimevoice.Page) ([]*chimevoice.VoiceConnectorGroup, string, error) {
		return s.svc.VoiceConnectors.ListVoiceConnectorGroups(ctx, c.caller, p)
	}, voiceConnectorGroup)
	if err != nil {
		return nil, err
	}
	return struct {
		VoiceConnectorGroups []voiceConnectorGroupOut
		NextToken            string `json:",omitempty"`
	}{gs, next}, nil
}

func (s *Server) updateVoiceConnectorGroup(ctx context.Context, c *call) (any, error) {
	var in groupIn
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	items, err := in.items()
	if err != nil {
		return nil, err
	}
	g, err := s.svc.VoiceConnectors.UpdateVoiceConnectorGroup(ctx, c.caller, in.VoiceConnectorGroupId, in.Name, items)
	if err != nil {
		return nil, err
	}
	return voiceConnectorGroupOutput{voiceConnectorGroup(g)}, nil
}

func (s *Server) deleteVoiceConnectorGroup(ctx context.Context, c *call) (any, error) {
	var in groupIn
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return nil, s.svc.VoiceConnectors.DeleteVoiceConnectorGroup(ctx, c.caller, in.VoiceConnectorGroupId)
}

// associate serves the four (dis)associate calls of Voice Connectors and
// groups, which differ only in the target and the service method.
func (s *Server) associate(target chimevoice.AssociationName, apply func(context.Context, chimevoice.Caller, chimevoice.AssociateRequest) ([]chimevoice.PhoneNumberError, error)) handler {
	return func(ctx context.Context, c *call) (any, error) {
		var in struct {
			VoiceConnectorId      string
			VoiceConnectorGroupId string
			E164PhoneNumbers      []string
			ForceAssociate        bool
		}
		if err := c.decode(&in); err != nil {
			return nil, err
		}
		if len(in.E164PhoneNumbers) == 0 {
			return nil, chimevoice.Errorf(chimevoice.CodeBadRequest, "E164PhoneNumbers: at least one phone number is required.")
		}
		ids, err := batchIDs("E164PhoneNumbers", in.E164PhoneNumbers)
		if err != nil {
			return nil, err
		}
		r := chimevoice.AssociateRequest{Target: target, TargetID: in.VoiceConnectorId, IDs: ids, Force: in.ForceAssociate}
		if target == chimevoice.AssocVoiceConnectorGroup {
			r.TargetID = in.VoiceConnectorGroupId
		}
		failed, err := apply(ctx, c.caller, r)
		if err != nil {
			return nil, err
		}
		return phoneNumberErrors(failed), nil
	}
}

// registerAssociations registers the operations of the resources numbers
// are associated with, for the services that are set.
func (s *Server) registerAssociations() {
	if s.svc.VoiceConnectors != nil {
		s.registerVoiceConnectors()
	}
	if s.svc.SipMedia != nil {
		s.registerSipMedia()
	}
	if s.svc.Tags != nil {
		s.registerTags()
	}
	if s.svc.Accounts != nil {
		s.registerLegacy()
	}
}
