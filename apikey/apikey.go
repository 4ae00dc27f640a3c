// Package apikey owns the organisation's API keys for integrations: their
// kith_ak_ secrets (random, shown once, stored only as a SHA-256 hash),
// creating, listing and revoking them. Who may do which is the ApiKey
// schema's privacy policy (owners create and revoke, owners and admins
// list); package auth turns a key's secret into the viewer of a request.
package apikey

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"time"

	"github.com/kith-health/kith"
	"github.com/kith-health/kith/database/transaction"
	"github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/ent/apikey"
	"github.com/kith-health/kith/ent/staff"
	"github.com/kith-health/kith/pulid"
	"github.com/kith-health/kith/viewer"
)

// Prefix marks kith API keys' secrets, so a leaked one is easy to recognise.
const Prefix = "kith_ak_"

// shownLength is how many of a secret's characters a key shows in lists:
// the prefix and four more.
const shownLength = 12

// Hash is the SHA-256 of a secret: all kith stores of it.
func Hash(secret string) []byte {
	sum := sha256.Sum256([]byte(secret))
	return sum[:]
}

// NewKey is what createApiKey asks for.
type NewKey struct {
	// Name says what the key is for; it is trimmed, 1 to 100 characters.
	Name string
	// Role is the staff role whose rights the key has: never OWNER.
	Role staff.Role
}

// Created is a new key and its secret, shown this once.
type Created struct {
	APIKey *ent.ApiKey
	Secret string
}

// Create makes a key for the viewer's organisation (owners only) and
// answers its secret. An OWNER role is a ValidationError on field role:
// a key is no person, and only people own a practice.
func Create(ctx context.Context, db *ent.Client, in NewKey) (*Created, error) {
	role, err := keyRole(in.Role)
	if err != nil {
		return nil, err
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return nil, fmt.Errorf("creating an API key: %w", err)
	}
	secret := Prefix + base64.RawURLEncoding.EncodeToString(raw)
	create := client(ctx, db).ApiKey.Create().
		SetName(in.Name).
		SetRole(role).
		SetSecretHash(Hash(secret)).
		SetPrefix(secret[:shownLength])
	if st, ok := viewer.StaffFromContext(ctx); ok {
		if id, ok := st.Person(); ok {
			create.SetCreatedByID(id)
		}
	}
	key, err := create.Save(ctx)
	if err != nil {
		return nil, err
	}
	return &Created{APIKey: key, Secret: secret}, nil
}

// keyRole is the key's role for a staff role, refusing OWNER.
func keyRole(r staff.Role) (apikey.Role, error) {
	if r == staff.RoleOwner {
		return "", kith.Invalid("role", "an API key cannot be an owner: only people own a practice; choose ADMIN, PRACTITIONER or FRONT_DESK")
	}
	role := apikey.Role(r)
	if err := apikey.RoleValidator(role); err != nil {
		return "", kith.Invalid("role", "%q is not a role an API key can have: choose ADMIN, PRACTITIONER or FRONT_DESK", string(r))
	}
	return role, nil
}

// List is the organisation's keys, newest first, revoked ones too (owners
// and admins).
func List(ctx context.Context, db *ent.Client) ([]*ent.ApiKey, error) {
	return client(ctx, db).ApiKey.Query().Order(ent.Desc(apikey.FieldID)).All(ctx)
}

// Revoke ends key id at once (owners only): the next request with it is
// unauthenticated. Revoking a revoked key answers it as it is. Another
// organisation's key is not found.
func Revoke(ctx context.Context, db *ent.Client, id pulid.ID) (*ent.ApiKey, error) {
	c := client(ctx, db)
	// The update runs the policy (owners only) even when the key is
	// already revoked, and leaves a revoked key's time as it was.
	err := c.ApiKey.Update().
		Where(apikey.ID(id), apikey.RevokedAtIsNil()).
		SetRevokedAt(time.Now().UTC()).
		Exec(ctx)
	if err != nil {
		return nil, err
	}
	return c.ApiKey.Get(ctx, id)
}

// client is the transaction's client when ctx carries one (a mutation).
func client(ctx context.Context, db *ent.Client) *ent.Client {
	return transaction.Client(ctx, db)
}
