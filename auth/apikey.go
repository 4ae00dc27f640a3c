package auth

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/kith-health/kith"
	"github.com/kith-health/kith/apikey"
	"github.com/kith-health/kith/ent"
	entapikey "github.com/kith-health/kith/ent/apikey"
	"github.com/kith-health/kith/viewer"
)

// lastUseEvery is how often a key's last_used_at is written at most: once
// a minute, so a busy integration does not write on every request.
const lastUseEvery = time.Minute

// authenticateKey returns the viewer an API key's secret stands for: its
// organisation and role, with no staff member. It is ErrUnauthenticated
// when the key is unknown or revoked. It costs one statement, and one
// more at most once a minute to record the key's use.
func (s *Service) authenticateKey(ctx context.Context, secret string) (viewer.Staff, error) {
	hash := apikey.Hash(secret)
	sys := viewer.SystemContext(ctx)
	key, err := s.client.ApiKey.Query().
		Where(
			entapikey.SecretHash(hash),
			entapikey.RevokedAtIsNil(),
		).
		Select(entapikey.FieldID, entapikey.FieldOrganizationID, entapikey.FieldName, entapikey.FieldRole, entapikey.FieldLastUsedAt).
		Only(sys)
	if ent.IsNotFound(err) {
		return viewer.Staff{}, kith.ErrUnauthenticated
	}
	if err != nil {
		return viewer.Staff{}, fmt.Errorf("authenticating an API key: %w", err)
	}
	now := time.Now().UTC()
	if key.LastUsedAt == nil || key.LastUsedAt.Before(now.Add(-lastUseEvery)) {
		s.recordUse(sys, key, now)
	}
	return viewer.Staff{
		OrgID: key.OrganizationID, Role: viewer.Role(key.Role), TokenHash: hash,
		APIKeyID: key.ID, APIKeyName: key.Name,
	}, nil
}

// recordUse sets the key's last_used_at to now unless another request did
// within the last minute (the condition is the UPDATE's own, so concurrent
// requests write once). It never fails the request: a failure is logged.
func (s *Service) recordUse(ctx context.Context, key *ent.ApiKey, now time.Time) {
	err := s.client.ApiKey.Update().
		Where(
			entapikey.ID(key.ID),
			entapikey.Or(entapikey.LastUsedAtIsNil(), entapikey.LastUsedAtLT(now.Add(-lastUseEvery))),
		).
		SetLastUsedAt(now).
		Exec(ctx)
	if err != nil {
		slog.WarnContext(ctx, "recording an API key's use", "api_key", key.ID, "error", err)
	}
}

// keyStillValid is StillValid for an API key: it is unrevoked, in the same
// organisation, with the same role.
func (s *Service) keyStillValid(ctx context.Context, v viewer.Staff) error {
	n, err := s.client.ApiKey.Query().
		Where(
			entapikey.ID(v.APIKeyID),
			entapikey.OrganizationID(v.OrgID),
			entapikey.RoleEQ(entapikey.Role(v.Role)),
			entapikey.SecretHash(v.TokenHash),
			entapikey.RevokedAtIsNil(),
		).
		Count(viewer.SystemContext(ctx))
	if err != nil {
		return fmt.Errorf("checking an API key again: %w", err)
	}
	if n == 0 {
		return kith.ErrUnauthenticated
	}
	return nil
}
