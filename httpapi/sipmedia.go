package httpapi

import (
	"context"

	"github.com/chimevoice/chimevoice"
)

func (s *Server) registerSipMedia() {
	sm := s.svc.SipMedia
	s.handle("CreateSipMediaApplication", s.createSipMediaApplication)
	s.handle("GetSipMediaApplication", getter("SipMediaApplicationId", sm.GetSipMediaApplication, sipMediaApplicationOutput))
	s.handle("ListSipMediaApplications", lister("SipMediaApplications", sm.ListSipMediaApplications, sipMediaApplication))
	s.handle("UpdateSipMediaApplication", s.updateSipMediaApplication)
	s.handle("DeleteSipMediaApplication", deleter("SipMediaApplicationId", sm.DeleteSipMediaApplication))
	s.handle("CreateSipRule", s.createSipRule)
	s.handle("GetSipRule", getter("SipRuleId", sm.GetSipRule, sipRuleOutput))
	s.handle("ListSipRules", s.listSipRules)
	s.handle("UpdateSipRule", s.updateSipRule)
	s.handle("DeleteSipRule", deleter("SipRuleId", sm.DeleteSipRule))
}

type endpointIO struct{ LambdaArn string }

type sipMediaApplicationOut struct {
	SipMediaApplicationId  string
	AwsRegion              string
	Name                   string
	Endpoints              []endpointIO
	CreatedTimestamp       *Time
	UpdatedTimestamp       *Time
	SipMediaApplicationArn string
}

func sipMediaApplication(a *chimevoice.SipMediaApplication) sipMediaApplicationOut {
	return sipMediaApplicationOut{
		SipMediaApplicationId: a.ID, AwsRegion: a.AwsRegion, Name: a.Name, SipMediaApplicationArn: a.ARN,
		Endpoints:        convert(a.Endpoints, func(arn string) endpointIO { return endpointIO{arn} }),
		CreatedTimestamp: timePtr(a.CreatedAt), UpdatedTimestamp: timePtr(a.UpdatedAt),
	}
}

func sipMediaApplicationOutput(a *chimevoice.SipMediaApplication) any {
	return struct{ SipMediaApplication sipMediaApplicationOut }{sipMediaApplication(a)}
}

type smaIn struct {
	SipMediaApplicationId string
	AwsRegion             string
	Name                  *string
	Endpoints             []endpointIO
	Tags                  []tagIn
}

func (in smaIn) input() chimevoice.SipMediaApplicationInput {
	out := chimevoice.SipMediaApplicationInput{AwsRegion: in.AwsRegion, Name: in.Name, Tags: tags(in.Tags)}
	if in.Endpoints != nil {
		out.Endpoints = convert(in.Endpoints, func(e endpointIO) string { return e.LambdaArn })
	}
	return out
}

func (s *Server) createSipMediaApplication(ctx context.Context, c *call) (any, error) {
	var in smaIn
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	a, err := s.svc.SipMedia.CreateSipMediaApplication(ctx, c.caller, in.input())
	if err != nil {
		return nil, err
	}
	return sipMediaApplicationOutput(a), nil
}

func (s *Server) updateSipMediaApplication(ctx context.Context, c *call) (any, error) {
	var in smaIn
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	a, err := s.svc.SipMedia.UpdateSipMediaApplication(ctx, c.caller, in.SipMediaApplicationId, in.input())
	if err != nil {
		return nil, err
	}
	return sipMediaApplicationOutput(a), nil
}

type targetIO struct {
	SipMediaApplicationId string
	Priority              int    `json:",omitempty"`
	AwsRegion             string `json:",omitempty"`
}

type sipRuleOut struct {
	SipRuleId          string
	Name               string
	Disabled           bool
	TriggerType        string
	TriggerValue       string
	TargetApplications []targetIO
	CreatedTimestamp   *Time
	UpdatedTimestamp   *Time
}

func sipRule(r *chimevoice.SipRule) sipRuleOut {
	return sipRuleOut{
		SipRuleId: r.ID, Name: r.Name, Disabled: r.Disabled, TriggerType: string(r.TriggerType), TriggerValue: r.TriggerValue,
		TargetApplications: convert(r.Targets, func(t chimevoice.SipRuleTarget) targetIO {
			return targetIO{t.SipMediaApplicationID, t.Priority, t.AwsRegion}
		}),
		CreatedTimestamp: timePtr(r.CreatedAt), UpdatedTimestamp: timePtr(r.UpdatedAt),
	}
}

func sipRuleOutput(r *chimevoice.SipRule) any { return struct{ SipRule sipRuleOut }{sipRule(r)} }

type ruleIn struct {
	SipRuleId          string
	Name               string
	TriggerType        string
	TriggerValue       string
	Disabled           *bool
	TargetApplications []targetIO
}

func (in ruleIn) targets() []chimevoice.SipRuleTarget {
	if in.TargetApplications == nil {
		return nil
	}
	return convert(in.TargetApplications, func(t targetIO) chimevoice.SipRuleTarget {
		return chimevoice.SipRuleTarget{SipMediaApplicationID: t.SipMediaApplicationId, Priority: t.Priority, AwsRegion: t.AwsRegion}
	})
}

func (s *Server) createSipRule(ctx context.Context, c *call) (any, error) {
	var in ruleIn
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	r := chimevoice.SipRule{Name: in.Name, TriggerType: chimevoice.SipRuleTriggerType(in.TriggerType), TriggerValue: in.TriggerValue, Targets: in.targets()}
	if in.Disabled != nil {
		r.Disabled = *in.Disabled
	}
	out, err := s.svc.SipMedia.CreateSipRule(ctx, c.caller, r)
	if err != nil {
		return nil, err
	}
	return sipRuleOutput(out), nil
}

func (s *Server) listSipRules(ctx context.Context, c *call) (any, error) {
	var in struct {
		SipMediaApplicationId string
		MaxResults            int
		NextToken             string
	}
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	rs, next, err := s.svc.SipMedia.ListSipRules(ctx, c.caller, in.SipMediaApplicationId, pageIn{in.MaxResults, in.NextToken}.page())
	if err != nil {
		return nil, err
	}
	return listed("SipRules", convert(rs, sipRule), next), nil
}

func (s *Server) updateSipRule(ctx context.Context, c *call) (any, error) {
	var in ruleIn
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	r, err := s.svc.SipMedia.UpdateSipRule(ctx, c.caller, in.SipRuleId, chimevoice.SipRuleUpdate{Name: in.Name, Disabled: in.Disabled, Targets: in.targets()})
	if err != nil {
		return nil, err
	}
	return sipRuleOutput(r), nil
}

func (s *Server) registerTags() {
	s.handle("TagResource", s.tagResource)
	s.handle("UntagResource", s.untagResource)
	s.handle("ListTagsForResource", s.listTagsForResource)
}

type tagsIn struct {
	ResourceARN string
	Tags        []tagIn
	TagKeys     []string
}

func (s *Server) tagResource(ctx context.Context, c *call) (any, error) {
	var in tagsIn
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return nil, s.svc.Tags.TagResource(ctx, c.caller, in.ResourceARN, tags(in.Tags))
}

func (s *Server) untagResource(ctx context.Context, c *call) (any, error) {
	var in tagsIn
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	return nil, s.svc.Tags.UntagResource(ctx, c.caller, in.ResourceARN, in.TagKeys)
}

func (s *Server) listTagsForResource(ctx context.Context, c *call) (any, error) {
	var in tagsIn
	if err := c.decode(&in); err != nil {
		return nil, err
	}
	ts, err := s.svc.Tags.ListTagsForResource(ctx, c.caller, in.ResourceARN)
	if err != nil {
		return nil, err
	}
	return struct{ Tags []tagIn }{convert(ts, func(t chimevoice.Tag) tagIn { return tagIn(t) })}, nil
}
