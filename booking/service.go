package booking

import (
	"context"
	"fmt"
	"time"

	"github.com/kith-health/kith"
	"github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/ent/service"
	"github.com/kith-health/kith/ent/staff"
	"github.com/kith-health/kith/pulid"
)

// Services returns the services of the viewer's organisation by name,
// archived ones too when includeArchived.
func Services(ctx context.Context, db *ent.Client, includeArchived bool) ([]*ent.Service, error) {
	q := db.Service.Query().Order(service.ByName(), service.ByID())
	if !includeArchived {
		q.Where(service.ArchivedAtIsNil())
	}
	rows, err := q.All(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading services: %w", err)
	}
	return rows, nil
}

// Archive archives service id at now: it can no longer be booked, and
// appointments keep it. Archiving twice keeps the first time.
func Archive(ctx context.Context, db *ent.Client, id pulid.ID, now time.Time) (*ent.Service, error) {
	svc, err := db.Service.Get(ctx, id)
	if ent.IsNotFound(err) {
		return nil, &kith.NotFoundError{Field: "id", ID: id}
	}
	if err != nil {
		return nil, fmt.Errorf("reading service %s: %w", id, err)
	}
	if svc.ArchivedAt != nil {
		return svc, nil
	}
	svc, err = svc.Update().SetArchivedAt(now.UTC()).SetBookableOnline(false).Save(ctx)
	if err != nil {
		return nil, fmt.Errorf("archiving service %s: %w", id, err)
	}
	return svc, nil
}

// Practitioner is a practitioner as the public widget shows them.
type Practitioner struct {
	ID   pulid.ID
	Name string
}

// BookableService is a service as the public widget shows it: no staff-only
// settings, and only its active practitioners' names.
type BookableService struct {
	ID              pulid.ID
	Name            string
	Description     string
	DurationMinutes int
	PriceCents      *int
	Currency        string
	Mode            service.Mode
	Location        string
	Practitioners   []Practitioner
}

// BookableServices lists, for anyone, the services of the organisation with
// slug that are bookable online and not archived, with their practitioners.
func BookableServices(ctx context.Context, db *ent.Client, slug string) ([]BookableService, error) {
	org, err := OrganizationBySlug(ctx, db, slug)
	if err != nil {
		return nil, err
	}
	ctx = publicContext(ctx, org.ID)
	rows, err := db.Service.Query().
		Where(service.BookableOnline(true), service.ArchivedAtIsNil()).
		WithPractitioners(func(q *ent.StaffQuery) {
			q.Where(staff.Active(true)).Select(staff.FieldID, staff.FieldName).Order(staff.ByName(), staff.ByID())
		}).
		Order(service.ByName(), service.ByID()).
		All(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading bookable services: %w", err)
	}
	out := make([]BookableService, len(rows))
	for i, s := range rows {
		out[i] = BookableService{
			ID: s.ID, Name: s.Name, Description: s.Description, DurationMinutes: s.DurationMinutes,
			PriceCents: s.PriceCents, Currency: s.Currency, Mode: s.Mode, Location: s.Location,
			Practitioners: make([]Practitioner, len(s.Edges.Practitioners)),
		}
		for j, p := range s.Edges.Practitioners {
			out[i].Practitioners[j] = Practitioner{ID: p.ID, Name: p.Name}
		}
	}
	return out, nil
}
