package booking

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/kith-health/kith"
	"github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/ent/organization"
	"github.com/kith-health/kith/ent/service"
	"github.com/kith-health/kith/pulid"
	"github.com/kith-health/kith/viewer"
)

// publicContext reads as kith itself confined to organisation orgID: what
// the widget may read is then decided here, not by the caller's viewer
// (a visitor, a portal user or staff of any practice).
func publicContext(ctx context.Context, orgID pulid.ID) context.Context {
	return viewer.NewContext(ctx, viewer.System{OrgID: orgID})
}

// OrganizationBySlug finds the organisation the widget names by its slug,
// for anyone. An unknown slug is a NotFoundError on "organization".
func OrganizationBySlug(ctx context.Context, db *ent.Client, slug string) (*ent.Organization, error) {
	slug = strings.ToLower(strings.TrimSpace(slug))
	org, err := db.Organization.Query().Where(organization.Slug(slug)).Only(viewer.SystemContext(ctx))
	if ent.IsNotFound(err) {
		return nil, &kith.NotFoundError{Field: "organization", ID: pulid.ID(slug)}
	}
	if err != nil {
		return nil, fmt.Errorf("finding organisation %q: %w", slug, err)
	}
	return org, nil
}

// PublicSlots answers the widget's availableSlots for anyone: q's service
// must belong to the organisation with slug, be bookable online and not
// archived (any other reads as not found), and the notice rules always
// apply. q.OrgID and q.AsStaff are set here; a zero q.Now is the current
// time. It runs two statements: the service with its organisation and its
// practitioners (withPractice, found by slug), and their schedules; a
// third, the organisation by slug, only when no service is found, to say
// which of the two is unknown.
func PublicSlots(ctx context.Context, db *ent.Client, slug string, q Query) ([]Slot, error) {
	slug = strings.ToLower(strings.TrimSpace(slug))
	// As kith itself, as OrganizationBySlug reads: the join on the slug
	// confines the service to that organisation.
	svc, err := db.Service.Query().
		Where(service.ID(q.ServiceID), service.BookableOnline(true), service.ArchivedAtIsNil(), withPractice(slug)).
		Select(slotServiceFields...).
		Only(viewer.SystemContext(ctx))
	if ent.IsNotFound(err) {
		if _, err := OrganizationBySlug(ctx, db, slug); err != nil {
			return nil, err
		}
		return nil, &kith.NotFoundError{Field: "serviceId", ID: q.ServiceID}
	}
	if err != nil {
		return nil, fmt.Errorf("reading service %s: %w", q.ServiceID, err)
	}
	org, err := practiceOf(svc)
	if err != nil {
		return nil, err
	}
	ctx = publicContext(ctx, org.ID)
	q.OrgID, q.AsStaff, q.Ignore = org.ID, false, nil
	if q.Now.IsZero() {
		q.Now = time.Now()
	}
	loc, err := q.location()
	if err != nil {
		return nil, err
	}
	return slotsOf(ctx, db, org, svc, q, loc)
}
