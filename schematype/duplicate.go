package schematype

import "context"

type duplicatesKey struct{}

// WithDuplicatesAllowed returns ctx in which creating a contact whose email or
// phone matches an existing contact is allowed: the caller has said it is a
// different person.
func WithDuplicatesAllowed(ctx context.Context) context.Context {
	return context.WithValue(ctx, duplicatesKey{}, true)
}

// DuplicatesAllowed reports whether ctx came from WithDuplicatesAllowed.
func DuplicatesAllowed(ctx context.Context) bool {
	ok, _ := ctx.Value(duplicatesKey{}).(bool)
	return ok
}
