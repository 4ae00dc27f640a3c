package rule

import (
	"context"
	"fmt"

	"entgo.io/ent"
	"entgo.io/ent/entql"

	"github.com/kith-health/kith"
	"github.com/kith-health/kith/ent/privacy"
	"github.com/kith-health/kith/schematype"
	"github.com/kith-health/kith/viewer"
)

// Columns of the forms table the portal rules read.
const (
	formClient      = "client_id"
	formContact     = "contact_id"
	formStatus      = "status"
	formSubmittedBy = "submitted_by"
	formSent        = "SENT"
	formSubmitted   = "SUBMITTED"
)

// formSubmitFields are the only fields a portal viewer may write on a form:
// what submitting it gives (the form's hook stamps signed_at and
// submitted_at).
var formSubmitFields = []string{"status", "answers", "signed_name", "submitted_by", "updated_at"}

// AllowPortalFormRows lets a portal viewer read the forms it may see: with
// VIEW_FORMS (a client always has it), the forms of the client it acts for
// that are for the client, and those addressed to the viewer itself when it
// is a contact. The client sees every form of its own, including those
// addressed to its contacts; a contact never sees another contact's. What
// it may not see reads as missing; other viewers are left to the next rule.
func AllowPortalFormRows() privacy.QueryMutationRule {
	return privacy.FilterFunc(func(ctx context.Context, f privacy.Filter) error {
		p, ok := viewer.PortalFromContext(ctx)
		if !ok {
			return privacy.Skip
		}
		portalForms(p, f)
		return privacy.Allow
	})
}

// AllowPortalFormSubmit lets a portal viewer submit a form it may fill in:
// one form at a time (update one), making it SUBMITTED in the viewer's own
// name (submitted_by, when set, its email) and touching nothing but what submitting
// gives (formSubmitFields), on a form of the client it acts for that is
// still SENT, with VIEW_FORMS. A form
// addressed to a contact is filled in by that contact only; a form for the
// client by the client or any of its contacts with VIEW_FORMS. Any other
// form reads as missing (NOT_FOUND); any other write by a portal viewer is
// denied. Other viewers are left to the next rule.
func AllowPortalFormSubmit() privacy.MutationRule {
	filter := privacy.FilterFunc(func(ctx context.Context, f privacy.Filter) error {
		p, _ := viewer.PortalFromContext(ctx)
		portalForms(p, f)
		if p.AsClient() {
			f.Where(entql.FieldNil(formContact)) // the client signs its own forms, not its contacts'
		}
		f.Where(entql.FieldEQ(formStatus, formSent))
		return privacy.Allow
	})
	return privacy.MutationRuleFunc(func(ctx context.Context, m ent.Mutation) error {
		p, ok := viewer.PortalFromContext(ctx)
		if !ok {
			return privacy.Skip
		}
		if !m.Op().Is(ent.OpUpdateOne) || len(m.ClearedFields()) > 0 || !onlyFields(m, formSubmitFields) {
			return privacy.Denyf("%w", kith.ErrForbidden)
		}
		status, _ := m.Field(formStatus)
		by, named := m.Field(formSubmittedBy)
		if fmt.Sprint(status) != formSubmitted || named && fmt.Sprint(by) != p.Email {
			return privacy.Denyf("%w", kith.ErrForbidden)
		}
		return filter.EvalMutation(ctx, m)
	})
}

// portalForms narrows f to the forms p may see.
func portalForms(p viewer.Portal, f privacy.Filter) {
	client := string(p.ClientID)
	if !p.Can(string(schematype.PortalScopeViewForms)) {
		client = "" // no row matches: what it may not see reads as missing
	}
	f.Where(entql.FieldEQ(formClient, client))
	if !p.AsClient() {
		f.Where(entql.Or(entql.FieldNil(formContact), entql.FieldEQ(formContact, string(p.ContactID))))
	}
}
