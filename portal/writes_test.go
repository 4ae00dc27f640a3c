package portal_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith"
	"github.com/kith-health/kith/ent"
	"github.com/kith-health/kith/ent/form"
	"github.com/kith-health/kith/ent/invoice"
	"github.com/kith-health/kith/ent/privacy"
	"github.com/kith-health/kith/pulid"
	"github.com/kith-health/kith/schematype"
	"github.com/kith-health/kith/viewer"
)

// TestPortalInvoiceWritesArePaymentsOnly writes to invoices straight
// through ent as portal viewers: the only write allowed is the one paying
// makes, an OPEN invoice of the acting client to PAID once it has a
// succeeded payment; any other status, field or row is refused.
func TestPortalInvoiceWritesArePaymentsOnly(t *testing.T) {
	t.Parallel()
	f := billingSetup(t)
	db := f.db.Client
	alex := viewer.NewContext(context.Background(), viewer.Portal{OrgID: f.p.Org.ID, Email: "alex@stone.example", ClientID: pulid.ID(f.family.alex)})
	forbidden := func(err error, what string) {
		t.Helper()
		require.ErrorIs(t, err, privacy.Deny, what)
		require.True(t, errors.Is(err, kith.ErrForbidden), "%s: %v", what, err)
	}
	inv := pulid.ID(f.alexInv)
	forbidden(db.Invoice.UpdateOneID(inv).SetStatus(invoice.StatusVoid).Exec(alex), "a client voids its own invoice")
	forbidden(db.Invoice.UpdateOneID(inv).SetStatus(invoice.StatusPaid).Exec(alex), "a client marks its invoice paid without paying")
	forbidden(db.Invoice.UpdateOneID(inv).SetPaidAt(time.Now()).Exec(alex), "a client dates a payment")
	forbidden(db.Invoice.UpdateOneID(inv).ClearPaidAt().Exec(alex), "a client clears when it paid")
	forbidden(db.Invoice.Update().Where(invoice.ID(inv)).SetStatus(invoice.StatusPaid).Exec(alex), "several invoices at once")
	pat := viewer.NewContext(context.Background(), viewer.Portal{OrgID: f.p.Org.ID, Email: patEmail, ClientID: pulid.ID(f.sam),
		ContactID: "co_pat", LinkID: pulid.ID(f.samLink), Scopes: []string{string(schematype.PortalScopeManageBilling)}})
	forbidden(db.Invoice.UpdateOneID(pulid.ID(f.samInv)).SetStatus(invoice.StatusVoid).Exec(pat), "a billing contact voids the invoice")
	got, err := db.Invoice.Get(viewer.NewContext(context.Background(), viewer.System{OrgID: f.p.Org.ID}), inv)
	require.NoError(t, err)
	require.Equal(t, invoice.StatusOpen, got.Status, "nothing was written")

	// Paying, through the API, is the write allowed.
	var out paid
	f.api.Acting(f.family.alex).OK(f.alexS, payMutation, pay(f.alexInv, "key-1", map[string]any{"token": "tok_visa"}), &out)
	require.Equal(t, "PAID", out.PayPortalInvoice.Invoice.Status)
	require.NotNil(t, out.PayPortalInvoice.Invoice.PaidAt)
	// A paid invoice no longer changes.
	var ve *kith.ValidationError
	require.ErrorAs(t, db.Invoice.UpdateOneID(inv).SetStatus(invoice.StatusPaid).Exec(alex), &ve)
	// Another client's invoice reads as missing.
	err = db.Invoice.UpdateOneID(pulid.ID(f.kimInv)).Exec(alex)
	require.True(t, ent.IsNotFound(err), "%v", err)
}

// TestFormAnswersAreAlwaysChecked writes a form's answers without
// submitting it: the answers are checked whoever writes them, and a portal
// viewer may write nothing but a submission in its own name.
func TestFormAnswersAreAlwaysChecked(t *testing.T) {
	t.Parallel()
	f := setup(t)
	alexForm := pulid.ID(f.send(t, f.alex, "", intake("Intake")))
	db := f.db.Client
	alex := viewer.NewContext(context.Background(), viewer.Portal{OrgID: f.p.Org.ID, Email: "alex@stone.example", ClientID: pulid.ID(f.alex)})
	staff := viewer.NewContext(context.Background(), viewer.Staff{OrgID: f.p.Org.ID, StaffID: f.p.Owner.ID, Role: viewer.RoleOwner})
	bad := []schematype.Answer{{QuestionID: "colour", Value: "Green"}}
	good := []schematype.Answer{{QuestionID: "name", Value: "Alex"}, {QuestionID: "colour", Value: "Red"}, {QuestionID: "consent", Values: []string{"I agree"}}}

	err := db.Form.UpdateOneID(alexForm).SetAnswers(bad).Exec(alex)
	require.ErrorIs(t, err, privacy.Deny, "answers without submitting")
	var ve *kith.ValidationError
	err = db.Form.UpdateOneID(alexForm).SetAnswers(bad).Exec(staff)
	require.ErrorAs(t, err, &ve, "staff writing answers that do not fit the questions: %v", err)
	require.ErrorIs(t, db.Form.UpdateOneID(alexForm).SetStatus(form.StatusSubmitted).SetAnswers(good).SetSignedName("Alex Stone").
		SetSubmittedAt(time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)).Exec(alex), privacy.Deny, "a submission backdated")
	require.ErrorIs(t, db.Form.UpdateOneID(alexForm).SetStatus(form.StatusSubmitted).SetAnswers(good).SetSignedName("Alex Stone").
		SetSubmittedBy("someone@else.example").Exec(alex), privacy.Deny, "a submission in another's name")
	require.ErrorIs(t, db.Form.UpdateOneID(alexForm).SetStatus(form.StatusSubmitted).SetAnswers(good).SetSignedName("Alex Stone").
		SetSignedAt(time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)).Exec(alex), privacy.Deny, "a signature backdated")
	err = db.Form.UpdateOneID(alexForm).SetStatus(form.StatusSubmitted).AppendAnswers(bad).SetSignedName("Alex Stone").Exec(alex)
	require.ErrorAs(t, err, &ve, "appended answers are checked like answers set: %v", err)

	// Submitting, with the answers appended or set, is the write allowed.
	sub, err := db.Form.UpdateOneID(alexForm).SetStatus(form.StatusSubmitted).AppendAnswers(good).SetSignedName("Alex Stone").
		SetSubmittedBy("alex@stone.example").Save(alex)
	require.NoError(t, err)
	require.Len(t, sub.Answers, 3)
	require.NotNil(t, sub.SubmittedAt)
}
