package graph

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// CodePersistedQueryNotFound is the code of the answer to a persisted
// query's hash that the server does not know: clients of the automatic
// persisted queries protocol (Apollo's among them) send the query again
// with its hash when they read it.
const CodePersistedQueryNotFound = "PERSISTED_QUERY_NOT_FOUND"

// persistedQuery is automatic persisted queries, in place of gqlgen's
// extension.AutomaticPersistedQuery, whose messages were not sentences: a
// request whose extensions.persistedQuery is {"version": 1, "sha256Hash":
// h} runs the query cached under h when it sends none, and caches it under
// h when it sends one whose SHA-256 is h.
type persistedQuery struct{ cache graphql.Cache[string] }

var _ interface {
	graphql.HandlerExtension
	graphql.OperationParameterMutator
} = persistedQuery{}

// ExtensionName implements graphql.HandlerExtension.
func (persistedQuery) ExtensionName() string { return "KithPersistedQueries" }

// Validate implements graphql.HandlerExtension.
func (persistedQuery) Validate(graphql.ExecutableSchema) error { return nil }

// MutateOperationParameters implements graphql.OperationParameterMutator.
func (a persistedQuery) MutateOperationParameters(ctx context.Context, p *graphql.RawParams) *gqlerror.Error {
	raw, ok := p.Extensions["persistedQuery"]
	if !ok || raw == nil {
		return nil
	}
	const field = "extensions.persistedQuery"
	ext, ok := raw.(map[string]any)
	if !ok {
		return persistedError(field, "extensions.persistedQuery must be an object holding version 1 and sha256Hash, the query's SHA-256 in hexadecimal")
	}
	if v := ext["version"]; v != json.Number("1") && v != 1.0 {
		return persistedError(field+".version", "extensions.persistedQuery.version must be 1, the only version kith knows")
	}
	hash, ok := ext["sha256Hash"].(string)
	if !ok || len(hash) != 2*sha256.Size {
		return persistedError(field+".sha256Hash", "extensions.persistedQuery.sha256Hash must be the query's SHA-256, 64 hexadecimal digits")
	}
	if p.Query == "" {
		if p.Query, ok = a.cache.Get(ctx, hash); !ok {
			return &gqlerror.Error{
				Message:    "kith does not know this persisted query, or no longer keeps it; send it again with its query",
				Extensions: map[string]any{"code": CodePersistedQueryNotFound, "field": field + ".sha256Hash"},
			}
		}
		return nil
	}
	sum := sha256.Sum256([]byte(p.Query))
	if hex.EncodeToString(sum[:]) != hash {
		return persistedError(field+".sha256Hash", "extensions.persistedQuery.sha256Hash is not the SHA-256 of the query; hash the query's exact text, in lowercase hexadecimal")
	}
	a.cache.Add(ctx, hash, p.Query)
	return nil
}

func persistedError(field, message string) *gqlerror.Error {
	return &gqlerror.Error{Message: message, Extensions: map[string]any{"code": CodeBadRequest, "field": field}}
}
