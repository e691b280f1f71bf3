package sqlstore

import (
	"context"

	"github.com/chimevoice/chimevoice"
)

// taggable maps the resource kinds that carry tags to their tables.
var taggable = map[chimevoice.ResourceKind]string{
	chimevoice.KindVoiceConnector:      "voice_connectors",
	chimevoice.KindSipMediaApplication: "sip_media_applications",
	chimevoice.KindVoiceProfileDomain:  "voice_profile_domains",
}

// resolveARN checks that arn names a taggable resource of the account;
// inside a write transaction its row is locked (so that it is not deleted
// while tags are written for it).
func (s *Store) resolveARN(ctx context.Context, q querier, account, arn string) error {
	_, _, kind, id, ok := chimevoice.ParseARN(arn)
	table := taggable[kind]
	if !ok || table == "" {
		return chimevoice.FieldErrorf("ResourceARN", "%q is not the ARN of a Voice Connector (…:vc/<id>), SIP media application (…:sma/<id>) or voice profile domain (…:voice-profile-domain/<id>).", arn)
	}
	var got string
	err := q.queryRow(ctx, `SELECT id FROM `+table+` WHERE id = ? AND account_id = ? AND arn = ?`+s.lockClause(q), id, account, arn).Scan(&got)
	if isNoRows(err) {
		return chimevoice.Errorf(chimevoice.CodeNotFound, "The resource %s was not found.", arn)
	}
	return s.wrap(err, "resolve ARN")
}

// putTags adds or replaces tags of a resource, refusing more than
// chimevoice.MaxTags on it in all.
func (s *Store) putTags(ctx context.Context, tx *Tx, account, arn string, tags []chimevoice.Tag) error {
	if len(tags) == 0 {
		return nil
	}
	for _, t := range tags {
		if _, err := tx.exec(ctx, `INSERT INTO resource_tags (arn, account_id, tag_key, tag_value) VALUES (?, ?, ?, ?)
			ON CONFLICT (arn, tag_key) DO UPDATE SET tag_value = excluded.tag_value`, arn, account, t.Key, t.Value); err != nil {
			return err
		}
	}
	var n int
	if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM resource_tags WHERE arn = ?`, arn).Scan(&n); err != nil {
		return s.wrap(err, "count tags")
	}
	if n > chimevoice.MaxTags {
		return chimevoice.Errorf(chimevoice.CodeResourceLimitExceeded, "Tags: the resource would carry %d tags; at most %d are allowed.", n, chimevoice.MaxTags)
	}
	return nil
}

func (s *Store) deleteTags(ctx context.Context, tx *Tx, arn string) error {
	_, err := tx.exec(ctx, `DELETE FROM resource_tags WHERE arn = ?`, arn)
	return err
}

// TagResource implements chimevoice.TagService.
func (s *Store) TagResource(ctx context.Context, c chimevoice.Caller, arn string, tags []chimevoice.Tag) error {
	if err := chimevoice.CheckTags("Tags", tags); err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, tx *Tx) error {
		if err := s.resolveARN(ctx, tx, c.AccountID, arn); err != nil {
			return err
		}
		return s.putTags(ctx, tx, c.AccountID, arn, tags)
	})
}

// UntagResource implements chimevoice.TagService.
func (s *Store) UntagResource(ctx context.Context, c chimevoice.Caller, arn string, keys []string) error {
	return s.write(ctx, func(ctx context.Context, tx *Tx) error {
		if err := s.resolveARN(ctx, tx, c.AccountID, arn); err != nil {
			return err
		}
		_, err := tx.exec(ctx, `DELETE FROM resource_tags WHERE arn = ? AND `+s.d.InList("tag_key"), arn, s.d.ListArg(keys))
		return err
	})
}

// ListTagsForResource implements chimevoice.TagService.
func (s *Store) ListTagsForResource(ctx context.Context, c chimevoice.Caller, arn string) ([]chimevoice.Tag, error) {
	r := reader{s}
	if err := s.resolveARN(ctx, r, c.AccountID, arn); err != nil {
		return nil, err
	}
	tags, err := collect(ctx, s, r, "tags", func(sc scanner) (chimevoice.Tag, error) {
		var t chimevoice.Tag
		return t, sc.Scan(&t.Key, &t.Value)
	}, `SELECT tag_key, tag_value FROM resource_tags WHERE arn = ? ORDER BY tag_key`, arn)
	if tags == nil {
		tags = []chimevoice.Tag{}
	}
	return tags, err
}
