package rule

import (
	"context"
	"sync"

	"github.com/kith-health/kith/pulid"
	"github.com/kith-health/kith/viewer"
)

// WithEdgeMemo returns ctx remembering which records EdgesInOrganization
// found a system viewer can see, so that mutations run with it that link
// many rows to the same client or appointment (the notifier's copies of one
// message) check each record once. Known are records of the system viewer's
// organisation that the caller has just read and checked itself; they are
// not read again. Staff viewers are checked every time.
func WithEdgeMemo(ctx context.Context, known ...pulid.ID) context.Context {
	m := &edgeMemo{seen: map[memoEntry]bool{}}
	ctx = context.WithValue(ctx, memoKey{}, m)
	for _, id := range known {
		if m, e, ok := memoFor(ctx, id); ok {
			m.add(e)
		}
	}
	return ctx
}

type memoKey struct{}

type memoEntry struct{ org, id pulid.ID }

type edgeMemo struct {
	mu   sync.Mutex
	seen map[memoEntry]bool
}

// memoFor returns ctx's memo and the entry of id for its viewer, when ctx
// has a memo and a system viewer.
func memoFor(ctx context.Context, id pulid.ID) (*edgeMemo, memoEntry, bool) {
	m, ok := ctx.Value(memoKey{}).(*edgeMemo)
	v := viewer.FromContext(ctx)
	if !ok || v == nil || !v.IsSystem() {
		return nil, memoEntry{}, false
	}
	org, _ := v.Organization()
	return m, memoEntry{org, id}, true
}

func (m *edgeMemo) has(e memoEntry) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.seen[e]
}

func (m *edgeMemo) add(e memoEntry) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.seen[e] = true
}
