package httpapi

import (
	"context"

	"github.com/chimevoice/chimevoice"
)

// registerSipMedia registers the operations of SIP media applications, SIP rules and tags.
func (s *Server) registerSipMedia() {
	sm := s.svc.SipMedia
	s.handle("CreateSipMediaApplication", op(s.createSipMediaApplication))
	s.handle("GetSipMediaApplication", getter("SipMediaApplicationId", sm.GetSipMediaApplication, sipMediaApplicationOutput))
	s.handle("ListSipMediaApplications", lister("SipMediaApplications", sm.ListSipMediaApplications, sipMediaApplication))
	s.handle("UpdateSipMediaApplication", op(s.updateSipMediaApplication))
	s.handle("DeleteSipMediaApplication", deleter("SipMediaApplicationId", sm.DeleteSipMediaApplication))
	s.handle("CreateSipRule", op(s.createSipRule))
	s.handle("GetSipRule", getter("SipRuleId", sm.GetSipRule, sipRuleOutput))
	s.handle("ListSipRules", op(s.listSipRules))
	s.handle("UpdateSipRule", op(s.updateSipRule))
	s.handle("DeleteSipRule", deleter("SipRuleId", sm.DeleteSipRule))
	s.handle("TagResource", op(s.tagResource))
	s.handle("UntagResource", op(s.untagResource))
	s.handle("ListTagsForResource", op(s.listTagsForResource))
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

func (s *Server) createSipMediaApplication(ctx context.Context, c chimevoice.Caller, in smaIn) (any, error) {
	return out(sipMediaApplicationOutput)(s.svc.SipMedia.CreateSipMediaApplication(ctx, c, in.input()))
}

func (s *Server) updateSipMediaApplication(ctx context.Context, c chimevoice.Caller, in smaIn) (any, error) {
	return out(sipMediaApplicationOutput)(s.svc.SipMedia.UpdateSipMediaApplication(ctx, c, in.SipMediaApplicationId, in.input()))
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

func (s *Server) createSipRule(ctx context.Context, c chimevoice.Caller, in ruleIn) (any, error) {
	r := chimevoice.SipRule{Name: in.Name, TriggerType: chimevoice.SipRuleTriggerType(in.TriggerType), TriggerValue: in.TriggerValue, Targets: in.targets()}
	if in.Disabled != nil {
		r.Disabled = *in.Disabled
	}
	return out(sipRuleOutput)(s.svc.SipMedia.CreateSipRule(ctx, c, r))
}

func (s *Server) listSipRules(ctx context.Context, c chimevoice.Caller, in struct {
	SipMediaApplicationId string
	MaxResults            int
	NextToken             string
}) (any, error) {
	return page("SipRules", sipRule)(s.svc.SipMedia.ListSipRules(ctx, c, in.SipMediaApplicationId, pageIn{in.MaxResults, in.NextToken}.page()))
}

func (s *Server) updateSipRule(ctx context.Context, c chimevoice.Caller, in ruleIn) (any, error) {
	return out(sipRuleOutput)(s.svc.SipMedia.UpdateSipRule(ctx, c, in.SipRuleId, chimevoice.SipRuleUpdate{Name: in.Name, Disabled: in.Disabled, Targets: in.targets()}))
}

type tagsIn struct {
	ResourceARN string
	Tags        []tagIn
	TagKeys     []string
}

func (s *Server) tagResource(ctx context.Context, c chimevoice.Caller, in tagsIn) (any, error) {
	return nil, s.svc.Tags.TagResource(ctx, c, in.ResourceARN, tags(in.Tags))
}

func (s *Server) untagResource(ctx context.Context, c chimevoice.Caller, in tagsIn) (any, error) {
	return nil, s.svc.Tags.UntagResource(ctx, c, in.ResourceARN, in.TagKeys)
}

func (s *Server) listTagsForResource(ctx context.Context, c chimevoice.Caller, in tagsIn) (any, error) {
	return page("Tags", func(t chimevoice.Tag) tagIn { return tagIn(t) })(withoutToken(s.svc.Tags.ListTagsForResource(ctx, c, in.ResourceARN)))
}
