package portal_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"entgo.io/ent/dialect"
	"github.com/stretchr/testify/require"

	"github.com/kith-health/kith/ent/invoice"
	"github.com/kith-health/kith/ent/payment"
	"github.com/kith-health/kith/kithtest"
	"github.com/kith-health/kith/pulid"
	"github.com/kith-health/kith/viewer"
)

// await is the next value of ch, failing the test after a generous minute.
func await[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(time.Minute):
		require.FailNow(t, "timed out", "waiting for %s", what)
		var zero T
		return zero
	}
}

// payments counts the payments of status in the practice.
func (f *billingFamily) payments(t *testing.T, status payment.Status) int {
	t.Helper()
	return f.db.Client.Payment.Query().Where(payment.StatusEQ(status)).CountX(viewer.SystemContext(context.Background()))
}

// age makes the payment with key look claimed an hour ago: abandoned.
func (f *billingFamily) age(t *testing.T, key string) {
	t.Helper()
	q := "UPDATE payments SET created_at = ? WHERE idempotency_key = ?"
	if f.db.Dialect == dialect.Postgres {
		q = "UPDATE payments SET created_at = $1 WHERE idempotency_key = $2"
	}
	_, err := f.db.SQL.Exec(q, time.Now().Add(-time.Hour), key)
	require.NoError(t, err)
}

// anotherWriteGoesOn has staff create a client, which must succeed while
// something is under way (on SQLite, a held write lock makes it wait out the
// busy timeout and fail).
func (f *billingFamily) anotherWriteGoesOn(t *testing.T, while string) {
	t.Helper()
	wrote := make(chan kithtest.Response, 1)
	go func() {
		wrote <- f.api.Do(f.p.Token, `mutation { createClient(input: {firstName: "Ari", lastName: "Lee", email: "ari@example.com"}) { id } }`, nil)
	}()
	rsp := await(t, wrote, "another write while "+while)
	require.Empty(t, rsp.Errors, "another write failed while "+while)
}

// TestPaymentHoldsNoWriteLock: while the provider takes its time over a
// charge, other mutations write and answer (on SQLite, whose one write lock
// the payment used to hold across the charge, they waited, then failed),
// and a second payment of the invoice with another key is refused at once
// rather than charged.
func TestPaymentHoldsNoWriteLock(t *testing.T) {
	t.Parallel()
	f := billingSetup(t)
	charging, release := f.api.Payments.Hold()
	defer release()
	paid := make(chan kithtest.Response, 1)
	go func() {
		paid <- f.api.Acting(f.sam).Do(f.patS, payMutation, pay(f.samInv, "first", map[string]any{"token": "tok_visa"}))
	}()
	await(t, charging, "the charge to reach the provider")

	f.anotherWriteGoesOn(t, "a charge is under way")

	second := make(chan kithtest.Response, 1)
	go func() {
		second <- f.api.Acting(f.sam).Do(f.patS, payMutation, pay(f.samInv, "second", map[string]any{"token": "tok_mastercard"}))
	}()
	rsp := await(t, second, "a second payment of the invoice")
	require.Len(t, rsp.Errors, 1)
	e := rsp.Errors[0]
	require.Equal(t, "CONFLICT", e.Code())
	require.Equal(t, "invoiceId", e.Field())
	require.Contains(t, e.Message, "already in progress")
	require.Equal(t, 1, f.payments(t, payment.StatusPending))
	// Nor may staff void it meanwhile.
	e = f.api.Fail(f.p.Token, `mutation($id: ID!) { voidInvoice(id: $id) { id } }`, map[string]any{"id": f.samInv})
	require.Equal(t, "BAD_USER_INPUT", e.Code())
	require.Contains(t, e.Message, "being paid")

	release()
	rsp = await(t, paid, "the payment to finish")
	require.Empty(t, rsp.Errors)
	require.Contains(t, string(rsp.Data), `"status":"SUCCEEDED"`)
	require.Len(t, f.api.Payments.Charges(), 1)
	require.Equal(t, 0, f.payments(t, payment.StatusPending))
	require.Equal(t, 1, f.payments(t, payment.StatusSucceeded))
}

// TestPaymentResumesWithItsKey: when the provider's answer is lost after it
// took the money (as when kith stops between the charge and recording it),
// the payment stays PENDING and the invoice OPEN; a retry with the same key
// asks the provider again with the same idempotency key and finishes it,
// without a second charge.
func TestPaymentResumesWithItsKey(t *testing.T) {
	t.Parallel()
	f := billingSetup(t)
	card := f.addCard(t, f.patS, f.sam, "tok_visa")
	f.api.Payments.LoseAnswers(errors.New("connection reset by peer"))
	e := f.api.Acting(f.sam).Fail(f.patS, payMutation, pay(f.samInv, "k", map[string]any{"cardId": card}))
	require.Equal(t, "INTERNAL", e.Code())
	require.NotContains(t, e.Message, "reset")
	require.Len(t, f.api.Payments.Charges(), 1)
	require.Equal(t, 1, f.payments(t, payment.StatusPending))
	inv := f.db.Client.Invoice.GetX(viewer.SystemContext(context.Background()), pulid.ID(f.samInv))
	require.Equal(t, invoice.StatusOpen, inv.Status)

	// Another key meanwhile is told a payment is under way.
	e = f.api.Acting(f.sam).Fail(f.patS, payMutation, pay(f.samInv, "other", map[string]any{"token": "tok_visa"}))
	require.Equal(t, "CONFLICT", e.Code())
	require.Equal(t, "invoiceId", e.Field())

	f.api.Payments.LoseAnswers(nil)
	var out paid
	f.api.Acting(f.sam).OK(f.patS, payMutation, pay(f.samInv, "k", map[string]any{"cardId": card}), &out)
	require.Equal(t, "SUCCEEDED", out.PayPortalInvoice.Status)
	require.Equal(t, "PAID", out.PayPortalInvoice.Invoice.Status)
	require.Equal(t, "4242", out.PayPortalInvoice.CardLast4)
	require.Len(t, f.api.Payments.Charges(), 1)
	require.Equal(t, 0, f.payments(t, payment.StatusPending))
}

// TestAbandonedPaymentIsResumed: a PENDING payment nobody retried is
// finished by the next attempt to pay its invoice, once PendingLease has
// passed: one that went through makes the invoice PAID (and the new
// attempt is told so, with no second charge); one declined lets the new
// attempt pay.
func TestAbandonedPaymentIsResumed(t *testing.T) {
	t.Parallel()

	t.Run("it went through", func(t *testing.T) {
		t.Parallel()
		f := billingSetup(t)
		f.api.Payments.LoseAnswers(errors.New("timeout"))
		f.api.Acting(f.sam).Fail(f.patS, payMutation, pay(f.samInv, "gone", map[string]any{"token": "tok_visa"}))
		f.api.Payments.LoseAnswers(nil)
		f.age(t, "gone")
		// Staff are told what settles it rather than to wait.
		e := f.api.Fail(f.p.Token, `mutation($id: ID!) { voidInvoice(id: $id) { id } }`, map[string]any{"id": f.samInv})
		require.Equal(t, "BAD_USER_INPUT", e.Code())
		require.Contains(t, e.Message, "never confirmed")
		e = f.api.Acting(f.sam).Fail(f.patS, payMutation, pay(f.samInv, "new", map[string]any{"token": "tok_mastercard"}))
		require.Equal(t, "invoiceId", e.Field())
		require.Contains(t, e.Message, "already paid")
		require.Len(t, f.api.Payments.Charges(), 1)
		require.Equal(t, 1, f.payments(t, payment.StatusSucceeded))
		require.Equal(t, 0, f.payments(t, payment.StatusPending))
	})

	t.Run("it was declined", func(t *testing.T) {
		t.Parallel()
		f := billingSetup(t)
		f.api.Payments.LoseAnswers(errors.New("timeout"))
		f.api.Acting(f.sam).Fail(f.patS, payMutation, pay(f.samInv, "gone", map[string]any{"token": "tok_insufficient_funds"}))
		f.api.Payments.LoseAnswers(nil)
		f.age(t, "gone")
		var out paid
		f.api.Acting(f.sam).OK(f.patS, payMutation, pay(f.samInv, "new", map[string]any{"token": "tok_visa"}), &out)
		require.Equal(t, "SUCCEEDED", out.PayPortalInvoice.Status)
		require.Len(t, f.api.Payments.Charges(), 2)
		require.Equal(t, 1, f.payments(t, payment.StatusFailed))
		require.Equal(t, 0, f.payments(t, payment.StatusPending))
	})
}

// TestPayRunsAlone: payPortalInvoice commits in steps of its own, so it
// cannot share a mutation with other fields.
func TestPayRunsAlone(t *testing.T) {
	t.Parallel()
	f := billingSetup(t)
	e := f.api.Acting(f.sam).Fail(f.patS, `mutation($in: PayPortalInvoiceInput!) {
		payPortalInvoice(input: $in) { id } addPortalCard(token: "tok_visa") { id } }`,
		pay(f.samInv, "k", map[string]any{"token": "tok_visa"}))
	require.Equal(t, "BAD_USER_INPUT", e.Code())
	require.Equal(t, "payPortalInvoice", e.Field())
	require.Empty(t, f.api.Payments.Charges())
	var out struct {
		Typename string `json:"__typename"`
	}
	f.api.Acting(f.sam).OK(f.patS, `mutation($in: PayPortalInvoiceInput!) { __typename payPortalInvoice(input: $in) { id } }`,
		pay(f.samInv, "k", map[string]any{"token": "tok_visa"}), &out)
	require.Equal(t, "Mutation", out.Typename)
}

// TestCardSaveHoldsNoWriteLock: while the provider is keeping a card
// (addPortalCard) other writers go on, since the provider is asked with no
// transaction open (on SQLite, before, they waited out the busy timeout
// and failed); then the card and its activity are written together.
func TestCardSaveHoldsNoWriteLock(t *testing.T) {
	t.Parallel()
	f := billingSetup(t)
	saving, release := f.api.Payments.Hold()
	defer release()
	added := make(chan kithtest.Response, 1)
	go func() {
		added <- f.api.Acting(f.sam).Do(f.patS, `mutation($t: String!) { addPortalCard(token: $t) { id last4 } }`, map[string]any{"t": "tok_visa"})
	}()
	require.Equal(t, "tok_visa", await(t, saving, "the card to reach the provider").Token)

	f.anotherWriteGoesOn(t, "a card is being saved")

	release()
	rsp := await(t, added, "the card to be saved")
	require.Empty(t, rsp.Errors)
	require.Contains(t, string(rsp.Data), `"last4":"4242"`)
	cards, err := f.db.Client.SavedCard.Query().Count(viewer.SystemContext(context.Background()))
	require.NoError(t, err)
	require.Equal(t, 1, cards)
}
