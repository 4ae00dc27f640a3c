package portal

import (
	"context"
	"sync"

	"github.com/kith-health/kith/pulid"
	"github.com/kith-health/kith/viewer"
)

// requestAccesses is what one request keeps of its portal viewer's
// accesses: the ones Authenticate read with the session, or the first
// AccessesOf read, so that the fields listing them (portalViewer.clients,
// actingFor) read them once. They are the accesses of the moment the
// request was authenticated, the ones that decided its viewer; the next
// request reads them anew.
type requestAccesses struct {
	mu      sync.Mutex
	session pulid.ID
	list    []Access
	set     bool
}

// requestKey is the context key of a request's *requestAccesses.
type requestKey struct{}

// WithRequest returns ctx ready to keep, for the one request it serves,
// the accesses of its portal viewer (Authenticate, AccessesOf). Package
// server calls it for every HTTP request; a context without it reads them
// anew each time.
func WithRequest(ctx context.Context) context.Context {
	return context.WithValue(ctx, requestKey{}, &requestAccesses{})
}

// remember keeps list as the accesses of session for the request of ctx.
func remember(ctx context.Context, session pulid.ID, list []Access) {
	r, _ := ctx.Value(requestKey{}).(*requestAccesses)
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.session, r.list, r.set = session, list, true
}

// remembered is the accesses the request of ctx keeps for session.
func remembered(ctx context.Context, session pulid.ID) ([]Access, bool) {
	r, _ := ctx.Value(requestKey{}).(*requestAccesses)
	if r == nil {
		return nil, false
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.list, r.set && r.session == session
}

// AccessesOf lists the clients the portal viewer p may act for (Accesses),
// for the client switcher: the ones its request's authentication read
// when the request keeps them (WithRequest), else read now and kept.
func (s *Service) AccessesOf(ctx context.Context, p viewer.Portal) ([]*Access, error) {
	all, ok := remembered(ctx, p.SessionID)
	if !ok {
		var err error
		if all, err = s.Accesses(ctx, p.OrgID, p.Email); err != nil {
			return nil, err
		}
		remember(ctx, p.SessionID, all)
	}
	out := make([]*Access, len(all))
	for i := range all {
		a := all[i]
		out[i] = &a
	}
	return out, nil
}
