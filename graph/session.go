package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"

	"github.com/kith-health/kith/portal"
	"github.com/kith-health/kith/viewer"
)

// signedIn is the answer of a mutation that starts a session (signIn,
// verifySignIn, claimPortalInvitation): it names the viewer it signed in.
type signedIn interface {
	SessionViewer() viewer.Viewer
}

var (
	_ signedIn = (*SignInPayload)(nil)
	_ signedIn = (*portal.Session)(nil)
)

// SessionViewer is the staff member the token signs in, as the request of
// a token would see them.
func (p *SignInPayload) SessionViewer() viewer.Viewer {
	if p == nil || p.Staff == nil {
		return nil
	}
	return viewer.Staff{OrgID: p.Staff.OrganizationID, StaffID: p.Staff.ID, Role: viewer.Role(p.Staff.Role)}
}

// sessionViewer resolves the answer of a mutation that starts a session as
// the viewer it signed in: the request came from nobody (or someone else),
// but everything the answer's types document (the session's viewer, its
// practice, the staff member's organisation and lists) is read as the new
// session would read it, through the same privacy rules. Only that answer:
// the other fields of the operation keep the request's viewer.
type sessionViewer struct{}

var _ fieldCheck = sessionViewer{}

// checkField implements fieldCheck: a field whose parent
// is a signedIn answer, and with it everything under it (children resolve
// with the context their parent's interceptors passed on), runs as the
// session's viewer.
func (sessionViewer) checkField(ctx context.Context, fc *graphql.FieldContext) (context.Context, error) {
	if fc.Parent != nil {
		if s, ok := fc.Parent.Result.(signedIn); ok {
			if v := s.SessionViewer(); v != nil {
				ctx = viewer.NewContext(ctx, v)
			}
		}
	}
	return ctx, nil
}
