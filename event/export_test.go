package event

import (
	"context"

	"github.com/kith-health/kith/pulid"
)

// Attempt makes one attempt of delivery id, as its job does.
func (s *Service) Attempt(ctx context.Context, id pulid.ID) error { return s.attempt(ctx, id) }
