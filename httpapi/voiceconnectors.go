package httpapi

import (
	"context"

	"github.com/chimevoice/chimevoice"
)

func (s *Server) registerVoiceConnectors() {
	vc := s.svc.VoiceConnectors
	s.handle("CreateVoiceConnector", s.createVoiceConnector)
	s.handle("GetVoiceConnector", getter("VoiceConnectorId", vc.GetVoiceConnector, voiceConnectorOutput))
	s.handle("ListVoiceConnectors", lister("VoiceConnectors", vc.ListVoiceConnectors, voiceConnector))
	s.handle("UpdateVoiceConnector", s.updateVoiceConnector)
	s.handle("DeleteVoiceConnector", deleter("VoiceConnectorId", vc.DeleteVoiceConnector))
	s.handle("ListAvailableVoiceConnectorRegions", s.listAvailableVoiceConnectorRegions)
	s.handle("CreateVoiceConnectorGroup", s.createVoiceConnectorGroup)
	s.handle("GetVoiceConnectorGroup", getter("VoiceConnectorGroupId", vc.GetVoiceConnectorGroup, voiceConnectorGroupOutput))
	s.handle("ListVoiceConnectorGroups", lister("VoiceConnectorGroups", vc.ListVoiceConnectorGroups, voiceConnectorGroup))
	s.handle("UpdateVoiceConnectorGroup", s.updateVoiceConnectorGroup)
	s.handle("DeleteVoiceConnectorGroup", deleter("VoiceConnectorGroupId", vc.DeleteVoiceConnectorGroup))
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

// str returns a string member of the input ("" when absent).
func (c *call) str(member string) string {
	v, _ := c.in[member].(string)
	return v
}

// getter serves an operation that reads one resource by the ID member
// (a path parameter the model requires).
func getter[T any](member string, get func(context.Context, chimevoice.Caller, string) (T, error), out func(T) any) handler {
	return func(ctx context.Context, c *call) (any, error) {
		v, err := get(ctx, c.caller, c.str(member))
		if err != nil {
			return nil, err
		}
		return out(v), nil
	}
}

// deleter serves an operation that deletes one resource by the ID member.
func deleter(member string, del func(context.Context, chimevoice.Caller, string) error) handler {
	return func(ctx context.Context, c *call) (any, error) {
		return nil, del(ctx, c.caller, c.str(member))
	}
}

// lister serves a list operation whose input has only paging members;
// the items go out under the output member items.
func lister[T, O any](items string, list func(context.Context, chimevoice.Caller, chimevoice.Page) ([]T, string, error), conv func(T) O) handler {
	return func(ctx context.Context, c *call) (any, error) {
		var in pageIn
		if err := c.decode(&in); err != nil {
			return nil, err
		}
		xs, next, err := list(ctx, c.caller, in.page())
		if err != nil {
			return nil, err
		}
		return listed(items, convert(xs, conv), next), nil
	}
}

// listed is the output of a list operation: the items under their member
// name, and NextToken when there are more.
func listed(items string, xs any, next string) map[string]any {
	out := map[string]any{items: xs}
	if next != "" {
		out["NextToken"] = next
	}
	return out
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

func voiceConnectorOutput(v *chimevoice.VoiceConnector) any {
	return struct{ VoiceConnector voiceConnectorOut }{voiceConnector(v)}
}

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
	return voiceConnectorOutput(v), nil
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
	return voiceConnectorOutput(v), nil
}

func (s *Server) listAvailableVoiceConnectorRegions(ctx context.Context, c *call) (any, error) {
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

// items checks the items against the distribution type: the one given, or
// on update without one, the default (the store checks again against the
// group's own).
func (in groupIn) items() ([]chimevoice.VoiceConnectorItem, error) {
	items := convert(in.VoiceConnectorItems, func(it voiceConnectorItemIO) chimevoice.VoiceConnectorItem {
		return chimevoice.VoiceConnectorItem{VoiceConnectorID: it.VoiceConnectorId, Priority: it.Priority}
	})
	dist := chimevoice.CallDistributionType(in.CallDistributionType)
	if dist == "" {
		return items, nil
	}
	return items, chimevoice.CheckGroupItems(items, dist)
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
	g, err := s.svc.VoiceConnectors.CreateVoiceConnectorGroup(ctx, c.caller, in.Name, chimevoice.CallDistributionType(in.CallDistributionType), items)
	if err != nil {
		return nil, err
	}
	return voiceConnectorGroupOutput(g), nil
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
	g, err := s.svc.VoiceConnectors.UpdateVoiceConnectorGroup(ctx, c.caller, in.VoiceConnectorGroupId, in.Name, chimevoice.CallDistributionType(in.CallDistributionType), items)
	if err != nil {
		return nil, err
	}
	return voiceConnectorGroupOutput(g), nil
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
		ids, err := numberList("E164PhoneNumbers", in.E164PhoneNumbers)
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
	if s.svc.Settings != nil {
		s.registerSettings()
	}
	s.registerGlobalSettings()
	s.registerTerminationHealth()
	s.registerVoiceProfileDomains()
	s.registerProxy()
	s.registerE911()
	s.registerUserSettings()
}
