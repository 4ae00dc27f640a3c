package booking

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/kith-health/kith"
	"github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/ent/location"
	"github.com/kith-health/kith/ent/service"
	"github.com/kith-health/kith/ent/servicepractitioner"
	"github.com/kith-health/kith/ent/staff"
	"github.com/kith-health/kith/pulid"
	"github.com/kith-health/kith/schematype"
)

// ServiceList says which services Services returns and what it reads with
// them, so a list costs the same number of statements whatever its length.
type ServiceList struct {
	// IncludeArchived: archived services too.
	IncludeArchived bool
	// Practitioners: every service's practitioners too, in two statements
	// for all (the links, then the staff); PractitionersOf answers from them.
	Practitioners bool
	// Rules: the organisation too, in one statement; RulesOf answers from it.
	Rules bool
}

// Services returns the services of the viewer's organisation by name, with
// what list asks for.
func Services(ctx context.Context, db *ent.Client, list ServiceList) ([]*ent.Service, error) {
	q := db.Service.Query().Order(service.ByName(), service.ByID())
	if !list.IncludeArchived {
		q.Where(service.ArchivedAtIsNil())
	}
	if list.Practitioners {
		q.WithPractitionerLinks(func(q *ent.ServicePractitionerQuery) { q.WithStaff() })
	}
	if list.Rules {
		q.WithOrganization()
	}
	rows, err := q.All(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading services: %w", err)
	}
	return rows, nil
}

// PractitionersOf returns who gives svc, active or not, by name: from what
// Services read with it, or read now.
func PractitionersOf(ctx context.Context, db *ent.Client, svc *ent.Service) ([]*ent.Staff, error) {
	links, err := svc.Edges.PractitionerLinksOrErr()
	if err != nil {
		return Practitioners(ctx, db, svc.ID)
	}
	out := make([]*ent.Staff, 0, len(links))
	for _, l := range links {
		p, err := l.Edges.StaffOrErr()
		if ent.IsNotLoaded(err) {
			return Practitioners(ctx, db, svc.ID)
		}
		if p != nil { // nil: a staff member the viewer may not read
			out = append(out, p)
		}
	}
	slices.SortFunc(out, func(a, b *ent.Staff) int { return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID)) })
	return out, nil
}

// RulesOf returns the booking rules that apply to svc, with its
// organisation's as Services read it, or read now.
func RulesOf(ctx context.Context, svc *ent.Service) (Rules, error) {
	org, err := svc.Edges.OrganizationOrErr()
	if err != nil {
		if org, err = svc.QueryOrganization().Only(ctx); err != nil {
			return Rules{}, fmt.Errorf("reading the organisation of service %s: %w", svc.ID, err)
		}
	}
	return Effective(org, svc), nil
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
	// PracticeLocation is the location the service is given at, when it
	// has an active one.
	PracticeLocation *ent.Location
	Practitioners    []Practitioner
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
		WithPracticeLocation(func(q *ent.LocationQuery) { q.Where(location.Active(true)) }).
		WithPractitionerLinks(func(q *ent.ServicePractitionerQuery) {
			q.WithStaff(func(q *ent.StaffQuery) { q.Where(staff.Active(true)).Select(staff.FieldID, staff.FieldName) })
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
			PracticeLocation: s.Edges.PracticeLocation, Practitioners: []Practitioner{},
		}
		for _, l := range s.Edges.PractitionerLinks {
			if p := l.Edges.Staff; p != nil {
				out[i].Practitioners = append(out[i].Practitioners, Practitioner{ID: p.ID, Name: p.Name})
			}
		}
		slices.SortFunc(out[i].Practitioners, func(a, b Practitioner) int {
			return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID))
		})
	}
	return out, nil
}

// Practitioners returns who gives service svcID, active or not, by name.
func Practitioners(ctx context.Context, db *ent.Client, svcID pulid.ID) ([]*ent.Staff, error) {
	rows, err := db.ServicePractitioner.Query().Where(servicepractitioner.ServiceID(svcID)).
		QueryStaff().Order(staff.ByName(), staff.ByID()).All(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading the practitioners of service %s: %w", svcID, err)
	}
	return rows, nil
}

// SetPractitioners makes staffIDs (staff of the viewer's organisation)
// exactly those who give service svcID. Call it with a transaction's client.
// An unknown ID is a NotFoundError on "practitionerIds.N".
func SetPractitioners(ctx context.Context, db *ent.Client, svcID pulid.ID, staffIDs []pulid.ID) error {
	staffIDs = schematype.Dedupe(staffIDs)
	found, err := db.Staff.Query().Where(staff.IDIn(staffIDs...)).IDs(ctx)
	if err != nil {
		return fmt.Errorf("reading practitioners: %w", err)
	}
	for i, id := range staffIDs {
		if !slices.Contains(found, id) {
			return &kith.NotFoundError{Field: fmt.Sprintf("practitionerIds.%d", i), ID: id}
		}
	}
	if _, err := db.ServicePractitioner.Delete().Where(servicepractitioner.ServiceID(svcID)).Exec(ctx); err != nil {
		return fmt.Errorf("clearing the practitioners of service %s: %w", svcID, err)
	}
	creates := make([]*ent.ServicePractitionerCreate, len(staffIDs))
	for i, id := range staffIDs {
		creates[i] = db.ServicePractitioner.Create().SetServiceID(svcID).SetStaffID(id)
	}
	if err := db.ServicePractitioner.CreateBulk(creates...).Exec(ctx); err != nil {
		return fmt.Errorf("saving the practitioners of service %s: %w", svcID, err)
	}
	return nil
}

// WithPractitioners returns a function that, given a service just saved
// (and the error of saving it), sets its practitioners to ids when ids is
// not nil: for createService and updateService.
func WithPractitioners(ctx context.Context, db *ent.Client, ids []pulid.ID) func(*ent.Service, error) (*ent.Service, error) {
	return func(svc *ent.Service, err error) (*ent.Service, error) {
		if err != nil || ids == nil {
			return svc, err
		}
		if err := SetPractitioners(ctx, db, svc.ID, ids); err != nil {
			return nil, err
		}
		return svc, nil
	}
}
